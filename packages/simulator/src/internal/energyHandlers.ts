// The six energy operations and three Modbus operations: 204 versus [] (api-facts: conventions), default
// windows, first/latest points and ranges, on top of query parsing, point rendering and the response cache.
import { InvalidWindowError, requiresTimezone } from "@wattstream/core";
import type { CheckedEnergyQuery } from "@wattstream/core";
import type { SimDevice } from "./device.js";
import { firstStart, isAvailable, latestStart } from "./device.js";
import { addLongAt, emptyLong, LONG_SECONDS, longSamplesAt, MODBUS_SECONDS, modbusPoint, SHORT_SECONDS } from "./energy.js";
import type { Reply } from "./envelope.js";
import { fail, noContent, ok } from "./envelope.js";
import { buckets, longPoint, shortPoint } from "./points.js";
import type { Window } from "./points.js";
import type { Query, Variant } from "./query.js";
import { parseQuery } from "./query.js";
import type { CacheBudget } from "./responseCache.js";
import { series } from "./responseCache.js";

/** The window core resolved (defaults filled in), in the renderer's shape; undefined when there is none. */
const windowOf = (q: CheckedEnergyQuery): Window | undefined =>
  q.window === undefined ? undefined : { from: q.window.fromTs, to: q.window.toTs };

export interface EnergyContext {
  readonly device: SimDevice;
  readonly now: number;
  /** Back-fill speed: seconds of data uploaded per second after an outage. */
  readonly rate: number;
  readonly query: Query;
  /** The fleet-wide bound on cached points. */
  readonly cache: CacheBudget;
}

/** GET /short-energy/{id}[/first|/latest]. */
export const shortEnergy = (ctx: EnergyContext, variant: Variant): Reply => {
  const { device: d, now, rate } = ctx;
  // Default window: now − 1 h to from + 1 h (core's checkEnergyQuery; api-facts: query parameters).
  const parsed = parseQuery(ctx.query, "short", variant, { now });
  if (!parsed.ok) return parsed.reply;
  const o = parsed.value;
  if (variant !== "range") {
    const ts =
      variant === "first" ? firstStart(d, SHORT_SECONDS, now, rate) : latestStart(d, SHORT_SECONDS, now, rate);
    return ts === undefined ? noContent : ok(shortPoint(d, ts, o));
  }
  const w = windowOf(o);
  if (w === undefined || latestStart(d, SHORT_SECONDS, now, rate) === undefined) return noContent;
  const prefix = `s:${o.convert ?? ""}:${o.pf ? 1 : 0}:${o.timestampOnly ? 1 : 0}:${o.grouped ? 1 : 0}:`;
  return series(ctx, prefix, w, SHORT_SECONDS, (ts) => shortPoint(d, ts, o));
};

/** GET /long-energy/{id}[/first|/latest]. */
export const longEnergy = (ctx: EnergyContext, variant: Variant): Reply => {
  const { device: d, now, rate } = ctx;
  // Default window: the first entry to from + 7 days (core's checkEnergyQuery; api-facts: query parameters).
  const parsed = parseQuery(ctx.query, "long", variant, { firstEntry: () => firstStart(d, LONG_SECONDS, now, rate) });
  if (!parsed.ok) return parsed.reply;
  const o = parsed.value;
  if (variant !== "range") {
    const ts = variant === "first" ? firstStart(d, LONG_SECONDS, now, rate) : latestStart(d, LONG_SECONDS, now, rate);
    if (ts === undefined) return noContent;
    return ok(longPoint(d, ts, LONG_SECONDS, longSamplesAt(d.energy, ts, d.channels.length), o));
  }
  const g = o.granularity ?? "5m";
  // The timezone is ignored below hour (api-facts: query parameters).
  const timezone = requiresTimezone(g) ? o.timezone : undefined;
  const window = windowOf(o);
  if (window === undefined || latestStart(d, LONG_SECONDS, now, rate) === undefined) return noContent;
  if (g === "5m") {
    // The common case (and what pollers ask for): one cached, pre-serialized point per 5-minute interval.
    const prefix = `l:${o.convert ?? ""}:${o.pf ? 1 : 0}:${o.timestampOnly ? 1 : 0}:${o.grouped ? 1 : 0}:`;
    return series(ctx, prefix, window, LONG_SECONDS, (ts) =>
      longPoint(d, ts, LONG_SECONDS, longSamplesAt(d.energy, ts, d.channels.length), o),
    );
  }
  let bs: ReadonlyArray<Window>;
  try {
    bs = buckets(window, g, timezone);
  } catch (e) {
    if (e instanceof InvalidWindowError) return fail("BAD_REQUEST", "Invalid timezone.");
    throw e;
  }
  const points: Record<string, unknown>[] = [];
  const dataStart = d.dataStart ?? Infinity;
  for (const b of bs) {
    const end = Math.min(b.to, window.to, now);
    const perChannel = d.channels.map(() => emptyLong());
    let any = false;
    for (let ts = Math.max(b.from, Math.ceil(dataStart / LONG_SECONDS) * LONG_SECONDS); ts < end; ts += LONG_SECONDS) {
      if (!isAvailable(d, ts, ts + LONG_SECONDS, now, rate)) continue;
      any = true;
      addLongAt(d.energy, ts, perChannel);
    }
    if (any) points.push(longPoint(d, b.from, b.to - b.from, perChannel, o));
  }
  return ok(points);
};

/** GET /modbus/{id}[/first|/latest]. A device without a Modbus meter answers 204 (api-facts wins over the
 * contract's 422: "204 = never reported data of that kind, or not Modbus-capable"). */
export const modbus = (ctx: EnergyContext, variant: Variant): Reply => {
  const { device: d, now, rate } = ctx;
  const parsed = parseQuery(ctx.query, "modbus", variant, { firstEntry: () => firstStart(d, MODBUS_SECONDS, now, rate) });
  if (!parsed.ok) return parsed.reply;
  const meter = d.modbus;
  const point = (ts: number): Record<string, unknown> =>
    parsed.value.timestampOnly || meter === undefined ? { timestamp: ts } : modbusPoint(d.energy, meter, ts);
  if (variant !== "range") {
    if (meter === undefined) return noContent;
    const ts =
      variant === "first" ? firstStart(d, MODBUS_SECONDS, now, rate) : latestStart(d, MODBUS_SECONDS, now, rate);
    return ts === undefined ? noContent : ok(point(ts));
  }
  const w = windowOf(parsed.value);
  if (meter === undefined || w === undefined || latestStart(d, MODBUS_SECONDS, now, rate) === undefined) {
    return noContent;
  }
  const points: Record<string, unknown>[] = [];
  const start = Math.max(w.from, d.dataStart ?? Infinity);
  for (let ts = Math.ceil(start / MODBUS_SECONDS) * MODBUS_SECONDS; ts < w.to && ts < now; ts += MODBUS_SECONDS) {
    if (isAvailable(d, ts, ts + MODBUS_SECONDS, now, rate)) points.push(point(ts));
  }
  return ok(points);
};
