// The six energy operations and three Modbus operations: query validation with the documented rejections,
// default windows, 204 versus [] (api-facts: conventions), conversions, +pf, timestamp-only and phase grouping.
import type { Granularity } from "@wattstream/core";
import {
  chunkWindow,
  CONVERTED_FIELD_NAMES,
  GRANULARITIES,
  InvalidWindowError,
  isTimeZone,
  joulesToKwh,
  maxWindow,
  meanPowerKw,
  requiresTimezone,
} from "@wattstream/core";
import type { SimDevice } from "./device.js";
import { firstStart, isAvailable, latestStart } from "./device.js";
import type { LongSample, ShortSample } from "./energy.js";
import {
  addLong,
  addLongAt,
  emptyLong,
  frequency,
  LONG_SECONDS,
  longSamplesAt,
  MODBUS_SECONDS,
  modbusPoint,
  SHORT_SECONDS,
  shortSamplesAt,
} from "./energy.js";
import type { Reply } from "./envelope.js";
import { fail, noContent, ok } from "./envelope.js";

export type Query = (name: string) => string | undefined;
export type Variant = "range" | "first" | "latest";

interface Options {
  readonly convert: "kWh" | "kW" | undefined;
  readonly pf: boolean;
  readonly timestampOnly: boolean;
  readonly grouped: boolean;
}

// Converted energy names come from core (api-facts: with kW, eReal → pRealKw; with kWh, eReal → eRealKwh).
const KW: Readonly<Record<string, string>> = CONVERTED_FIELD_NAMES.kW;
const KWH: Readonly<Record<string, string>> = CONVERTED_FIELD_NAMES.kWh;

type Parsed<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly reply: Reply };
const bad = (message: string): Parsed<never> => ({ ok: false, reply: fail("BAD_REQUEST", message) });
const unprocessable = (message: string): Parsed<never> => ({
  ok: false,
  reply: fail("UNPROCESSABLE_ENTITY", message),
});

const parseOptions = (q: Query, energy: boolean): Parsed<Options> => {
  const convertRaw = q("convert[energy]");
  let convert: Options["convert"];
  if (convertRaw !== undefined) {
    if (!energy) return bad("convert[energy] is not supported for Modbus data.");
    if (convertRaw !== "kWh" && convertRaw !== "kW") return bad("convert[energy] must be kWh or kW.");
    convert = convertRaw;
  }
  const groupRaw = q("filter[group]");
  if (groupRaw !== undefined && (groupRaw !== "phases" || !energy)) return bad("filter[group] must be phases.");
  const grouped = groupRaw === "phases";
  const fieldsRaw = q("fields[energy]");
  let pf = false;
  let timestampOnly = false;
  if (fieldsRaw !== undefined) {
    // An unencoded `+` in a query string decodes to a space; accept `+pf` either way.
    for (const f of fieldsRaw.split(",").map((s) => s.trim())) {
      if (energy && (f === "+pf" || f === "pf")) pf = true;
      else if (f === "timestamp") timestampOnly = true;
      else return bad(`fields[energy] value ${JSON.stringify(f)} is not supported.`);
    }
    if (pf && timestampOnly) return bad("fields[energy]=+pf and fields[energy]=timestamp are mutually exclusive.");
    if (grouped) return bad("fields[energy] can't be combined with filter[group]=phases.");
  }
  return { ok: true, value: { convert, pf, timestampOnly, grouped } };
};

const INTEGER = /^-?\d+$/;
// Year 3000: anything later is not a plausible timestamp (likely milliseconds), so it is a 422.
const MAX_TS = 32_503_680_000;

const parseTs = (q: Query, name: string): Parsed<number | undefined> => {
  const raw = q(name);
  if (raw === undefined || raw === "") return { ok: true, value: undefined };
  if (!INTEGER.test(raw)) return bad(`${name} must be an integer Unix timestamp in seconds.`);
  const ts = Number(raw);
  if (ts < 0 || ts > MAX_TS) return unprocessable(`${name} is not a valid timestamp.`);
  return { ok: true, value: ts };
};

const describe = (seconds: number): string =>
  seconds % 86_400 === 0
    ? `${seconds / 86_400} days`
    : seconds % 3600 === 0
      ? `${seconds / 3600} hours`
      : `${seconds} seconds`;

