import { classify, isTransient, isWattwatchersError } from "@wattstream/resilience";
import type { WattwatchersError } from "@wattstream/resilience";
import { timerDelay } from "./timerDelay.js";

/**
 * How a stream reacts to a failed poll. Built on resilience's error model (`isTransient` and the error tags), so
 * rx and the retry policy cannot disagree about what is worth retrying. The policy, in one table (also in the
 * README):
 *
 * | error | `isTransient` | reaction | status event |
 * |---|---|---|---|
 * | `ServerError`, `Timeout`, `NetworkError` | yes | back off, poll again | `retrying`, `degraded` from the 3rd in a row |
 * | `RateLimited` (tps, edge) | yes | wait `Retry-After` (else back off) | `rateLimited` |
 * | `RateLimited` (tpd) | no | wait until the daily reset (`resetAt`) | `rateLimited` |
 * | `Unprocessable` (422) | no | energy: halve the window and read again at once; device/fleet: fatal | — |
 * | `Unauthorized`, `Forbidden`, `NotPermitted` | no | fatal: the stream errors with it | — |
 * | `NotFound` | no | fatal: the device left the key (api-facts: 404 also for a device the key may not see) | — |
 * | `BadRequest`, `InvalidRequest` | no | fatal: the request itself is wrong, repeating it cannot help | — |
 * | `DecodeError`, anything else | no | back off, keep polling (the stream is not killed) | `degraded` at once |
 */
export type Verdict =
  | { readonly kind: "fatal" }
  | { readonly kind: "split" }
  | { readonly kind: "rateLimited"; readonly retryInMs: number | undefined }
  /** Transient (`isTransient`): retrying, degraded after several in a row. */
  | { readonly kind: "retry" }
  /** Not transient, not fatal: degraded at once, polling goes on with back-off. */
  | { readonly kind: "degraded" };

/** Errors that end a stream: no later poll can succeed while they hold (a key or permission problem, a device gone, a wrong request). */
const FATAL: ReadonlySet<WattwatchersError["_tag"]> = new Set<WattwatchersError["_tag"]>([
  "Unauthorized",
  "Forbidden",
  "NotPermitted",
  "NotFound",
  "BadRequest",
  "InvalidRequest",
]);

export const verdictOf = (error: unknown, nowMs: number): Verdict => {
  if (!isWattwatchersError(error)) return { kind: "degraded" };
  if (error._tag === "RateLimited") {
    // How long a 429 lasts is resilience's one answer (`classify`: `resetAt` computed when the error was built,
    // capped by WAIT_LIMITS; TPD until the UTC reset), never the raw `Retry-After`.
    const c = classify(error, { now: nowMs });
    return { kind: "rateLimited", retryInMs: c.kind === "rateLimited" ? c.waitMs : undefined };
  }
  if (isTransient(error)) return { kind: "retry" };
  if (FATAL.has(error._tag)) return { kind: "fatal" };
  // A window over the maximum is a 422, not truncated (api-facts): split it further rather than fail.
  if (error._tag === "Unprocessable") return { kind: "split" };
  return { kind: "degraded" };
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
      return { status: "rateLimited", delayMs: timerDelay(verdict.retryInMs ?? backoff) };
    }
    this.reported = verdict.kind === "degraded" || this.failures >= 3 ? "degraded" : "retrying";
    return { status: this.reported, delayMs: backoff };
  }
}
