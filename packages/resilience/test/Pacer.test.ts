import { describe, expect, it } from "@effect/vitest";
import { Clock, Effect, Exit, Fiber } from "effect";
import type { Duration } from "effect";
import { TestClock } from "effect/testing";
import { makePacer, RateLimited, ServerError } from "../src/index.js";
import type { Pacer, PacerOptions } from "../src/index.js";

const get = { operation: "getDevice", method: "GET", path: "/devices/D123456789012" } as const;

/** Starts `n` concurrent takers and returns a function collecting the virtual time at which each was granted. */
const takers = (pacer: Pacer, n: number) =>
  Effect.forkChild(
    Effect.forEach(
      Array.from({ length: n }, (_, i) => i),
      () => Effect.andThen(pacer.take(), Clock.currentTimeMillis),
      { concurrency: "unbounded" },
    ),
  );

const grantTimes = (options: PacerOptions, n: number, advance: Duration.Input = "10 seconds") =>
  Effect.gen(function* () {
    const pacer = yield* makePacer(options);
    const fiber = yield* takers(pacer, n);
    yield* TestClock.adjust(advance);
    return [...(yield* Fiber.join(fiber))].sort((a, b) => a - b);
  });

const countBy = (times: ReadonlyArray<number>) =>
  times.reduce<Record<number, number>>((acc, t) => ({ ...acc, [t]: (acc[t] ?? 0) + 1 }), {});

describe("makePacer: TPS", () => {
  it.effect("spreads requests over the budget across one-second windows", () =>
    Effect.gen(function* () {
      const times = yield* grantTimes({ tps: 5, safetyMargin: 0 }, 12);
      expect(countBy(times)).toEqual({ 0: 5, 1000: 5, 2000: 2 });
    }),
  );

  it.effect("adds the safety margin to each window by default", () =>
    Effect.gen(function* () {
      const times = yield* grantTimes({ tps: 5 }, 11);
      expect(countBy(times)).toEqual({ 0: 5, 1050: 5, 2100: 1 });
    }),
  );

  it.effect("paces a 300-device fleet poll within the budget in every window", () =>
    Effect.gen(function* () {
      const times = yield* grantTimes({ tps: 100, safetyMargin: 0 }, 300);
      expect(times.at(-1)).toBe(2000);
      for (const t of times) expect(times.filter((u) => u > t - 1000 && u <= t).length).toBeLessThanOrEqual(100);
    }),
  );

  it.effect("a bare take without any budget known holds the single probe slot for a second from its grant", () =>
    Effect.gen(function* () {
      const times = yield* grantTimes({ safetyMargin: 0 }, 3);
      expect(times).toEqual([0, 1000, 2000]);
    }),
  );

  it.effect("lowers the pace when headers report a smaller limit", () =>
    Effect.gen(function* () {
      const pacer = yield* makePacer({ tps: 10, safetyMargin: 0 });
      yield* pacer.update({ tps: { limit: 2, remaining: 2, resetSeconds: 1 } });
      const fiber = yield* takers(pacer, 6);
      yield* TestClock.adjust("5 seconds");
      expect(countBy(yield* Fiber.join(fiber))).toEqual({ 0: 2, 1000: 2, 2000: 2 });
      expect((yield* pacer.snapshot).tpsLimit).toBe(2);
    }),
  );

  it.effect("raises the pace when headers report a larger limit", () =>
    Effect.gen(function* () {
      const pacer = yield* makePacer({ tps: 2, safetyMargin: 0 });
      yield* pacer.update({ tps: { limit: 6, remaining: 6, resetSeconds: 1 } });
      const fiber = yield* takers(pacer, 6);
      yield* TestClock.adjust("1 millis");
      expect(countBy(yield* Fiber.join(fiber))).toEqual({ 0: 6 });
    }),
  );

  it.effect("learns the budget from headers when none was configured", () =>
    Effect.gen(function* () {
      const pacer = yield* makePacer({ safetyMargin: 0 });
      yield* pacer.update({ tps: { limit: 3, remaining: 3, resetSeconds: 0.2 } });
      const fiber = yield* takers(pacer, 4);
      yield* TestClock.adjust("2 seconds");
      expect(countBy(yield* Fiber.join(fiber))).toEqual({ 0: 3, 1000: 1 });
    }),
  );

  it.effect("counts slots taken before the budget was known", () =>
    Effect.gen(function* () {
      const pacer = yield* makePacer({ safetyMargin: 0 });
      yield* pacer.take();
      yield* pacer.update({ tps: { limit: 2, remaining: 1, resetSeconds: 1 } });
      expect((yield* pacer.snapshot).recentGrants).toBe(1);
      const fiber = yield* takers(pacer, 2);
      yield* TestClock.adjust("2 seconds");
      expect(yield* Fiber.join(fiber)).toEqual([0, 1000]);
    }),
  );

  it.effect("holds everything until the reported reset when TpsRemaining is 0, even for a waiting taker", () =>
    Effect.gen(function* () {
      const pacer = yield* makePacer({ tps: 1, safetyMargin: 0 });
      yield* pacer.take();
      const fiber = yield* takers(pacer, 1);
      yield* TestClock.adjust("500 millis");
      // Another process sharing the key spent the window: the server says nothing is left for a second.
      yield* pacer.update({ tps: { limit: 1, remaining: 0, resetSeconds: 1 } });
      yield* TestClock.adjust("999 millis");
      expect(fiber.pollUnsafe()).toBeUndefined();
      yield* TestClock.adjust("1 millis");
      expect(yield* Fiber.join(fiber)).toEqual([1500]);
    }),
  );

  it.effect("blocks for Retry-After after a TPS or edge 429", () =>
    Effect.gen(function* () {
      const pacer = yield* makePacer({ tps: 5, safetyMargin: 0 });
      yield* pacer.observe(new RateLimited({ ...get, scope: "edge", retryAfter: 2 }));
      const fiber = yield* takers(pacer, 2);
      yield* TestClock.adjust("1999 millis");
      expect(fiber.pollUnsafe()).toBeUndefined();
      yield* TestClock.adjust("1 millis");
      expect(yield* Fiber.join(fiber)).toEqual([2000, 2000]);
      // Non-429 failures teach it nothing.
      yield* pacer.observe(new ServerError({ ...get, status: 500 }));
      expect((yield* pacer.snapshot).blockedUntil).toBe(2000);
    }),
  );
});