interface Window {
  readonly from: number;
  readonly to: number;
}

const parseWindow = (
  q: Query,
  defaultFrom: () => number | undefined,
  defaultLength: number,
  limit: number,
): Parsed<Window | undefined> => {
  const from = parseTs(q, "fromTs");
  if (!from.ok) return from;
  const to = parseTs(q, "toTs");
  if (!to.ok) return to;
  const f = from.value ?? defaultFrom();
  if (f === undefined) return { ok: true, value: undefined };
  const t = to.value ?? f + defaultLength;
  if (t <= f) return unprocessable("toTs must be after fromTs.");
  // Over-long windows are rejected, not truncated (api-facts: query parameters).
  if (t - f > limit) return unprocessable(`The requested time period is greater than ${describe(limit)}.`);
  return { ok: true, value: { from: f, to: t } };
};

const r = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** Channels (zero-based) per output column: one per channel, or one per phase group with filter[group]. */
const columns = (d: SimDevice, grouped: boolean): ReadonlyArray<ReadonlyArray<number>> =>
  grouped && d.phases && d.phases.grouping.length > 0
    ? d.phases.grouping.map((g) => g.map((n) => n - 1))
    : d.channels.map((_, k) => [k]);

const energyValue = (joules: number, seconds: number, convert: Options["convert"]): number =>
  convert === "kWh" ? r(joulesToKwh(joules), 7) : convert === "kW" ? r(meanPowerKw(joules, seconds), 5) : joules;

const energyName = (name: string, convert: Options["convert"]): string =>
  convert === "kW" ? (KW[name] ?? name) : convert === "kWh" ? (KWH[name] ?? name) : name;

const powerFactor = (real: number, reactive: number): number => {
  const s = Math.hypot(real, reactive);
  return s === 0 ? 1 : r(real / s, 3);
};

const groupShort = (samples: ReadonlyArray<ShortSample>, groups: ReadonlyArray<ReadonlyArray<number>>): ShortSample[] =>
  groups.map((g): ShortSample => {
    const parts = g.map((k) => samples[k]).filter((s): s is ShortSample => s !== undefined);
    return {
      eReal: parts.reduce((a, s) => a + s.eReal, 0),
      eReactive: parts.reduce((a, s) => a + s.eReactive, 0),
      vRMS: r(parts.reduce((a, s) => a + s.vRMS, 0) / Math.max(1, parts.length), 1),
      iRMS: r(parts.reduce((a, s) => a + s.iRMS, 0), 3),
    };
  });

const shortPoint = (d: SimDevice, ts: number, o: Options): Record<string, unknown> => {
  if (o.timestampOnly) return { timestamp: ts };
  const n = d.channels.length;
  let cols = shortSamplesAt(d.energy, ts, n);
  if (o.grouped) cols = groupShort(cols, columns(d, true));
  const m = cols.length;
  const eReal = new Array<number>(m);
  const eReactive = new Array<number>(m);
  const vRMS = new Array<number>(m);
  const iRMS = new Array<number>(m);
  for (let k = 0; k < m; k++) {
    const c = cols[k];
    if (c === undefined) continue;
    eReal[k] = energyValue(c.eReal, SHORT_SECONDS, o.convert);
    eReactive[k] = energyValue(c.eReactive, SHORT_SECONDS, o.convert);
    vRMS[k] = c.vRMS;
    iRMS[k] = c.iRMS;
  }
  const point: Record<string, unknown> = {
    timestamp: ts,
    duration: SHORT_SECONDS,
    frequency: frequency(d.energy, ts),
    [energyName("eReal", o.convert)]: eReal,
    [energyName("eReactive", o.convert)]: eReactive,
    vRMS,
    iRMS,
  };
  if (o.pf) point["pf"] = cols.map((c) => powerFactor(c.eReal, c.eReactive));
  return point;
};

const LONG_ENERGY = [
  "eReal",
  "eRealPositive",
  "eRealNegative",
  "eReactive",
  "eReactivePositive",
  "eReactiveNegative",
] as const;

