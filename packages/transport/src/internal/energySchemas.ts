/**
 * Energy and Modbus point decoders, one per (kind × conversion × fields) combination. Names are the service's
 * (api-facts: energy data keeps its v2 spelling); `convert[energy]` renames the energy fields, so the decoder,
 * and the decoded type, follow the conversion that was asked for.
 */
import { Schema } from "effect";
import { canonicalConvertedField, CONVERTED_FIELD_NAMES } from "@wattstream/core";

const Rest = [Schema.Record(Schema.String, Schema.Unknown)] as const;
const Nums = Schema.Array(Schema.Number);
const OptNums = Schema.optionalKey(Nums);

/** Which unit conversion was requested (`convert[energy]`), `raw` when none (joules per interval). */
export type Conversion = "raw" | "kW" | "kWh";

// api-facts: with kW, eReal → pRealKw (mean power); with kWh, eReal → eRealKwh. Voltage and current keep their names.
const KW = CONVERTED_FIELD_NAMES.kW;
const KWH = CONVERTED_FIELD_NAMES.kWh;

const short = {
  timestamp: Schema.Number,
  duration: Schema.Number,
  frequency: Schema.optionalKey(Schema.Number),
  vRMS: Nums,
  iRMS: Nums,
  pf: OptNums,
};
// Optional as in core: the contract's own example omits the voltage and current ranges.
const long = {
  timestamp: Schema.Number,
  duration: Schema.Number,
  vRMSMin: OptNums,
  vRMSMax: OptNums,
  iRMSMin: OptNums,
  iRMSMax: OptNums,
  pf: OptNums,
};

const open = <const F extends Schema.Struct.Fields>(fields: F) => Schema.StructWithRest(Schema.Struct(fields), Rest);

export const ShortPointSchema = open({ ...short, eReal: Nums, eReactive: Nums });
export const ShortPointKwSchema = open({ ...short, [KW.eReal]: Nums, [KW.eReactive]: Nums });
export const ShortPointKwhSchema = open({ ...short, [KWH.eReal]: Nums, [KWH.eReactive]: Nums });

export const LongPointSchema = open({
  ...long,
  eReal: Nums,
  eRealPositive: Nums,
  eRealNegative: Nums,
  eReactive: Nums,
  eReactivePositive: Nums,
  eReactiveNegative: Nums,
});
export const LongPointKwSchema = open({
  ...long,
  [KW.eReal]: Nums,
  [KW.eRealPositive]: Nums,
  [KW.eRealNegative]: Nums,
  [KW.eReactive]: Nums,
  [KW.eReactivePositive]: Nums,
  [KW.eReactiveNegative]: Nums,
});
export const LongPointKwhSchema = open({
  ...long,
  [KWH.eReal]: Nums,
  [KWH.eRealPositive]: Nums,
  [KWH.eRealNegative]: Nums,
  [KWH.eReactive]: Nums,
  [KWH.eReactivePositive]: Nums,
  [KWH.eReactiveNegative]: Nums,
});

const Reg = Schema.Number;
const modbusCommon = {
  timestamp: Schema.Number,
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
export const ModbusPMC340BSchema = open({
  ...modbusCommon,
  model: Schema.Literal("PMC-340B"),
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
});
export const ModbusPMC220Schema = open({
  ...modbusCommon,
  model: Schema.Literal("PMC-220"),
  _I: Reg,
  _PF: Reg,
  _V: Reg,
});
export const ModbusPointSchema = Schema.Union([ModbusPMC340BSchema, ModbusPMC220Schema]);

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
