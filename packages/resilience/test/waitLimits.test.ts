// Server-supplied waits are capped (WAIT_LIMITS): no header can make a call hang for a day, and no delay handed to
// a timer exceeds 2^31 - 1 ms (beyond it Node fires after 1 ms: a busy loop). All in virtual time.
import { describe, expect, it } from "@effect/vitest";
import { Clock, Effect, Exit, Fiber, Random } from "effect";
import { TestClock } from "effect/testing";
import {
  clampDelayMs,
  errorFromResponse,
  makePacer,
  parseRetryAfter,
  RateLimited,
  rateLimitWaitMs,
  retryPolicy,
  WAIT_LIMITS,
  withRetry,
} from "../src/index.js";
import type { HeadersInput, WattwatchersError } from "../src/index.js";

const get = { operation: "getDevice", method: "GET", path: "/devices/D123456789012" } as const;
const DAY_S = 86_400;
const fixedRandom = (r: number) =>
  Effect.provideService(Random.Random, { nextIntUnsafe: () => 0, nextDoubleUnsafe: () => r });

const tps429 = (headers: HeadersInput, now = 0) =>
  errorFromResponse({ ...get, status: 429, headers, body: { code: "TOO_MANY_REQUESTS_TPS", httpCode: 429 }, now });

/** Fails with the scripted errors in turn, then succeeds; records each attempt's virtual time. */
const scripted = (errors: ReadonlyArray<WattwatchersError>) => {
  const times: Array<number> = [];
  const request = Effect.gen(function* () {
    times.push(yield* Clock.currentTimeMillis);
    const error = errors[times.length - 1];
    if (error !== undefined) return yield* Effect.fail(error);
    return "ok";
  });
  return { request, times };
};

describe("clampDelayMs", () => {
  it("keeps every delay a timer can hold", () => {
    expect(clampDelayMs(30 * DAY_S * 1000)).toBe(2 ** 31 - 1);
    expect(clampDelayMs(Infinity)).toBe(2 ** 31 - 1);
    expect(clampDelayMs(Number.NaN)).toBe(2 ** 31 - 1);
    expect(clampDelayMs(-1)).toBe(0);
    expect(clampDelayMs(1234)).toBe(1234);
    expect(clampDelayMs(DAY_S * 1000, WAIT_LIMITS.maxRetryAfterMs)).toBe(60_000);
    expect(clampDelayMs(5, Infinity)).toBe(5);
    expect(clampDelayMs(Infinity, Infinity)).toBe(2 ** 31 - 1);
  });
});

describe("RateLimited from absurd hints", () => {
  it("keeps the server's Retry-After but caps resetAt at 60 s for a TPS 429", () => {
    const e = tps429({ "Retry-After": String(DAY_S) }, 1_000_000);
    expect(e).toMatchObject({ _tag: "RateLimited", scope: "tps", retryAfter: DAY_S, resetAt: 1_000 + 60 });
    expect(e.message).toContain(`retry after ${DAY_S} s`);
  });

  it("caps an absurd TpsReset at 5 s", () => {
    const e = tps429({ "X-RateLimit-TpsLimit": "5", "X-RateLimit-TpsRemaining": "0", "X-RateLimit-TpsReset": String(DAY_S) });
    expect(e).toMatchObject({ scope: "tps", resetAt: 5 });
    // The raw header stays readable.
    expect(e._tag === "RateLimited" && e.rateLimit?.tps?.resetSeconds).toBe(DAY_S);
  });

  it("caps a TPD reset beyond 24.8 days (setTimeout's limit) at 25 h", () => {
    const e = errorFromResponse({
      ...get,
      status: 429,
      headers: { "X-RateLimit-TpdLimit": "10", "X-RateLimit-TpdRemaining": "0", "X-RateLimit-TpdReset": String(30 * DAY_S) },
      body: { code: "TOO_MANY_REQUESTS_TPD" },
      now: 0,
    });
    expect(e).toMatchObject({ scope: "tpd", resetAt: 25 * 3600 });
  });

  it("keeps an endless Retry-After finite", () => {
    expect(parseRetryAfter({ "Retry-After": "9".repeat(400) })).toBe(Number.MAX_SAFE_INTEGER);
    const e = tps429({ "Retry-After": "9".repeat(400) });
    expect(e).toMatchObject({ retryAfter: Number.MAX_SAFE_INTEGER, resetAt: 60 });
  });

  it("never throws on a hand-built error with an unrepresentable resetAt", () => {
    expect(new RateLimited({ ...get, scope: "tpd", resetAt: 1e300 }).message).not.toContain("resets at");
  });
});

