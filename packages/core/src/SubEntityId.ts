import type { DeviceId } from "./DeviceId.js";
import type { IdKind, InvalidIdReason } from "./InvalidIdError.js";
import { InvalidIdError } from "./InvalidIdError.js";
import { deviceIdReason, isDeviceIdAt } from "./internal/deviceIdChars.js";

declare const ChannelIdBrand: unique symbol;
declare const SwitchIdBrand: unique symbol;

/**
 * A channel ID, `<deviceId>_C<n>` with n one-indexed: `D123456789012_C3` is the device's third channel.
 *
 * @category models
 */
export type ChannelId = string & { readonly [ChannelIdBrand]: "ChannelId" };

/**
 * A switch ID, `<deviceId>_S<n>` with n one-indexed: `D123456789012_S1` is the device's first switch.
 *
 * @category models
 */
export type SwitchId = string & { readonly [SwitchIdBrand]: "SwitchId" };

/**
 * The two kinds of sub-entity a device has.
 *
 * @category models
 */
export type SubEntityKind = "channel" | "switch";

/**
 * A parsed channel or switch ID, discriminated on `kind`.
 *
 * @category models
 */
export type SubEntity =
  | { readonly kind: "channel"; readonly deviceId: DeviceId; readonly number: number; readonly id: ChannelId }
  | { readonly kind: "switch"; readonly deviceId: DeviceId; readonly number: number; readonly id: SwitchId };

const C = 67;
const S = 83;
const UNDERSCORE = 95;
// 15 digits stay below Number.MAX_SAFE_INTEGER, so the number is always exact.
const MAX_DIGITS = 15;

/**
 * The entity number of a canonical `<deviceId>_<K><n>` string (kind already checked), or -1 when the digits are
 * not a canonical positive integer. A char-code loop: no slicing, no regexp on the happy path.
 */
