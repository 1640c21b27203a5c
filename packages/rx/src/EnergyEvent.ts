import type { Channel, DeviceId, LongEnergyPoint, ModbusPoint, ShortEnergyPoint } from "@wattstream/core";
import type { CheckpointCorrupt } from "./CheckpointStore.js";
import type { AnomalyReason } from "./EnergyAnomaly.js";
import type { StatusEvent } from "./StatusEvent.js";

// The energy streams' models, without rxjs: shared by the rx streams (`energy$.ts`) and the planner any runtime can
// drive (`planner/`).

/** Which energy data a stream follows. @category models */
export type EnergyStreamKind = "short" | "long" | "modbus";

/** A device's channels in array order: energy arrays are positional (api-facts), so this labels them. @category models */
export type ChannelLayout = ReadonlyArray<Channel>;

/**
 * The decoded point an energy stream of kind `K` carries: core's `ShortEnergyPoint`, `LongEnergyPoint` or
 * `ModbusPoint` (rx reads without `convert`, so points keep the API's raw units).
 *
 * @category models
 */
export type EnergyPointOf<K extends EnergyStreamKind> = { short: ShortEnergyPoint; long: LongEnergyPoint; modbus: ModbusPoint }[K];

/** Any point an energy stream carries. @category models */
export type AnyEnergyPoint = ShortEnergyPoint | LongEnergyPoint | ModbusPoint;

/**
 * What an energy stream emits. `interval`: a new interval, once, in timestamp order (except intervals that
 * back-fill a hole after later ones were emitted); `revised`: an already-emitted interval came back with other
 * values; `gap`: intervals still missing after the settle period; `anomaly`: a point the server sent that cannot
 * be trusted (see {@link AnomalyReason}; it moved nothing, the stream goes on); `status`: the stream's health.
 *
 * @category models
 */
export type EnergyEvent<P extends AnyEnergyPoint = AnyEnergyPoint> =
  | {
      readonly type: "interval" | "revised";
      readonly deviceId: DeviceId;
      readonly stream: EnergyStreamKind;
      readonly point: P;
      /** The device's channel layout when the point was read, for `zipChannels`. */
      readonly channels: ChannelLayout;
    }
  | {
      readonly type: "gap";
      readonly deviceId: DeviceId;
      readonly stream: EnergyStreamKind;
      readonly fromTs: number;
      readonly toTs: number;
    }
  | {
      readonly type: "anomaly";
      readonly deviceId: DeviceId;
      readonly stream: EnergyStreamKind;
      /** The point as the server sent it (after decoding). */
      readonly point: P;
      readonly reason: AnomalyReason;
    }
  | {
      /** The stored checkpoint was corrupt and `restartFrom` was given: the stream starts over from `fromTs`. */
      readonly type: "checkpointReset";
      readonly deviceId: DeviceId;
      readonly stream: EnergyStreamKind;
      readonly error: CheckpointCorrupt;
      readonly fromTs: number;
    }
  | StatusEvent;

/**
 * How an energy stream plans its reads (shared by the rx streams and {@link EnergyPlanner}); every duration is in
 * seconds unless named `…Ms`.
 *
 * @category models
 */
export interface EnergyPlanOptions {
  /** First interval to emit (Unix seconds). Ignored when a checkpoint exists. @default the latest complete interval */
  readonly fromTs?: number;
  /** Interval length, seconds. @default 30 (short), 300 (long and Modbus); a point's own `duration` wins */
  readonly interval?: number;
  /** How long intervals may still back-fill or change: the re-checked trailing window and the gap deadline. @default 21600 */
  readonly settle?: number;
  /** Re-check period of the settle window in steady state. @default 3600 */
  readonly recheckEvery?: number;
  /** Re-check period for one settle period after an outage (a hole, or data resuming after misses). @default 300 */
  readonly promptRecheckEvery?: number;
  /** Starting estimate of the reporting lag (data due = interval end + lag); learned from arrivals. @default 0 */
  readonly lag?: number;
  /** Longest wait between polls while no new data arrives, ms. @default 300000 */
  readonly maxBackoffMs?: number;
  /** Largest window one request may ask for. @default 43200 (short: 12 h), 604800 (long 5m, Modbus: 7 days) */
  readonly maxWindow?: number;
  /**
   * The oldest watermark a checkpoint may hold, as seconds before now; an older one (e.g. a zeroed file's 1970)
   * is rejected as corrupt rather than followed through years of empty reads.
   * @default 31622400 (366 days)
   */
  readonly maxLookBack?: number;
  /**
   * How far into the margin after an interval is due this device polls, as a fraction in [0, 1): spreads a
   * fleet's polls, which would otherwise all fall due in the same millisecond.
   * @default derived from the device ID (fixed per device)
   */
  readonly phase?: number;
}
