import type { DeviceId } from "@wattstream/core";
import type { WattwatchersError } from "@wattstream/resilience";

/**
 * The health fields shared by a device stream's {@link StatusEvent} and the fleet's {@link FleetStatusEvent}.
 * `E` is the error the client's calls fail with: resilience's `WattwatchersError` union, or the narrower union of
 * a client typed to fail with less (a stream owner, `makeStreams`, infers it from the client).
 *
 * @category models
 */
export interface StreamStatus<E extends WattwatchersError = WattwatchersError> {
  readonly type: "status";
  /**
   * `retrying` after a transient failure (resilience's `classify`: `transient` or `ambiguous`), `degraded` after
   * three in a row or at once for a `badResponse` (an undecodable reply, or a device record naming another device:
   * transport's `DecodeError`), `rateLimited` until `retryAt` (TPS: `Retry-After`; TPD: the daily reset). Fatal
   * errors (`Unauthorized`, `Forbidden`, `NotPermitted`, `NotFound`, `BadRequest`, `InvalidRequest`) end the
   * stream instead. The full table is in the package README.
   */
  readonly status: "ok" | "retrying" | "degraded" | "rateLimited";
  /** The failure that caused a non-`ok` status: what the client's call failed with. */
  readonly error?: E;
  /** Consecutive failed polls. */
  readonly attempt?: number;
  /**
   * When polling resumes, epoch milliseconds on the stream's scheduler clock; a server hint beyond what a timer can
   * hold (2^31−1 ms) is clamped, and polling re-evaluates then.
   */
  readonly retryAt?: number;
}

/**
 * The health of one device's stream, emitted when it changes: transient failures never kill a stream (api-facts:
 * TPS exhaustion is transient, TPD lasts until the UTC day rolls over), they show up here instead.
 *
 * @category models
 */
export interface StatusEvent<E extends WattwatchersError = WattwatchersError> extends StreamStatus<E> {
  readonly deviceId: DeviceId;
}

/**
 * The health of the key's device-list poller ({@link fleet$}): the same fields as {@link StatusEvent}, for the
 * whole key rather than one device, so it has a `scope` and no device ID.
 *
 * @category models
 */
export interface FleetStatusEvent<E extends WattwatchersError = WattwatchersError> extends StreamStatus<E> {
  readonly scope: "fleet";
}
