// Energy generation: every value is a pure function of (device seed, channel, 30 s interval start, revision), so
// any window can be served without storing history, the same seed gives the same bytes, and a 5-minute interval
// is by construction the sum of its ten 30-second intervals (integer joules).
import { mix } from "./prng.js";

/** What a channel is wired to; drives its daily curve. */
export type Profile = "grid" | "solar" | "load" | "aircon" | "hotwater" | "pool" | "ev" | "unused";

/** The per-device inputs of the energy model (fixed at fleet creation, except revisions). */
export interface EnergyModel {
  readonly hash: number;
  readonly profiles: ReadonlyArray<Profile>;
  /** Per-channel multiplier on the profile's curve (a three-phase grid splits the house load in three). */
  readonly scales: ReadonlyArray<number>;
  /** Phase index (0..2) per channel, for the voltage. */
  readonly phaseOf: ReadonlyArray<number>;
  /** Peak solar output in watts (0 = no solar). */
  readonly solarW: number;
  /** Seconds to add to UTC for the local wall clock the curves follow (fixed at creation; DST ignored). */
  readonly tzOffset: number;
  /** 5-minute interval start → how many times that interval has been re-reported with new values. */
  readonly revisions: ReadonlyMap<number, number>;
}

export const SHORT_SECONDS = 30;
export const LONG_SECONDS = 300;
export const MODBUS_SECONDS = 300;

const TWO32 = 4294967296;
const u = (a: number, b: number, c: number): number => mix(a, b, c) / TWO32;

const PF: Readonly<Record<Profile, number>> = {
  grid: 0.93,
  solar: 0.99,
  load: 0.9,
  aircon: 0.84,
  hotwater: 1,
  pool: 0.8,
  ev: 0.97,
  unused: 0.6,
};
/** Reactive/real ratio per profile, tan(acos(pf)), computed once. */
const Q_RATIO = Object.fromEntries(
  Object.entries(PF).map(([k, pf]) => [k, Math.tan(Math.acos(pf))]),
) as Readonly<Record<Profile, number>>;

const localHour = (m: EnergyModel, t: number): number => {
  const s = (t + m.tzOffset) % 86_400;
  return (s < 0 ? s + 86_400 : s) / 3600;
};

const bump = (x: number, centre: number, width: number): number => Math.exp(-(((x - centre) / width) ** 2));

/** Solar output in watts at instant t: a clear-sky arc between 06:30 and 19:30, dimmed by half-hourly clouds. */
const solar = (m: EnergyModel, t: number, h: number): number => {
  if (m.solarW === 0) return 0;
  const arc = Math.sin((Math.PI * (h - 6.5)) / 13);
  if (arc <= 0) return 0;
  const cloud = 0.35 + 0.65 * u(m.hash, 101, Math.floor(t / 1800));
  return m.solarW * arc ** 1.3 * cloud * (0.97 + 0.06 * u(m.hash, 102, Math.floor(t / 30)));
};

/** Whole-house consumption in watts: a base load, morning and evening peaks, and random appliances. */
const house = (m: EnergyModel, salt: number, t: number, h: number): number => {
  const appliance = u(m.hash, salt + 7, Math.floor(t / 600)) < 0.18 ? 700 + 1400 * u(m.hash, salt + 8, Math.floor(t / 600)) : 0;
  return (
    (220 + 380 * bump(h, 7.5, 1.2) + 950 * bump(h, 19, 2) + appliance) *
    (0.95 + 0.1 * u(m.hash, salt + 9, Math.floor(t / 30)))
  );
};

const block = (m: EnergyModel, salt: number, t: number, seconds: number, p: number): boolean =>
  u(m.hash, salt, Math.floor(t / seconds)) < p;

/**
 * What every channel of one 30 s interval shares (local hour, solar output, house load, phase voltages),
 * computed at most once per interval.
 */
interface Frame {
  readonly ts: number;
  readonly t: number;
  readonly h: number;
  solar: number | undefined;
  house: number | undefined;
  readonly volts: Array<number | undefined>;
}

const frame = (m: EnergyModel, ts: number): Frame => {
  const t = ts + 15;
  return { ts, t, h: localHour(m, t), solar: undefined, house: undefined, volts: [] };
};

/** The scale of the solar channel on the phase of channel `ch` (its own scale when that phase has none). */
const solarScale = (m: EnergyModel, ch: number): number => {
  const j = m.profiles.findIndex((p, k) => p === "solar" && m.phaseOf[k] === m.phaseOf[ch]);
  return (j < 0 ? undefined : m.scales[j]) ?? m.scales[ch] ?? 1;
};

