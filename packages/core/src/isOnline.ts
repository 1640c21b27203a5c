/**
 * "Is this device online": one rule for every consumer (api-facts: a device that stops reporting is offline, not
 * at zero watts; `comms.lastHeardAt` and `latestStatus` tell when it last spoke).
 */
/**
 * What {@link lastHeard} and {@link isOnline} read of a device record (a core `Device` is one).
 *
 * @category models
 */
export interface HeardFrom {
  readonly comms?: { readonly lastHeardAt?: number | undefined } | undefined;
  readonly latestStatus?: number | undefined;
}

/**
 * Seconds without contact after which a device counts as offline.
 *
 * @category models
 */
export const OFFLINE_AFTER_SECONDS = 600;

/**
 * When the device last spoke, Unix seconds: `comms.lastHeardAt`, else `latestStatus`; undefined if never.
 *
 * @example
 * ```ts
 * import { lastHeard } from "@wattstream/core";
 * lastHeard({ comms: { lastHeardAt: 1_700_000_000 } }); // 1700000000
 * ```
 * @category guards
 */
export const lastHeard = (device: HeardFrom): number | undefined =>
  device.comms?.lastHeardAt ?? device.latestStatus;

/**
 * Whether the device was heard from within `offlineAfter` seconds of `now` (Unix seconds); a device never heard
 * from is offline.
 *
 * @example
 * ```ts
 * import { isOnline } from "@wattstream/core";
 * isOnline({ comms: { lastHeardAt: 1_700_000_000 } }, 1_700_000_300); // true
 * isOnline({ comms: { lastHeardAt: 1_700_000_000 } }, 1_700_000_601); // false
 * ```
 * @category guards
 */
export const isOnline = (device: HeardFrom, now: number, offlineAfter: number = OFFLINE_AFTER_SECONDS): boolean => {
  const heard = lastHeard(device);
  return heard !== undefined && now - heard <= offlineAfter;
};
