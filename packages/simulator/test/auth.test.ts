import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Http } from "./helpers.js";
import { FLEET, idAt, start } from "./helpers.js";

describe("keys and permissions", () => {
  let h: Http;
  beforeAll(async () => {
    h = await start();
  });
  afterAll(() => h.sim.close());

  it("401 UNAUTHORIZED for a missing or malformed key, without rate-limit headers", async () => {
    for (const header of [undefined, "Bearer", "Bearer nope", "Basic abc", `Bearer key_short`]) {
      const res = await fetch(`${h.sim.baseUrl}/devices`, header ? { headers: { Authorization: header } } : {});
      const body = (await res.json()) as { code: string; httpCode: number; message: string };
      expect([res.status, body.code, body.httpCode]).toEqual([401, "UNAUTHORIZED", 401]);
      expect(res.headers.get("X-RateLimit-TpsLimit")).toBeNull();
    }
  });

  it("403 NOT_PERMITTED for a well-formed key the service does not know; the key is never echoed", async () => {
    const unknown = `key_${"Z".repeat(32)}`;
    const res = await h.get("/devices", unknown);
    const text = await res.text();
    expect(res.status).toBe(403);
    expect(JSON.parse(text).code).toBe("NOT_PERMITTED");
    expect(text).not.toContain(unknown);
    // No budget belongs to a key the service cannot identify, so none is reported.
    expect([res.headers.get("X-RateLimit-TpsLimit"), res.headers.get("X-RateLimit-TpdLimit")]).toEqual([null, null]);
  });

  it("each key lists only its own devices; the demo key sees all", async () => {
    const { demo, readOnly, metadataWrite, configWrite } = h.sim.keys;
    expect((await h.json<string[]>("/devices", demo.key)).body).toEqual(h.sim.fleet.ids());
    for (const k of [readOnly, metadataWrite, configWrite]) {
      const listed = (await h.json<string[]>("/devices", k.key)).body;
      expect(listed).toEqual(k.devices());
      expect(listed.length).toBeLessThan(h.sim.fleet.ids().length);
    }
    expect(new Set([demo.key, readOnly.key, metadataWrite.key, configWrite.key]).size).toBe(4);
  });

  it("404 NOT_FOUND, indistinguishable from a missing device, for a device not on the key", async () => {
    const { readOnly } = h.sim.keys;
    const hidden = h.sim.fleet.ids().find((id) => !readOnly.devices().includes(id))!;
    const a = await h.json<Record<string, unknown>>(`/devices/${hidden}`, readOnly.key);
    const b = await h.json<Record<string, unknown>>(`/devices/D000000000000`, readOnly.key);
    expect([a.status, a.body["code"]]).toEqual([404, "NOT_FOUND"]);
    expect([b.status, b.body["code"]]).toEqual([404, "NOT_FOUND"]);
    expect((await h.get(`/short-energy/${hidden}/latest`, readOnly.key)).status).toBe(404);
  });

  it("403 FORBIDDEN for a write without the permission: read-only key, metadata key writing configuration", async () => {
    const { readOnly, metadataWrite } = h.sim.keys;
    const ro = readOnly.devices()[0]!;
    const r1 = await h.send("PATCH", `/devices/${ro}`, { label: "x" }, { key: readOnly.key });
    expect([r1.status, (r1.body as { code: string }).code]).toEqual([403, "FORBIDDEN"]);
    const md = metadataWrite.devices()[0]!;
    const ok = await h.send("PATCH", `/devices/${md}`, { label: "Renamed by metadata key" }, { key: metadataWrite.key });
    expect(ok.status).toBe(200);
    const cfg = await h.send(
      "PATCH",
      `/devices/${md}`,
      { channels: [{ id: `${md}_C1`, ctRating: 400 }] },
      { key: metadataWrite.key },
    );
    expect([cfg.status, (cfg.body as { code: string }).code]).toEqual([403, "FORBIDDEN"]);
    const sw = idAt(h.sim, FLEET.sixMSwitch);
    expect(metadataWrite.devices()).toContain(sw);
    const flip = await h.send("PATCH", `/devices/${sw}`, { switches: [{ id: `${sw}_S1`, state: "closed" }] }, {
      key: metadataWrite.key,
    });
    expect(flip.status).toBe(403);
  });
});
