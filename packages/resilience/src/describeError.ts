import { classify } from "./classify.js";
import { redactText } from "./redact.js";
import type { WattwatchersError } from "./WattwatchersError.js";

/**
 * Options of {@link describeError}.
 *
 * @category models
 */
export interface DescribeErrorOptions {
  /** Secrets to scrub (the API key), on top of what the error already scrubbed when it was built. */
  readonly secrets?: ReadonlyArray<string> | undefined;
  /**
   * The current time in Unix milliseconds, for "try again in N s".
   * @default Date.now()
   */
  readonly now?: number | undefined;
}

const seconds = (ms: number): string => `${Math.max(1, Math.ceil(ms / 1000))} s`;

/**
 * One line for a person: the error's message plus what its {@link classify | classification} means for them
 * (when to try again after a 429, that a failed write may have been applied), credentials scrubbed. The CLI
 * prints it; a log or a status line can too.
 *
 * @example
 * ```ts
 * import { describeError, RateLimited } from "@wattstream/resilience"
 * const e = new RateLimited({ operation: "getDevice", method: "GET", path: "/devices/D123456789012", scope: "tps", retryAfter: 2 })
 * describeError(e, { now: 0 }) // "getDevice GET /devices/D123456789012 failed with 429 [tps limit; retry after 2 s] (too many requests per second; try again in 2 s)"
 * ```
 * @category error handling
 */
export const describeError = (error: WattwatchersError, options?: DescribeErrorOptions): string => {
  const c = classify(error, { now: options?.now });
  let hint: string | undefined;
  if (c.kind === "rateLimited") {
    hint =
      c.scope === "tpd"
        ? // api-facts: the daily budget resets at 00:00 UTC; `retryAt` is the server's own word on when, capped.
          `the daily request budget is spent (it resets at 00:00 UTC); try again at ${new Date(c.retryAt).toISOString()}`
        : c.scope === "edge"
          ? `the platform is throttling requests; try again in ${seconds(c.waitMs)}`
          : `too many requests per second; try again in ${seconds(c.waitMs)}`;
  } else if (c.kind === "ambiguous") {
    hint = "the change may or may not have been applied: read it back before trying again";
  }
  return redactText(hint === undefined ? error.message : `${error.message} (${hint})`, options?.secrets ?? []);
};
