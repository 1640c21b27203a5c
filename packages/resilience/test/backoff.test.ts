import { describe, expect, it } from "@effect/vitest";
import { Clock, Effect, Fiber, Random } from "effect";
import { TestClock } from "effect/testing";
import { backoffCeiling, backoffDelay, retryPolicy, ServerError, WAIT_LIMITS } from "../src/index.js";
import type { BackoffOptions } from "../src/index.js";

const get = { operation: "getDevice", method: "GET", path: "/devices/D123456789012" } as const;

describe("backoffDelay", () => {
  it.each([
    // [attempt, options, random, expected ms]
    [1, { baseMs: 200, maxMs: 10_000 }, undefined, 200],
    [2, { baseMs: 200, maxMs: 10_000 }, undefined, 400],
    [3, { baseMs: 200, maxMs: 10_000 }, undefined, 800],
    [10, { baseMs: 200, maxMs: 10_000 }, undefined, 10_000],
    [3, { baseMs: 100, maxMs: 10_000, factor: 3 }, undefined, 900],
    // flat attempts: the first eight wait the base, then the wait doubles
    [1, { baseMs: 1_000, maxMs: 300_000, flatAttempts: 8 }, undefined, 1_000],
    [8, { baseMs: 1_000, maxMs: 300_000, flatAttempts: 8 }, undefined, 1_000],
    [9, { baseMs: 1_000, maxMs: 300_000, flatAttempts: 8 }, undefined, 2_000],
    [12, { baseMs: 1_000, maxMs: 300_000, flatAttempts: 8 }, undefined, 16_000],
    [40, { baseMs: 1_000, maxMs: 300_000, flatAttempts: 8 }, undefined, 300_000],
    // full jitter: uniformly in [0, ceiling], drawn by the caller
    [2, { baseMs: 200, maxMs: 10_000 }, 0, 0],
    [2, { baseMs: 200, maxMs: 10_000 }, 0.25, 100],
    [2, { baseMs: 200, maxMs: 10_000 }, 0.999999, 400],
  ] as ReadonlyArray<readonly [number, BackoffOptions, number | undefined, number]>)(
    "attempt %i of %o (random %s) waits %i ms",
    (attempt, options, random, expected) => {
      expect(backoffDelay(attempt, options, random)).toBe(expected);
    },
  );

  it("never hands a timer what it cannot hold: a long outage or an infinite cap stays finite", () => {
    expect(backoffCeiling(5_000, { baseMs: 1_000, maxMs: Infinity })).toBe(WAIT_LIMITS.maxTimerMs);
    expect(backoffDelay(5_000, { baseMs: 1_000, maxMs: Infinity }, 0.5)).toBeLessThanOrEqual(WAIT_LIMITS.maxTimerMs);
    expect(backoffCeiling(1, { baseMs: -5, maxMs: 100 })).toBe(0);
  });
});

describe("retryPolicy is built from backoffDelay", () => {
  it.effect("its waits (TestClock) are backoffDelay's sequence for the same options and draw", () =>
    Effect.gen(function* () {
      const times: Array<number> = [];
      const request = Effect.gen(function* () {
        times.push(yield* Clock.currentTimeMillis);
        if (times.length <= 6) return yield* Effect.fail(new ServerError({ ...get, status: 503 }));
        return "ok";
      });
      const draw = 0.6;
      const fiber = yield* Effect.forkChild(
        Effect.retry(request, retryPolicy({ baseDelay: "150 millis", factor: 3, maxDelay: "5 seconds", maxRetries: 6, maxElapsed: "1 minute" })).pipe(
          Effect.provideService(Random.Random, { nextIntUnsafe: () => 0, nextDoubleUnsafe: () => draw }),
        ),
      );
      yield* TestClock.adjust("1 minute");
      expect(yield* Fiber.join(fiber)).toBe("ok");
      const waits = times.slice(1).map((t, i) => t - (times[i] ?? 0));
      const expected = [1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, { baseMs: 150, factor: 3, maxMs: 5_000 }, draw));
      expect(waits).toEqual(expected);
      expect(expected).toEqual([90, 270, 810, 2430, 3000, 3000]);
    }),
  );
});
