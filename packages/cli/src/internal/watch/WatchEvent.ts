import type { SiteBalance } from "@wattstream/core";
import type { AnomalyReason, DeviceEvent } from "@wattstream/rx";

/** A channel's mean power over one interval. */
export interface ChannelPower {
  readonly id: string;
  readonly label: string | undefined;
  /** The channel's category (`GET /devices/channel-categories`): what it is to the site's balance. */
  readonly categoryId: number | undefined;
  /** Mean real power in watts: joules in the interval ÷ its duration (negative = export, e.g. solar); absent when unknown. */
  readonly powerW: number | undefined;
}

/**
 * What `wattstream watch` emits, one per NDJSON line with `--json`. `device` is a device's first snapshot;
 * the rx device events follow as they happen; `interval`/`revised` carry per-channel power; `status` reports a
 * stream's health (retrying, rate limited); `anomaly` is a point the server sent that the stream refused (it
 * moved nothing); `checkpointReset` a corrupt checkpoint the stream started over from; `failed` a device whose
 * streams ended with an error while the others go on; `fleet` and `removed` follow the key's device list.
 */
export type WatchEvent =
  | {
      readonly type: "device";
      readonly deviceId: string;
      readonly label: string | undefined;
      readonly model: string | undefined;
      readonly online: boolean;
      readonly lastHeardAt: number | undefined;
      readonly channels: ReadonlyArray<{ readonly id: string; readonly label: string | undefined }>;
      /** Each switch's live state and, while a write waits for the device, the requested one (`pending`). */
      readonly switches: ReadonlyArray<{
        readonly id: string;
        readonly label: string | undefined;
        readonly state: string | undefined;
        readonly pending: string | undefined;
      }>;
    }
  | { readonly type: "heartbeat"; readonly deviceId: string; readonly lastHeardAt: number | undefined; readonly online: boolean }
  | DeviceEvent
  | {
      readonly type: "interval" | "revised";
      readonly deviceId: string;
      readonly stream: "short" | "long";
      readonly timestamp: number;
      /** Seconds; absent when the point carried none. */
      readonly duration: number | undefined;
      /**
       * Sum of the channels' mean power, watts (a plain sum: a grid channel and the loads it feeds both count);
       * absent when unknown (no duration, or arrays that do not fit the channel layout).
       */
      readonly powerW: number | undefined;
      /**
       * The site's balance over the interval in watts, from the channels' categories (core's `siteBalance`): grid
       * import/export, solar generation, consumption; a figure is absent when unknown or without its channels.
       */
      readonly balance: SiteBalance;
      readonly channels: ReadonlyArray<ChannelPower>;
    }
  | { readonly type: "gap"; readonly deviceId: string; readonly stream: "short" | "long"; readonly fromTs: number; readonly toTs: number }
  | {
      readonly type: "status";
      readonly deviceId: string;
      readonly status: "ok" | "retrying" | "degraded" | "rateLimited";
      readonly attempt?: number;
      /** Unix seconds on the data's clock. */
      readonly retryAt?: number;
      /** `Tag: message` of the failure (never contains the key). */
      readonly error?: string;
    }
  | { readonly type: "fleet"; readonly devices: ReadonlyArray<string>; readonly added: ReadonlyArray<string>; readonly removed: ReadonlyArray<string> }
  | {
      readonly type: "anomaly";
      readonly deviceId: string;
      readonly stream: "short" | "long";
      /** The refused point's timestamp as sent (may be fractional or absurd: that can be the anomaly). */
      readonly timestamp: unknown;
      /** rx's discriminated reason (`code`: outsideWindow, offGrid, badTimestamp, missingDuration, badDuration, durationOffGrid). */
      readonly reason: AnomalyReason;
      readonly detail: string;
    }
  | { readonly type: "checkpointReset"; readonly deviceId: string; readonly stream: "short" | "long"; readonly fromTs: number; readonly error: string }
  | { readonly type: "failed"; readonly deviceId: string; readonly error: string }
  | { readonly type: "removed"; readonly deviceId: string; readonly reason: string };
