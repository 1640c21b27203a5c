import type { TimeWindow } from "./TimeWindow.js";
import { checkWindow, InvalidWindowError } from "./TimeWindow.js";
import type { ZoneOffset } from "./zoneOffset.js";
import { zoneOffset } from "./zoneOffset.js";

/**
 * The three kinds of energy data, each with its own endpoint and window limit.
 *
 * @category models
 */
export type EnergyKind = "short" | "long" | "modbus";

/**
 * Every long-energy aggregation the `granularity` query parameter accepts, finest first (api-facts: query
 * parameters).
 *
 * @example
 * ```ts
 * import { GRANULARITIES } from "@wattstream/core";
 * GRANULARITIES.includes("hour"); // true
 * ```
 * @category models
 */
export const GRANULARITIES = ["5m", "15m", "30m", "hour", "day", "week", "month"] as const;

/**
 * Long-energy aggregation (`granularity` query parameter): one of {@link GRANULARITIES}.
 *
 * @category models
 */
export type Granularity = (typeof GRANULARITIES)[number];

/**
 * Options for {@link chunkWindow} and {@link splitWindow}.
 *
 * @category models
 */
export interface ChunkOptions {
  /**
   * IANA time zone the service aggregates `hour` and coarser buckets in (the same one sent as `timezone`), so
   * chunk boundaries fall on local bucket starts (Adelaide's hours start at :30 UTC).
   * @default "UTC"
   */
  readonly timezone?: string;
  /**
   * Largest chunk in seconds, when smaller than {@link maxWindow} (e.g. after the service answered 422).
   * @default maxWindow(kind, granularity)
   */
  readonly maxSeconds?: number;
}

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;

/**
 * Whether a granularity needs the `timezone` query parameter: `hour` and coarser (api-facts: query parameters).
 *
 * @example
 * ```ts
 * import { requiresTimezone } from "@wattstream/core";
 * requiresTimezone("hour"); // true
 * requiresTimezone("30m"); // false
 * ```
 * @category guards
 */
export const requiresTimezone = (granularity: Granularity): boolean =>
  granularity !== "5m" && granularity !== "15m" && granularity !== "30m";

/**
 * The length of one bucket in seconds for the fixed-length granularities; `undefined` for `month`. `day` and
 * `week` are their UTC lengths: in a zone with daylight saving a local day can be 23 or 25 hours.
 *
 * @example
 * ```ts
 * import { granularitySeconds } from "@wattstream/core";
 * granularitySeconds("15m"); // 900
 * ```
 * @category constructors
 */
export function granularitySeconds(granularity: Exclude<Granularity, "month">): number;
export function granularitySeconds(granularity: Granularity): number | undefined;
export function granularitySeconds(granularity: Granularity): number | undefined {
  switch (granularity) {
    case "5m":
      return 5 * MINUTE;
    case "15m":
      return 15 * MINUTE;
    case "30m":
      return 30 * MINUTE;
    case "hour":
      return HOUR;
    case "day":
      return DAY;
    case "week":
      return 7 * DAY;
    case "month":
      return undefined;
  }
}

/**
 * The longest window in seconds one request may ask for; a longer one is rejected with 422, not truncated
 * (api-facts: query parameters). Short energy 12 h; Modbus 7 days; long energy by granularity, from the
 * vendor's download notebook: 5m → 7 days (the only documented limit), 15m → 14 days, 30m → 31 days,
 * hour → 90 days, and day / week / month → 365 days (the notebook says "years"; one year is the conservative
 * reading).
 *
 * @example
 * ```ts
 * import { maxWindow } from "@wattstream/core";
 * maxWindow("short"); // 43200
 * maxWindow("long", "hour"); // 7776000
 * ```
 * @category constructors
 */
export const maxWindow = (kind: EnergyKind, granularity: Granularity = "5m"): number => {
  if (kind === "short") return 12 * HOUR;
  if (kind === "modbus") return 7 * DAY;
  switch (granularity) {
    case "5m":
      return 7 * DAY;
    case "15m":
      return 14 * DAY;
    case "30m":
      return 31 * DAY;
    case "hour":
      return 90 * DAY;
    default:
      return 365 * DAY;
  }
};

