import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_START_TIME } from "../src/index.js";
import type { DeviceRecord, Http, LongPoint, ShortPoint } from "./helpers.js";
import { FLEET, idAt, start } from "./helpers.js";

const HOUR = 3600;

describe("device behaviour over time", () => {
  let h: Http;
  beforeAll(async () => {
    h = await start();
  });
  afterAll(() => h.sim.close());

  it("outage: lastHeardAt stops, data is buffered, then back-filled at ~1 hour per minute after reconnect", async () => {
    const id = idAt(h.sim, FLEET.sixW);
    const t0 = h.sim.clock.now();
    h.sim.fleet.outage(id, { from: t0, to: t0 + 3 * HOUR });
    h.sim.clock.advance(HOUR);
    const silent = (await h.json<DeviceRecord>(`/devices/${id}`)).body;
    expect(silent.comms.lastHeardAt).toBeLessThanOrEqual(t0);
    const latestDuring = (await h.json<ShortPoint>(`/short-energy/${id}/latest`)).body.timestamp;
    expect(latestDuring).toBeLessThan(t0);
    const window = `fromTs=${t0}&toTs=${t0 + 3 * HOUR}`;
    expect((await h.json<LongPoint[]>(`/long-energy/${id}?${window}`)).body).toEqual([]);

    // Reconnect: live data resumes at once, the gap fills over the next three minutes.
    h.sim.clock.advance(2 * HOUR + 60);
    const back = (await h.json<DeviceRecord>(`/devices/${id}`)).body;
    expect(back.comms.lastHeardAt).toBeGreaterThanOrEqual(t0 + 3 * HOUR);
    const partial = (await h.json<LongPoint[]>(`/long-energy/${id}?${window}`)).body;
    expect(partial.length).toBeGreaterThan(6);
    expect(partial.length).toBeLessThan(18);
    expect(partial[0]!.timestamp).toBe(t0);
    const live = (await h.json<LongPoint>(`/long-energy/${id}/latest`)).body.timestamp;
    expect(live).toBeGreaterThanOrEqual(t0 + 3 * HOUR - 300);
    h.sim.clock.advance(180);
    const full = (await h.json<LongPoint[]>(`/long-energy/${id}?${window}`)).body;
    expect(full).toHaveLength(36);
  });

  it("offline devices stop advancing lastHeardAt until brought online", async () => {
    const id = idAt(h.sim, FLEET.threeM);
    h.sim.fleet.takeOffline(id);
    const heard = (await h.json<DeviceRecord>(`/devices/${id}`)).body.comms.lastHeardAt;
    h.sim.clock.advance(6 * HOUR);
    expect((await h.json<DeviceRecord>(`/devices/${id}`)).body.comms.lastHeardAt).toBe(heard);
    h.sim.fleet.bringOnline(id);
    h.sim.clock.advance(31);
    expect((await h.json<DeviceRecord>(`/devices/${id}`)).body.comms.lastHeardAt).toBeGreaterThan(heard!);
  });

  it("revise re-reports an already-sent interval with new values, consistently in short and long", async () => {
    const id = idAt(h.sim, FLEET.sixM);
    const ts = DEFAULT_START_TIME - 2 * HOUR;
    const q = `fromTs=${ts}&toTs=${ts + 300}`;
    const before = (await h.json<LongPoint[]>(`/long-energy/${id}?${q}`)).body[0]!;
    h.sim.fleet.revise(id, ts + 42);
    const after = (await h.json<LongPoint[]>(`/long-energy/${id}?${q}`)).body[0]!;
    expect(after.timestamp).toBe(before.timestamp);
    expect(after.eReal).not.toEqual(before.eReal);
    const short = (await h.json<ShortPoint[]>(`/short-energy/${id}?${q}`)).body;
    expect(short.reduce((a, p) => a + p.eReal[0]!, 0)).toBe(after.eReal[0]);
    const neighbour = (await h.json<LongPoint[]>(`/long-energy/${id}?fromTs=${ts + 300}&toTs=${ts + 600}`)).body[0]!;
    h.sim.fleet.revise(id, ts);
    expect((await h.json<LongPoint[]>(`/long-energy/${id}?fromTs=${ts + 300}&toTs=${ts + 600}`)).body[0]).toEqual(
      neighbour,
    );
  });

  it("a device can leave and join a key", async () => {
    const key = h.sim.keys.configWrite;
    const id = key.devices()[0]!;
    h.sim.fleet.removeFromKey(key.key, id);
    expect((await h.json<string[]>("/devices", key.key)).body).not.toContain(id);
    expect((await h.get(`/devices/${id}`, key.key)).status).toBe(404);
    h.sim.fleet.addToKey(key.key, id);
    expect((await h.json<string[]>("/devices", key.key)).body).toContain(id);
    expect((await h.get(`/devices/${id}`, key.key)).status).toBe(200);
  });

  it("firmware updates land at the next check-in", async () => {
    const id = idAt(h.sim, FLEET.pmc340b);
    h.sim.fleet.updateFirmware(id, "50.0.0");
    expect((await h.json<DeviceRecord>(`/devices/${id}`)).body.firmwareVersion).toBe("49.1.0");
    h.sim.clock.advance(30);
    expect((await h.json<DeviceRecord>(`/devices/${id}`)).body.firmwareVersion).toBe("50.0.0");
  });

  it("addKey creates a key over chosen devices with its own permission", async () => {
    const ids = h.sim.fleet.ids().slice(0, 2);
    const key = h.sim.fleet.addKey({ permission: "read", devices: ids });
    expect(key).toMatch(/^key_[A-Za-z0-9]{32}$/);
    expect((await h.json<string[]>("/devices", key)).body).toEqual(ids);
    expect((await h.send("PATCH", `/devices/${ids[0]}`, { label: "x" }, { key })).status).toBe(403);
  });

  it("fleet.get returns the same record as the API", async () => {
    const id = idAt(h.sim, FLEET.sixWSwitch);
    expect(h.sim.fleet.get(id)).toEqual((await h.json(`/devices/${id}`)).body);
  });
});

describe("real clock", () => {
  it("runs at `speed` from `startTime`", async () => {
    const h = await start({ clock: "real", speed: 1000, startTime: DEFAULT_START_TIME });
    try {
      expect(h.sim.clock.kind).toBe("real");
      const a = h.sim.clock.now();
      expect(a).toBeGreaterThanOrEqual(DEFAULT_START_TIME);
      h.sim.clock.advance(600);
      expect(h.sim.clock.now()).toBeGreaterThanOrEqual(a + 600);
      expect((await h.get("/devices")).status).toBe(200);
    } finally {
      await h.sim.close();
    }
  });
});
