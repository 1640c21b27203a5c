// Offsets of an IANA time zone from UTC, via Intl (no tz database shipped, no I/O).
import { InvalidWindowError } from "./TimeWindow.js";

/**
 * Seconds to add to a UTC instant (Unix seconds) to get the zone's wall-clock time at that instant.
 *
 * @category models
 */
export type ZoneOffset = (ts: number) => number;

const utc: ZoneOffset = () => 0;

/**
 * Whether `name` is an IANA time zone name this runtime knows (the API requires one for `hour` and coarser).
 *
 * @example
 * import { isTimeZone } from "@wattstream/core";
 * isTimeZone("Australia/Sydney"); // true
 * isTimeZone("Mars/Olympus"); // false
 *
 * @category guards
 */
export const isTimeZone = (name: string): boolean => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
};

/**
 * The UTC offset of an IANA time zone as a function of the instant (DST-aware, via `Intl`; no tz database shipped).
 * Throws `InvalidWindowError` (reason `timezone`) for an unknown zone.
 *
 * @example
 * import { zoneOffset } from "@wattstream/core";
 * zoneOffset("Australia/Adelaide")(1767571200); // 37800 (UTC+10:30 in January)
 *
 * @category constructors
 */
export const zoneOffset = (timeZone: string | undefined): ZoneOffset => {
  if (timeZone === undefined || timeZone === "UTC" || timeZone === "Etc/UTC") return utc;
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
  } catch {
    throw new InvalidWindowError(timeZone, "timezone", "not an IANA time zone name");
  }
  return (ts) => {
    const p: Record<string, number> = {};
    for (const { type, value } of format.formatToParts(ts * 1000)) p[type] = Number(value);
    const { year = 1970, month = 1, day, hour, minute, second } = p;
    return Date.UTC(year, month - 1, day, hour, minute, second) / 1000 - ts;
  };
};
