// The device-ID character rules, shared by DeviceId.ts and SubEntityId.ts (api-facts: IDs).
import type { InvalidIdReason } from "../InvalidIdError.js";

/** Character code test for the 12 characters after the first: `0-9` or `A-Z`. */
const isUpperAlnum = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90);

/** B, D, E, F (api-facts: IDs). */
const isFirstLetter = (c: number): boolean => c === 66 || c === 68 || c === 69 || c === 70;

/**
 * The fast path: a char-code loop over `input[start, start + 13)`. No allocation, no regexp.
 */
export const isDeviceIdAt = (input: string, start: number): boolean => {
  if (!isFirstLetter(input.charCodeAt(start))) return false;
  for (let i = start + 1; i < start + 13; i++) if (!isUpperAlnum(input.charCodeAt(i))) return false;
  return true;
};

/**
 * Why `candidate` (already known to be invalid, or of the wrong length) is not a device ID. Computed only on
 * failure, so the happy path stays a single loop.
 */
export const deviceIdReason = (candidate: string): InvalidIdReason => {
  if (candidate.length !== 13) return "length";
  if (!/^[A-Za-z0-9]+$/.test(candidate)) return "characters";
  const upper = candidate.toUpperCase();
  if (!isFirstLetter(upper.charCodeAt(0))) return "first-letter";
  return "case";
};

