// Every error code and every fault the simulator can inject, over real HTTP: each surfaces as the right
// WattwatchersError (or, with retries on, is absorbed); nothing invalid is ever sent.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSimulator } from "@wattstream/simulator";
import type { Simulator } from "@wattstream/simulator";
import { makeClient } from "../src/index.js";
import type { ClientOptions } from "../src/index.js";
import { failure } from "./failure.js";

let sim: Simulator;
let ids: ReadonlyArray<string>;
let now: number;
let requests: number;
const dev = (i: number): string => ids[i]!;

// Counts what actually reaches the network (a pass-through, not a mock: every request still goes to the simulator).
const counting: ClientOptions["fetch"] = (input, init) => {
  requests++;
  return fetch(input, init);
};

const client = (options: Partial<ClientOptions> = {}) =>
  makeClient({ apiKey: sim.demoKey, baseUrl: sim.baseUrl, retry: false, fetch: counting, ...options });

beforeAll(async () => {
  sim = await startSimulator({ seed: 5, rateLimits: { tps: Infinity } });
  ids = sim.fleet.ids();
  now = Math.floor(sim.clock.now());
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.faults.clear();
  requests = 0;
});

describe("HTTP error codes", () => {
  it("401 UNAUTHORIZED for a malformed key", async () => {
    const e = await failure(client({ apiKey: "not-a-key" }).promise.listDevices());
    expect(e).toMatchObject({ _tag: "Unauthorized", status: 401, code: "UNAUTHORIZED", operation: "listDevices" });
  });

  it("403 NOT_PERMITTED for a well-formed but unknown key", async () => {
    const e = await failure(client({ apiKey: `key_${"A".repeat(32)}` }).promise.getDevice(dev(0)));
    expect(e).toMatchObject({ _tag: "NotPermitted", status: 403, code: "NOT_PERMITTED" });
  });

  it("403 FORBIDDEN for a write with a read-only key", async () => {
    const readOnly = sim.keys.readOnly;
    const id = readOnly.devices()[0]!;
    const e = await failure(client({ apiKey: readOnly.key }).promise.updateDevice(id, { label: "x" }));
    expect(e).toMatchObject({ _tag: "Forbidden", status: 403, code: "FORBIDDEN", method: "PATCH" });
  });

  it("404 NOT_FOUND for a device the key may not see", async () => {
    const readOnly = sim.keys.readOnly;
    const hidden = ids.find((id) => !readOnly.devices().includes(id as never))!;
    const e = await failure(client({ apiKey: readOnly.key }).promise.getDevice(hidden));
    expect(e).toMatchObject({ _tag: "NotFound", status: 404, path: `/devices/${hidden}` });
  });

  it("400 BAD_REQUEST for a mistyped PATCH value", async () => {
    const e = await failure(client().promise.updateDevice(dev(1), { label: 5 } as never));
    expect(e).toMatchObject({ _tag: "BadRequest", status: 400, code: "BAD_REQUEST" });
    expect(e.errors).toHaveLength(1);
  });

  it("a multi-error PATCH keeps every entry, with the lowest status", async () => {
    const e = await failure(
      client().promise.updateDevice(dev(1), { label: 5, channels: [{ id: `${dev(1)}_C1`, ctRating: 61 }] } as never),
    );
    expect(e._tag).toBe("BadRequest");
    expect(e.status).toBe(400);
    expect(e.errors.map((x) => x.code).sort()).toEqual(["BAD_REQUEST", "UNPROCESSABLE_ENTITY"]);
    expect(e.message).toContain("(+1 more)");
  });

  it("422 UNPROCESSABLE_ENTITY for a window only the service can judge", async () => {
    // Without fromTs, long energy starts at the device's first entry (~10 days of history here), which only the
    // service knows: toTs = now makes the window longer than 7 days, refused by the service, not the client.
    const e = await failure(client().promise.getLongEnergyData(dev(0), { toTs: now }));
    expect(e).toMatchObject({ _tag: "Unprocessable", status: 422, code: "UNPROCESSABLE_ENTITY" });
  });

  it("a timestamp the service rejects (after year 3000: milliseconds, likely) is refused before sending", async () => {
    const e = await failure(client().promise.getShortEnergyData(dev(0), { fromTs: 40_000_000_000, toTs: 40_000_003_600 }));
    expect(e).toMatchObject({ _tag: "InvalidRequest", rule: "timestamp", input: "fromTs" });
  });

  it("500 INTERNAL_SERVER_ERROR surfaces as ServerError without retries", async () => {
    sim.faults.add({ kind: "error500", operation: "getDevice", times: 1 });
    const e = await failure(client().promise.getDevice(dev(0)));
    expect(e).toMatchObject({ _tag: "ServerError", status: 500, code: "INTERNAL_SERVER_ERROR" });
  });
});

