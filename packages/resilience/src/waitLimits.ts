/**
 * The caps on every wait computed from something a server said (`Retry-After`, `X-RateLimit-TpsReset`,
 * `X-RateLimit-TpdReset`, the older `X-RateLimit-Reset`), in one table. A server, a proxy or a bug can send any
 * number; a client that believed it could hang for a day on one header. Milliseconds.
 *
 * | limit | value | why | a hint beyond it |
 * |---|---|---|---|
 * | `maxTpsResetMs` | 5 s | the TPS budget is per second (api-facts); its reset is ≤ 1 s when sane | the pacer blocks 5 s, the retry waits 5 s |
 * | `maxRetryAfterMs` | 60 s | a TPS or edge 429 is transient; a longer `Retry-After` is not a TPS limit any more | `withRetry` fails fast with the `RateLimited` (carrying the server's `retryAfter`); the pacer blocks other calls 60 s at most; `resetAt` is at most 60 s ahead |
 * | `maxDailyResetMs` | 25 h | the daily budget resets at 00:00 UTC (api-facts), at most 24 h away, plus an hour of clock skew | `resetAt` (and the pacer's daily reset) is 25 h ahead at most |
 * | `maxTimerMs` | 2³¹ − 1 ms (≈ 24.8 days) | the most `setTimeout` can hold (beyond, Node fires after 1 ms: a busy loop) | every delay handed to a timer is clamped to it |
 *
 * So `RateLimited.resetAt` is always finite and at most `maxDailyResetMs` ahead of the time the error was built
 * (at most `maxRetryAfterMs` for a TPS or edge 429), and every delay resilience computes is finite, ≥ 0 and ≤
 * `maxTimerMs`.
 *
 * @example
 * ```ts
 * import { WAIT_LIMITS } from "@wattstream/resilience"
 * WAIT_LIMITS.maxRetryAfterMs // 60000
 * ```
 * @category models
 */
export const WAIT_LIMITS = {
  maxTpsResetMs: 5_000,
  maxRetryAfterMs: 60_000,
  maxDailyResetMs: 25 * 3_600_000,
  maxTimerMs: 2_147_483_647,
} as const;

/**
 * Clamps a delay to `[0, cap]` (the cap itself at most {@link WAIT_LIMITS}`.maxTimerMs`): `NaN`, `Infinity` and
 * anything above become the cap, negatives 0, so the result can always be handed to a timer.
 *
 * @example
 * ```ts
 * import { clampDelayMs } from "@wattstream/resilience"
 * clampDelayMs(86_400_000 * 30) // 2147483647
 * clampDelayMs(86_400_000, 60_000) // 60000
 * clampDelayMs(-5) // 0
 * ```
 * @category constructors
 */
export const clampDelayMs = (ms: number, cap: number = WAIT_LIMITS.maxTimerMs): number => {
  const limit = Math.min(Math.max(0, Number.isNaN(cap) ? 0 : cap), WAIT_LIMITS.maxTimerMs);
  if (Number.isNaN(ms)) return limit;
  return Math.min(Math.max(0, ms), limit);
};
