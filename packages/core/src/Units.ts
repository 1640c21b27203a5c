// Unit conversions. Raw energy values are joules per interval (api-facts: convert[energy]); each function names
// both units so nothing mixes them silently, and the labelled forms carry the unit with the value.
import type { PositionalValues } from "./EnergyPoint.js";

const J_PER_WH = 3600;
const J_PER_KWH = 3_600_000;

/**
 * Joules to watt-hours.
 *
 * @example
 * ```ts
 * import { joulesToWh } from "@wattstream/core";
 * joulesToWh(3600); // 1
 * ```
 * @category constructors
 */
export const joulesToWh = (joules: number): number => joules / J_PER_WH;

/**
 * Joules to kilowatt-hours.
 *
 * @example
 * ```ts
 * import { joulesToKwh } from "@wattstream/core";
 * joulesToKwh(3_600_000); // 1
 * ```
 * @category constructors
 */
export const joulesToKwh = (joules: number): number => joules / J_PER_KWH;

/**
 * Watt-hours to joules.
 *
 * @example
 * ```ts
 * import { whToJoules } from "@wattstream/core";
 * whToJoules(1); // 3600
 * ```
 * @category constructors
 */
export const whToJoules = (wh: number): number => wh * J_PER_WH;

/**
 * Kilowatt-hours to joules.
 *
 * @example
 * ```ts
 * import { kwhToJoules } from "@wattstream/core";
 * kwhToJoules(1); // 3600000
 * ```
 * @category constructors
 */
export const kwhToJoules = (kwh: number): number => kwh * J_PER_KWH;

const checkSeconds = (seconds: number): void => {
  if (!(seconds > 0) || !Number.isFinite(seconds)) throw new RangeError(`duration must be > 0 seconds, got ${seconds}`);
};

/**
 * Mean power in watts of `joules` delivered over `seconds` (an interval's `duration`). Throws `RangeError` for a
 * duration that is not positive (a caller's mistake: for a point as it came off the wire, whose `duration` may be
 * absent, use {@link pointPowerW}, which never throws).
 *
 * @example
 * ```ts
 * import { meanPowerW } from "@wattstream/core";
 * meanPowerW(30_000, 30); // 1000
 * ```
 * @category constructors
 */
export const meanPowerW = (joules: number, seconds: number): number => {
  checkSeconds(seconds);
  return joules / seconds;
};

/**
 * Mean power in watts of every channel of an energy point (`eReal` / `duration`), for data as it comes off the
 * wire. Never throws: `undefined` when the point has no `eReal` or no positive, finite `duration` (the API omits
 * a property with no value), and `undefined` at a position whose value is not a finite number.
 *
 * @example
 * ```ts
 * import { pointPowerW } from "@wattstream/core";
 * pointPowerW({ timestamp: 0, duration: 30, eReal: [30_000, -3000] }); // [1000, -100]
 * pointPowerW({ timestamp: 0, eReal: [30_000] }); // undefined: no duration
 * ```
 * @category constructors
 */
export const pointPowerW = (point: {
  readonly eReal?: PositionalValues | undefined;
  readonly duration?: number | undefined;
  readonly [key: string]: unknown;
}): ReadonlyArray<number | undefined> | undefined => {
  const { eReal, duration } = point;
  if (eReal === undefined || duration === undefined || !(duration > 0) || !Number.isFinite(duration)) return undefined;
  return eReal.map((joules) => (Number.isFinite(joules) ? joules / duration : undefined));
};

/**
 * Mean power in kilowatts of `joules` delivered over `seconds`; what `convert[energy]=kW` reports.
 *
 * @example
 * ```ts
 * import { meanPowerKw } from "@wattstream/core";
 * meanPowerKw(300_000, 300); // 1
 * ```
 * @category constructors
 */
export const meanPowerKw = (joules: number, seconds: number): number => meanPowerW(joules, seconds) / 1000;

/**
 * An energy unit.
 *
 * @category models
 */
export type EnergyUnit = "J" | "Wh" | "kWh";

/**
 * A power unit.
 *
 * @category models
 */
export type PowerUnit = "W" | "kW";

/**
 * A value labelled with its unit, so a kWh figure cannot be read as Wh.
 *
 * @category models
 */
export interface Quantity<U extends EnergyUnit | PowerUnit> {
  readonly value: number;
  readonly unit: U;
}

const ENERGY_IN_J: Record<EnergyUnit, number> = { J: 1, Wh: J_PER_WH, kWh: J_PER_KWH };
const POWER_IN_W: Record<PowerUnit, number> = { W: 1, kW: 1000 };

/**
 * Converts a labelled energy to another energy unit.
 *
 * @example
 * ```ts
 * import { convertEnergy } from "@wattstream/core";
 * convertEnergy({ value: 7_200_000, unit: "J" }, "kWh"); // { value: 2, unit: "kWh" }
 * ```
 * @category constructors
 */
export const convertEnergy = <U extends EnergyUnit>(energy: Quantity<EnergyUnit>, unit: U): Quantity<U> => ({
  value: (energy.value * ENERGY_IN_J[energy.unit]) / ENERGY_IN_J[unit],
  unit,
});

/**
 * Converts a labelled power to another power unit.
 *
 * @example
 * ```ts
 * import { convertPower } from "@wattstream/core";
 * convertPower({ value: 1500, unit: "W" }, "kW"); // { value: 1.5, unit: "kW" }
 * ```
 * @category constructors
 */
export const convertPower = <U extends PowerUnit>(power: Quantity<PowerUnit>, unit: U): Quantity<U> => ({
  value: (power.value * POWER_IN_W[power.unit]) / POWER_IN_W[unit],
  unit,
});

/**
 * The mean power of a labelled energy delivered over `seconds`, in the unit asked for.
 *
 * @example
 * ```ts
 * import { meanPower } from "@wattstream/core";
 * meanPower({ value: 0.5, unit: "kWh" }, 1800, "kW"); // { value: 1, unit: "kW" }
 * ```
 * @category constructors
 */
export const meanPower = <U extends PowerUnit>(energy: Quantity<EnergyUnit>, seconds: number, unit: U): Quantity<U> => ({
  value: meanPowerW(energy.value * ENERGY_IN_J[energy.unit], seconds) / POWER_IN_W[unit],
  unit,
});
