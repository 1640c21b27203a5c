import { Cause, Clock, Duration, Effect, Random, Schedule } from "effect";
import { backoffDelay } from "./backoff.js";
import { classify, isIdempotent } from "./classify.js";
import { clampDelayMs } from "./waitLimits.js";
import { isWattwatchersError } from "./WattwatchersError.js";

/**
 * Options of {@link retryPolicy} and {@link withRetry}. Defaults (one table, {@link RETRY_DEFAULTS}):
 *
 * | option | default | meaning |
 * |---|---|---|
 * | `baseDelay` | 200 ms | first backoff ceiling |
 * | `factor` | 2 | growth of the ceiling per retry |
 * | `maxDelay` | 10 s | cap on one backoff ceiling (Retry-After may still ask for longer) |
 * | `maxRetries` | 5 | retries after the first attempt |
 * | `maxElapsed` | 30 s | total time budget (from the first attempt under `withRetry`, else the first failure); a wait that would overrun it is not taken |
 * | `waitForDailyReset` | `false` | wait for 00:00 UTC after a TPD 429 instead of failing fast |
 *
 * @example
 * ```ts
 * import { retryPolicy } from "@wattstream/resilience"
 * const patient = retryPolicy({ maxRetries: 10, maxElapsed: "2 minutes" })
 * ```
 * @category models
 */
export interface RetryOptions {
  /**
   * The backoff ceiling of the first retry; each wait is uniformly random in `[0, ceiling]` (full jitter).
   * @default "200 millis"
   */
  readonly baseDelay?: Duration.Input | undefined;
  /**
   * Multiplier of the ceiling per retry.
   * @default 2
   */
  readonly factor?: number | undefined;
  /**
   * Cap on the backoff ceiling. A longer `Retry-After` is still honoured (within `maxElapsed`).
   * @default "10 seconds"
   */
  readonly maxDelay?: Duration.Input | undefined;
  /**
   * How many times to retry after the first attempt; `0` disables retrying.
   * @default 5
   */
  readonly maxRetries?: number | undefined;
  /**
   * Total time budget, measured from the start of the first attempt under {@link withRetry} (from the first
   * failure when the bare schedule is used with `Effect.retry`): a retry whose wait would end after it is not
   * attempted and the last error is returned instead.
   * @default "30 seconds"
   */
  readonly maxElapsed?: Duration.Input | undefined;
  /**
   * After a TPD 429 (daily budget exhausted), wait until the UTC reset and retry instead of failing fast. The wait
   * ignores `maxElapsed` (it can be hours) but counts against `maxRetries`.
   * @default false
   */
  readonly waitForDailyReset?: boolean | undefined;
}

/**
 * The documented defaults of {@link RetryOptions}, in milliseconds where a duration.
 *
 * @category models
 */
export const RETRY_DEFAULTS = {
  baseDelayMs: 200,
  factor: 2,
  maxDelayMs: 10_000,
  maxRetries: 5,
  maxElapsedMs: 30_000,
  waitForDailyReset: false,
} as const;

interface NormalizedRetry {
  readonly baseDelayMs: number;
  readonly factor: number;
  readonly maxDelayMs: number;
  readonly maxRetries: number;
  readonly maxElapsedMs: number;
  readonly waitForDailyReset: boolean;
}

const ms = (input: Duration.Input | undefined, fallback: number): number =>
  input === undefined ? fallback : Duration.toMillis(Duration.fromInputUnsafe(input));

const normalize = (options: RetryOptions = {}): NormalizedRetry => ({
  baseDelayMs: ms(options.baseDelay, RETRY_DEFAULTS.baseDelayMs),
  factor: options.factor ?? RETRY_DEFAULTS.factor,
  maxDelayMs: ms(options.maxDelay, RETRY_DEFAULTS.maxDelayMs),
  maxRetries: options.maxRetries ?? RETRY_DEFAULTS.maxRetries,
  maxElapsedMs: ms(options.maxElapsed, RETRY_DEFAULTS.maxElapsedMs),
  waitForDailyReset: options.waitForDailyReset ?? RETRY_DEFAULTS.waitForDailyReset,
});

