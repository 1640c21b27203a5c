// Offsets of an IANA time zone from UTC, via Intl (no tz database shipped, no I/O).
import { InvalidWindowError } from "./TimeWindow.js";

/**
 * Seconds to add to a UTC instant (Unix seconds) to get the zone's wall-clock time at that instant.
 *
 * @category models
 */
export type ZoneOffset = (ts: number) => number;

const utc: ZoneOffset = () => 0;

// An IANA name is "UTC", "CET", "Area/Location" or "Area/Sub/Location" ("Etc/GMT+10", "Port-au-Prince"): it
// starts with a letter. Intl also accepts UTC offsets ("+10:00"), which are not IANA names as the API requires
// (api-facts: query parameters), so they are turned away before Intl is asked.
const IANA_SHAPE = /^[A-Za-z][\w+-]*(?:\/[A-Za-z][\w+-]*)*$/;

/** The wall-clock formatter of an IANA zone, or undefined if `timeZone` is not one this runtime knows. */
const formatter = (timeZone: string): Intl.DateTimeFormat | undefined => {
  if (!IANA_SHAPE.test(timeZone)) return undefined;
  try {
    return new Intl.DateTimeFormat("en-US", {
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
    return undefined;
  }
};

/**
 * Whether `name` is an IANA time zone name this runtime knows (the API requires one for `hour` and coarser).
 * UTC offsets such as `"+10:00"` are not IANA names and are rejected, although `Intl` accepts them.
 *
 * @example
 * import { isTimeZone } from "@wattstream/core";
 * isTimeZone("Australia/Sydney"); // true
 * isTimeZone("Mars/Olympus"); // false
 * isTimeZone("+10:00"); // false (an offset, not an IANA name)
 *
 * @category guards
 */
export const isTimeZone = (name: string): boolean => formatter(name) !== undefined;

/**
 * The UTC offset of an IANA time zone as a function of the instant (DST-aware, via `Intl`; no tz database shipped).
 * Throws `InvalidWindowError` (reason `timezone`) for a name {@link isTimeZone} rejects, UTC offsets included.
 *
 * @example
 * import { zoneOffset } from "@wattstream/core";
 * zoneOffset("Australia/Adelaide")(1767571200); // 37800 (UTC+10:30 in January)
 *
 * @category constructors
 */
export const zoneOffset = (timeZone: string | undefined): ZoneOffset => {
  if (timeZone === undefined || timeZone === "UTC" || timeZone === "Etc/UTC") return utc;
  const format = formatter(timeZone);
  if (format === undefined) throw new InvalidWindowError(timeZone, "timezone", "not an IANA time zone name");
  return (ts) => {
    const p: Record<string, number> = {};
    for (const { type, value } of format.formatToParts(ts * 1000)) p[type] = Number(value);
    const { year = 1970, month = 1, day, hour, minute, second } = p;
    return Date.UTC(year, month - 1, day, hour, minute, second) / 1000 - ts;
  };
};
