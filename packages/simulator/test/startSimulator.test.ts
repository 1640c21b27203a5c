import { isDeviceId } from "@wattstream/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_START_TIME, startSimulator } from "../src/index.js";
import type { DeviceRecord, Http } from "./helpers.js";
import { FLEET, idAt, start } from "./helpers.js";

describe("startSimulator", () => {
  let h: Http;
  beforeAll(async () => {
    h = await start();
  });
  afterAll(() => h.sim.close());

  it("binds 127.0.0.1 on a free port and starts the virtual clock at the documented instant", () => {
    expect(h.sim.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(h.sim.port).toBeGreaterThan(0);
    expect(h.sim.clock.kind).toBe("virtual");
    expect(h.sim.clock.now()).toBe(DEFAULT_START_TIME);
    expect(h.sim.demoKey).toMatch(/^key_[A-Za-z0-9]{32}$/);
  });

  it("lists every device for the demo key, as valid serials", async () => {
    const { status, body } = await h.json<string[]>("/devices");
    expect(status).toBe(200);
    expect(body).toHaveLength(9);
    expect(body).toEqual(h.sim.fleet.ids());
    for (const id of body) expect(isDeviceId(id)).toBe(true);
  });

  it("serves a mixed fleet: cellular and WiFi, 3 and 6 channels, switching, three-phase", async () => {
    const records: DeviceRecord[] = [];
    for (const id of h.sim.fleet.ids()) records.push((await h.json<DeviceRecord>(`/devices/${id}`)).body);
    expect(new Set(records.map((r) => r.comms.type))).toEqual(new Set(["cellular", "wifi"]));
    expect(new Set(records.map((r) => r.channels.length))).toEqual(new Set([3, 6]));
    const switching = records.filter((r) => r.switches !== undefined);
    expect(switching.map((r) => r.model).sort()).toEqual(["3RM+3SW", "6M+3SW", "6M4+3SW", "6W+3SW"]);
    for (const r of switching) expect(r.model.endsWith("+3SW")).toBe(true);
    const three = records[FLEET.threePhase]!;
    expect(three.phases?.count).toBe(3);
    expect(three.phases?.grouping?.map((g) => g.included)).toEqual([
      [`${three.id}_C1`, `${three.id}_C2`, `${three.id}_C3`],
      [`${three.id}_C4`, `${three.id}_C5`, `${three.id}_C6`],
    ]);
    // Channel IDs are one-indexed and positional.
    for (const r of records) r.channels.forEach((c, k) => expect(c.id).toBe(`${r.id}_C${k + 1}`));
    // Optional fields are omitted, not null.
    expect("label" in records[FLEET.threeM]!).toBe(false);
    expect(JSON.stringify(records)).not.toContain("null");
  });

  it("reports lastHeardAt from the clock and a never-reported device without one", async () => {
    const live = (await h.json<DeviceRecord>(`/devices/${idAt(h.sim, FLEET.sixM)}`)).body;
    const heard = live.comms.lastHeardAt!;
    expect(heard).toBeLessThanOrEqual(h.sim.clock.now());
    expect(heard).toBeGreaterThan(h.sim.clock.now() - 30);
    expect(live.latestStatus).toBe(Math.floor(heard));
    const fresh = (await h.json<DeviceRecord>(`/devices/${idAt(h.sim, FLEET.neverReported)}`)).body;
    expect(fresh.comms.lastHeardAt).toBeUndefined();
  });

  it("serves channel categories and device models", async () => {
    const cats = await h.json<{ id: number; label: string }[]>("/devices/channel-categories");
    expect(cats.status).toBe(200);
    expect(cats.body.find((c) => c.id === 5)?.label).toBe("Solar generation");
    const models = await h.json<{ code: string; switchesCount: number }[]>("/devices/models");
    expect(models.body.find((m) => m.code === "6M+3SW")?.switchesCount).toBe(3);
  });

  it("answers CORS preflights and exposes the rate-limit headers", async () => {
    const res = await fetch(`${h.sim.baseUrl}/devices`, {
      method: "OPTIONS",
      headers: { Origin: "http://localhost:5173", "Access-Control-Request-Method": "GET" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const got = await h.get("/devices");
    expect(got.headers.get("access-control-expose-headers")).toContain("X-RateLimit-TpsRemaining");
  });
});

describe("determinism", () => {
  it("gives byte-identical responses for the same seed and different ones for another seed", async () => {
    const bodies = async (seed: number): Promise<string[]> => {
      const sim = await startSimulator({ seed, rateLimits: { tps: Infinity } });
      try {
        const auth = { headers: { Authorization: `Bearer ${sim.demoKey}` } };
        const ids = sim.fleet.ids();
        const paths = [
          "/devices",
          `/devices/${ids[0]}`,
          `/short-energy/${ids[0]}`,
          `/long-energy/${ids[5]}?fromTs=${DEFAULT_START_TIME - 86_400}&toTs=${DEFAULT_START_TIME}`,
          `/modbus/${ids[6]}/latest`,
        ];
        const out: string[] = [sim.demoKey];
        for (const p of paths) out.push(await (await fetch(sim.baseUrl + p, auth)).text());
        return out;
      } finally {
        await sim.close();
      }
    };
    const a = await bodies(42);
    const b = await bodies(42);
    const c = await bodies(43);
    expect(b).toEqual(a);
    expect(c[1]).not.toEqual(a[1]);
    expect(c[3]).not.toEqual(a[3]);
  });

  it("historyDays sets how far back every device's data reaches (10 days by default); a negative one is refused", async () => {
    const DAY = 86_400;
    const firsts = async (historyDays?: number): Promise<number[]> => {
      const sim = await startSimulator({ rateLimits: { tps: Infinity }, ...(historyDays === undefined ? {} : { historyDays }) });
      try {
        const auth = { headers: { Authorization: `Bearer ${sim.demoKey}` } };
        const ids = sim.fleet.ids().slice(0, 3);
        return await Promise.all(
          ids.map(async (id) => ((await (await fetch(`${sim.baseUrl}/long-energy/${id}/first`, auth)).json()) as { timestamp: number }).timestamp),
        );
      } finally {
        await sim.close();
      }
    };
    for (const [days, ts] of [
      [10, await firsts()],
      [31, await firsts(31)],
    ] as const) {
      for (const t of ts) {
        expect(t).toBeLessThanOrEqual(DEFAULT_START_TIME - days * DAY);
        expect(t).toBeGreaterThan(DEFAULT_START_TIME - (days + 1) * DAY);
      }
    }
    await expect(startSimulator({ historyDays: -1 })).rejects.toThrow(/historyDays/);
  });

  it("close() stops the server", async () => {
    const sim = await startSimulator();
    await sim.close();
    await expect(fetch(`${sim.baseUrl}/devices`)).rejects.toThrow();
  });
});