const mod = (a: number, b: number): number => ((a % b) + b) % b;

/** The start of the local bucket containing wall-clock second `local`. */
const floorLocal = (local: number, granularity: Granularity): number => {
  if (granularity === "month") {
    const d = new Date(local * 1000);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000;
  }
  if (granularity === "week") {
    // ISO weeks (Monday start): the API does not document its week start; 1970-01-01 was a Thursday.
    const days = Math.floor(local / DAY);
    return (days - mod(days + 3, 7)) * DAY;
  }
  return local - mod(local, granularitySeconds(granularity));
};

/** The start of the bucket containing instant `ts`, in the zone given by `offset`. */
const floorToBucket = (ts: number, granularity: Granularity, offset: ZoneOffset): number => {
  const local = floorLocal(ts + offset(ts), granularity);
  // Re-read the offset at the bucket start: it differs from the one at `ts` when a DST change lies between.
  return local - offset(local - offset(ts));
};

/**
 * Splits a window into contiguous, non-overlapping `[fromTs, toTs)` chunks, each no longer than
 * {@link maxWindow}, because the service rejects (422) rather than truncates an over-long window. For long
 * energy every boundary between chunks falls on a bucket start of the granularity (in `options.timezone`), so no
 * aggregated bucket is cut in two. An empty window gives no chunks.
 *
 * @example
 * ```ts
 * import { chunkWindow } from "@wattstream/core";
 * const day = 86_400;
 * chunkWindow({ fromTs: 0, toTs: 10 * day }, "long", "5m");
 * // [{ fromTs: 0, toTs: 604800 }, { fromTs: 604800, toTs: 864000 }]
 * ```
 * @category constructors
 */
export const chunkWindow = (
  window: TimeWindow,
  kind: EnergyKind,
  granularity?: Granularity,
  options: ChunkOptions = {},
): ReadonlyArray<TimeWindow> => {
  checkWindow(window);
  const limit = Math.min(maxWindow(kind, granularity), options.maxSeconds ?? Infinity);
  if (!(limit >= 1) || !Number.isSafeInteger(limit))
    throw new InvalidWindowError(window, "too-small", "maxSeconds must be a positive integer");
  const align = kind === "long";
  const g = granularity ?? "5m";
  const offset = align ? zoneOffset(options.timezone) : undefined;
  const chunks: TimeWindow[] = [];
  let from = window.fromTs;
  while (from < window.toTs) {
    let to = from + limit;
    if (to >= window.toTs) to = window.toTs;
    else if (offset) {
      const aligned = floorToBucket(to, g, offset);
      // Keep the chunk non-empty and within the limit even if a zone's rules make the bucket start odd.
      if (aligned > from && aligned <= to) to = aligned;
    }
    chunks.push({ fromTs: from, toTs: to });
    from = to;
  }
  return chunks;
};

/**
 * Halves a window: the fallback when the service answers 422 for a period that should have been short enough
 * (api-facts: "split the window further rather than fail"). With a `granularity`, the midpoint moves down to a
 * bucket start when that keeps both halves non-empty. Throws {@link InvalidWindowError} (`too-small`) for a
 * window shorter than two seconds.
 *
 * @example
 * ```ts
 * import { splitWindow } from "@wattstream/core";
 * splitWindow({ fromTs: 0, toTs: 100 }); // [{ fromTs: 0, toTs: 50 }, { fromTs: 50, toTs: 100 }]
 * ```
 * @category constructors
 */
export const splitWindow = (
  window: TimeWindow,
  granularity?: Granularity,
  options: Pick<ChunkOptions, "timezone"> = {},
): readonly [TimeWindow, TimeWindow] => {
  checkWindow(window);
  if (window.toTs - window.fromTs < 2) throw new InvalidWindowError(window, "too-small", "shorter than 2 seconds");
  let mid = window.fromTs + Math.floor((window.toTs - window.fromTs) / 2);
  if (granularity !== undefined) {
    const aligned = floorToBucket(mid, granularity, zoneOffset(options.timezone));
    if (aligned > window.fromTs && aligned <= mid) mid = aligned;
  }
  return [
    { fromTs: window.fromTs, toTs: mid },
    { fromTs: mid, toTs: window.toTs },
  ];
};
