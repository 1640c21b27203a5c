import { InvalidIdError, InvalidWindowError } from "@wattstream/core";
import { classify, isWattwatchersError } from "@wattstream/resilience";
import type { Classification } from "@wattstream/resilience";
import { MissingEntityError, UsageError } from "./internal/UsageError.js";

/**
 * The exit codes of the `wattstream` command, one per class of failure, so scripts can tell a typo from a bad
 * key from a missing device without parsing messages.
 *
 * @example
 * ```ts
 * import { ExitCode } from "@wattstream/cli";
 * if (child.exitCode === ExitCode.auth) console.error("check WATTSTREAM_API_KEY");
 * ```
 * @category models
 */
export const ExitCode = {
  /** Success. */
  ok: 0,
  /** Anything not listed below: server errors, timeouts, network failures, a switch still pending. */
  other: 1,
  /** Bad input: unknown option, malformed ID or date, a request the service rejected as invalid. */
  usage: 2,
  /** The key was refused (401 Unauthorized, 403 Forbidden or Not Permitted). */
  auth: 3,
  /** No such device or switch, or one the key may not see (the service does not tell them apart). */
  notFound: 4,
  /** Rate limited (TPS, TPD or edge throttling) beyond what the retry policy absorbs. */
  rateLimited: 5,
  /** Interrupted by Ctrl-C before a one-shot command (e.g. `sync`) finished; its checkpoint is saved. */
  interrupted: 130,
} as const;

/**
 * One of the values of {@link ExitCode}.
 *
 * @category models
 */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit code of each kind of failure resilience's `classify` knows. */
const byClassification = (c: Classification): ExitCode => {
  switch (c.kind) {
    case "fatal":
      return c.reason === "auth" ? ExitCode.auth : c.reason === "notFound" ? ExitCode.notFound : ExitCode.usage;
    case "rateLimited":
      return ExitCode.rateLimited;
    default:
      // transient, ambiguous (a switch may be half-set), badResponse
      return ExitCode.other;
  }
};

/**
 * The exit code for an error value: usage 2, auth 3, not found 4, rate limited 5, anything else 1. An API error
 * (`@wattstream/resilience`'s `WattwatchersError`) is mapped from its classification (`classify`): `fatal`
 * `auth` → 3, `notFound` → 4, `invalid`/`unprocessable` → 2, `rateLimited` → 5, the rest 1. The CLI's own input
 * errors and core's `InvalidIdError` / `InvalidWindowError` are usage errors (2); a sub-entity the device does not
 * have is 4.
 *
 * @example
 * ```ts
 * import { NotFound } from "@wattstream/resilience";
 * import { exitCodeOf } from "@wattstream/cli";
 * exitCodeOf(new NotFound({ operation: "getDevice", method: "GET", path: "/devices/D123456789012", status: 404 })); // 4
 * exitCodeOf(new Error("boom")); // 1
 * ```
 * @category error handling
 */
export const exitCodeOf = (error: unknown): ExitCode => {
  if (isWattwatchersError(error)) return byClassification(classify(error));
  if (error instanceof UsageError || error instanceof InvalidIdError || error instanceof InvalidWindowError) {
    return ExitCode.usage;
  }
  if (error instanceof MissingEntityError) return ExitCode.notFound;
  return ExitCode.other;
};