describe("rate limits", () => {
  it("a TPS 429 carries scope, Retry-After and the parsed budgets", async () => {
    const limited = await startSimulator({ seed: 5, rateLimits: { tps: 5 } });
    try {
      const c = makeClient({ apiKey: limited.demoKey, baseUrl: limited.baseUrl, retry: false, pacing: false });
      // The virtual clock stands still, so the sixth request lands in the same second as the first five.
      for (let i = 0; i < 5; i++) await c.promise.getDeviceModels();
      const e = await failure(c.promise.getDeviceModels());
      if (e._tag !== "RateLimited") throw e;
      expect(e.scope).toBe("tps");
      expect(e.retryAfter).toBe(1);
      expect(e.rateLimit?.tps).toMatchObject({ limit: 5, remaining: 0 });
      expect(c.rateLimit()?.tps?.remaining).toBe(0);
    } finally {
      await limited.close();
    }
  });

  it("a TPD 429 fails fast with the reset time, and the pacer then refuses without sending", async () => {
    const key = sim.fleet.addKey({ permission: "read", devices: [dev(0)], rateLimits: { tpd: 2, tps: Infinity } });
    const c = makeClient({ apiKey: key, baseUrl: sim.baseUrl, fetch: counting, retry: { baseDelay: 1 } });
    await c.promise.getDevice(dev(0));
    await c.promise.getDevice(dev(0));
    expect(c.rateLimit()?.tpd?.remaining).toBe(0);
    expect(requests).toBe(2);
    const e = await failure(c.promise.getDevice(dev(0)));
    if (e._tag !== "RateLimited") throw e;
    expect(e.scope).toBe("tpd");
    expect(e.resetAt).toBeGreaterThan(now);
    // The daily budget is known to be spent: no request was sent, and none was retried.
    expect(requests).toBe(2);

    const unpaced = makeClient({ apiKey: key, baseUrl: sim.baseUrl, fetch: counting, pacing: false });
    const server = await failure(unpaced.promise.getDevice(dev(0)));
    expect(server).toMatchObject({ _tag: "RateLimited", scope: "tpd", code: "TOO_MANY_REQUESTS_TPD", status: 429 });
    expect(requests).toBe(3);
  });

  it("edge throttling (429 without headers or envelope) is its own scope", async () => {
    sim.faults.add({ kind: "edgeThrottle", operation: "listDevices", times: 1 });
    const e = await failure(client().promise.listDevices());
    expect(e).toMatchObject({ _tag: "RateLimited", scope: "edge", status: 429, code: undefined });
  });
});

