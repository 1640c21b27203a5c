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

  it.effect("a GET's retry budget (maxElapsed) counts from the first attempt, not from the first failure", () =>
    Effect.gen(function* () {
      // Every attempt outlives a 20 s timeout; with a 30 s budget from the first attempt, the second failure
      // (at 40 s) ends it: 2 attempts. Counted from the first failure (20 s), a third would still be sent.
      sim.faults.add({ kind: "latency", operation: "getDevice", ms: 5_000, times: 3 });
      let sent = 0;
      const fetchFn: ClientOptions["fetch"] = (input, init) => {
        sent++;
        return fetch(input, init);
      };
      const client = makeClient({
        apiKey: sim.demoKey,
        baseUrl: sim.baseUrl,
        pacing: false,
        timeout: 20_000,
        retry: { baseDelay: 100, maxDelay: 100, maxElapsed: 30_000, maxRetries: 10 },
        fetch: fetchFn,
      });
      const fiber = yield* Effect.forkChild(Effect.flip(client.getDevice(sim.fleet.ids()[2]!)));
      for (let attempt = 1; attempt <= 3 && fiber.pollUnsafe() === undefined; attempt++) {
        // Let the attempt reach the network (advancing through the retry delay), then let it time out.
        for (let i = 0; i < 500 && sent < attempt && fiber.pollUnsafe() === undefined; i++) {
          yield* TestClock.adjust(10);
          yield* Effect.yieldNow;
          if (sent < attempt) yield* Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)));
        }
        if (fiber.pollUnsafe() === undefined) yield* TestClock.adjust(20_000);
      }
      const error = yield* Fiber.join(fiber);
      expect(error).toMatchObject({ _tag: "Timeout" });
      expect(sent).toBe(2);
    }),
  );
});

