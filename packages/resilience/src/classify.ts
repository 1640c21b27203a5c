// The one failure policy of the project: what an error means for whoever has to react to it (a retry schedule,
// the pacer, rx's pollers, the CLI's exit code, a dashboard's status line). Every one of them asks this module
// rather than reading `_tag`, `retryAfter` or `resetAt` itself, so they cannot disagree about what is worth
// retrying or about how long a 429 lasts.
import { secondsUntilUtcMidnight } from "./RateLimit.js";
import { clampDelayMs, WAIT_LIMITS } from "./waitLimits.js";
import { isWattwatchersError } from "./WattwatchersError.js";
import type { RateLimited, RateLimitScope, WattwatchersError } from "./WattwatchersError.js";

/**
 * Why a failure is {@link Classification | fatal}: the same request cannot succeed until someone changes
 * something.
 *
 * | reason | errors | the fix |
 * |---|---|---|
 * | `auth` | `Unauthorized`, `Forbidden`, `NotPermitted` | another key, or permissions for it |
 * | `notFound` | `NotFound` | the device does not exist or the key may not see it (api-facts: 404 for both) |
 * | `invalid` | `BadRequest`, `InvalidRequest` | the request itself (an ID, a parameter combination) |
 * | `unprocessable` | `Unprocessable` | the values (a timestamp, a window over the maximum: a smaller window may pass) |
 *
 * @category models
 */
export type FatalReason = "auth" | "notFound" | "invalid" | "unprocessable";

/**
 * What a failure means, decided once by {@link classify}; discriminate on `kind`.
 *
 * | kind | errors | reaction |
 * |---|---|---|
 * | `transient` | `ServerError`, `Timeout`, `NetworkError` of an idempotent request | try again after a back-off |
 * | `ambiguous` | the same for a non-idempotent request (PATCH, POST) | its effect is unknown (api-facts: no idempotency key): read back before any re-send |
 * | `rateLimited` | `RateLimited` | try again at `retryAt` (`tpd`: the UTC day's reset) |
 * | `fatal` | 401, 403, 404, 400, 422, `InvalidRequest` | stop: see `reason` |
 * | `badResponse` | `DecodeError`, `ResponseTooLarge`, `UnexpectedRedirect` | an answer arrived but is unusable; the same request gets the same answer, so a call is not retried (a poller may look again later) |
 *
 * @example
 * ```ts
 * import { classify, ServerError } from "@wattstream/resilience"
 * const c = classify(new ServerError({ operation: "updateDevice", method: "PATCH", path: "/devices/D123456789012", status: 503 }))
 * c.kind // "ambiguous"
 * ```
 * @category models
 */
export type Classification =
  | { readonly kind: "transient"; readonly error: WattwatchersError }
  | { readonly kind: "ambiguous"; readonly error: WattwatchersError }
  | RateLimitedClassification
  | { readonly kind: "fatal"; readonly reason: FatalReason; readonly error: WattwatchersError }
  | { readonly kind: "badResponse"; readonly error: WattwatchersError };

/**
 * The {@link Classification} of a 429: when trying again makes sense, from the server's hints, capped.
 *
 * @category models
 */
export interface RateLimitedClassification {
  readonly kind: "rateLimited";
  readonly error: RateLimited;
  /** Which budget was exhausted (`tpd` lasts until 00:00 UTC). */
  readonly scope: RateLimitScope;
  /**
   * Unix milliseconds at which trying again makes sense: the error's `resetAt` (computed, capped, when it was
   * built), else its `Retry-After` or TPS reset, else {@link RATE_LIMIT_DEFAULT_WAIT_MS} (the next UTC midnight
   * for `tpd`). Always finite and within `WAIT_LIMITS` of `now`.
   */
  readonly retryAt: number;
  /** `retryAt − now`, clamped to `[0, the scope's cap]`: hand it to a timer as it is. */
  readonly waitMs: number;
  /** Whether the server gave a hint (`Retry-After`, a reset header); without one, the default wait applies. */
  readonly hinted: boolean;
  /**
   * Whether the server asked for longer than `WAIT_LIMITS` allows (e.g. `Retry-After: 86400` on a TPS 429):
   * `retryAt` is then the cap. A call's retry policy does not wait for such a 429; it fails with it.
   */
  readonly capped: boolean;
}

/**
 * Options of {@link classify}.
 *
 * @category models
 */
export interface ClassifyOptions {
  /**
   * The current time in Unix milliseconds, for a 429 whose error carries no `resetAt` (one built by hand); pass
   * the Effect `Clock`'s or the rx scheduler's time so virtual time applies.
   * @default Date.now()
   */
  readonly now?: number | undefined;
  /**
   * The request's HTTP method, when it differs from the error's own `method` (which is used otherwise): it decides
   * `transient` versus `ambiguous`.
   * @default error.method
   */
  readonly method?: string | undefined;
}

/**
 * How long to wait after a 429 that carries no hint at all (an edge 429 without `Retry-After` or rate-limit
 * headers), in milliseconds.
 *
 * @category models
 */
export const RATE_LIMIT_DEFAULT_WAIT_MS = 1_000;

const IDEMPOTENT: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);

/**
 * Whether an HTTP method is idempotent (re-sending it cannot apply a change twice).
 *
 * @example
 * ```ts
 * import { isIdempotent } from "@wattstream/resilience"
 * isIdempotent("get") // true
 * isIdempotent("PATCH") // false
 * ```
 * @category guards
 */
export const isIdempotent = (method: string): boolean => IDEMPOTENT.has(method.toUpperCase());

