// The per-call `retry` option over real HTTP against the simulator: who retries is the caller's choice, per
// call, and the count of requests that reach the network proves it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSimulator } from "@wattstream/simulator";
import type { Simulator } from "@wattstream/simulator";
import { makeClient } from "../src/index.js";
import type { ClientOptions } from "../src/index.js";
import { failure } from "./failure.js";

let sim: Simulator;
let id: string;
let requests: number;

// Counts what reaches the network (a pass-through: every request still goes to the simulator).
const counting: ClientOptions["fetch"] = (input, init) => {
  requests++;
  return fetch(input, init);
};

/** A client whose own policy retries (fast back-off, so the test takes milliseconds of real time). */
const retrying = () =>
  makeClient({
    apiKey: sim.demoKey,
    baseUrl: sim.baseUrl,
    fetch: counting,
    retry: { baseDelay: "1 millis", maxDelay: "5 millis", maxRetries: 3 },
    pacing: false,
  });

beforeAll(async () => {
  sim = await startSimulator({ seed: 11, rateLimits: { tps: Infinity } });
  id = sim.fleet.ids()[0]!;
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.faults.clear();
  requests = 0;
});

describe("per-call retry option", () => {
  it("retry: false — a 500 costs exactly one request, even on a client that retries", async () => {
    sim.faults.add({ kind: "error500", operation: "getDevice", times: 10 });
    const e = await failure(retrying().promise.getDevice(id, { retry: false }));
    expect(e._tag).toBe("ServerError");
    expect(requests).toBe(1);
  });

  it("by default the client's policy retries the same 500 (1 + maxRetries requests)", async () => {
    sim.faults.add({ kind: "error500", operation: "getDevice", times: 10 });
    const e = await failure(retrying().promise.getDevice(id));
    expect(e._tag).toBe("ServerError");
    expect(requests).toBe(4);
  });

  it("retry options replace the client's for one call: maxRetries 1 sends two requests, then succeeds", async () => {
    sim.faults.add({ kind: "error500", operation: "getDevice", times: 1 });
    const device = await retrying().promise.getDevice(id, { retry: { maxRetries: 1, baseDelay: "1 millis" } });
    expect(device.id).toBe(id);
    expect(requests).toBe(2);
  });

  it("retry options on a client made with retry: false turn retrying on for that call only", async () => {
    sim.faults.add({ kind: "error500", operation: "listDevices", times: 2 });
    const client = makeClient({ apiKey: sim.demoKey, baseUrl: sim.baseUrl, fetch: counting, retry: false, pacing: false });
    const ids = await client.promise.listDevices({ retry: { maxRetries: 2, baseDelay: "1 millis" } });
    expect(ids).toContain(id);
    expect(requests).toBe(3);
    sim.faults.add({ kind: "error500", operation: "listDevices", times: 1 });
    requests = 0;
    expect((await failure(client.promise.listDevices()))._tag).toBe("ServerError");
    expect(requests).toBe(1);
  });

  it("applies to energy reads with query options, and to each chunk of longEnergyRange", async () => {
    sim.faults.add({ kind: "error500", operation: "getShortEnergyData", times: 10 });
    const now = Math.floor(sim.clock.now());
    const e = await failure(
      retrying().promise.getShortEnergyData(id, { fromTs: now - 3600, toTs: now, convert: "kW", retry: false }),
    );
    expect(e).toMatchObject({ _tag: "ServerError", operation: "getShortEnergyData" });
    expect(requests).toBe(1);

    sim.faults.add({ kind: "error500", operation: "getLongEnergyData", times: 10 });
    requests = 0;
    const range = failure(
      retrying().promise.longEnergyRange(id, { fromTs: now - 20 * 86_400, toTs: now }, { retry: false }),
    );
    expect((await range)._tag).toBe("ServerError");
    expect(requests).toBe(1);
  });

  it("a PATCH with retry: false that meets a 500 is sent once and never read back", async () => {
    sim.faults.add({ kind: "error500", operation: "updateDevice", times: 10 });
    const e = await failure(retrying().promise.updateDevice(id, { label: "Kitchen" }, { retry: false }));
    expect(e._tag).toBe("ServerError");
    expect(requests).toBe(1);
  });
});
