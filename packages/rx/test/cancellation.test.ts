// Unsubscribing aborts the HTTP request in flight: transport's client over real HTTP to the simulator, with the
// simulator holding getDevice answers back so the request is still open when the subscriber leaves.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeClient } from "@wattstream/transport";
import { startSimulator } from "@wattstream/simulator";
import type { Simulator } from "@wattstream/simulator";
import { device$, shortEnergy$ } from "../src/index.js";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 4, devices: 1, rateLimits: { tps: Infinity } });
  sim.faults.add({ kind: "latency", ms: 5_000 });
});
afterAll(() => sim.close());

/** A client over the real fetch that reports when a request starts and how each one ends. */
const watchedClient = () => {
  const outcomes: Array<Promise<string>> = [];
  let started: () => void = () => undefined;
  const firstRequest = new Promise<void>((resolve) => (started = resolve));
  const client = makeClient({
    apiKey: sim.demoKey,
    baseUrl: sim.baseUrl,
    retry: false,
    fetch: (input, init) => {
      const p = fetch(input, init);
      outcomes.push(p.then((r) => `status ${r.status}`, (e: unknown) => (e instanceof Error ? e.name : "unknown")));
      started();
      return p;
    },
  });
  return { client, outcomes, firstRequest };
};

describe("cancellation", () => {
  it("aborts device$'s request in flight on unsubscribe", async () => {
    const { client, outcomes, firstRequest } = watchedClient();
    const [id] = sim.fleet.ids();
    let emitted = 0;
    const sub = device$(client, id!).subscribe(() => emitted++);
    await firstRequest;
    sub.unsubscribe();
    expect(await Promise.all(outcomes)).toEqual(["AbortError"]);
    expect(emitted).toBe(0);
  });

  it("aborts an energy stream's request in flight on unsubscribe", async () => {
    const { client, outcomes, firstRequest } = watchedClient();
    const [id] = sim.fleet.ids();
    const sub = shortEnergy$(client, id!, { fromTs: sim.clock.now() - 3600 }).subscribe();
    await firstRequest;
    sub.unsubscribe();
    expect(await Promise.all(outcomes)).toEqual(["AbortError"]);
  });
});
