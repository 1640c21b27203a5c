import type { DeviceId } from "@wattstream/core";

/**
 * Strings that device records repeat across a fleet (channel labels and categories, time zone, model, firmware,
 * network): one copy per process instead of one per device. Bounded: cleared when full (a string seen after that
 * gets a new shared copy; nothing else changes).
 */
const common = new Map<string, string>();
const COMMON_MAX = 50_000;
/** Longer strings are rare and unlikely to repeat. */
const COMMON_LENGTH = 64;
/** Digits only: SIM and IMSI numbers, serials; unique per device, so not worth a table entry. */
const DIGITS = /^\d+$/;

const shared = (s: string, id: DeviceId, own: Map<string, string>): string => {
  if (s === id) return id;
  // The device's own IDs (`<device>_C1`, ...) appear more than once in one record (channels, phase grouping).
  const table = s.includes(id) ? own : s.length <= COMMON_LENGTH && !DIGITS.test(s) ? common : undefined;
  if (table === undefined) return s;
  const found = table.get(s);
  if (found !== undefined) return found;
  if (table === common && common.size >= COMMON_MAX) common.clear();
  table.set(s, s);
  return s;
};

const walk = (node: object, id: DeviceId, own: Map<string, string>): void => {
  // A frozen record (a test fixture, a caller's constant) is left as it is.
  if (Object.isFrozen(node)) return;
  const record = node as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const value = record[key];
    // Always written: equal strings compare equal (`===`) whichever copy they are, so there is no telling here.
    if (typeof value === "string") record[key] = shared(value, id, own);
    else if (value !== null && typeof value === "object") walk(value, id, own);
  }
};

/**
 * Replaces, in place, the string values of a freshly decoded device record by shared copies of equal strings: the
 * poller's own device ID, one copy of each of the device's own IDs, one copy per process of strings every device
 * repeats. Equal strings stay equal (nothing observable changes); a fleet's records then keep about one copy of
 * each (a decoded record holds a new copy of every string: ~1.3 KB of a 6-channel record's ~3.3 KB).
 */
export const shareStrings = <D extends object>(record: D, id: DeviceId): D => {
  walk(record, id, new Map());
  return record;
};