const numberAt = (input: string): number => {
  const len = input.length;
  if (len < 16 || len > 15 + MAX_DIGITS) return -1;
  let n = input.charCodeAt(15) - 48;
  if (n < 1 || n > 9) return -1;
  for (let i = 16; i < len; i++) {
    const d = input.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
};

/** Why `input` is not a sub-entity ID. Computed only on failure. */
const subEntityReason = (input: string, expected: SubEntityKind | undefined): InvalidIdReason => {
  const sep = input.indexOf("_");
  if (sep === -1) {
    // No underscore: blame the separator when the device part is fine (`D123456789012C3`).
    if (input.length < 13) return "length";
    return isDeviceIdAt(input, 0) ? "separator" : deviceIdReason(input.slice(0, 13));
  }
  const device = input.slice(0, sep);
  if (device.length !== 13 || !isDeviceIdAt(device, 0)) return deviceIdReason(device);
  const kind = input.charAt(sep + 1);
  if (kind === "c" || kind === "s")
    return expected === undefined || kind === (expected === "channel" ? "c" : "s") ? "case" : "kind";
  if (kind !== "C" && kind !== "S") return "kind";
  if (expected !== undefined && kind !== (expected === "channel" ? "C" : "S")) return "kind";
  const digits = input.slice(sep + 2);
  if (!/^[0-9]+$/.test(digits)) return "number";
  if (/^0+$/.test(digits)) return "zero";
  if (digits.charCodeAt(0) === 48) return "leading-zero";
  return "range";
};

const fail = (input: unknown, expected: SubEntityKind | undefined): never => {
  const idKind: IdKind = expected ?? "sub-entity";
  throw new InvalidIdError(input, typeof input === "string" ? subEntityReason(input, expected) : "type", idKind);
};

/**
 * Parses a channel or switch ID into its device ID, kind and one-indexed number. Rejects `_C0`, leading zeros,
 * lowercase kind letters, unknown kinds, a missing underscore and a bad device part, each with its own
 * {@link InvalidIdError} reason.
 *
 * @example
 * ```ts
 * import { parseSubEntityId } from "@wattstream/core";
 * parseSubEntityId("D123456789012_C3"); // { kind: "channel", deviceId: "D123456789012", number: 3, id: "D123456789012_C3" }
 * ```
 * @category constructors
 */
export const parseSubEntityId = (id: string): SubEntity => {
  if (typeof id === "string" && id.charCodeAt(13) === UNDERSCORE && isDeviceIdAt(id, 0)) {
    const k = id.charCodeAt(14);
    if (k === C || k === S) {
      const number = numberAt(id);
      if (number > 0) {
        const deviceId = id.slice(0, 13) as DeviceId;
        return k === C
          ? { kind: "channel", deviceId, number, id: id as ChannelId }
          : { kind: "switch", deviceId, number, id: id as SwitchId };
      }
    }
  }
  return fail(id, undefined);
};

const isKind = (input: unknown, k: number): boolean =>
  typeof input === "string" &&
  input.charCodeAt(13) === UNDERSCORE &&
  input.charCodeAt(14) === k &&
  isDeviceIdAt(input, 0) &&
  numberAt(input) > 0;

/**
 * Whether `input` is a valid channel ID.
 *
 * @example
 * ```ts
 * import { isChannelId } from "@wattstream/core";
 * isChannelId("D123456789012_C1"); // true
 * isChannelId("D123456789012_S1"); // false
 * ```
 * @category guards
 */
export const isChannelId = (input: unknown): input is ChannelId => isKind(input, C);

/**
 * Whether `input` is a valid switch ID.
 *
 * @example
 * ```ts
 * import { isSwitchId } from "@wattstream/core";
 * isSwitchId("D123456789012_S1"); // true
 * ```
 * @category guards
 */
export const isSwitchId = (input: unknown): input is SwitchId => isKind(input, S);

/**
 * Parses a channel ID; a valid switch ID is rejected with reason `kind`.
 *
 * @example
 * ```ts
 * import { parseChannelId } from "@wattstream/core";
 * const id = parseChannelId("D123456789012_C3"); // ChannelId
 * ```
 * @category constructors
 */
export const parseChannelId = (id: string): ChannelId => (isKind(id, C) ? (id as ChannelId) : fail(id, "channel"));

/**
 * Parses a switch ID; a valid channel ID is rejected with reason `kind`.
 *
 * @example
 * ```ts
 * import { parseSwitchId } from "@wattstream/core";
 * const id = parseSwitchId("D123456789012_S1"); // SwitchId
 * ```
 * @category constructors
 */
export const parseSwitchId = (id: string): SwitchId => (isKind(id, S) ? (id as SwitchId) : fail(id, "switch"));

const format = (device: DeviceId | string, n: number, letter: "C" | "S", idKind: IdKind): string => {
  if (typeof device !== "string") throw new InvalidIdError(device, "type", "device");
  if (device.length !== 13 || !isDeviceIdAt(device, 0)) throw new InvalidIdError(device, deviceIdReason(device), "device");
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidIdError(n, n === 0 ? "zero" : "range", idKind);
  return `${device}_${letter}${n}`;
};

/**
 * Formats the ID of channel `n` (one-indexed) of a device. Throws {@link InvalidIdError} for a bad device ID
 * (any device reason) or an `n` that is not a positive integer (`zero`, `range`).
 *
 * @example
 * ```ts
 * import { channelId } from "@wattstream/core";
 * channelId("D123456789012", 3); // "D123456789012_C3"
 * ```
 * @category constructors
 */
export const channelId = (device: DeviceId | string, n: number): ChannelId =>
  format(device, n, "C", "channel") as ChannelId;

/**
 * Formats the ID of switch `n` (one-indexed) of a device.
 *
 * @example
 * ```ts
 * import { switchId } from "@wattstream/core";
 * switchId("D123456789012", 1); // "D123456789012_S1"
 * ```
 * @category constructors
 */
export const switchId = (device: DeviceId | string, n: number): SwitchId =>
  format(device, n, "S", "switch") as SwitchId;

/**
 * Maps a zero-based position in an energy array to its channel ID: `eReal[k]` belongs to channel `k + 1`
 * (api-facts: energy arrays are positional, IDs one-indexed).
 *
 * @example
 * ```ts
 * import { channelIdAt } from "@wattstream/core";
 * channelIdAt("D123456789012", 0); // "D123456789012_C1"
 * ```
 * @category constructors
 */
export const channelIdAt = (device: DeviceId | string, arrayIndex: number): ChannelId => {
  if (!Number.isSafeInteger(arrayIndex) || arrayIndex < 0) throw new InvalidIdError(arrayIndex, "range", "channel");
  return channelId(device, arrayIndex + 1);
};
