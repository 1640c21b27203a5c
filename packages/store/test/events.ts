// Synthetic rx events for the tests (no vitest import: child processes use it too).
import type { ChannelId, DeviceId } from "@wattstream/core";
import type { EnergyEvent } from "@wattstream/rx";

export const DEVICE = "D123456789012";
// Tests name devices freely (any string): the IDs are cast, not parsed.
export const layout = (deviceId = DEVICE) => Array.from({ length: 6 }, (_, i) => ({ id: `${deviceId}_C${i + 1}` as ChannelId }));

/** A long-energy interval event of a 6-channel device with values derived from `ts` and `salt`. */
export const interval = (ts: number, salt = 0, deviceId = DEVICE, type: "interval" | "revised" = "interval"): EnergyEvent => {
  const e = ((ts / 300) % 97) * 10 + salt;
  const point = {
    timestamp: ts,
    duration: 300,
    eReal: Array.from({ length: 6 }, (_, c) => e + c),
    eReactive: Array.from({ length: 6 }, (_, c) => c * 2),
    eRealPositive: Array.from({ length: 6 }, (_, c) => e + c),
    eRealNegative: Array.from({ length: 6 }, () => 0),
  };
  return { type, deviceId: deviceId as DeviceId, stream: "long", point, channels: layout(deviceId) };
};
