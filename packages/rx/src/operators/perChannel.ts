import { zipChannels } from "@wattstream/core";
import type { DeviceId, LongEnergyPoint, PositionalKeys, ShortEnergyPoint, ZippedChannel } from "@wattstream/core";
import { mergeMap } from "rxjs";
import type { OperatorFunction } from "rxjs";
import type { EnergyEvent } from "../energy$.js";

/**
 * One interval of one device with its values paired to channel IDs and labels.
 *
 * @category models
 */
export interface ChannelReadings<K extends string = string> {
  readonly deviceId: DeviceId;
  readonly timestamp: number;
  readonly duration: number | undefined;
  /** True for a `revised` event (the interval was emitted before with other values). */
  readonly revised: boolean;
  /** The point's positional fields (`eReal`, `eReactive`, …) paired with each channel. */
  readonly channels: ReadonlyArray<ZippedChannel<K>>;
}

/**
 * Turns `interval` and `revised` energy events into per-channel readings with core's `zipChannels` (energy
 * arrays are positional: api-facts); other events are dropped. A layout that does not match the arrays is an
 * error (core's `ChannelLayoutMismatchError`), never a silent mislabel.
 *
 * @example
 * ```ts
 * import { parseDeviceId } from "@wattstream/core";
 * import { perChannel, shortEnergy$ } from "@wattstream/rx";
 * shortEnergy$(client, parseDeviceId("D123456789012")).pipe(perChannel()).subscribe((r) => {
 *   for (const c of r.channels) console.log(c.id, c.label, c.values.eReal);
 * });
 * ```
 * @category operators
 */
export const perChannel = <P extends ShortEnergyPoint | LongEnergyPoint>(): OperatorFunction<EnergyEvent<P>, ChannelReadings<PositionalKeys<P>>> =>
  mergeMap((e: EnergyEvent<P>): Array<ChannelReadings<PositionalKeys<P>>> => {
    if (e.type !== "interval" && e.type !== "revised") return [];
    const zipped = zipChannels(e.channels, e.point);
    // core returns the mismatch rather than throwing; here it stays the stream's error, as documented above.
    if (!zipped.ok) throw zipped.error;
    return [{ deviceId: e.deviceId, timestamp: e.point.timestamp, duration: e.point.duration, revised: e.type === "revised", channels: zipped.channels }];
  });
