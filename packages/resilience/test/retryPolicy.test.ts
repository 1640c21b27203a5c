import { describe, expect, it } from "@effect/vitest";
import { Clock, Duration, Effect, Exit, Fiber, Random, Schedule } from "effect";
import { TestClock } from "effect/testing";
import {
  BadRequest,
  DecodeError,
  errorFromResponse,
  Forbidden,
  InvalidRequest,
  NetworkError,
  NotFound,
  RateLimited,
  RETRY_DEFAULTS,
  retryPolicy,
  ServerError,
  Timeout,
  Unauthorized,
  Unprocessable,
  withRetry,
} from "../src/index.js";
import type { RetryOptions, WattwatchersError } from "../src/index.js";

const get = { operation: "getDevice", method: "GET", path: "/devices/D123456789012" } as const;
const patch = { operation: "updateDevice", method: "PATCH", path: "/devices/D123456789012" } as const;

/** A Random that always draws `r`, so full jitter becomes exactly `r × ceiling`. */
const fixedRandom = (r: number) =>
  Effect.provideService(Random.Random, { nextIntUnsafe: () => 0, nextDoubleUnsafe: () => r });
const MAX = 1 - 1e-12;

/**
 * A request that fails with the scripted errors, then succeeds with "ok"; records the virtual time of each
 * attempt so tests can assert the waits between them.
 */
const scripted = (errors: ReadonlyArray<WattwatchersError>) => {
  const times: Array<number> = [];
  const request = Effect.gen(function* () {
    const now = yield* Clock.currentTimeMillis;
    times.push(now);
    const error = errors[times.length - 1];
    if (error !== undefined) return yield* Effect.fail(error);
    return "ok";
  });
  return { request, times };
};

const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.forkChild(effect);