/** Mean real power (W) of channel `ch` over the frame's interval. Negative = export. */
const power = (m: EnergyModel, ch: number, f: Frame): number => {
  const { t, h } = f;
  const scale = m.scales[ch] ?? 1;
  const salt = ch * 16;
  switch (m.profiles[ch]) {
    case "grid":
      // Export what the solar channel on the same phase generates, so that grid + solar (the site's consumption,
      // api-facts) is the house load and never negative.
      return (f.house ??= house(m, 0, t, h)) * scale - (f.solar ??= solar(m, t, h)) * solarScale(m, ch);
    case "solar":
      return (f.solar ??= solar(m, t, h)) * scale;
    case "load":
      return house(m, salt, t, h) * 0.4 * scale;
    case "aircon":
      return h >= 12 && h < 21 && block(m, salt + 1, t, 900, 0.6) ? 1500 * scale : 18 * scale;
    case "hotwater":
      return (h >= 23 || h < 6) && block(m, salt + 2, t, 1800, 0.5) ? 3600 * scale : 0;
    case "pool":
      return h >= 9 && h < 15 ? 1100 * scale : 0;
    case "ev":
      return h >= 18 && h < 23 && block(m, salt + 3, t, 1800, 0.4) ? 7000 * scale : 0;
    default:
      // A connected-but-idle CT reads a little noise either side of zero.
      return (u(m.hash, salt + 4, Math.floor(f.ts / 30)) - 0.5) * 2;
  }
};

/** One channel's raw 30 s reading. */
export interface ShortSample {
  /** Real energy in joules (integer). */
  eReal: number;
  /** Reactive energy in joules (integer). */
  eReactive: number;
  vRMS: number;
  iRMS: number;
}

const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** Voltage of a phase at instant t: 240 V ± a slow daily swing and a little noise. */
export const voltage = (m: EnergyModel, phase: number, ts: number): number =>
  round(
    240 + 3 * Math.sin((2 * Math.PI * localHour(m, ts)) / 24 + phase) + (u(m.hash, 200 + phase, ts / 30) - 0.5) * 0.8,
    1,
  );

/** Grid frequency for the interval starting at ts. */
export const frequency = (m: EnergyModel, ts: number): number => round(50 + (u(m.hash, 300, ts / 30) - 0.5) * 0.1, 2);

/** The 30 s reading of channel `ch` for the interval starting at `ts` (a multiple of 30). */
export const shortSample = (m: EnergyModel, ch: number, ts: number, f: Frame = frame(m, ts)): ShortSample => {
  let p = power(m, ch, f);
  const revision = m.revisions.size === 0 ? 0 : (m.revisions.get(ts - (ts % LONG_SECONDS)) ?? 0);
  // A revised interval is re-reported with different values (api-facts: treat a changed value as a revision).
  if (revision > 0) p = p * (1 + 0.04 * revision) + revision;
  const profile = m.profiles[ch] ?? "unused";
  const sign = (mix(m.hash, 400, ch) & 3) === 0 ? -1 : 1;
  const q = Math.abs(p) * Q_RATIO[profile] * sign * (0.9 + 0.2 * u(m.hash, 500 + ch, ts / 30));
  const phase = m.phaseOf[ch] ?? 0;
  const v = (f.volts[phase] ??= voltage(m, phase, ts));
  return {
    eReal: Math.round(p * SHORT_SECONDS),
    eReactive: Math.round(q * SHORT_SECONDS),
    vRMS: v,
    iRMS: round(Math.hypot(p, q) / v, 3),
  };
};

/** The 30 s readings of channels 0..n−1 for the interval starting at `ts`, sharing one frame. */
export const shortSamplesAt = (m: EnergyModel, ts: number, n: number): ShortSample[] => {
  const f = frame(m, ts);
  const out = new Array<ShortSample>(n);
  for (let ch = 0; ch < n; ch++) out[ch] = shortSample(m, ch, ts, f);
  return out;
};

/** One channel's 5-minute aggregate. */
export interface LongSample {
  eReal: number;
  eRealPositive: number;
  eRealNegative: number;
  eReactive: number;
  eReactivePositive: number;
  eReactiveNegative: number;
  vRMSMin: number;
  vRMSMax: number;
  iRMSMin: number;
  iRMSMax: number;
}

export const emptyLong = (): LongSample => ({
  eReal: 0,
  eRealPositive: 0,
  eRealNegative: 0,
  eReactive: 0,
  eReactivePositive: 0,
  eReactiveNegative: 0,
  vRMSMin: Infinity,
  vRMSMax: -Infinity,
  iRMSMin: Infinity,
  iRMSMax: -Infinity,
});

/** Folds one short reading into a long aggregate: positive and negative flows are kept apart, so
 * eRealPositive − eRealNegative = eReal holds for every aggregate. */
export const addShort = (acc: LongSample, s: ShortSample): void => {
  acc.eReal += s.eReal;
  if (s.eReal >= 0) acc.eRealPositive += s.eReal;
  else acc.eRealNegative -= s.eReal;
  acc.eReactive += s.eReactive;
  if (s.eReactive >= 0) acc.eReactivePositive += s.eReactive;
  else acc.eReactiveNegative -= s.eReactive;
  if (s.vRMS < acc.vRMSMin) acc.vRMSMin = s.vRMS;
  if (s.vRMS > acc.vRMSMax) acc.vRMSMax = s.vRMS;
  if (s.iRMS < acc.iRMSMin) acc.iRMSMin = s.iRMS;
  if (s.iRMS > acc.iRMSMax) acc.iRMSMax = s.iRMS;
};

