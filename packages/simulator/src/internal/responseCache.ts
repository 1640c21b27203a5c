// The response cache: serialized points per device and whole window bodies as bytes, under one fleet-wide
// memory bound.
import type { SimDevice } from "./device.js";
import { isAvailable } from "./device.js";
import type { Reply } from "./envelope.js";
import type { Window } from "./points.js";

/**
 * The available points of a window as one JSON array, from cached serialized points. A contiguous run of points
 * is fully described by its first and last timestamp, so its whole body is cached too, as bytes ready to send.
 */
export const series = (
  ctx: SeriesContext,
  prefix: string,
  w: Window,
  step: number,
  make: (ts: number) => Record<string, unknown>,
): Reply => {
  const { device: d, now, rate } = ctx;
  const available: number[] = [];
  const start = Math.max(w.from, d.dataStart ?? Infinity);
  for (let ts = Math.ceil(start / step) * step; ts < w.to && ts < now; ts += step) {
    if (isAvailable(d, ts, ts + step, now, rate)) available.push(ts);
  }
  const first = available[0];
  const last = available[available.length - 1];
  const key =
    first !== undefined && last !== undefined && (last - first) / step + 1 === available.length
      ? `${prefix}w:${first}:${last}`
      : undefined;
  if (key !== undefined) {
    const hit = d.windowCache.get(key);
    if (hit !== undefined) return { status: 200, bytes: hit };
  }
  const text = `[${available.map((ts) => cached(ctx.cache, d, prefix + ts, () => make(ts))).join(",")}]`;
  if (key === undefined) return { status: 200, text };
  const bytes = new TextEncoder().encode(text);
  charge(ctx.cache, d.windowCache, available.length);
  d.windowCache.set(key, bytes);
  return { status: 200, bytes };
};

/**
 * A memory bound shared by every device's point cache: when the fleet-wide count of cached points reaches the
 * limit, every cache is dropped (cheap, and recomputing is only a fraction of a millisecond per hour of data).
 */
/** What {@link series} reads: the device, the time, the back-fill speed and the fleet's cache budget. */
export interface SeriesContext {
  readonly device: SimDevice;
  readonly now: number;
  readonly rate: number;
  readonly cache: CacheBudget;
}

export interface CacheBudget {
  size: number;
  readonly limit: number;
  readonly owners: Set<Map<string, unknown>>;
}

/** Counts `points` against the budget for an entry about to go into `owner`, flushing every cache when full. */
const charge = (budget: CacheBudget, owner: Map<string, unknown>, points: number): void => {
  if (budget.size + points > budget.limit) {
    for (const o of budget.owners) o.clear();
    budget.owners.clear();
    budget.size = 0;
  }
  budget.size += points;
  budget.owners.add(owner);
};

export const makeCacheBudget = (limit = 100_000): CacheBudget => ({ size: 0, limit, owners: new Set() });

const cached = (budget: CacheBudget, d: SimDevice, key: string, point: () => Record<string, unknown>): string => {
  let text = d.pointCache.get(key);
  if (text === undefined) {
    charge(budget, d.pointCache, 1);
    text = JSON.stringify(point());
    d.pointCache.set(key, text);
  }
  return text;
};

