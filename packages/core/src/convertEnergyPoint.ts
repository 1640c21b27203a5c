// The conversion `convert[energy]` asks the service for, done locally: raw energy is joules per interval, kW is
// the mean power over the interval (J / duration / 1000) and kWh the energy (J / 3.6e6), and the fields are renamed
// as the service renames them (api-facts: query parameters). Used where an answer to a converted query still
// carries the raw joule fields (the contract allows either shape).
import type { ConvertibleEnergyField } from "./EnergyField.js";
import { CONVERTED_FIELD_NAMES } from "./EnergyField.js";
import type { EnergyConversion, LongEnergyPoint, LongEnergyPointFor, ShortEnergyPoint, ShortEnergyPointFor } from "./EnergyPoint.js";

const J_PER_KWH = 3_600_000;

const CONVERTIBLE = Object.keys(CONVERTED_FIELD_NAMES.kW) as ReadonlyArray<ConvertibleEnergyField>;

/**
 * What {@link convertEnergyPoint} gives: the converted point, or the field that made conversion impossible and why.
 *
 * @category models
 */
export type ConvertEnergyPointResult<P> =
  | { readonly ok: true; readonly point: P }
  | { readonly ok: false; readonly field: string; readonly reason: string };

// Key remapping drops the index signature that keeps payload types open, leaving the declared fields.
type DeclaredKeys<P> = keyof { [K in keyof P as string extends K ? never : number extends K ? never : K]: 0 };
type LongOnlyField =
  | "eRealPositive"
  | "eRealNegative"
  | "eReactivePositive"
  | "eReactiveNegative"
  | "vRMSMin"
  | "vRMSMax"
  | "iRMSMin"
  | "iRMSMax";

/**
 * The point type {@link convertEnergyPoint} gives for input `P` and conversion `C`: a long-energy point when `P`
 * declares a field only long energy has, a short-energy one otherwise.
 *
 * @category models
 */
export type ConvertedEnergyPoint<P, C extends EnergyConversion> = [Extract<DeclaredKeys<P>, LongOnlyField>] extends [never]
  ? ShortEnergyPointFor<C>
  : LongEnergyPointFor<C>;

/**
 * Converts a raw energy point (joules per interval) to the shape `convert[energy]=kW|kWh` gives: each of `eReal`,
 * `eRealPositive`, `eRealNegative`, `eReactive`, `eReactivePositive`, `eReactiveNegative` that is present becomes
 * its converted name (`pRealKw` = J / duration / 1000 for kW, `eRealKwh` = J / 3 600 000 for kWh); every other field
 * (voltage, current, `pf`, unknown ones) is kept as it is, and a converted name the point already has is left
 * alone. Never throws: `kW` needs a positive, finite `duration`, and a point without one gives
 * `{ ok: false, field: "duration" }`; a value that is not a finite number gives `{ ok: false, field: "eReal[2]" }`.
 * Values are not rounded (the service's own conversion may round).
 *
 * @example
 * ```ts
 * import { convertEnergyPoint } from "@wattstream/core";
 * const kw = convertEnergyPoint({ timestamp: 0, duration: 300, eReal: [300_000], vRMS: [240] }, "kW");
 * if (kw.ok) kw.point.pRealKw; // [1]
 * ```
 * @category constructors
 */
export const convertEnergyPoint = <P extends ShortEnergyPoint | LongEnergyPoint, C extends EnergyConversion>(
  point: P,
  conversion: C,
): ConvertEnergyPointResult<ConvertedEnergyPoint<P, C>> => {
  const names = CONVERTED_FIELD_NAMES[conversion];
  const duration = point.duration;
  const out: Record<string, unknown> = { ...point };
  for (const field of CONVERTIBLE) {
    const values = point[field];
    const target = names[field];
    if (!Array.isArray(values) || target in point) continue;
    if (conversion === "kW" && !(typeof duration === "number" && Number.isFinite(duration) && duration > 0)) {
      return { ok: false, field: "duration", reason: `a positive duration is needed to convert ${field} (joules) to kW` };
    }
    const converted: Array<number> = [];
    for (const [k, joules] of values.entries()) {
      if (typeof joules !== "number" || !Number.isFinite(joules)) {
        return { ok: false, field: `${field}[${k}]`, reason: "a finite number of joules is needed to convert" };
      }
      converted.push(conversion === "kW" ? joules / (duration as number) / 1000 : joules / J_PER_KWH);
    }
    delete out[field];
    out[target] = converted;
  }
  // The fields were renamed and converted as the conditional type says; nothing else changed.
  return { ok: true, point: out as ConvertedEnergyPoint<P, C> };
};
