import { meanPowerW } from "@wattstream/core";
import type { ShortEnergyPoint } from "@wattstream/core";

/**
 * The chart's data: mean power per channel for each short-energy interval, kept in timestamp order, newest
 * `capacity` intervals only. Every update returns a new series only when something changed, so the view can
 * compare with `===` and redraw nothing otherwise.
 */
export interface PowerPoint {
  /** Interval start, Unix seconds. */
  readonly timestamp: number;
  /** Interval length, seconds. */
  readonly duration: number;
  /** Mean real power per channel, watts, positional like the device's `channels` (api-facts: arrays are positional). */
  readonly watts: ReadonlyArray<number>;
}

export interface PowerSeries {
  readonly points: ReadonlyArray<PowerPoint>;
  readonly capacity: number;
}

/** An empty series that keeps at most `capacity` intervals. */
export const emptySeries = (capacity: number): PowerSeries => ({ points: [], capacity });

/**
 * Mean power of each channel over the interval: energy in joules divided by the interval's seconds (raw energy
 * values are joules per interval, api-facts: `convert[energy]`). A point without `duration` uses `fallback`.
 */
export const toPowerPoint = (point: ShortEnergyPoint, fallback: number): PowerPoint => {
  const duration = point.duration !== undefined && point.duration > 0 ? point.duration : fallback;
  return { timestamp: point.timestamp, duration, watts: (point.eReal ?? []).map((j) => meanPowerW(j, duration)) };
};

const sameWatts = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): boolean =>
  a.length === b.length && a.every((w, i) => w === b[i]);

/**
 * Adds a new interval or replaces a revised one (same timestamp); returns `series` itself when the point is
 * already there with the same values, or is older than everything kept in a full series.
 */
export const upsertPoint = (series: PowerSeries, point: PowerPoint): PowerSeries => {
  const { points, capacity } = series;
  // Binary search: intervals arrive in order, except back-fills of holes, which land in the middle.
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((points[mid]?.timestamp ?? Infinity) < point.timestamp) lo = mid + 1;
    else hi = mid;
  }
  const existing = points[lo];
  if (existing !== undefined && existing.timestamp === point.timestamp) {
    if (existing.duration === point.duration && sameWatts(existing.watts, point.watts)) return series;
    const next = points.slice();
    next[lo] = point;
    return { points: next, capacity };
  }
  if (lo === 0 && points.length >= capacity) return series;
  const next = [...points.slice(0, lo), point, ...points.slice(lo)];
  return { points: next.length > capacity ? next.slice(next.length - capacity) : next, capacity };
};

/**
 * Splits the points into runs without holes: a new run starts where an interval is missing, so the chart draws
 * a gap rather than a line across time with no data (a silent device is offline, not "zero watts").
 */
export const contiguousRuns = (points: ReadonlyArray<PowerPoint>): ReadonlyArray<ReadonlyArray<PowerPoint>> => {
  const runs: Array<Array<PowerPoint>> = [];
  let run: Array<PowerPoint> = [];
  for (const p of points) {
    const prev = run[run.length - 1];
    if (prev !== undefined && p.timestamp > prev.timestamp + prev.duration) {
      runs.push(run);
      run = [];
    }
    run.push(p);
  }
  if (run.length > 0) runs.push(run);
  return runs;
};
