/**
 * The health of one stream, emitted when it changes: transient failures never kill a stream (api-facts:
 * TPS exhaustion is transient, TPD lasts until the UTC day rolls over), they show up here instead.
 *
 * @category models
 */
export interface StatusEvent {
  readonly type: "status";
  readonly deviceId: string;
  /**
   * `retrying` after a transient failure (resilience's `isTransient`), `degraded` after three in a row or at once
   * for a non-transient one that is not fatal (e.g. an undecodable reply, or a device record naming another device:
   * transport's `DecodeError`), `rateLimited` until `retryAt` (TPS:
   * `Retry-After`; TPD: the daily reset). Fatal errors (`Unauthorized`, `Forbidden`, `NotPermitted`, `NotFound`,
   * `BadRequest`, `InvalidRequest`) end the stream instead. The full table is in the package README.
   */
  readonly status: "ok" | "retrying" | "degraded" | "rateLimited";
  /** The failure that caused a non-`ok` status (a transport `WattwatchersError`). */
  readonly error?: unknown;
  /** Consecutive failed polls. */
  readonly attempt?: number;
  /**
   * When polling resumes, epoch milliseconds on the stream's scheduler clock; a server hint beyond what a timer can
   * hold (2^31−1 ms) is clamped, and polling re-evaluates then.
   */
  readonly retryAt?: number;
}
