// Cancellation over real HTTP: aborting the caller's signal, or interrupting the Effect, aborts the fetch in
// flight. A pass-through fetch records what happened to the real request.
import { Effect, Exit, Fiber } from "effect";
import { it as effectIt } from "@effect/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator } from "@wattstream/simulator";
import type { Simulator } from "@wattstream/simulator";
import { makeClient } from "../src/index.js";
import type { ClientOptions } from "../src/index.js";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 9, rateLimits: { tps: Infinity } });
});
afterAll(() => sim.close());

/** A real fetch that reports when it starts and how it ends. */
const observed = () => {
  let started!: () => void;
  const inFlight = new Promise<void>((resolve) => (started = resolve));
  const outcomes: Array<Promise<string>> = [];
  const fetchFn: ClientOptions["fetch"] = (input, init) => {
    const p = fetch(input, init);
    outcomes.push(p.then((r) => `status ${r.status}`, (e: unknown) => (e instanceof Error ? e.name : "unknown")));
    started();
    return p;
  };
  return { fetchFn, inFlight, outcomes };
};

describe("cancellation", () => {
  it("aborting the signal rejects the promise with the signal's reason and aborts the request", async () => {
    sim.faults.add({ kind: "latency", operation: "getDevice", ms: 5_000, times: 1 });
    const { fetchFn, inFlight, outcomes } = observed();
    const client = makeClient({ apiKey: sim.demoKey, baseUrl: sim.baseUrl, fetch: fetchFn });
    const controller = new AbortController();
    const pending = client.promise.getDevice(sim.fleet.ids()[0]!, { signal: controller.signal });
    await inFlight;
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    expect(await Promise.all(outcomes)).toEqual(["AbortError"]);
  });

  it("an already-aborted signal sends nothing", async () => {
    const { fetchFn, outcomes } = observed();
    const client = makeClient({ apiKey: sim.demoKey, baseUrl: sim.baseUrl, fetch: fetchFn });
    const reason = new Error("gave up");
    await expect(client.promise.listDevices({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(outcomes).toHaveLength(0);
  });

  effectIt.live("interrupting the Effect aborts the request in flight", () =>
    Effect.gen(function* () {
      sim.faults.add({ kind: "latency", operation: "listDevices", ms: 5_000, times: 1 });
      const { fetchFn, inFlight, outcomes } = observed();
      const client = makeClient({ apiKey: sim.demoKey, baseUrl: sim.baseUrl, fetch: fetchFn });
      const fiber = yield* Effect.forkChild(client.listDevices());
      yield* Effect.promise(() => inFlight);
      const exit = yield* Fiber.interrupt(fiber).pipe(Effect.andThen(Fiber.await(fiber)));
      expect(Exit.isFailure(exit) && Exit.hasInterrupts(exit)).toBe(true);
      expect(yield* Effect.promise(() => Promise.all(outcomes))).toEqual(["AbortError"]);
    }),
  );
});
