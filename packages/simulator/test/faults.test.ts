import { afterEach, describe, expect, it } from "vitest";
import type { FaultLogEntry } from "../src/index.js";
import type { DeviceRecord, Http } from "./helpers.js";
import { FLEET, idAt, start } from "./helpers.js";

describe("fault injection", () => {
  let h: Http | undefined;
  afterEach(() => h?.sim.close());

  it("error500 for a route and a device, a set number of times, then recovery", async () => {
    h = await start();
    const id = idAt(h.sim, FLEET.sixM);
    const other = idAt(h.sim, FLEET.sixW);
    h.sim.faults.add({ kind: "error500", operation: "getDevice", device: id, times: 2 });
    expect((await h.get(`/devices/${other}`)).status).toBe(200);
    expect((await h.get(`/short-energy/${id}/latest`)).status).toBe(200);
    const r = await h.json<{ code: string }>(`/devices/${id}`);
    expect([r.status, r.body.code]).toEqual([500, "INTERNAL_SERVER_ERROR"]);
    expect(r.res.headers.get("X-RateLimit-TpsLimit")).not.toBeNull();
    expect((await h.get(`/devices/${id}`)).status).toBe(500);
    expect((await h.get(`/devices/${id}`)).status).toBe(200);
    expect(h.sim.faults.log.map((e) => [e.kind, e.operation, e.device, e.method])).toEqual([
      ["error500", "getDevice", id, "GET"],
      ["error500", "getDevice", id, "GET"],
    ]);
  });

  it("edgeThrottle: 429 without rate-limit headers and without an envelope", async () => {
    h = await start({ faults: [{ kind: "edgeThrottle", operation: "listDevices", times: 1 }] });
    const res = await h.get("/devices");
    expect(res.status).toBe(429);
    expect(res.headers.get("X-RateLimit-TpsLimit")).toBeNull();
    expect(res.headers.get("Retry-After")).toBeNull();
    const text = await res.text();
    expect(() => JSON.parse(text)).toThrow();
    expect((await h.get("/devices")).status).toBe(200);
  });

  it("reset destroys the connection without an answer", async () => {
    h = await start();
    h.sim.faults.add({ kind: "reset", operation: "listDevices", times: 1 });
    await expect(h.get("/devices")).rejects.toThrow();
    expect((await h.get("/devices")).status).toBe(200);
    expect(h.sim.faults.log.map((e) => e.kind)).toEqual(["reset"]);
  });

  it("truncate sends a 200 whose JSON is cut short", async () => {
    h = await start();
    h.sim.faults.add({ kind: "truncate", operation: "getDevice", times: 1 });
    const res = await h.get(`/devices/${idAt(h.sim, FLEET.sixM)}`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect(text.startsWith('{"id":')).toBe(true);
  });

  it("extraFields adds unknown fields everywhere; omitOptional leaves optional ones out", async () => {
    h = await start();
    const id = idAt(h.sim, FLEET.sixMSwitch);
    const normal = (await h.json<DeviceRecord>(`/devices/${id}`)).body;
    const remove = h.sim.faults.add({ kind: "extraFields", device: id });
    const extra = (await h.json<DeviceRecord>(`/devices/${id}`)).body;
    expect(extra["simFutureFlag"]).toBe(true);
    expect(extra.comms["simFutureFlag"]).toBe(true);
    expect((extra.channels[0] as Record<string, unknown>)["simFutureDetail"]).toBeDefined();
    const { simFutureFlag: _a, simFutureDetail: _b, ...rest } = extra;
    expect(rest.id).toBe(normal.id);
    remove();
    h.sim.faults.add({ kind: "omitOptional", operation: ["getDevice", "getLatestShortEnergyData"] });
    const slim = (await h.json<DeviceRecord>(`/devices/${id}`)).body;
    expect(slim.label).toBeUndefined();
    expect(slim.comms.lastHeardAt).toBeUndefined();
    expect(slim.channels[0]).toEqual({ id: `${id}_C1` });
    expect(slim.switches![0]).toEqual({ id: `${id}_S1`, state: normal.switches![0]!.state });
    const point = (await h.json<Record<string, unknown>>(`/short-energy/${id}/latest`)).body;
    expect(point["frequency"]).toBeUndefined();
    expect(point["eReal"]).toHaveLength(6);
  });

  it("body faults also apply to energy windows served from the response cache", async () => {
    h = await start();
    const path = `/short-energy/${idAt(h.sim, FLEET.sixM)}?fromTs=${h.sim.clock.now() - 600}&toTs=${h.sim.clock.now() - 300}`;
    const plain = await (await h.get(path)).text();
    expect(await (await h.get(path)).text()).toBe(plain);
    h.sim.faults.add({ kind: "extraFields", times: 1 });
    const extra = JSON.parse(await (await h.get(path)).text()) as Record<string, unknown>[];
    expect(extra).toHaveLength(10);
    expect(extra[0]!["simFutureFlag"]).toBe(true);
    h.sim.faults.add({ kind: "truncate", times: 1 });
    expect(await (await h.get(path)).text()).toBe(plain.slice(0, Math.floor(plain.length / 2)));
    expect(await (await h.get(path)).text()).toBe(plain);
  });

  it("legacyRateLimitHeaders sends the older trio for the daily budget instead of the six headers", async () => {
    h = await start({ rateLimits: { tps: Infinity, tpd: 50 } });
    h.sim.faults.add({ kind: "legacyRateLimitHeaders", times: 1 });
    const res = await h.get("/devices");
    expect(res.status).toBe(200);
    expect(res.headers.get("X-RateLimit-TpsLimit")).toBeNull();
    expect(res.headers.get("X-RateLimit-TpdLimit")).toBeNull();
    expect([res.headers.get("X-RateLimit-Limit"), res.headers.get("X-RateLimit-Remaining")]).toEqual(["50", "49"]);
    expect(res.headers.get("X-RateLimit-Reset")).toBe("86400");
    expect((await h.get("/devices")).headers.get("X-RateLimit-TpdRemaining")).toBe("48");
  });

  it("latency delays the answer and is logged with the request", async () => {
    h = await start();
    h.sim.faults.add({ kind: "latency", ms: 25, times: 1 });
    const t = performance.now();
    expect((await h.get("/devices/models")).status).toBe(200);
    expect(performance.now() - t).toBeGreaterThanOrEqual(20);
    const entry: FaultLogEntry = h.sim.faults.log[0]!;
    expect(entry).toMatchObject({ kind: "latency", operation: "getDeviceModels", path: "/devices/models", seq: 1 });
    expect(entry.at).toBe(h.sim.clock.now());
  });

  it("random faults are reproducible from the fault seed, and the log never holds the key", async () => {
    const run = async (faultSeed: number): Promise<number[]> => {
      const x = await start({ faultSeed, faults: [{ kind: "error500", probability: 0.3 }] });
      try {
        const out: number[] = [];
        for (let i = 0; i < 30; i++) out.push((await x.get("/devices")).status);
        expect(JSON.stringify(x.sim.faults.log)).not.toContain(x.sim.demoKey);
        expect(x.sim.faults.log).toHaveLength(out.filter((s) => s === 500).length);
        return out;
      } finally {
        await x.sim.close();
      }
    };
    const a = await run(7);
    expect(await run(7)).toEqual(a);
    expect(a.filter((s) => s === 500).length).toBeGreaterThan(2);
    expect(a.filter((s) => s === 500).length).toBeLessThan(20);
    expect(await run(8)).not.toEqual(a);
  });

  it("clear removes every rule and clearLog empties the log", async () => {
    h = await start({ faults: [{ kind: "error500" }] });
    expect((await h.get("/devices")).status).toBe(500);
    h.sim.faults.clear();
    h.sim.faults.clearLog();
    expect((await h.get("/devices")).status).toBe(200);
    expect(h.sim.faults.log).toEqual([]);
  });
});