describe("withRetry with absurd hints", () => {
  it.effect("fails fast with the server's Retry-After when it is beyond the cap, even with no time budget", () =>
    Effect.gen(function* () {
      const { request, times } = scripted([tps429({ "Retry-After": String(DAY_S) })]);
      const exit = yield* Effect.exit(
        withRetry(request, { method: "GET", options: { maxElapsed: Infinity } }).pipe(fixedRandom(0)),
      );
      expect(times).toEqual([0]);
      expect(exit).toEqual(Exit.fail(expect.objectContaining({ _tag: "RateLimited", retryAfter: DAY_S })));
      expect(yield* Clock.currentTimeMillis).toBe(0);
    }),
  );

  it.effect("waits a Retry-After within the cap", () =>
    Effect.gen(function* () {
      const { request, times } = scripted([tps429({ "Retry-After": "20" })]);
      const fiber = yield* Effect.forkChild(withRetry(request, { method: "GET" }).pipe(fixedRandom(0)));
      yield* TestClock.adjust("20 seconds");
      expect(yield* Fiber.join(fiber)).toBe("ok");
      expect(times).toEqual([0, 20_000]);
    }),
  );

  it.effect("waits an absurd TpsReset only up to 5 s", () =>
    Effect.gen(function* () {
      const e = tps429({ "X-RateLimit-TpsLimit": "5", "X-RateLimit-TpsRemaining": "0", "X-RateLimit-TpsReset": String(DAY_S) });
      const { request, times } = scripted([e]);
      const fiber = yield* Effect.forkChild(Effect.retry(request, retryPolicy()).pipe(fixedRandom(0)));
      yield* TestClock.adjust("5 seconds");
      expect(yield* Fiber.join(fiber)).toBe("ok");
      expect(times).toEqual([0, 5_000]);
    }),
  );

  it.effect("waits for a hand-built far-future daily reset no longer than 25 h", () =>
    Effect.gen(function* () {
      const e = new RateLimited({ ...get, scope: "tpd", resetAt: 1e12 });
      const { request, times } = scripted([e]);
      const fiber = yield* Effect.forkChild(
        withRetry(request, { method: "GET", options: { waitForDailyReset: true } }).pipe(fixedRandom(0)),
      );
      yield* TestClock.adjust("25 hours");
      expect(yield* Fiber.join(fiber)).toBe("ok");
      expect(times).toEqual([0, WAIT_LIMITS.maxDailyResetMs]);
    }),
  );

  it.effect("never hands a timer more than 2^31 - 1 ms, whatever the options", () =>
    Effect.gen(function* () {
      const { request, times } = scripted([tps429({})]);
      const fiber = yield* Effect.forkChild(
        withRetry(request, {
          method: "GET",
          options: { baseDelay: 1e15, maxDelay: Infinity, maxElapsed: Infinity },
        }).pipe(fixedRandom(1 - 1e-12)),
      );
      yield* TestClock.adjust(2 ** 31 - 1);
      expect(yield* Fiber.join(fiber)).toBe("ok");
      expect(times).toEqual([0, 2 ** 31 - 1]);
    }),
  );
});

