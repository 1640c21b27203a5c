// Energy payloads. Names keep the v2 spelling (api-facts: conventions): never rename them. Arrays are positional,
// one value per channel in the device's `channels` order (or per phase group with `filter[group]=phases`).
// Every point is open: unknown fields are kept. Only `timestamp` is certain: the contract requires no property and
// the API omits a property with no value, so every other field is optional (api-facts: "code defensively").

/**
 * One value per channel (or per phase group), in the device's channel order.
 *
 * @category models
 */
export type PositionalValues = ReadonlyArray<number>;

/**
 * A point reduced to its timestamp (`fields[energy]=timestamp`): the cheap "is there anything new?" query.
 *
 * @category models
 */
export interface TimestampPoint {
  /** Unix seconds of the start of the interval: finite (transport refuses Infinity); an odd one (fractional, off the grid) is possible off the wire, and rx reports it as an anomaly. */
  readonly timestamp: number;
  readonly [key: string]: unknown;
}

interface IntervalPoint extends TimestampPoint {
  /** Interval length in seconds: finite when present; a zero, negative or fractional one is possible off the wire (rx: an anomaly; `pointPowerW` gives undefined). */
  readonly duration?: number;
}

interface ShortBase extends IntervalPoint {
  /** Grid frequency in Hz. */
  readonly frequency?: number;
  /** Volts RMS. */
  readonly vRMS?: PositionalValues;
  /** Amps RMS. */
  readonly iRMS?: PositionalValues;
  /** Power factor, with `fields[energy]=+pf`. */
  readonly pf?: PositionalValues;
}

/**
 * A short-energy point (30 s by default): energy in joules per interval.
 *
 * @category models
 */
export interface ShortEnergyPoint extends ShortBase {
  /** Real energy, joules. */
  readonly eReal?: PositionalValues;
  /** Reactive energy, joules (var·s). */
  readonly eReactive?: PositionalValues;
}

/**
 * A short-energy point fetched with `convert[energy]=kW`: mean power over the interval, fields renamed.
 *
 * @category models
 */
export interface ShortEnergyPointKw extends ShortBase {
  readonly pRealKw?: PositionalValues;
  readonly pReactiveKw?: PositionalValues;
}

/**
 * A short-energy point fetched with `convert[energy]=kWh`, fields renamed (`eReal` → `eRealKwh`).
 *
 * @category models
 */
export interface ShortEnergyPointKwh extends ShortBase {
  readonly eRealKwh?: PositionalValues;
  readonly eReactiveKwh?: PositionalValues;
}

interface LongBase extends IntervalPoint {
  // The contract's example omits the voltage and current ranges, so they are optional here.
  readonly vRMSMin?: PositionalValues;
  readonly vRMSMax?: PositionalValues;
  readonly iRMSMin?: PositionalValues;
  readonly iRMSMax?: PositionalValues;
  readonly pf?: PositionalValues;
}

/**
 * A long-energy point (5 min, or the requested granularity): energy in joules per interval.
 *
 * @category models
 */
export interface LongEnergyPoint extends LongBase {
  readonly eReal?: PositionalValues;
  readonly eRealPositive?: PositionalValues;
  readonly eRealNegative?: PositionalValues;
  readonly eReactive?: PositionalValues;
  readonly eReactivePositive?: PositionalValues;
  readonly eReactiveNegative?: PositionalValues;
}

/**
 * A long-energy point fetched with `convert[energy]=kW`: mean power, fields renamed (`eReal` → `pRealKw`).
 *
 * @category models
 */
export interface LongEnergyPointKw extends LongBase {
  readonly pRealKw?: PositionalValues;
  readonly pRealPositiveKw?: PositionalValues;
  readonly pRealNegativeKw?: PositionalValues;
  readonly pReactiveKw?: PositionalValues;
  readonly pReactivePositiveKw?: PositionalValues;
  readonly pReactiveNegativeKw?: PositionalValues;
}

/**
 * A long-energy point fetched with `convert[energy]=kWh`, fields renamed (`eReal` → `eRealKwh`).
 *
 * @category models
 */
export interface LongEnergyPointKwh extends LongBase {
  readonly eRealKwh?: PositionalValues;
  readonly eRealPositiveKwh?: PositionalValues;
  readonly eRealNegativeKwh?: PositionalValues;
  readonly eReactiveKwh?: PositionalValues;
  readonly eReactivePositiveKwh?: PositionalValues;
  readonly eReactiveNegativeKwh?: PositionalValues;
}

/**
 * The `convert[energy]` query values.
 *
 * @category models
 */
export type EnergyConversion = "kW" | "kWh";

/**
 * The short-energy point type for a conversion (`undefined` = raw joules).
 *
 * @example
 * ```ts
 * import type { ShortEnergyPointFor } from "@wattstream/core";
 * type P = ShortEnergyPointFor<"kW">; // ShortEnergyPointKw
 * ```
 * @category models
 */
export type ShortEnergyPointFor<C extends EnergyConversion | undefined> = C extends "kW"
  ? ShortEnergyPointKw
  : C extends "kWh"
    ? ShortEnergyPointKwh
    : ShortEnergyPoint;

/**
 * The long-energy point type for a conversion (`undefined` = raw joules).
 *
 * @category models
 */
export type LongEnergyPointFor<C extends EnergyConversion | undefined> = C extends "kW"
  ? LongEnergyPointKw
  : C extends "kWh"
    ? LongEnergyPointKwh
    : LongEnergyPoint;