/** The wait a 429 implies, in ms from `now`, and whether it was hinted or capped. */
const rateLimitWait = (
  error: Pick<RateLimited, "scope" | "resetAt" | "retryAfter"> & { readonly rateLimit?: RateLimited["rateLimit"] },
  now: number,
): { readonly waitMs: number; readonly hinted: boolean; readonly capped: boolean } => {
  const cap = error.scope === "tpd" ? WAIT_LIMITS.maxDailyResetMs : WAIT_LIMITS.maxRetryAfterMs;
  // The server's own number decides whether the cap bit, even when `resetAt` (already capped) is used.
  const capped = error.retryAfter !== undefined && error.scope !== "tpd" && error.retryAfter * 1000 > cap;
  if (error.resetAt !== undefined) return { waitMs: clampDelayMs(error.resetAt * 1000 - now, cap), hinted: true, capped };
  if (error.retryAfter !== undefined) return { waitMs: clampDelayMs(error.retryAfter * 1000, cap), hinted: true, capped };
  if (error.scope === "tpd") {
    // api-facts: the daily budget resets at 00:00 UTC.
    return { waitMs: clampDelayMs(secondsUntilUtcMidnight(now) * 1000 - (now % 1000), cap), hinted: false, capped };
  }
  const tpsReset = error.scope === "tps" ? error.rateLimit?.tps?.resetSeconds : undefined;
  if (tpsReset !== undefined) {
    return { waitMs: clampDelayMs(tpsReset * 1000, WAIT_LIMITS.maxTpsResetMs), hinted: true, capped: false };
  }
  return { waitMs: RATE_LIMIT_DEFAULT_WAIT_MS, hinted: false, capped: false };
};

/**
 * Classifies a {@link WattwatchersError} once, into what it means for whoever reacts to it (see
 * {@link Classification}): the retry policy, the pacer, rx's pollers, the CLI's exit codes and messages all call
 * this, so they agree on what is retried and on how long a 429 lasts. A 5xx, timeout or network error of a
 * non-idempotent request (by the error's `method`, or `options.method`) is `ambiguous`: it may have been applied.
 *
 * @example
 * ```ts
 * import { classify, errorFromResponse } from "@wattstream/resilience"
 * const error = errorFromResponse({
 *   operation: "getDevice", method: "GET", path: "/devices/D123456789012", status: 429, now: 0,
 *   headers: { "Retry-After": "2" }, body: { code: "TOO_MANY_REQUESTS_TPS", httpCode: 429 },
 * })
 * const c = classify(error, { now: 0 })
 * if (c.kind === "rateLimited") console.log(c.scope, c.waitMs) // tps 2000
 * ```
 * @category error handling
 */
export const classify = (error: WattwatchersError, options?: ClassifyOptions): Classification => {
  switch (error._tag) {
    case "RateLimited": {
      const now = options?.now ?? Date.now();
      const wait = rateLimitWait(error, now);
      return { kind: "rateLimited", error, scope: error.scope, retryAt: now + wait.waitMs, ...wait };
    }
    case "ServerError":
    case "Timeout":
    case "NetworkError":
      return isIdempotent(options?.method ?? error.method) ? { kind: "transient", error } : { kind: "ambiguous", error };
    case "Unauthorized":
    case "Forbidden":
    case "NotPermitted":
      return { kind: "fatal", reason: "auth", error };
    case "NotFound":
      return { kind: "fatal", reason: "notFound", error };
    case "BadRequest":
    case "InvalidRequest":
      return { kind: "fatal", reason: "invalid", error };
    case "Unprocessable":
      return { kind: "fatal", reason: "unprocessable", error };
    case "DecodeError":
    case "ResponseTooLarge":
    case "UnexpectedRedirect":
      return { kind: "badResponse", error };
  }
};

/**
 * How long to wait after a {@link RateLimited} before trying again, in ms, when the server gave a hint: until
 * its `resetAt` (already capped), else its `retryAfter`, else its TPS reset, clamped to the scope's cap
 * (`maxDailyResetMs` for `tpd`, `maxRetryAfterMs` otherwise, `maxTpsResetMs` for a TPS reset), so the result is
 * finite and safe for any timer; `undefined` without a hint. The same numbers as {@link classify}'s `waitMs`,
 * which also supplies the default when there is no hint: prefer it.
 *
 * @example
 * ```ts
 * import { RateLimited, rateLimitWaitMs } from "@wattstream/resilience"
 * const e = new RateLimited({ operation: "getDevice", method: "GET", path: "/devices/D123456789012", scope: "tps", retryAfter: 86_400 })
 * rateLimitWaitMs(e, Date.now()) // 60000
 * ```
 * @category error handling
 */
export const rateLimitWaitMs = (
  error: Pick<RateLimited, "scope" | "resetAt" | "retryAfter"> & { readonly rateLimit?: RateLimited["rateLimit"] },
  nowMs: number,
): number | undefined => {
  const wait = rateLimitWait(error, nowMs);
  return wait.hinted ? wait.waitMs : undefined;
};

/**
 * Whether retrying could help: TPS and edge 429s, 5xx, timeouts and network errors (whatever the method: for a
 * non-idempotent request {@link classify} says `ambiguous`). Never other 4xx, never a TPD 429 (it lasts until the
 * UTC reset), never decode or validation failures. A shorthand for {@link classify}.
 *
 * @example
 * ```ts
 * import { isTransient, ServerError } from "@wattstream/resilience"
 * isTransient(new ServerError({ operation: "getDevice", method: "GET", path: "/devices/x", status: 502 })) // true
 * ```
 * @category guards
 */
export const isTransient = (error: unknown): boolean => {
  if (!isWattwatchersError(error)) return false;
  const c = classify(error, { now: 0 });
  return c.kind === "transient" || c.kind === "ambiguous" || (c.kind === "rateLimited" && c.scope !== "tpd");
};