describe("the pacer with absurd hints", () => {
  it.effect("blocks at most 5 s after TpsRemaining 0 with a TpsReset of a day", () =>
    Effect.gen(function* () {
      const pacer = yield* makePacer({ tps: 5 });
      yield* pacer.update({ tps: { limit: 5, remaining: 0, resetSeconds: DAY_S } });
      expect((yield* pacer.snapshot).blockedUntil).toBe(5_000);
      const fiber = yield* Effect.forkChild(Effect.andThen(pacer.take(), Clock.currentTimeMillis));
      yield* TestClock.adjust("5 seconds");
      expect(yield* Fiber.join(fiber)).toBe(5_000);
    }),
  );

  it.effect("blocks other calls at most 60 s after a TPS 429 with Retry-After of a day", () =>
    Effect.gen(function* () {
      const pacer = yield* makePacer({ tps: 5 });
      yield* pacer.observe(tps429({ "Retry-After": String(DAY_S) }));
      expect((yield* pacer.snapshot).blockedUntil).toBe(60_000);
      const fiber = yield* Effect.forkChild(Effect.andThen(pacer.take(), Clock.currentTimeMillis));
      yield* TestClock.adjust("60 seconds");
      expect(yield* Fiber.join(fiber)).toBe(60_000);
    }),
  );

  it.effect("a TpdReset beyond 24.8 days fails fast by default and waits at most 25 h when asked to", () =>
    Effect.gen(function* () {
      const state = { tpd: { limit: 10, remaining: 0, resetSeconds: 30 * DAY_S } };
      const failing = yield* makePacer({ tps: 5 });
      yield* failing.update(state);
      const refused = yield* Effect.exit(failing.take(1, get));
      expect(refused).toEqual(Exit.fail(expect.objectContaining({ _tag: "RateLimited", scope: "tpd", resetAt: 25 * 3600 })));

      const waiting = yield* makePacer({ tps: 5, waitForDailyReset: true });
      yield* waiting.update(state);
      expect((yield* waiting.snapshot).tpdResetAt).toBe(WAIT_LIMITS.maxDailyResetMs);
      const fiber = yield* Effect.forkChild(Effect.andThen(waiting.take(1, get), Clock.currentTimeMillis));
      yield* TestClock.adjust("25 hours");
      // Granted at the (capped) reset, with the daily budget refilled from the limit.
      expect(yield* Fiber.join(fiber)).toBe(WAIT_LIMITS.maxDailyResetMs);
    }),
  );
});

describe("rateLimitWaitMs", () => {
  it("is the capped, finite wait a scheduler should use", () => {
    const at = (input: Partial<Pick<RateLimited, "scope" | "resetAt" | "retryAfter">>) =>
      rateLimitWaitMs(new RateLimited({ ...get, scope: "tps", ...input }), 1_000_000);
    expect(at({ retryAfter: DAY_S })).toBe(60_000);
    expect(at({ retryAfter: 2 })).toBe(2_000);
    expect(at({ resetAt: 1_003 })).toBe(3_000);
    expect(at({ resetAt: 1e12 })).toBe(60_000);
    expect(at({ scope: "tpd", resetAt: 1e12 })).toBe(WAIT_LIMITS.maxDailyResetMs);
    expect(at({ scope: "tpd", resetAt: 1_000 + 3_600 })).toBe(3_600_000);
    expect(at({ scope: "tpd", resetAt: 10 })).toBe(0);
    expect(at({})).toBeUndefined();
    // What errorFromResponse builds from an absurd TPD header through to the wait: never beyond setTimeout's range.
    const e = errorFromResponse({
      ...get,
      status: 429,
      headers: { "X-RateLimit-TpdLimit": "10", "X-RateLimit-TpdRemaining": "0", "X-RateLimit-TpdReset": String(30 * DAY_S), "Retry-After": String(30 * DAY_S) },
      now: 0,
    });
    expect(e._tag === "RateLimited" && rateLimitWaitMs(e, 0)).toBe(WAIT_LIMITS.maxDailyResetMs);
  });

  it("an older X-RateLimit-Reset that is absurd is capped as a daily reset", () => {
    const e = errorFromResponse({
      ...get,
      status: 429,
      headers: { "X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": String(40 * DAY_S) },
      now: 0,
    });
    expect(e).toMatchObject({ _tag: "RateLimited", scope: "tpd", resetAt: 25 * 3600 });
  });
});