/** Folds one aggregate into another (coarser granularities). */
export const addLong = (acc: LongSample, s: LongSample): void => {
  acc.eReal += s.eReal;
  acc.eRealPositive += s.eRealPositive;
  acc.eRealNegative += s.eRealNegative;
  acc.eReactive += s.eReactive;
  acc.eReactivePositive += s.eReactivePositive;
  acc.eReactiveNegative += s.eReactiveNegative;
  acc.vRMSMin = Math.min(acc.vRMSMin, s.vRMSMin);
  acc.vRMSMax = Math.max(acc.vRMSMax, s.vRMSMax);
  acc.iRMSMin = Math.min(acc.iRMSMin, s.iRMSMin);
  acc.iRMSMax = Math.max(acc.iRMSMax, s.iRMSMax);
};

/** The 5-minute aggregate of channel `ch` for the interval starting at `ts` (a multiple of 300). */
export const longSample = (m: EnergyModel, ch: number, ts: number): LongSample => {
  const acc = emptyLong();
  for (let k = 0; k < LONG_SECONDS / SHORT_SECONDS; k++) addShort(acc, shortSample(m, ch, ts + k * SHORT_SECONDS));
  return acc;
};

/** Adds the ten 30 s readings of every channel in the 5-minute interval at `ts` into `into` (one per channel). */
export const addLongAt = (m: EnergyModel, ts: number, into: ReadonlyArray<LongSample>): void => {
  for (let k = 0; k < LONG_SECONDS / SHORT_SECONDS; k++) {
    const samples = shortSamplesAt(m, ts + k * SHORT_SECONDS, into.length);
    for (let ch = 0; ch < into.length; ch++) {
      const acc = into[ch];
      const s = samples[ch];
      if (acc && s) addShort(acc, s);
    }
  }
};

/** The 5-minute aggregates of channels 0..n−1 for the interval starting at `ts`. */
export const longSamplesAt = (m: EnergyModel, ts: number, n: number): LongSample[] => {
  const out = Array.from({ length: n }, emptyLong);
  addLongAt(m, ts, out);
  return out;
};

/** Modbus meter models the simulator emulates. */
export type ModbusModel = "PMC-340B" | "PMC-220";

/**
 * A cumulative register in 0.01 units: a closed-form integral of a positive rate with a daily swing, so it is
 * monotonic and any instant can be served without summing history.
 */
const counter = (m: EnergyModel, salt: number, ts: number, wattsMean: number): number => {
  const perSecond = wattsMean / 36_000; // 0.01 kWh = 36 kJ
  const amp = ((perSecond * 86_400) / (2 * Math.PI)) * 0.8;
  const base = 10_000 + (mix(m.hash, salt, 1) % 500_000);
  return Math.floor(base + perSecond * ts + amp * (1 - Math.cos((2 * Math.PI * ts) / 86_400)) - perSecond * 1.7e9);
};

/** One Modbus meter read at ts (register names keep their vendor spelling: api-facts, conventions). */
export const modbusPoint = (m: EnergyModel, model: ModbusModel, ts: number): Record<string, number | string> => {
  const imp = counter(m, 600, ts, 1800);
  const exp = counter(m, 601, ts, 400);
  const kvImp = counter(m, 602, ts, 500);
  const kvExp = counter(m, 603, ts, 150);
  const registers = {
    kVAh: Math.floor((imp + exp) * 1.08),
    kWh_Exp: exp,
    kWh_Imp: imp,
    kWh_Net: imp - exp,
    kWh_Tot: imp + exp,
  };
  const kvarh = { kvarh_Exp: kvExp, kvarh_Imp: kvImp, kvarh_Net: kvImp - kvExp, kvarh_Tot: kvImp + kvExp };
  const current = (phase: number): number => round(2 + 6 * u(m.hash, 610 + phase, ts / 60), 3);
  const pf = (phase: number): number => round(0.8 + 0.19 * u(m.hash, 620 + phase, ts / 60), 3);
  if (model === "PMC-220") {
    return { _I: current(0), _PF: pf(0), _V: voltage(m, 0, ts), ...registers, ...kvarh, model, timestamp: ts };
  }
  const quarter = (q: number): number => Math.floor(kvImp / (q + 2));
  return {
    _Ia: current(0),
    _Ib: current(1),
    _Ic: current(2),
    _PFa: pf(0),
    _PFb: pf(1),
    _PFc: pf(2),
    _Uan: voltage(m, 0, ts),
    _Ubn: voltage(m, 1, ts),
    _Ucn: voltage(m, 2, ts),
    ...registers,
    kvarh_Q1: quarter(0),
    kvarh_Q2: quarter(1),
    kvarh_Q3: quarter(2),
    kvarh_Q4: quarter(3),
    ...kvarh,
    model,
    timestamp: ts,
  };
};