const longPoint = (
  d: SimDevice,
  ts: number,
  duration: number,
  perChannel: ReadonlyArray<LongSample>,
  o: Options,
): Record<string, unknown> => {
  if (o.timestampOnly) return { timestamp: ts };
  const cols = columns(d, o.grouped).map((g): LongSample => {
    const acc = emptyLong();
    const parts = g.map((k) => perChannel[k]).filter((s): s is LongSample => s !== undefined);
    for (const s of parts) addLong(acc, s);
    // A group's current is the sum of its channels' currents; voltage keeps the min/max across them.
    acc.iRMSMin = r(parts.reduce((a, s) => a + s.iRMSMin, 0), 3);
    acc.iRMSMax = r(parts.reduce((a, s) => a + s.iRMSMax, 0), 3);
    return acc;
  });
  const point: Record<string, unknown> = { timestamp: ts, duration };
  for (const name of LONG_ENERGY) {
    point[energyName(name, o.convert)] = cols.map((c) => energyValue(c[name], duration, o.convert));
  }
  point["vRMSMin"] = cols.map((c) => c.vRMSMin);
  point["vRMSMax"] = cols.map((c) => c.vRMSMax);
  point["iRMSMin"] = cols.map((c) => c.iRMSMin);
  point["iRMSMax"] = cols.map((c) => c.iRMSMax);
  if (o.pf) point["pf"] = cols.map((c) => powerFactor(c.eReal, c.eReactive));
  return point;
};

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
  const opts = parseOptions(ctx.query, true);
  if (!opts.ok) return opts.reply;
  if (variant !== "range") {
    const ts =
      variant === "first" ? firstStart(d, SHORT_SECONDS, now, rate) : latestStart(d, SHORT_SECONDS, now, rate);
    return ts === undefined ? noContent : ok(shortPoint(d, ts, opts.value));
  }
  // Default window: now − 1 h to from + 1 h (api-facts: query parameters).
  const w = parseWindow(ctx.query, () => Math.floor(now) - 3600, 3600, maxWindow("short"));
  if (!w.ok) return w.reply;
  if (w.value === undefined || latestStart(d, SHORT_SECONDS, now, rate) === undefined) return noContent;
  const o = opts.value;
  const prefix = `s:${o.convert ?? ""}:${o.pf ? 1 : 0}:${o.timestampOnly ? 1 : 0}:${o.grouped ? 1 : 0}:`;
  return series(ctx, prefix, w.value, SHORT_SECONDS, (ts) => shortPoint(d, ts, o));
};

/**
 * The available points of a window as one JSON array, from cached serialized points. A contiguous run of points
 * is fully described by its first and last timestamp, so its whole body is cached too, as bytes ready to send.
 */