describe("makePacer: TPD", () => {
  it.effect("fails fast without sending when the daily budget is spent, with the UTC reset", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.UTC(2026, 5, 1, 18, 0, 0));
      const pacer = yield* makePacer({ tps: 100, tpd: 3 });
      yield* pacer.take();
      yield* pacer.take(2);
      const exit = yield* Effect.exit(pacer.take(1, get));
      if (!Exit.isFailure(exit)) throw new Error("expected the fourth take to fail");
      const reason = exit.cause.reasons[0];
      const error = reason?._tag === "Fail" ? reason.error : undefined;
      expect(error?._tag).toBe("RateLimited");
      expect(error?.scope).toBe("tpd");
      expect(error?.operation).toBe("getDevice");
      expect(error?.resetAt).toBe(Date.UTC(2026, 5, 2) / 1000);
    }),
  );

  it.effect("refills the daily budget at 00:00 UTC", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.UTC(2026, 5, 1, 23, 59, 0));
      const pacer = yield* makePacer({ tps: 100, tpd: 1 });
      yield* pacer.take();
      expect(Exit.isFailure(yield* Effect.exit(pacer.take()))).toBe(true);
      yield* TestClock.adjust("60 seconds");
      expect(Exit.isSuccess(yield* Effect.exit(pacer.take()))).toBe(true);
      expect((yield* pacer.snapshot).tpdRemaining).toBe(0);
    }),
  );

  it.effect("waits for the reset instead when asked to", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.UTC(2026, 5, 1, 23, 0, 0));
      const pacer = yield* makePacer({ tps: 100, tpd: 1, waitForDailyReset: true });
      yield* pacer.take();
      const fiber = yield* takers(pacer, 1);
      yield* TestClock.adjust("59 minutes");
      expect(fiber.pollUnsafe()).toBeUndefined();
      yield* TestClock.adjust("1 minute");
      expect(yield* Fiber.join(fiber)).toEqual([Date.UTC(2026, 5, 2)]);
    }),
  );

  it.effect("adopts the daily budget from headers and from a TPD 429", () =>
    Effect.gen(function* () {
      const pacer = yield* makePacer();
      yield* pacer.update({ tpd: { limit: 10_000, remaining: 2, resetSeconds: 600 } });
      yield* pacer.take(2);
      expect(Exit.isFailure(yield* Effect.exit(pacer.take()))).toBe(true);
      yield* TestClock.adjust("600 seconds");
      expect((yield* pacer.snapshot).tpdRemaining).toBe(10_000);

      yield* pacer.observe(new RateLimited({ ...get, scope: "tpd", resetAt: 1200 }));
      expect(Exit.isFailure(yield* Effect.exit(pacer.take()))).toBe(true);
    }),
  );
});

describe("makePacer: TPD without a known limit", () => {
  it.effect("a TPD 429 spends the day, and the next day starts unmetered until headers arrive", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.UTC(2026, 5, 1, 12, 0, 0));
      const pacer = yield* makePacer({ tps: 100 });
      yield* pacer.observe(new RateLimited({ ...get, scope: "tpd", resetAt: Date.UTC(2026, 5, 2) / 1000 }));
      expect(Exit.isFailure(yield* Effect.exit(pacer.take()))).toBe(true);
      yield* TestClock.adjust("12 hours");
      expect(Exit.isSuccess(yield* Effect.exit(Effect.forEach([1, 2, 3], () => pacer.take())))).toBe(true);
      expect((yield* pacer.snapshot).tpdRemaining).toBeUndefined();
    }),
  );
});

describe("makePacer: pace", () => {
  it.effect("runs the request after taking a slot and observes its 429", () =>
    Effect.gen(function* () {
      const pacer = yield* makePacer({ tps: 1, safetyMargin: 0 });
      const ranAt: Array<number> = [];
      const request = Effect.andThen(
        Clock.currentTimeMillis,
        (now) => (ranAt.push(now), Effect.fail(new RateLimited({ ...get, scope: "tps", retryAfter: 3 }))),
      );
      const fiber = yield* Effect.forkChild(
        Effect.forEach([1, 2], () => Effect.exit(pacer.pace(request, get)), { concurrency: "unbounded" }),
      );
      yield* TestClock.adjust("10 seconds");
      yield* Fiber.join(fiber);
      // The first 429 (at 0) blocks for 3 s, beyond the 1 s window the second request was waiting for.
      expect(ranAt).toEqual([0, 3000]);
    }),
  );
});