/**
 * The retry policy as an Effect `Schedule` over failures: it recurs only for transient errors (TPS and edge 429,
 * 5xx, timeouts, network errors), waits at least `Retry-After`, backs off exponentially with full jitter (from
 * Effect's `Random`, so tests can seed it) up to a cap, stops after `maxRetries` or when the next wait would pass
 * `maxElapsed`, and never retries other 4xx. A TPD 429 stops it at once, so the caller gets the `RateLimited`
 * error with `resetAt` (api-facts: retrying before 00:00 UTC is pointless), unless `waitForDailyReset` is set.
 * Its output is the delay chosen for each retry.
 *
 * Every decision is {@link classify}'s. A 5xx, timeout or network error of a non-idempotent request (by the error's
 * `method`) is `ambiguous` and stops this schedule, since the change may have been applied; {@link withRetry}
 * re-sends such a request only after reading back.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { retryPolicy } from "@wattstream/resilience"
 * declare const request: Effect.Effect<string, import("@wattstream/resilience").WattwatchersError>
 * const resilient = Effect.retry(request, retryPolicy({ maxRetries: 3 }))
 * ```
 * @category error handling
 */
export const retryPolicy = (options?: RetryOptions): Schedule.Schedule<Duration.Duration, unknown> =>
  makeSchedule(normalize(options), undefined, undefined);

/**
 * The policy; `startedAt` (Unix ms) moves the start of the time budget before the first failure. Every decision
 * comes from `classify`: `transient` and (TPS, edge) `rateLimited` recur, at least `waitMs` after a 429 (a 429
 * whose server hint was beyond `WAIT_LIMITS` is not waited: the call fails with it); a `tpd` one only with
 * `waitForDailyReset`; `ambiguous` only under withRetry (it reads back before re-sending); nothing else.
 */
const makeSchedule = (
  o: NormalizedRetry,
  startedAt: number | undefined,
  /** Set by withRetry, which verifies an ambiguous failure before the re-send (see `Final`). */
  verifiedMethod: string | undefined,
): Schedule.Schedule<Duration.Duration, unknown> =>
  Schedule.fromStepWithMetadata(
    Effect.succeed((meta: Schedule.InputMetadata<unknown>) => {
      const error = meta.input;
      if (meta.attempt > o.maxRetries || !isWattwatchersError(error)) return Cause.done(Duration.zero);
      const c = classify(error, { now: meta.now, method: verifiedMethod });
      let floor = 0;
      switch (c.kind) {
        case "rateLimited": {
          if (c.scope === "tpd") {
            if (!o.waitForDailyReset) return Cause.done(Duration.zero);
            // The wait ignores maxElapsed (it can be hours); `waitMs` is capped at a day's reset already.
            const wait = Duration.millis(c.waitMs);
            return Effect.succeed([wait, wait] as [Duration.Duration, Duration.Duration]);
          }
          if (c.capped) return Cause.done(Duration.zero);
          floor = c.waitMs;
          break;
        }
        case "ambiguous":
          if (verifiedMethod === undefined) return Cause.done(Duration.zero);
          break;
        case "transient":
          break;
        default:
          return Cause.done(Duration.zero);
      }
      return Effect.flatMap(Random.next, (random) => {
        // The back-off sequence has one home (`backoffDelay`, shared with rx's polling): full jitter from Effect's
        // Random. Clamped so that no option (a huge baseDelay, an infinite maxElapsed) can hand a timer what it cannot hold.
        const backoff = backoffDelay(meta.attempt, { baseMs: o.baseDelayMs, maxMs: o.maxDelayMs, factor: o.factor }, random);
        const delayMs = clampDelayMs(Math.max(floor, backoff));
        const elapsed = meta.now - (startedAt ?? meta.start);
        if (elapsed + delayMs > o.maxElapsedMs) return Cause.done(Duration.zero);
        const delay = Duration.millis(delayMs);
        return Effect.succeed([delay, delay] as [Duration.Duration, Duration.Duration]);
      });
    }),
  );

/**
 * What a caller's `verify` effect found after an ambiguous failure of a non-idempotent request: the change is
 * already in place (with the value to return, e.g. the device read back), or it is not and the request may be sent
 * again.
 *
 * @category models
 */
