import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeviceRecord, Http } from "./helpers.js";
import { FLEET, idAt, start } from "./helpers.js";

interface Multi {
  errors: { code: string; httpCode: number; message: string }[];
}

describe("PATCH /devices/{id}", () => {
  let h: Http;
  let id: string;
  let sw: string;
  beforeAll(async () => {
    h = await start();
    id = idAt(h.sim, FLEET.sixM);
    sw = idAt(h.sim, FLEET.sixMSwitch);
  });
  afterAll(() => h.sim.close());

  it("applies labels at once and returns the device record", async () => {
    const r = await h.send("PATCH", `/devices/${id}`, {
      label: "Main switchboard",
      timezone: "Australia/Melbourne",
      channels: [{ id: `${id}_C3`, label: "Kitchen", categoryId: 10 }],
    });
    expect(r.status).toBe(200);
    const rec = r.body as DeviceRecord;
    expect(rec.label).toBe("Main switchboard");
    expect(rec.timezone).toBe("Australia/Melbourne");
    expect(rec.channels[2]).toMatchObject({ label: "Kitchen", categoryId: 10, categoryLabel: "Lighting" });
    expect((await h.json<DeviceRecord>(`/devices/${id}`)).body.label).toBe("Main switchboard");
  });

  it("takes only IANA time zone names: a UTC offset (which Intl would accept) is 422, the zone unchanged", async () => {
    const before = (await h.json<DeviceRecord>(`/devices/${id}`)).body.timezone;
    for (const timezone of ["+10:00", "-0500", "Mars/Olympus"]) {
      const r = await h.send("PATCH", `/devices/${id}`, { timezone });
      expect([timezone, r.status, (r.body as Multi).errors[0]?.code]).toEqual([timezone, 422, "UNPROCESSABLE_ENTITY"]);
    }
    expect((await h.json<DeviceRecord>(`/devices/${id}`)).body.timezone).toBe(before);
    expect((await h.send("PATCH", `/devices/${id}`, { timezone: "Etc/GMT-10" })).status).toBe(200);
  });

  it("accepts read-modify-PATCH of the whole record: read-only fields are ignored", async () => {
    const before = (await h.json<DeviceRecord>(`/devices/${id}`)).body;
    const r = await h.send("PATCH", `/devices/${id}`, {
      ...before,
      model: "6W",
      firmwareVersion: "0.0.1",
      comms: { type: "wifi" },
      somethingNew: true,
      label: "Edited",
    });
    expect(r.status).toBe(200);
    const after = r.body as DeviceRecord;
    expect(after.model).toBe(before.model);
    expect(after.firmwareVersion).toBe(before.firmwareVersion);
    expect(after.comms.type).toBe(before.comms.type);
    expect(after.label).toBe("Edited");
    expect(after.pending).toBeUndefined();
  });

  it("collects every validation error in the multi-error envelope, status = the lowest", async () => {
    const r = await h.send("PATCH", `/devices/${id}`, {
      label: "x".repeat(65),
      channels: [
        { id: `${id}_C1`, ctRating: 100 },
        { id: `${id}_C9`, label: "nope" },
        { id: "not-an-id" },
      ],
      phases: { count: 4 },
    });
    const body = r.body as Multi;
    expect(Array.isArray(body.errors)).toBe(true);
    expect(body.errors.map((e) => e.httpCode).sort()).toEqual([400, 422, 422, 422, 422]);
    expect(r.status).toBe(400);
    const only422 = await h.send("PATCH", `/devices/${id}`, { label: "y".repeat(65) });
    expect(only422.status).toBe(422);
    expect((only422.body as Multi).errors).toEqual([
      { code: "UNPROCESSABLE_ENTITY", httpCode: 422, message: "label must be at most 64 characters." },
    ]);
    // Nothing was applied.
    expect((await h.json<DeviceRecord>(`/devices/${id}`)).body.label).toBe("Edited");
  });

  it("checks ranges: ctRating set, phases.count, contactorType, state labels ≤ 16", async () => {
    const bad = await h.send("PATCH", `/devices/${sw}`, {
      switches: [{ id: `${sw}_S1`, contactorType: "XX", closedStateLabel: "a".repeat(17), state: "half" }],
      phases: { count: 7 },
      channels: [{ id: `${sw}_C1`, ctRating: 61 }],
    });
    expect(bad.status).toBe(422);
    expect((bad.body as Multi).errors).toHaveLength(5);
  });

  it("queues configuration under pending until the device next checks in", async () => {
    const r = await h.send("PATCH", `/devices/${sw}`, {
      switches: [{ id: `${sw}_S1`, state: "closed" }],
      channels: [{ id: `${sw}_C1`, ctRating: 400 }],
    });
    expect(r.status).toBe(200);
    const rec = r.body as DeviceRecord;
    expect(rec.switches![0]).toMatchObject({ state: "open", pending: { state: "closed" } });
    expect(rec.channels[0]!.ctRating).toBe(120);
    expect(rec.pending).toEqual({ channels: [{ id: `${sw}_C1`, ctRating: 400 }] });
    const heard = rec.comms.lastHeardAt!;
    h.sim.clock.advance(1);
    const still = (await h.json<DeviceRecord>(`/devices/${sw}`)).body;
    if (still.comms.lastHeardAt === heard) expect(still.switches![0]!.state).toBe("open");
    h.sim.clock.advance(30);
    const done = (await h.json<DeviceRecord>(`/devices/${sw}`)).body;
    expect(done.comms.lastHeardAt).toBeGreaterThan(heard);
    expect(done.switches![0]!.state).toBe("closed");
    expect(done.switches![0]!.pending).toBeUndefined();
    expect(done.channels[0]!.ctRating).toBe(400);
    expect(done.pending).toBeUndefined();
  });

  it("keeps a write pending while the device is offline and converges on reconnect", async () => {
    h.sim.fleet.takeOffline(sw);
    const r = await h.send("PATCH", `/devices/${sw}`, { switches: [{ id: `${sw}_S1`, state: "open" }] });
    expect((r.body as DeviceRecord).switches![0]!.pending).toEqual({ state: "open" });
    h.sim.clock.advance(3600);
    expect((await h.json<DeviceRecord>(`/devices/${sw}`)).body.switches![0]).toMatchObject({
      state: "closed",
      pending: { state: "open" },
    });
    h.sim.fleet.bringOnline(sw);
    expect((await h.json<DeviceRecord>(`/devices/${sw}`)).body.switches![0]!.state).toBe("open");
  });

  it("rejects switching on a model without +3SW", async () => {
    const r = await h.send("PATCH", `/devices/${id}`, { switches: [{ id: `${id}_S1`, state: "closed" }] });
    expect(r.status).toBe(422);
    expect((r.body as Multi).errors[0]!.message).toContain("does not support switching");
  });

  it("changes phases through pending", async () => {
    const three = idAt(h.sim, FLEET.threePhase);
    const grouping = [{ included: [`${three}_C1`, `${three}_C2`, `${three}_C3`, `${three}_C4`] }];
    const window = `fromTs=${h.sim.clock.now() - 3600}&toTs=${h.sim.clock.now() - 3540}&filter[group]=phases`;
    const before = (await h.json<{ eReal: number[] }[]>(`/short-energy/${three}?${window}`)).body;
    expect(before[0]!.eReal).toHaveLength(2);
    const r = await h.send("PATCH", `/devices/${three}`, { phases: { count: 3, grouping } });
    expect((r.body as DeviceRecord).pending).toEqual({ phases: { count: 3, grouping } });
    h.sim.clock.advance(30);
    // Grouped data follows the live grouping, even for intervals served (and cached) before the change.
    const after = (await h.json<{ eReal: number[] }[]>(`/short-energy/${three}?${window}`)).body;
    expect(after[0]!.eReal).toHaveLength(1);
    expect((await h.json<DeviceRecord>(`/devices/${three}`)).body.phases).toEqual({ count: 3, grouping });
  });

  it("treats POST on an existing device as PATCH", async () => {
    const r = await h.send("POST", `/devices/${id}`, { label: "Posted" });
    expect(r.status).toBe(200);
    expect((r.body as DeviceRecord).label).toBe("Posted");
  });

  it("answers 405 to PUT and 400 to a non-JSON content type or body", async () => {
    const put = await h.send("PUT", `/devices/${id}`, { label: "z" });
    expect(put.status).toBe(405);
    expect(put.res.headers.get("Allow")).toContain("PATCH");
    const form = await h.send("PATCH", `/devices/${id}`, "label=z", { contentType: "application/x-www-form-urlencoded" });
    expect([form.status, (form.body as { code: string }).code]).toEqual([400, "BAD_REQUEST"]);
    const junk = await h.send("PATCH", `/devices/${id}`, "{not json", {});
    expect(junk.status).toBe(400);
    const arr = await h.send("PATCH", `/devices/${id}`, [1, 2], {});
    expect(arr.status).toBe(400);
  });
});
