// Point rendering: one short, long or grouped point as the service would send it, with conversions (renamed
// fields), +pf, timestamp-only and phase grouping; and the bucket boundaries of coarse long-energy granularities.
import type { CheckedEnergyQuery, ConvertibleEnergyField, Granularity } from "@wattstream/core";
import { chunkWindow, CONVERTED_FIELD_NAMES, joulesToKwh, LONG_ENERGY_FIELDS, meanPowerKw } from "@wattstream/core";
import type { SimDevice } from "./device.js";
import type { LongSample, ShortSample } from "./energy.js";
import { addLong, emptyLong, frequency, SHORT_SECONDS, shortSamplesAt } from "./energy.js";

/** What a point's shape depends on. */
export type PointOptions = Pick<CheckedEnergyQuery, "convert" | "pf" | "timestampOnly" | "grouped">;

// Converted energy names come from core (api-facts: with kW, eReal → pRealKw; with kWh, eReal → eRealKwh).
const KW: Readonly<Record<string, string>> = CONVERTED_FIELD_NAMES.kW;
const KWH: Readonly<Record<string, string>> = CONVERTED_FIELD_NAMES.kWh;

export interface Window {
  readonly from: number;
  readonly to: number;
}

const r = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** Channels (zero-based) per output column: one per channel, or one per phase group with filter[group]. */
const columns = (d: SimDevice, grouped: boolean): ReadonlyArray<ReadonlyArray<number>> =>
  grouped && d.phases && d.phases.grouping.length > 0
    ? d.phases.grouping.map((g) => g.map((n) => n - 1))
    : d.channels.map((_, k) => [k]);

const energyValue = (joules: number, seconds: number, convert: PointOptions["convert"]): number =>
  convert === "kWh" ? r(joulesToKwh(joules), 7) : convert === "kW" ? r(meanPowerKw(joules, seconds), 5) : joules;

const energyName = (name: string, convert: PointOptions["convert"]): string =>
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

export const shortPoint = (d: SimDevice, ts: number, o: PointOptions): Record<string, unknown> => {
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

// The energy fields of a long point: the ones a conversion renames (core's table), voltage and current aside.
const LONG_ENERGY = LONG_ENERGY_FIELDS.filter((f): f is ConvertibleEnergyField => Object.hasOwn(KW, f));

export const longPoint = (
  d: SimDevice,
  ts: number,
  duration: number,
  perChannel: ReadonlyArray<LongSample>,
  o: PointOptions,
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
export const buckets = (w: Window, g: Granularity, timezone: string | undefined): ReadonlyArray<Window> => {
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

