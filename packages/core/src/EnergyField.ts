// The energy field names, which keep their v2 spelling while every other attribute is strict camelCase
// (api-facts: conventions). Decoders and the simulator check names against these sets; nothing renames them.
import type { EnergyConversion } from "./EnergyPoint.js";

/**
 * The positional fields of a short-energy point (power factor aside).
 *
 * @category models
 */
export const SHORT_ENERGY_FIELDS = ["eReal", "eReactive", "vRMS", "iRMS"] as const;

/**
 * The positional fields of a long-energy point (power factor aside).
 *
 * @category models
 */
export const LONG_ENERGY_FIELDS = [
  "eReal",
  "eRealPositive",
  "eRealNegative",
  "eReactive",
  "eReactivePositive",
  "eReactiveNegative",
  "vRMSMin",
  "vRMSMax",
  "iRMSMin",
  "iRMSMax",
] as const;

/**
 * The power-factor field, appended with `fields[energy]=+pf`.
 *
 * @category models
 */
export const POWER_FACTOR_FIELDS = ["pf"] as const;

/**
 * A short- or long-energy field name, or `pf`.
 *
 * @category models
 */
export type EnergyField =
  | (typeof SHORT_ENERGY_FIELDS)[number]
  | (typeof LONG_ENERGY_FIELDS)[number]
  | (typeof POWER_FACTOR_FIELDS)[number];

const COMMON_REGISTERS = [
  "kVAh",
  "kWh_Exp",
  "kWh_Imp",
  "kWh_Net",
  "kWh_Tot",
  "kvarh_Exp",
  "kvarh_Imp",
  "kvarh_Net",
  "kvarh_Tot",
] as const;

/**
 * Modbus register names per meter model, as the contract lists them.
 *
 * @example
 * ```ts
 * import { MODBUS_REGISTERS } from "@wattstream/core";
 * MODBUS_REGISTERS["PMC-220"].includes("_V"); // true
 * ```
 * @category models
 */
export const MODBUS_REGISTERS = {
  "PMC-340B": [
    "_Ia",
    "_Ib",
    "_Ic",
    "_PFa",
    "_PFb",
    "_PFc",
    "_Uan",
    "_Ubn",
    "_Ucn",
    ...COMMON_REGISTERS,
    "kvarh_Q1",
    "kvarh_Q2",
    "kvarh_Q3",
    "kvarh_Q4",
  ],
  "PMC-220": ["_I", "_PF", "_V", ...COMMON_REGISTERS],
} as const;

/**
 * The raw energy fields that `convert[energy]` renames.
 *
 * @category models
 */
export type ConvertibleEnergyField =
  | "eReal"
  | "eRealPositive"
  | "eRealNegative"
  | "eReactive"
  | "eReactivePositive"
  | "eReactiveNegative";

/**
 * How `convert[energy]=kW|kWh` renames energy fields: with `kW` `eReal` becomes `pRealKw`, with `kWh` it
 * becomes `eRealKwh` (api-facts: query parameters; the `kWh` spelling is unconfirmed, see
 * {@link canonicalConvertedField}). Voltage, current and `pf` keep their names.
 *
 * @example
 * ```ts
 * import { CONVERTED_FIELD_NAMES } from "@wattstream/core";
 * CONVERTED_FIELD_NAMES.kW.eRealPositive; // "pRealPositiveKw"
 * ```
 * @category models
 */
export const CONVERTED_FIELD_NAMES = {
  kW: {
    eReal: "pRealKw",
    eRealPositive: "pRealPositiveKw",
    eRealNegative: "pRealNegativeKw",
    eReactive: "pReactiveKw",
    eReactivePositive: "pReactivePositiveKw",
    eReactiveNegative: "pReactiveNegativeKw",
  },
  kWh: {
    eReal: "eRealKwh",
    eRealPositive: "eRealPositiveKwh",
    eRealNegative: "eRealNegativeKwh",
    eReactive: "eReactiveKwh",
    eReactivePositive: "eReactivePositiveKwh",
    eReactiveNegative: "eReactiveNegativeKwh",
  },
} as const satisfies Record<EnergyConversion, Record<ConvertibleEnergyField, string>>;

/**
 * Maps a converted field name as the service may spell it to the canonical one in
 * {@link CONVERTED_FIELD_NAMES}, or `undefined` for any other name. The `kWh` spelling is not confirmed
 * (api-facts), so decoders accept `eRealKwh`, `eRealKWh`, `eRealkWh` and `pRealKwh` alike.
 *
 * @example
 * ```ts
 * import { canonicalConvertedField } from "@wattstream/core";
 * canonicalConvertedField("eRealKWh"); // "eRealKwh"
 * canonicalConvertedField("pRealKw"); // "pRealKw"
 * canonicalConvertedField("vRMS"); // undefined
 * ```
 * @category constructors
 */
export const canonicalConvertedField = (name: string): string | undefined => {
  const m = /^([ep])(Real|Reactive)(Positive|Negative)?(Kw|Kwh|KWh|kWh)$/.exec(name);
  if (!m) return undefined;
  const [, prefix, kind, sign = "", unit] = m;
  if (unit === "Kw") return prefix === "p" ? name : undefined;
  return `e${kind}${sign}Kwh`;
};

// Marked pure so a bundle that never calls isEnergyField drops it.
const ENERGY_NAMES: ReadonlySet<string> = /* @__PURE__ */ new Set<string>([
  ...SHORT_ENERGY_FIELDS,
  ...LONG_ENERGY_FIELDS,
  ...POWER_FACTOR_FIELDS,
  ...Object.values(CONVERTED_FIELD_NAMES.kW),
  ...Object.values(CONVERTED_FIELD_NAMES.kWh),
  ...MODBUS_REGISTERS["PMC-340B"],
  ...MODBUS_REGISTERS["PMC-220"],
]);

/**
 * Whether `name` is an energy field whose spelling is exempt from strict camelCase: a short or long energy
 * field, `pf`, a converted (`kW` / `kWh`) name, or a Modbus register of any model.
 *
 * @example
 * ```ts
 * import { isEnergyField } from "@wattstream/core";
 * isEnergyField("vRMS"); // true
 * isEnergyField("kWh_Imp"); // true
 * isEnergyField("simId"); // false
 * ```
 * @category guards
 */
export const isEnergyField = (name: string): boolean => ENERGY_NAMES.has(name);

/**
 * Whether `name` is strict camelCase: ASCII letters and digits, a lowercase start, never two capitals in a row
 * (acronyms are written `Dbm`, not `DBM`) and no separators (`simId`, `imsi`, `signalQualityDbm`; not `vRMS`, `sim_id`,
 * `SimId`). Every attribute that is not an energy field must pass (api-facts: conventions).
 *
 * @example
 * ```ts
 * import { isStrictCamelCase } from "@wattstream/core";
 * isStrictCamelCase("lastHeardAt"); // true
 * isStrictCamelCase("vRMS"); // false
 * ```
 * @category guards
 */
export const isStrictCamelCase = (name: string): boolean => /^[a-z](?:[a-z0-9]|[A-Z](?![A-Z]))*$/.test(name);