describe("retryPolicy", () => {
  it.effect("waits at least Retry-After before retrying a TPS 429", () =>
    Effect.gen(function* () {
      const { request, times } = scripted([new RateLimited({ ...get, scope: "tps", retryAfter: 3 })]);
      const fiber = yield* run(Effect.retry(request, retryPolicy()).pipe(fixedRandom(0)));
      yield* TestClock.adjust("2999 millis");
      expect(times).toEqual([0]);
      yield* TestClock.adjust("1 millis");
      expect(yield* Fiber.join(fiber)).toBe("ok");
      expect(times).toEqual([0, 3000]);
    }),
  );

  it.effect("uses the TPS reset header when there is no Retry-After, and retries edge 429s", () =>
    Effect.gen(function* () {
      const tps = errorFromResponse({
        ...get,
        status: 429,
        headers: { "X-RateLimit-TpsLimit": "5", "X-RateLimit-TpsRemaining": "0", "X-RateLimit-TpsReset": "0.75" },
        now: 0,
      });
      const edge = errorFromResponse({ ...get, status: 429, body: "slow down", now: 0 });
      expect(edge._tag === "RateLimited" && edge.scope).toBe("edge");
      const { request, times } = scripted([tps, edge]);
      const fiber = yield* run(Effect.retry(request, retryPolicy()).pipe(fixedRandom(0.5)));
      yield* TestClock.adjust("10 seconds");
      expect(yield* Fiber.join(fiber)).toBe("ok");
      // 750 ms floor beats 0.5 × 200 ms; then the edge 429 without any hint waits classify's default, 1 s
      // (RATE_LIMIT_DEFAULT_WAIT_MS, the pacer's block too), which beats 0.5 × 400 ms.
      expect(times).toEqual([0, 750, 1750]);
    }),
  );

  it.effect("backs off exponentially with full jitter up to the cap", () =>
    Effect.gen(function* () {
      const errors = Array.from({ length: 7 }, () => new ServerError({ ...get, status: 503 }));
      const { request, times } = scripted(errors);
      const options: RetryOptions = { baseDelay: "100 millis", maxDelay: "1 second", maxRetries: 7, maxElapsed: "1 minute" };
      const fiber = yield* run(Effect.retry(request, retryPolicy(options)).pipe(fixedRandom(MAX)));
      yield* TestClock.adjust("1 minute");
      expect(yield* Fiber.join(fiber)).toBe("ok");
      const waits = times.slice(1).map((t, i) => t - times[i]!);
      expect(waits).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
    }),
  );

  it.effect("draws jitter from Effect's Random: seeded runs repeat, every wait within its ceiling", () =>
    Effect.gen(function* () {
      const waitsFor = (seed: string) =>
        Effect.gen(function* () {
          const step = yield* Schedule.toStep(retryPolicy({ maxRetries: 6, maxElapsed: "1 hour" }));
          const out: Array<number> = [];
          for (let i = 0; i < 6; i++) {
            const [delay] = yield* step(0, new Timeout({ ...get }));
            out.push(Duration.toMillis(delay));
          }
          return out;
        }).pipe(Random.withSeed(seed));
      const a = yield* waitsFor("seed-a");
      expect(yield* waitsFor("seed-a")).toEqual(a);
      expect(yield* waitsFor("seed-b")).not.toEqual(a);
      a.forEach((wait, i) => {
        expect(wait).toBeGreaterThanOrEqual(0);
        expect(wait).toBeLessThanOrEqual(Math.min(10_000, 200 * 2 ** i));
      });
    }),
  );

  it.effect("gives up when the next wait would pass the total time budget", () =>
    Effect.gen(function* () {
      const errors = Array.from({ length: 20 }, () => new NetworkError({ ...get, cause: new Error("reset") }));
      const { request, times } = scripted(errors);
      const fiber = yield* run(
        Effect.retry(request, retryPolicy({ maxRetries: 20, maxElapsed: "5 seconds" })).pipe(fixedRandom(MAX)),
      );
      yield* TestClock.adjust("2999 millis");
      expect(fiber.pollUnsafe()).toBeUndefined();
      yield* TestClock.adjust("1 millis");
      // Waits 200 + 400 + 800 + 1600 = 3000 ms; the next (3200 ms) would end at 6200 ms > 5000 ms.
      const exit = yield* Fiber.await(fiber);
      expect(times).toEqual([0, 200, 600, 1400, 3000]);
      expect(Exit.isFailure(exit) && exit.cause.toString()).toContain("NetworkError");
    }),
  );

  it.effect("does not wait for a Retry-After beyond the budget", () =>
    Effect.gen(function* () {
      const { request, times } = scripted([new RateLimited({ ...get, scope: "tps", retryAfter: 60 })]);
      const exit = yield* Effect.exit(Effect.retry(request, retryPolicy({ maxElapsed: "30 seconds" })));
      expect(Exit.isFailure(exit)).toBe(true);
      expect(times).toEqual([0]);
    }),
  );

  it.effect("by default retries five times with waits capped by the documented defaults", () =>
    Effect.gen(function* () {
      const errors = Array.from({ length: 10 }, () => new ServerError({ ...get, status: 503 }));
      const { request, times } = scripted(errors);
      const fiber = yield* run(Effect.retry(request, retryPolicy()).pipe(fixedRandom(MAX)));
      yield* TestClock.adjust("1 minute");
      expect(Exit.isFailure(yield* Fiber.await(fiber))).toBe(true);
      expect(RETRY_DEFAULTS.maxRetries).toBe(5);
      // 200 ms × 2^n, all well inside the 30 s budget and under the 10 s cap.
      expect(times).toEqual([0, 200, 600, 1400, 3000, 6200]);
    }),
  );

  it.effect("stops after maxRetries", () =>
    Effect.gen(function* () {
      const errors = Array.from({ length: 10 }, () => new ServerError({ ...get, status: 500 }));
      const { request, times } = scripted(errors);
      const fiber = yield* run(Effect.retry(request, retryPolicy({ maxRetries: 2 })).pipe(fixedRandom(0)));
      yield* TestClock.adjust("1 minute");
      const exit = yield* Fiber.await(fiber);
      expect(Exit.isFailure(exit)).toBe(true);
      expect(times).toHaveLength(3);
    }),
  );

  it.effect("fails fast on a TPD 429, carrying the UTC reset time", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.UTC(2026, 2, 1, 23, 0, 0));
      const now = yield* Clock.currentTimeMillis;
      const tpd = errorFromResponse({ ...get, status: 429, body: { code: "TOO_MANY_REQUESTS_TPD", httpCode: 429 }, now });
      const { request, times } = scripted([tpd]);
      const exit = yield* Effect.exit(Effect.retry(request, retryPolicy()));
      expect(times).toHaveLength(1);
      if (!Exit.isFailure(exit)) throw new Error("expected failure");
      const error = exit.cause.reasons[0];
      expect(error?._tag).toBe("Fail");
      const failed = error?._tag === "Fail" ? (error.error as RateLimited) : undefined;
      expect(failed?.scope).toBe("tpd");
      expect(failed?.resetAt).toBe(Date.UTC(2026, 2, 2) / 1000);
    }),
  );

  it.effect("waits for the UTC reset after a TPD 429 when asked to", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.UTC(2026, 2, 1, 23, 0, 0));
      const now = yield* Clock.currentTimeMillis;
      const tpd = errorFromResponse({ ...get, status: 429, body: { code: "TOO_MANY_REQUESTS_TPD", httpCode: 429 }, now });
      const { request, times } = scripted([tpd]);
      const fiber = yield* run(Effect.retry(request, retryPolicy({ waitForDailyReset: true })));
      yield* TestClock.adjust(Duration.millis(3_600_000 - 1));
      expect(times).toHaveLength(1);
      yield* TestClock.adjust("1 millis");
      expect(yield* Fiber.join(fiber)).toBe("ok");
      expect(times[1]).toBe(Date.UTC(2026, 2, 2));
    }),
  );

  it.effect("never retries 4xx other than 429, decode failures or refused requests", () =>
    Effect.gen(function* () {
      const permanent: ReadonlyArray<WattwatchersError> = [
        new BadRequest({ ...get, status: 400 }),
        new Unauthorized({ ...get, status: 401 }),
        new Forbidden({ ...get, status: 403 }),
        new NotFound({ ...get, status: 404 }),
        new Unprocessable({ ...get, status: 422 }),
        new DecodeError({ ...get, status: 200, payloadPath: "$", expected: "object" }),
        new InvalidRequest({ ...get, input: "deviceId", rule: "length" }),
      ];
      for (const error of permanent) {
        const { request, times } = scripted([error, error]);
        const exit = yield* Effect.exit(Effect.retry(request, retryPolicy()));
        expect(Exit.isFailure(exit)).toBe(true);
        expect(times).toHaveLength(1);
      }
    }),
  );
});

