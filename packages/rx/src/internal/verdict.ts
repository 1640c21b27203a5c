import { classify } from "@wattstream/resilience";
import type { WattwatchersError } from "@wattstream/resilience";
import { timerDelay } from "./timerDelay.js";

/**
 * How a stream reacts to a failed poll: a switch on resilience's `classify(...).kind`, so rx, the retry policy,
 * the pacer and the CLI cannot disagree about what is worth retrying or how long a 429 lasts. The policy, in one
 * table (also in the README):
 *
 * | `classify` kind | errors | reaction | status event |
 * |---|---|---|---|
 * | `transient`, `ambiguous` | `ServerError`, `Timeout`, `NetworkError` | back off, poll again | `retrying`, `degraded` from the 3rd in a row |
 * | `rateLimited` | `RateLimited` (tps, edge: `Retry-After`; tpd: the daily reset) | wait `waitMs` | `rateLimited` |
 * | `fatal` (`unprocessable`) | `Unprocessable` (422) | energy: halve the window and read again at once; device/fleet: fatal | — |
 * | `fatal` (other reasons) | `Unauthorized`, `Forbidden`, `NotPermitted`, `NotFound`, `BadRequest`, `InvalidRequest` | the stream errors with it | — |
 * | `badResponse` | `DecodeError`, `ResponseTooLarge`, `UnexpectedRedirect` | back off, keep polling (the stream is not killed) | `degraded` at once |
 *
 * Anything that is not a `WattwatchersError` (a defect, a checkpoint store's failure) is not a poll verdict: the
 * streams end with it.
 */
export type Verdict =
  | { readonly kind: "fatal" }
  | { readonly kind: "split" }
  | { readonly kind: "rateLimited"; readonly retryInMs: number }
  /** Transient or ambiguous: retrying, degraded after several in a row. */
  | { readonly kind: "retry" }
  /** A bad response: degraded at once, polling goes on with back-off. */
  | { readonly kind: "degraded" };

export const verdictOf = (error: WattwatchersError, nowMs: number): Verdict => {
  const c = classify(error, { now: nowMs });
  switch (c.kind) {
    case "fatal":
      // A window over the maximum is a 422, not truncated (api-facts): split it further rather than fail.
      return c.reason === "unprocessable" ? { kind: "split" } : { kind: "fatal" };
    case "transient":
    case "ambiguous":
      return { kind: "retry" };
    case "rateLimited":
      return { kind: "rateLimited", retryInMs: c.waitMs };
    case "badResponse":
      return { kind: "degraded" };
  }
};

/** Tracks consecutive failures and turns them into status events and back-off delays. */
export class Health {
  failures = 0;
  private reported: "ok" | "retrying" | "degraded" | "rateLimited" = "ok";
  constructor(
    private readonly baseMs: number,
    private readonly maxMs: number,
  ) {}

  /** After a success: an `ok` event if the stream had reported trouble. */
  ok(): "ok" | undefined {
    this.failures = 0;
    if (this.reported === "ok") return undefined;
    this.reported = "ok";
    return "ok";
  }

  /** After a failure: the status to report and the delay before the next poll. */
  fail(verdict: Verdict): { status: "retrying" | "degraded" | "rateLimited"; delayMs: number } {
    this.failures++;
    const backoff = Math.min(this.maxMs, this.baseMs * 2 ** (this.failures - 1));
    if (verdict.kind === "rateLimited") {
      this.reported = "rateLimited";
      // A server's hint can be anything (days, Infinity, NaN): never more than a timer can hold, so `retryAt` is
      // when polling really resumes (and re-evaluates).
      return { status: "rateLimited", delayMs: timerDelay(verdict.retryInMs) };
    }
    this.reported = verdict.kind === "degraded" || this.failures >= 3 ? "degraded" : "retrying";
    return { status: this.reported, delayMs: backoff };
  }
}
