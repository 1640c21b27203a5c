import { clampDelayMs } from "./waitLimits.js";

/**
 * The shape of an exponential back-off, in milliseconds: the one description every retry loop of wattstream builds
 * its waits from ({@link retryPolicy}'s Effect `Schedule`, rx's polling back-off).
 *
 * @example
 * ```ts
 * import type { BackoffOptions } from "@wattstream/resilience"
 * const polls: BackoffOptions = { baseMs: 1_000, maxMs: 300_000, flatAttempts: 8 }
 * ```
 * @category models
 */
export interface BackoffOptions {
  /** The wait of the first attempt (and of every attempt up to `flatAttempts`). */
  readonly baseMs: number;
  /** The cap on one wait. */
  readonly maxMs: number;
  /**
   * Growth of the wait per attempt after the flat ones.
   * @default 2
   */
  readonly factor?: number | undefined;
  /**
   * How many attempts wait `baseMs` before the wait starts to grow (steps that measure something, such as a
   * reporting lag, before backing off).
   * @default 1
   */
  readonly flatAttempts?: number | undefined;
}

/**
 * The ceiling of attempt `attempt` (1-based): `min(maxMs, baseMs × factor^(attempt − flatAttempts))` once past the
 * flat attempts, `baseMs` before; always a delay a timer can hold (finite, ≥ 0, ≤ 2³¹ − 1 ms).
 *
 * @example
 * ```ts
 * import { backoffCeiling } from "@wattstream/resilience"
 * backoffCeiling(3, { baseMs: 200, maxMs: 10_000 }) // 800
 * ```
 * @category constructors
 */
export const backoffCeiling = (attempt: number, options: BackoffOptions): number => {
  const steps = Math.max(0, attempt - (options.flatAttempts ?? 1));
  // `base × factor^steps` overflows to Infinity for a long outage: the cap (and then the clamp) absorbs it.
  const grown = steps === 0 ? options.baseMs : options.baseMs * (options.factor ?? 2) ** steps;
  return clampDelayMs(Math.min(options.maxMs, grown));
};

/**
 * The wait before retry number `attempt` (1-based): the {@link backoffCeiling} itself, or with `random` (a draw in
 * `[0, 1)`, e.g. Effect's `Random.next` or `Math.random()`) full jitter, uniformly in `[0, ceiling]`. The draw is a
 * parameter so that every caller decides where randomness comes from and tests stay deterministic.
 *
 * @example
 * ```ts
 * import { backoffDelay } from "@wattstream/resilience"
 * backoffDelay(1, { baseMs: 1_000, maxMs: 300_000 }) // 1000
 * backoffDelay(2, { baseMs: 1_000, maxMs: 300_000 }) // 2000
 * backoffDelay(2, { baseMs: 1_000, maxMs: 300_000 }, 0.25) // 500 (full jitter)
 * ```
 * @category constructors
 */
export const backoffDelay = (attempt: number, options: BackoffOptions, random?: number): number => {
  const ceiling = backoffCeiling(attempt, options);
  return random === undefined ? ceiling : clampDelayMs(Math.round(random * ceiling), ceiling);
};
