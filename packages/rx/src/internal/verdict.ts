import { backoffDelay, classify } from "@wattstream/resilience";
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

/**
 * The health a stream last reported and its failures in a row: plain data, so the planner's state can hold it.
 * Public as `StreamHealth`.
 *
 * @category models
 */
export interface HealthState {
  readonly failures: number;
  readonly reported: "ok" | "retrying" | "degraded" | "rateLimited";
}

export const HEALTHY: HealthState = { failures: 0, reported: "ok" };

/** After a success: the reset health and an `ok` status if the stream had reported trouble. */
export const healthOk = (health: HealthState): { readonly health: HealthState; readonly status: "ok" | undefined } =>
  health.reported === "ok" && health.failures === 0 ? { health, status: undefined } : { health: HEALTHY, status: health.reported === "ok" ? undefined : "ok" };

/**
 * After a failure: the new health, the status to report and the delay before the next poll: resilience's
 * `backoffDelay` (the back-off sequence's one home, without jitter: polls are spread by their devices' lags) from
 * `baseMs` up to `maxMs`, or the 429's wait.
 */
export const healthFail = (
  health: HealthState,
  verdict: Verdict,
  baseMs: number,
  maxMs: number,
): { readonly health: HealthState; readonly status: "retrying" | "degraded" | "rateLimited"; readonly delayMs: number } => {
  const failures = health.failures + 1;
  if (verdict.kind === "rateLimited")
    // A server's hint can be anything (days, Infinity, NaN): never more than a timer can hold, so `retryAt` is
    // when polling really resumes (and re-evaluates).
    return { health: { failures, reported: "rateLimited" }, status: "rateLimited", delayMs: timerDelay(verdict.retryInMs) };
  const status = verdict.kind === "degraded" || failures >= 3 ? "degraded" : "retrying";
  return { health: { failures, reported: status }, status, delayMs: backoffDelay(failures, { baseMs, maxMs }) };
};

/** Tracks consecutive failures and turns them into status events and back-off delays ({@link healthFail}). */
export class Health {
  private state: HealthState = HEALTHY;
  constructor(
    private readonly baseMs: number,
    private readonly maxMs: number,
  ) {}

  get failures(): number {
    return this.state.failures;
  }

  /** After a success: an `ok` event if the stream had reported trouble. */
  ok(): "ok" | undefined {
    const { health, status } = healthOk(this.state);
    this.state = health;
    return status;
  }

  /** After a failure: the status to report and the delay before the next poll. */
  fail(verdict: Verdict): { status: "retrying" | "degraded" | "rateLimited"; delayMs: number } {
    const { health, status, delayMs } = healthFail(this.state, verdict, this.baseMs, this.maxMs);
    this.state = health;
    return { status, delayMs };
  }
}
