import type { DeviceUpdate, EnergyEvent } from "@wattstream/rx";

/**
 * An anomaly reported by a stream (rx's `anomaly` events): stored once per distinct event in `anomalies`, with
 * the whole event as `detail`. Only `type` and `deviceId` are required, so events of newer rx releases fit.
 *
 * @category models
 */
export interface AnomalyEvent {
  readonly type: "anomaly";
  readonly deviceId: string;
  readonly stream?: string;
  /** The interval or moment the anomaly concerns (Unix seconds). */
  readonly timestamp?: number;
  /** What kind of anomaly (e.g. `"negativeEnergy"`); `reason` is accepted as well. */
  readonly kind?: string;
  readonly reason?: string;
  readonly [key: string]: unknown;
}

/**
 * What the store accepts: rx energy events (`interval`, `revised`, `gap`; `status` is skipped), `device$`
 * snapshots, and anomalies. Events of any other `type` are counted in {@link WriteResult.ignored} and skipped, so
 * a newer rx with more event types never breaks a sink.
 *
 * @category models
 */
export type StorableEvent = EnergyEvent | DeviceUpdate | AnomalyEvent | { readonly type: string; readonly [key: string]: unknown };

/**
 * What one write did: intervals `inserted` (new), `revised` (changed: updated plus a revision row) and
 * `unchanged` (re-delivered: no-op), and rows written for the other event kinds.
 *
 * @category models
 */
export interface WriteResult {
  readonly inserted: number;
  readonly revised: number;
  readonly unchanged: number;
  readonly devices: number;
  /** New gap rows (a gap already recorded is not counted). */
  readonly gaps: number;
  /** New anomaly rows (an anomaly already recorded is not counted). */
  readonly anomalies: number;
  readonly checkpoints: number;
  /** Events skipped: `status` and unknown types. */
  readonly ignored: number;
}
