// The per-attempt timeout runs on the fiber's Clock, so its rule is tested with TestClock (no waiting on real
// time): an attempt that outlives it fails with Timeout and its request is aborted; a GET that timed out is
// retried like any transient failure. The server side is the real simulator over HTTP, holding its answer.
import { Effect, Fiber } from "effect";
import { TestClock } from "effect/testing";
import { it } from "@effect/vitest";
import { afterAll, beforeAll, describe, expect } from "vitest";
import { startSimulator } from "@wattstream/simulator";
import type { Simulator } from "@wattstream/simulator";
import { makeClient } from "../src/index.js";
import type { ClientOptions } from "../src/index.js";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 11, rateLimits: { tps: Infinity } });
});
afterAll(() => sim.close());

/** A pass-through fetch that counts the requests started and records how each one ended. */
const observed = () => {
  const started: Array<() => void> = [];
  const starts = [0, 1].map((i) => new Promise<void>((resolve) => (started[i] = resolve)));
  const outcomes: Array<Promise<string>> = [];
  const fetchFn: ClientOptions["fetch"] = (input, init) => {
    const p = fetch(input, init);
    outcomes.push(p.then((r) => `status ${r.status}`, (e: unknown) => (e instanceof Error ? e.name : "unknown")));
    started[outcomes.length - 1]?.();
    return p;
  };
  return { fetchFn, starts, outcomes };
};

describe("per-attempt timeout on the fiber's clock", () => {
  it.effect("fails with Timeout exactly when the virtual time runs out, and aborts the request", () =>
    Effect.gen(function* () {
      sim.faults.add({ kind: "latency", operation: "getDevice", ms: 5_000, times: 1 });
      const { fetchFn, starts, outcomes } = observed();
      const client = makeClient({ apiKey: sim.demoKey, baseUrl: sim.baseUrl, retry: false, pacing: false, timeout: 2_000, fetch: fetchFn });
      const fiber = yield* Effect.forkChild(Effect.flip(client.getDevice(sim.fleet.ids()[0]!)));
      yield* Effect.promise(() => starts[0]!);
      yield* TestClock.adjust(1_999);
      expect(fiber.pollUnsafe()).toBeUndefined();
      yield* TestClock.adjust(1);
      // Done at once, on virtual time: the real 5 s answer (or a real-time timer) is not waited for.
      expect(fiber.pollUnsafe()).toBeDefined();
      const error = yield* Fiber.join(fiber);
      expect(error).toMatchObject({ _tag: "Timeout", timeoutMs: 2_000, operation: "getDevice", status: undefined });
      expect(yield* Effect.promise(() => outcomes[0]!)).toBe("AbortError");
    }),
  );

  it.effect("a timed-out GET is retried like any transient failure, and the retry's answer is returned", () =>
    Effect.gen(function* () {
      sim.faults.add({ kind: "latency", operation: "getDevice", ms: 5_000, times: 1 });
      const { fetchFn, starts, outcomes } = observed();
      const client = makeClient({
        apiKey: sim.demoKey,
        baseUrl: sim.baseUrl,
        pacing: false,
        timeout: 2_000,
        retry: { baseDelay: 100, maxDelay: 100 },
        fetch: fetchFn,
      });
      const id = sim.fleet.ids()[1]!;
      const fiber = yield* Effect.forkChild(client.getDevice(id));
      yield* Effect.promise(() => starts[0]!);
      yield* TestClock.adjust(2_000);
      expect(yield* Effect.promise(() => Promise.race([outcomes[0]!, Promise.resolve("still running")]))).toBe("AbortError");
      // The retry waits its (jittered, at most 100 ms) delay on the same clock; advance until it has sent again.
      let resent = false;
      void starts[1]!.then(() => (resent = true));
      for (let i = 0; i < 200 && !resent; i++) {
        yield* TestClock.adjust(10);
        yield* Effect.yieldNow;
      }
      expect(resent).toBe(true);
      const response = yield* Fiber.join(fiber);
      expect(response.id).toBe(id);
      expect(outcomes).toHaveLength(2);
    }),
  );
});
