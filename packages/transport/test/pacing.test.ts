// The wiring of pacing (its timing is resilience's TestClock tests): a first burst waits for the first answer to
// report the TPS budget, and a key spent for the day is refused client-side.
import { Effect } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator } from "@wattstream/simulator";
import type { Simulator } from "@wattstream/simulator";
import { makePacer } from "@wattstream/resilience";
import { makeClient } from "../src/index.js";
import type { ClientOptions } from "../src/index.js";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 23, devices: 30, clock: "real" });
});
afterAll(() => sim.close());

describe("pacing wiring", () => {
  it("sends one request until an answer reports the TPS budget, then up to that many", async () => {
    let inFlight = 0;
    let answered = 0;
    const concurrency: Array<{ readonly answered: number; readonly inFlight: number }> = [];
    const tracking: ClientOptions["fetch"] = async (input, init) => {
      inFlight++;
      concurrency.push({ answered, inFlight });
      try {
        return await fetch(input, init);
      } finally {
        inFlight--;
        answered++;
      }
    };
    const client = makeClient({ apiKey: sim.demoKey, baseUrl: sim.baseUrl, fetch: tracking });
    const ids = sim.fleet.ids().slice(0, 12);
    const devices = await Effect.runPromise(Effect.forEach(ids, (id) => client.getDevice(id), { concurrency: "unbounded" }));
    expect(devices).toHaveLength(12);
    // Before the first answer, never more than one request out.
    expect(concurrency.filter((c) => c.answered === 0).every((c) => c.inFlight === 1)).toBe(true);
    // The key's budget (the simulator's devices ÷ 3, rounded up, never below 5: 30 ÷ 3 = 10 per second) was
    // learnt from the headers and used: more than one request out at once after the first answer.
    expect(client.rateLimit()?.tps?.limit).toBe(10);
    expect(Math.max(...concurrency.map((c) => c.inFlight))).toBeGreaterThan(1);
  });

  it("a pacer shared by two clients shares its slots: one request out between them until the first answer", async () => {
    let inFlight = 0;
    let answered = 0;
    const concurrency: Array<{ readonly answered: number; readonly inFlight: number }> = [];
    const tracking: ClientOptions["fetch"] = async (input, init) => {
      concurrency.push({ answered, inFlight: ++inFlight });
      try {
        return await fetch(input, init);
      } finally {
        inFlight--;
        answered++;
      }
    };
    const pacer = await Effect.runPromise(makePacer());
    const a = makeClient({ apiKey: sim.demoKey, baseUrl: sim.baseUrl, fetch: tracking, pacing: pacer });
    const b = makeClient({ apiKey: sim.demoKey, baseUrl: sim.baseUrl, fetch: tracking, pacing: pacer });
    const ids = sim.fleet.ids().slice(18, 26);
    await Effect.runPromise(
      Effect.forEach(ids, (id, i) => (i % 2 === 0 ? a : b).getDevice(id), { concurrency: "unbounded" }),
    );
    expect(concurrency.length).toBeGreaterThanOrEqual(8);
    expect(concurrency.filter((c) => c.answered === 0)).toEqual([{ answered: 0, inFlight: 1 }]);
    expect((await Effect.runPromise(pacer.snapshot)).tpsSlots).toBe(10);
  });

  it("pacing: false sends the whole burst at once", async () => {
    let inFlight = 0;
    let most = 0;
    const tracking: ClientOptions["fetch"] = async (input, init) => {
      most = Math.max(most, ++inFlight);
      try {
        return await fetch(input, init);
      } finally {
        inFlight--;
      }
    };
    const client = makeClient({ apiKey: sim.demoKey, baseUrl: sim.baseUrl, fetch: tracking, pacing: false, retry: false });
    const ids = sim.fleet.ids().slice(12, 18);
    await Effect.runPromise(Effect.forEach(ids, (id) => Effect.result(client.getDevice(id)), { concurrency: "unbounded" }));
    expect(most).toBe(6);
  });
});
