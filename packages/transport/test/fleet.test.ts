// The fleet scenario: 300 devices polled concurrently through one client against the simulator's real limits
// (TPS = devices ÷ 3 = 100 per real second). Pacing learns the budget from the first response, so no request
// is throttled, and injected transient faults are retried out of the caller's sight.
import { Effect } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator } from "@wattstream/simulator";
import type { Simulator } from "@wattstream/simulator";
import { makeClient } from "../src/index.js";
import type { ClientOptions } from "../src/index.js";

let sim: Simulator;
beforeAll(async () => {
  // A real clock: the TPS window is a real second, as at the service.
  sim = await startSimulator({ seed: 21, devices: 300, clock: "real" });
});
afterAll(() => sim.close());

describe("fleet polling", () => {
  it("300 devices, one client: zero 429s and transient faults invisible", async () => {
    const statuses: Array<number> = [];
    const recording: ClientOptions["fetch"] = async (input, init) => {
      const response = await fetch(input, init);
      statuses.push(response.status);
      return response;
    };
    sim.faults.add({ kind: "error500", operation: "getDevice", probability: 0.03 });
    sim.faults.add({ kind: "reset", operation: "getDevice", probability: 0.02 });
    const client = makeClient({ apiKey: sim.demoKey, baseUrl: sim.baseUrl, fetch: recording, retry: { baseDelay: 20 } });
    const ids = await client.promise.listDevices();
    expect(ids).toHaveLength(300);

    const devices = await Effect.runPromise(
      Effect.forEach(ids, (id) => client.getDevice(id), { concurrency: "unbounded" }),
    );

    expect(devices.map((d) => d.id)).toEqual(ids);
    expect(statuses.filter((s) => s === 429)).toEqual([]);
    expect(client.rateLimit()?.tps?.limit).toBe(100);
    // Faults really happened, and every one of them was retried away.
    const injected = sim.faults.log.map((f) => f.kind);
    expect(injected.length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 500).length).toBe(injected.filter((k) => k === "error500").length);
  });
});
