/**
 * Energy and Modbus point decoders, one per (kind × conversion × fields) combination. Names are the service's
 * (api-facts: energy data keeps its v2 spelling); `convert[energy]` renames the energy fields, so the decoder,
 * and the decoded type, follow the conversion that was asked for.
 */
import { Schema } from "effect";
import { canonicalConvertedField, CONVERTED_FIELD_NAMES } from "@wattstream/core";
import { Duration, Num, Timestamp } from "./schemas.js";

const Rest = [Schema.Record(Schema.String, Schema.Unknown)] as const;
// Every field but `timestamp` is optional (the contract requires none; the API omits empty values); a present
// array holds finite numbers only.
const OptNums = Schema.optionalKey(Schema.Array(Num));
const Reg = Schema.optionalKey(Num);

/** Which unit conversion was requested (`convert[energy]`), `raw` when none (joules per interval). */
export type Conversion = "raw" | "kW" | "kWh";

// api-facts: with kW, eReal → pRealKw (mean power); with kWh, eReal → eRealKwh. Voltage and current keep their names.
const KW = CONVERTED_FIELD_NAMES.kW;
const KWH = CONVERTED_FIELD_NAMES.kWh;

const short = {
  timestamp: Timestamp,
  duration: Schema.optionalKey(Duration),
  frequency: Reg,
  vRMS: OptNums,
  iRMS: OptNums,
  pf: OptNums,
};
const long = {
  timestamp: Timestamp,
  duration: Schema.optionalKey(Duration),
  vRMSMin: OptNums,
  vRMSMax: OptNums,
  iRMSMin: OptNums,
  iRMSMax: OptNums,
  pf: OptNums,
};

const open = <const F extends Schema.Struct.Fields>(fields: F) => Schema.StructWithRest(Schema.Struct(fields), Rest);

export const ShortPointSchema = open({ ...short, eReal: OptNums, eReactive: OptNums });
export const ShortPointKwSchema = open({ ...short, [KW.eReal]: OptNums, [KW.eReactive]: OptNums });
export const ShortPointKwhSchema = open({ ...short, [KWH.eReal]: OptNums, [KWH.eReactive]: OptNums });

export const LongPointSchema = open({
  ...long,
  eReal: OptNums,
  eRealPositive: OptNums,
  eRealNegative: OptNums,
  eReactive: OptNums,
  eReactivePositive: OptNums,
  eReactiveNegative: OptNums,
});
export const LongPointKwSchema = open({
  ...long,
  [KW.eReal]: OptNums,
  [KW.eRealPositive]: OptNums,
  [KW.eRealNegative]: OptNums,
  [KW.eReactive]: OptNums,
  [KW.eReactivePositive]: OptNums,
  [KW.eReactiveNegative]: OptNums,
});
export const LongPointKwhSchema = open({
  ...long,
  [KWH.eReal]: OptNums,
  [KWH.eRealPositive]: OptNums,
  [KWH.eRealNegative]: OptNums,
  [KWH.eReactive]: OptNums,
  [KWH.eReactivePositive]: OptNums,
  [KWH.eReactiveNegative]: OptNums,
});

const modbusCommon = {
  timestamp: Timestamp,
  kVAh: Reg,
  kWh_Exp: Reg,
  kWh_Imp: Reg,
  kWh_Net: Reg,
  kWh_Tot: Reg,
  kvarh_Exp: Reg,
  kvarh_Imp: Reg,
  kvarh_Net: Reg,
  kvarh_Tot: Reg,
};
const pmc340b = {
  _Ia: Reg,
  _Ib: Reg,
  _Ic: Reg,
  _PFa: Reg,
  _PFb: Reg,
  _PFc: Reg,
  _Uan: Reg,
  _Ubn: Reg,
  _Ucn: Reg,
  kvarh_Q1: Reg,
  kvarh_Q2: Reg,
  kvarh_Q3: Reg,
  kvarh_Q4: Reg,
};
const pmc220 = { _I: Reg, _PF: Reg, _V: Reg };
export const ModbusPMC340BSchema = open({ ...modbusCommon, ...pmc340b, model: Schema.Literal("PMC-340B") });
export const ModbusPMC220Schema = open({ ...modbusCommon, ...pmc220, model: Schema.Literal("PMC-220") });
/**
 * A read whose `model` is absent or unknown (the contract types it as any string; new meters appear): every
 * register of either known model is checked where present, and the rest is kept.
 */
export const ModbusOtherModelSchema = open({ ...modbusCommon, ...pmc340b, ...pmc220, model: Schema.optionalKey(Schema.String) });
// A known model is checked against its own register set; anything else against the union of both. A point whose
// known model has a malformed register fails all three (the third checks the same register).
export const ModbusPointSchema = Schema.Union([ModbusPMC340BSchema, ModbusPMC220Schema, ModbusOtherModelSchema]);

/**
 * Moves alternative spellings of converted energy names to the canonical ones (api-facts: the kWh names are
 * "not confirmed — decode both spellings tolerantly"; core's `canonicalConvertedField` lists the accepted
 * ones: `eRealKWh`, `eRealkWh`, `pRealKwh` → `eRealKwh`), so the decoded type holds. A canonical name already
 * present wins; every other field is left as it is. Returns the input itself when nothing needs moving.
 */
export const canonicalNames = (conversion: Conversion, point: unknown): unknown => {
  if (conversion === "raw" || point === null || typeof point !== "object" || Array.isArray(point)) return point;
  const source = point as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(source)) {
    const canonical = canonicalConvertedField(key);
    if (canonical === undefined || canonical === key || canonical in source) continue;
    copy ??= { ...source };
    copy[canonical] = copy[key];
    delete copy[key];
  }
  return copy ?? point;
};
