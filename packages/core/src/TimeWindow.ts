/**
 * A half-open time window `[fromTs, toTs)` in integer Unix seconds, as the API's `fromTs` (inclusive) and `toTs`
 * (exclusive) query parameters take it (api-facts: query parameters).
 *
 * @category models
 */
export interface TimeWindow {
  readonly fromTs: number;
  readonly toTs: number;
}

/**
 * Why a window was rejected: `not-integer` (a bound is not an integer number of seconds), `order` (`toTs` before
 * `fromTs`), `too-small` (a window of under two seconds cannot be split), `timezone` (an unknown IANA name).
 *
 * @category errors
 */
export type InvalidWindowReason = "not-integer" | "order" | "too-small" | "timezone";

/**
 * Thrown for a malformed time window; `.reason` says why.
 *
 * @example
 * ```ts
 * import { InvalidWindowError, timeWindow } from "@wattstream/core";
 * try {
 *   timeWindow(200, 100);
 * } catch (e) {
 *   if (e instanceof InvalidWindowError) console.log(e.reason); // "order"
 * }
 * ```
 * @category errors
 */
export class InvalidWindowError extends Error {
  /** Discriminator, so the error fits tagged-error unions (Effect `catchTag`). */
  readonly _tag = "InvalidWindowError" as const;
  /** The rejected window (or the timezone, for reason `timezone`). */
  readonly window: TimeWindow | string;
  /** Why it was rejected. */
  readonly reason: InvalidWindowReason;

  constructor(window: TimeWindow | string, reason: InvalidWindowReason, detail: string) {
    super(
      typeof window === "string"
        ? `Invalid timezone ${JSON.stringify(window)}: ${detail} (${reason})`
        : `Invalid time window [${window.fromTs}, ${window.toTs}): ${detail} (${reason})`,
    );
    this.name = "InvalidWindowError";
    this.window = window;
    this.reason = reason;
  }
}

/**
 * Checks a window: both bounds integer seconds, `fromTs <= toTs` (an empty window is allowed and has no chunks).
 * @internal
 */
export const checkWindow = (window: TimeWindow): void => {
  if (!Number.isSafeInteger(window.fromTs) || !Number.isSafeInteger(window.toTs))
    throw new InvalidWindowError(window, "not-integer", "bounds must be integer Unix seconds");
  if (window.toTs < window.fromTs) throw new InvalidWindowError(window, "order", "toTs is before fromTs");
};

/**
 * Builds a validated window `[fromTs, toTs)` from Unix seconds or `Date`s (a `Date` is floored to the second).
 *
 * @example
 * ```ts
 * import { timeWindow } from "@wattstream/core";
 * timeWindow(1_700_000_000, 1_700_003_600); // { fromTs: 1700000000, toTs: 1700003600 }
 * timeWindow(new Date("2024-01-01T00:00:00Z"), new Date("2024-01-02T00:00:00Z"));
 * ```
 * @category constructors
 */
export const timeWindow = (from: number | Date, to: number | Date): TimeWindow => {
  const window = {
    fromTs: typeof from === "number" ? from : toUnixSeconds(from),
    toTs: typeof to === "number" ? to : toUnixSeconds(to),
  };
  checkWindow(window);
  return window;
};

/**
 * Converts a `Date` to integer Unix seconds, flooring any milliseconds (so the instant is never moved later).
 *
 * @example
 * ```ts
 * import { toUnixSeconds } from "@wattstream/core";
 * toUnixSeconds(new Date("2024-01-01T00:00:00.900Z")); // 1704067200
 * ```
 * @category constructors
 */
export const toUnixSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/**
 * Converts Unix seconds to a `Date`.
 *
 * @example
 * ```ts
 * import { fromUnixSeconds } from "@wattstream/core";
 * fromUnixSeconds(1704067200).toISOString(); // "2024-01-01T00:00:00.000Z"
 * ```
 * @category constructors
 */
export const fromUnixSeconds = (ts: number): Date => new Date(ts * 1000);