export type VerifyOutcome<A> = { readonly applied: true; readonly value: A } | { readonly applied: false };

/**
 * Options of {@link withRetry}.
 *
 * @category models
 */
export interface WithRetryOptions<A, E2 = never, R2 = never> {
  /** The HTTP method: GET (and other idempotent methods) retry freely; PATCH and POST only as described. */
  readonly method: string;
  /** The policy's options. */
  readonly options?: RetryOptions | undefined;
  /**
   * Run before re-sending a non-idempotent request whose outcome is unknown (timeout, network error, 5xx):
   * typically reads the device and compares it with the PATCH body (including `pending`). Without it such a
   * request is never retried (api-facts: no idempotency key; read the device first).
   */
  readonly verify?: Effect.Effect<VerifyOutcome<A>, E2, R2> | undefined;
}

/** Failures after which a request of `method` may or may not have been applied (`classify`'s `ambiguous`). */
const isAmbiguous = (error: unknown, method: string): boolean =>
  isWattwatchersError(error) && classify(error, { method, now: 0 }).kind === "ambiguous";

/** Carries an error past the schedule so it stops (the schedule only retries Wattwatchers errors). */
class Final<E> {
  constructor(readonly error: E) {}
}

/**
 * Runs a request under {@link retryPolicy}, with the rule for non-idempotent methods: a PATCH (or POST) that
 * failed with a timeout, a network error or a 5xx is retried only after `verify` reports that it did not apply;
 * if `verify` finds it applied, its value is returned without re-sending. 429s are retried as usual (the service
 * rejected the request, nothing was applied).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { withRetry } from "@wattstream/resilience"
 * declare const patch: Effect.Effect<{ label: string }, import("@wattstream/resilience").WattwatchersError>
 * declare const readBack: Effect.Effect<{ label: string }, import("@wattstream/resilience").WattwatchersError>
 * const safe = withRetry(patch, {
 *   method: "PATCH",
 *   verify: Effect.map(readBack, (d) => (d.label === "Kitchen" ? { applied: true, value: d } : { applied: false })),
 * })
 * ```
 * @category error handling
 */
export const withRetry = <A, E, R, E2 = never, R2 = never>(
  effect: Effect.Effect<A, E, R>,
  config: WithRetryOptions<A, E2, R2>,
): Effect.Effect<A, E | E2, R | R2> => {
  const idempotent = isIdempotent(config.method);
  const verify = config.verify;

  const retryAfterFirst = (first: E, startedAt: number): Effect.Effect<A, E | E2, R | R2> => {
    if (!idempotent && isAmbiguous(first, config.method) && verify === undefined) return Effect.fail(first);
    // The first failure is replayed as attempt one, so the schedule sees it and picks the first delay.
    let replay = true;
    // Set when the last attempt's outcome is unknown; cleared once verify says it did not apply.
    let mustVerify = !idempotent && isAmbiguous(first, config.method);
    const send = idempotent
      ? effect
      : Effect.catch(effect, (error: E): Effect.Effect<never, E | Final<E>> => {
          if (!isAmbiguous(error, config.method)) return Effect.fail(error);
          if (verify === undefined) return Effect.fail(new Final(error));
          mustVerify = true;
          return Effect.fail(error);
        });
    const attempt: Effect.Effect<A, E | E2 | Final<E>, R | R2> = Effect.suspend(() => {
      if (replay) {
        replay = false;
        return Effect.fail(first);
      }
      if (!mustVerify || verify === undefined) return send;
      return Effect.flatMap(verify, (outcome) => {
        if (outcome.applied) return Effect.succeed(outcome.value);
        mustVerify = false;
        return send;
      });
    });
    return Effect.retry(attempt, makeSchedule(normalize(config.options), startedAt, config.method)).pipe(
      Effect.mapError((e) => (e instanceof Final ? (e.error as E) : (e as E | E2))),
    );
  };

  // The success path pays for a clock read and one `catch`; the schedule is built only when a failure needs it.
  // The time budget starts with the first attempt, so a slow first failure (a timeout) counts against it.
  return Effect.flatMap(Clock.currentTimeMillis, (startedAt) =>
    Effect.catch(effect, (first: E) => retryAfterFirst(first, startedAt)),
  );
};