describe("faults", () => {
  it("a reset connection is a NetworkError", async () => {
    sim.faults.add({ kind: "reset", operation: "getDevice", times: 1 });
    const e = await failure(client().promise.getDevice(dev(0)));
    expect(e).toMatchObject({ _tag: "NetworkError", status: undefined, operation: "getDevice" });
  });

  it("a truncated JSON body is a DecodeError naming the operation, the path and what was expected", async () => {
    sim.faults.add({ kind: "truncate", operation: "getDevice", times: 1 });
    const e = await failure(client().promise.getDevice(dev(0)));
    expect(e).toMatchObject({ _tag: "DecodeError", status: 200, operation: "getDevice", payloadPath: "$", expected: "a JSON body" });
  });

  it("unknown fields are kept, everywhere", async () => {
    sim.faults.add({ kind: "extraFields", times: 3 });
    const c = client();
    const device = (await c.promise.getDevice(dev(3))) as Record<string, unknown> & { channels: ReadonlyArray<object> };
    expect(device["simFutureFlag"]).toBe(true);
    expect(device["simFutureDetail"]).toEqual({ level: 1, note: expect.any(String) });
    expect((device.channels[0] as Record<string, unknown>)["simFutureFlag"]).toBe(true);
    const list = await c.promise.getShortEnergyData(dev(0), { fromTs: now - 120, toTs: now, convert: "kW" });
    expect((list as ReadonlyArray<Record<string, unknown>>)[0]!["simFutureFlag"]).toBe(true);
    const modbus = await c.promise.getLatestModbusData(dev(6));
    expect((modbus as Record<string, unknown>)["simFutureFlag"]).toBe(true);
  });

  it("omitted optional fields decode, and stay omitted", async () => {
    sim.faults.add({ kind: "omitOptional", times: 2 });
    const c = client();
    const device = await c.promise.getDevice(dev(3));
    expect(device.label).toBeUndefined();
    expect("pending" in device).toBe(false);
    expect(device.comms?.lastHeardAt).toBeUndefined();
    expect(device.channels?.[0]!.ctRating).toBeUndefined();
    const points = await c.promise.getShortEnergyData(dev(0), { fromTs: now - 120, toTs: now });
    expect((points as ReadonlyArray<Record<string, unknown>>)[0]!["frequency"]).toBeUndefined();
  });

  it("with retries on, transient faults are invisible to the caller", async () => {
    sim.faults.add({ kind: "error500", operation: "getDevice", times: 1 });
    sim.faults.add({ kind: "reset", operation: "listDevices", times: 1 });
    sim.faults.add({ kind: "edgeThrottle", operation: "getDeviceModels", times: 2 });
    // Pacing off: the pacer would (rightly) hold back a second after each edge 429; this test is about retries.
    const c = client({ retry: { baseDelay: 1, maxDelay: 5 }, pacing: false });
    sim.faults.clearLog();
    expect((await c.promise.getDevice(dev(0))).id).toBe(dev(0));
    expect(await c.promise.listDevices()).toEqual(ids);
    expect((await c.promise.getDeviceModels()).length).toBeGreaterThan(0);
    expect(sim.faults.log.map((f) => f.kind)).toEqual(["error500", "reset", "edgeThrottle", "edgeThrottle"]);
  });
});

describe("timeouts", () => {
  it("under the default (live) clock the timeout is a plain timer: Timeout, and the request is cut", async () => {
    // The rule itself is tested on virtual time (timeout.test.ts); this covers the live-clock branch of the
    // executor, which only exists under real time (100 ms against a 5 s answer).
    sim.faults.add({ kind: "latency", operation: "getDevice", ms: 5_000, times: 1 });
    const e = await failure(client({ timeout: 100 }).promise.getDevice(dev(0)));
    expect(e).toMatchObject({ _tag: "Timeout", timeoutMs: 100, operation: "getDevice", status: undefined });
  });
});

describe("validation before sending", () => {
  it("refuses bad input with InvalidRequest and sends nothing", async () => {
    const c = client();
    const cases: ReadonlyArray<readonly [Promise<unknown>, string]> = [
      [c.promise.getDevice("d123"), "device-id"],
      [c.promise.getDevice("A123456789012"), "device-id"],
      [c.promise.getShortEnergyData(dev(0), { fields: "+pf", filterGroup: "phases" }), "fields-with-phases"],
      [c.promise.getLatestShortEnergyData(dev(0), { fields: ["+pf", "timestamp"] as never }), "pf-with-timestamp"],
      [c.promise.getLongEnergyData(dev(0), { granularity: "day" }), "timezone-required"],
      [c.promise.getLongEnergyData(dev(0), { fromTs: 0, toTs: 8 * 86_400 }), "window-too-long"],
      [c.promise.getShortEnergyData(dev(0), { fromTs: now - 13 * 3600, toTs: now }), "window-too-long"],
      // One end only: the documented default fills the other (short: fromTs = now − 1 h, on the client's clock).
      [c.promise.getShortEnergyData(dev(0), { toTs: Math.floor(Date.now() / 1000) + 12 * 3600 }), "window-too-long"],
      [c.promise.getShortEnergyData(dev(0), { toTs: Math.floor(Date.now() / 1000) - 2 * 3600 }), "window-order"],
      [c.promise.getModbusData(dev(6), { fromTs: now, toTs: now - 1 }), "window-order"],
      [c.promise.updateDevice(dev(0), [] as never), "body"],
      [c.promise.updateDevice(dev(0), { n: 1n } as never), "body"],
    ];
    for (const [p, rule] of cases) {
      const e = await failure(p);
      expect(e).toMatchObject({ _tag: "InvalidRequest", rule });
    }
    expect(requests).toBe(0);
  });

  it("refuses a non-HTTPS remote base URL and a malformed key at construction", () => {
    expect(() => makeClient({ apiKey: sim.demoKey, baseUrl: "http://api.example.com" })).toThrow(/https/);
    expect(() => makeClient({ apiKey: "has space" })).toThrow(expect.objectContaining({ _tag: "InvalidRequest", rule: "api-key" }));
  });
});
