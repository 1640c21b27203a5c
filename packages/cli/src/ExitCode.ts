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

const byTag: Readonly<Record<string, ExitCode>> = {
  UsageError: ExitCode.usage,
  InvalidIdError: ExitCode.usage,
  InvalidWindowError: ExitCode.usage,
  InvalidRequest: ExitCode.usage,
  BadRequest: ExitCode.usage,
  Unprocessable: ExitCode.usage,
  Unauthorized: ExitCode.auth,
  Forbidden: ExitCode.auth,
  NotPermitted: ExitCode.auth,
  NotFound: ExitCode.notFound,
  RateLimited: ExitCode.rateLimited,
};

/**
 * The exit code for an error value: usage 2, auth 3, not found 4, rate limited 5, anything else 1. Reads the
 * `_tag` of `@wattstream/resilience` errors and of core's `InvalidIdError` / `InvalidWindowError`.
 *
 * @example
 * ```ts
 * import { exitCodeOf } from "@wattstream/cli";
 * exitCodeOf({ _tag: "NotFound" }); // 4
 * exitCodeOf(new Error("boom")); // 1
 * ```
 * @category error handling
 */
export const exitCodeOf = (error: unknown): ExitCode => {
  const tag = typeof error === "object" && error !== null ? (error as { readonly _tag?: unknown })._tag : undefined;
  return (typeof tag === "string" ? byTag[tag] : undefined) ?? ExitCode.other;
};
