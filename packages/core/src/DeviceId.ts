import { InvalidIdError } from "./InvalidIdError.js";
import { deviceIdReason, isDeviceIdAt } from "./internal/deviceIdChars.js";

declare const DeviceIdBrand: unique symbol;

/**
 * A Wattwatchers device ID (the serial number): 13 uppercase letters and digits, starting with B, D, E or F.
 *
 * Branded, so a plain string or a channel ID cannot be passed where a device ID belongs.
 *
 * @category models
 */
export type DeviceId = string & { readonly [DeviceIdBrand]: "DeviceId" };

/**
 * Whether `input` is a valid device ID (strict: no trimming, no case folding).
 *
 * @example
 * ```ts
 * import { isDeviceId } from "@wattstream/core";
 * isDeviceId("D123456789012"); // true
 * isDeviceId("d123456789012"); // false
 * ```
 * @category guards
 */
export const isDeviceId = (input: unknown): input is DeviceId =>
  typeof input === "string" && input.length === 13 && isDeviceIdAt(input, 0);

/**
 * Parses a device ID strictly, as payload decoding must: exactly 13 characters of `A-Z0-9`, first letter B, D, E
 * or F (api-facts: IDs). Throws {@link InvalidIdError} whose `.reason` is `length`, `characters`, `case`,
 * `first-letter` or `type`.
 *
 * @example
 * ```ts
 * import { parseDeviceId } from "@wattstream/core";
 * const id = parseDeviceId("D123456789012"); // DeviceId
 * ```
 * @category constructors
 */
export const parseDeviceId = (input: string): DeviceId => {
  if (typeof input !== "string") throw new InvalidIdError(input, "type", "device");
  if (input.length === 13 && isDeviceIdAt(input, 0)) return input as DeviceId;
  throw new InvalidIdError(input, deviceIdReason(input), "device");
};

/**
 * Parses a device ID typed by a person: trims surrounding whitespace and uppercases, then parses strictly. Use
 * it for CLI arguments and forms, not for payloads (which are always canonical).
 *
 * @example
 * ```ts
 * import { normalizeDeviceId } from "@wattstream/core";
 * normalizeDeviceId("  d123456789012 "); // "D123456789012"
 * ```
 * @category constructors
 */
export const normalizeDeviceId = (input: string): DeviceId => {
  if (typeof input !== "string") throw new InvalidIdError(input, "type", "device");
  const candidate = input.trim().toUpperCase();
  if (candidate.length === 13 && isDeviceIdAt(candidate, 0)) return candidate as DeviceId;
  // Report the original input, with the reason found on the normalized form.
  throw new InvalidIdError(input, deviceIdReason(candidate), "device");
};