describe("withRetry", () => {
  it.effect("retries a GET after a timeout", () =>
    Effect.gen(function* () {
      const { request, times } = scripted([new Timeout({ ...get, timeoutMs: 100 })]);
      const fiber = yield* run(withRetry(request, { method: "GET" }).pipe(fixedRandom(0.5)));
      yield* TestClock.adjust("1 second");
      expect(yield* Fiber.join(fiber)).toBe("ok");
      expect(times).toEqual([0, 100]);
    }),
  );

  it.effect("counts the first attempt's own duration against the total budget", () =>
    Effect.gen(function* () {
      // Each attempt takes 4 s before timing out.
      let attempts = 0;
      const slow = Effect.andThen(
        Effect.sleep("4 seconds"),
        Effect.suspend(() => (attempts++, Effect.fail(new Timeout({ ...get, timeoutMs: 4000 })))),
      );
      const fiber = yield* run(
        withRetry(slow, { method: "GET", options: { maxElapsed: "8500 millis", maxRetries: 10 } }).pipe(fixedRandom(MAX)),
      );
      yield* TestClock.adjust("1 minute");
      const exit = yield* Fiber.await(fiber);
      expect(Exit.isFailure(exit)).toBe(true);
      // Start 0; fail at 4 s; wait 200 ms; fail at 8.2 s; the next wait (400 ms) would end at 8.6 s > 8.5 s.
      // Measured from the first failure instead (4.6 s), a third attempt would run.
      expect(attempts).toBe(2);
    }),
  );

  it.effect("never retries a PATCH after a timeout or network error without verify", () =>
    Effect.gen(function* () {
      for (const error of [new Timeout({ ...patch }), new NetworkError({ ...patch, cause: "reset" }), new ServerError({ ...patch, status: 502 })]) {
        const { request, times } = scripted([error]);
        const exit = yield* Effect.exit(withRetry(request, { method: "PATCH" }));
        expect(times).toHaveLength(1);
        expect(Exit.isFailure(exit) && exit.cause.toString()).toContain(error._tag);
      }
    }),
  );

  it.effect("returns the verified value instead of re-sending a PATCH that applied", () =>
    Effect.gen(function* () {
      const { request, times } = scripted([new Timeout({ ...patch })]);
      let reads = 0;
      const verify = Effect.sync(() => {
        reads++;
        return { applied: true as const, value: "read back" };
      });
      const fiber = yield* run(withRetry(request, { method: "PATCH", verify }).pipe(fixedRandom(0.5)));
      yield* TestClock.adjust("1 second");
      expect(yield* Fiber.join(fiber)).toBe("read back");
      expect(times).toHaveLength(1);
      expect(reads).toBe(1);
    }),
  );

  it.effect("re-sends a PATCH only after verify says it did not apply, after the backoff", () =>
    Effect.gen(function* () {
      const { request, times } = scripted([new NetworkError({ ...patch, cause: new Error("socket hang up") })]);
      const readAt: Array<number> = [];
      const verify = Effect.map(Clock.currentTimeMillis, (now) => {
        readAt.push(now);
        return { applied: false as const };
      });
      const fiber = yield* run(withRetry(request, { method: "PATCH", verify }).pipe(fixedRandom(0.5)));
      yield* TestClock.adjust("1 second");
      expect(yield* Fiber.join(fiber)).toBe("ok");
      expect(readAt).toEqual([100]);
      expect(times).toEqual([0, 100]);
    }),
  );

  it.effect("retries a PATCH after a TPS 429 without verifying (nothing was applied)", () =>
    Effect.gen(function* () {
      const { request, times } = scripted([new RateLimited({ ...patch, scope: "tps", retryAfter: 1 })]);
      let reads = 0;
      const verify = Effect.sync(() => {
        reads++;
        return { applied: false as const };
      });
      const fiber = yield* run(withRetry(request, { method: "PATCH", verify }));
      yield* TestClock.adjust("1 second");
      expect(yield* Fiber.join(fiber)).toBe("ok");
      expect(times).toEqual([0, 1000]);
      expect(reads).toBe(0);
    }),
  );
});
