import { meanPowerW } from "@wattstream/core";
import type { ChannelId, DeviceId } from "@wattstream/core";
import { map } from "rxjs";
import type { OperatorFunction } from "rxjs";
import type { ChannelReadings } from "./perChannel.js";

/** Mean power of one channel over one interval. @category models */
export interface ChannelPower {
  readonly id: ChannelId;
  readonly label: string | undefined;
  /** Watts; NaN when the channel carried no value for the field. */
  readonly watts: number;
}

/** One interval's mean power per channel. @category models */
export interface PowerReadings {
  readonly deviceId: DeviceId;
  readonly timestamp: number;
  readonly duration: number;
  readonly revised: boolean;
  readonly channels: ReadonlyArray<ChannelPower>;
}

/**
 * Converts per-channel energy (joules per interval, the API's raw unit) into mean power in watts with core's
 * `meanPowerW`, using each interval's own `duration`.
 *
 * @example
 * ```ts
 * import { meanPower, perChannel, shortEnergy$ } from "@wattstream/rx";
 * shortEnergy$(client, deviceId).pipe(perChannel(), meanPower()).subscribe((p) => console.log(p.channels[0]?.watts));
 * ```
 * @category operators
 */
export const meanPower = <K extends string>(field?: K, fallbackDuration = 30): OperatorFunction<ChannelReadings<K>, PowerReadings> =>
  map((r) => {
    const duration = r.duration ?? fallbackDuration;
    return {
      deviceId: r.deviceId,
      timestamp: r.timestamp,
      duration,
      revised: r.revised,
      channels: r.channels.map((c) => {
        // The field named (default `eReal`), read by name: a layout may lack it, then the power is unknown.
        const values: { readonly [name: string]: number | undefined } = c.values;
        const joules = values[field ?? "eReal"];
        return { id: c.id, label: c.label, watts: joules === undefined ? Number.NaN : meanPowerW(joules, duration) };
      }),
    };
  });