const series = (
  ctx: EnergyContext,
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

const parseGranularity = (q: Query): Parsed<{ readonly g: Granularity; readonly timezone: string | undefined }> => {
  const raw = q("granularity") ?? "5m";
  const g = GRANULARITIES.find((x) => x === raw);
  if (g === undefined) return bad(`granularity must be one of ${GRANULARITIES.join(", ")}.`);
  if (!requiresTimezone(g)) return { ok: true, value: { g, timezone: undefined } };
  const timezone = q("timezone");
  if (timezone === undefined || timezone === "" || !isTimeZone(timezone)) {
    return bad(
      "You must specify a valid timezone value when applying granularity of 'hour', 'day', 'week', or 'month.'",
    );
  }
  return { ok: true, value: { g, timezone } };
};

const FIXED: Partial<Record<Granularity, number>> = { "5m": 300, "15m": 900, "30m": 1800 };
const NOMINAL: Readonly<Record<Granularity, number>> = {
  "5m": 300,
  "15m": 900,
  "30m": 1800,
  hour: 3600,
  day: 86_400,
  week: 604_800,
  month: 2_678_400,
};

/** Bucket boundaries [start, end) overlapping the window, aligned in the timezone for hour and coarser. */
const buckets = (w: Window, g: Granularity, timezone: string | undefined): ReadonlyArray<Window> => {
  const fixed = FIXED[g];
  const out: Window[] = [];
  if (fixed !== undefined) {
    for (let b = Math.ceil(w.from / fixed) * fixed; b < w.to; b += fixed) out.push({ from: b, to: b + fixed });
    return out;
  }
  // Core's chunker cuts at local bucket starts; a chunk limit of 1.5 buckets makes every chunk one bucket.
  const nominal = NOMINAL[g];
  const chunks = chunkWindow({ fromTs: w.from - 2 * nominal, toTs: w.to + 2 * nominal }, "long", g, {
    ...(timezone === undefined ? {} : { timezone }),
    maxSeconds: Math.floor(nominal * 1.5),
  });
  // The first chunk starts at an arbitrary instant; the rest start on bucket boundaries.
  for (const c of chunks.slice(1)) if (c.fromTs >= w.from && c.fromTs < w.to) out.push({ from: c.fromTs, to: c.toTs });
  return out;
};

/** GET /long-energy/{id}[/first|/latest]. */
export const longEnergy = (ctx: EnergyContext, variant: Variant): Reply => {
  const { device: d, now, rate } = ctx;
  const opts = parseOptions(ctx.query, true);
  if (!opts.ok) return opts.reply;
  if (variant !== "range") {
    const ts = variant === "first" ? firstStart(d, LONG_SECONDS, now, rate) : latestStart(d, LONG_SECONDS, now, rate);
    if (ts === undefined) return noContent;
    return ok(longPoint(d, ts, LONG_SECONDS, longSamplesAt(d.energy, ts, d.channels.length), opts.value));
  }
  const gran = parseGranularity(ctx.query);
  if (!gran.ok) return gran.reply;
  const { g, timezone } = gran.value;
  // Default window: the first entry to from + 7 days (api-facts: query parameters).
  const w = parseWindow(ctx.query, () => firstStart(d, LONG_SECONDS, now, rate), 7 * 86_400, maxWindow("long", g));
  if (!w.ok) return w.reply;
  if (w.value === undefined || latestStart(d, LONG_SECONDS, now, rate) === undefined) return noContent;
  const o = opts.value;
  if (g === "5m") {
    // The common case (and what pollers ask for): one cached, pre-serialized point per 5-minute interval.
    const prefix = `l:${o.convert ?? ""}:${o.pf ? 1 : 0}:${o.timestampOnly ? 1 : 0}:${o.grouped ? 1 : 0}:`;
    return series(ctx, prefix, w.value, LONG_SECONDS, (ts) =>
      longPoint(d, ts, LONG_SECONDS, longSamplesAt(d.energy, ts, d.channels.length), o),
    );
  }
  let bs: ReadonlyArray<Window>;
  try {
    bs = buckets(w.value, g, timezone);
  } catch (e) {
    if (e instanceof InvalidWindowError) return fail("BAD_REQUEST", "Invalid timezone.");
    throw e;
  }
  const points: Record<string, unknown>[] = [];
  const dataStart = d.dataStart ?? Infinity;
  for (const b of bs) {
    const end = Math.min(b.to, w.value.to, now);
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
  const opts = parseOptions(ctx.query, false);
  if (!opts.ok) return opts.reply;
  const meter = d.modbus;
  const point = (ts: number): Record<string, unknown> =>
    opts.value.timestampOnly || meter === undefined ? { timestamp: ts } : modbusPoint(d.energy, meter, ts);
  if (variant !== "range") {
    if (meter === undefined) return noContent;
    const ts =
      variant === "first" ? firstStart(d, MODBUS_SECONDS, now, rate) : latestStart(d, MODBUS_SECONDS, now, rate);
    return ts === undefined ? noContent : ok(point(ts));
  }
  const w = parseWindow(ctx.query, () => firstStart(d, MODBUS_SECONDS, now, rate), 7 * 86_400, maxWindow("modbus"));
  if (!w.ok) return w.reply;
  if (meter === undefined || w.value === undefined || latestStart(d, MODBUS_SECONDS, now, rate) === undefined) {
    return noContent;
  }
  const points: Record<string, unknown>[] = [];
  const start = Math.max(w.value.from, d.dataStart ?? Infinity);
  for (let ts = Math.ceil(start / MODBUS_SECONDS) * MODBUS_SECONDS; ts < w.value.to && ts < now; ts += MODBUS_SECONDS) {
    if (isAvailable(d, ts, ts + MODBUS_SECONDS, now, rate)) points.push(point(ts));
  }
  return ok(points);
};
