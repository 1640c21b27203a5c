/**
 * The decoder of each operation, chosen by what was asked: energy kind, `convert[energy]` and `fields[energy]`.
 * Built once per module (schemas are immutable), picked per request.
 */
import { Schema } from "effect";
import type { DecodeFailure } from "./decode.js";
import { decoder } from "./decode.js";
import type { Conversion } from "./energySchemas.js";
import {
  canonicalNames,
  LongPointKwhSchema,
  LongPointKwSchema,
  LongPointSchema,
  ModbusPointSchema,
  ShortPointKwhSchema,
  ShortPointKwSchema,
  ShortPointSchema,
} from "./energySchemas.js";
import {
  ChannelCategoriesSchema,
  DeviceIdsSchema,
  DeviceModelsSchema,
  DeviceSchema,
  TimestampPointSchema,
} from "./schemas.js";

/** A decoder as the executor takes it. */
export type Decode = (json: unknown) => DecodeFailure | { readonly value: unknown };

export const decodeDevice: Decode = decoder(DeviceSchema);
export const decodeDeviceIds: Decode = decoder(DeviceIdsSchema);
export const decodeChannelCategories: Decode = decoder(ChannelCategoriesSchema);
export const decodeDeviceModels: Decode = decoder(DeviceModelsSchema);

type Shape = "point" | "list";

const pair = (schema: Schema.Top & Schema.ConstraintDecoder<unknown>) => ({
  point: decoder(schema),
  list: decoder(Schema.Array(schema)),
});

const timestampOnly = pair(TimestampPointSchema);
const energy = {
  short: { raw: pair(ShortPointSchema), kW: pair(ShortPointKwSchema), kWh: pair(ShortPointKwhSchema) },
  long: { raw: pair(LongPointSchema), kW: pair(LongPointKwSchema), kWh: pair(LongPointKwhSchema) },
};
const modbus = pair(ModbusPointSchema);

/** The decoder for a short or long energy answer. */
export const energyDecoder = (
  kind: "short" | "long",
  conversion: Conversion,
  fields: string | undefined,
  shape: Shape,
): Decode => {
  if (fields === "timestamp") return timestampOnly[shape];
  const decode = energy[kind][conversion][shape];
  if (conversion === "raw") return decode;
  return shape === "point"
    ? (json) => decode(canonicalNames(conversion, json))
    : (json) => decode(Array.isArray(json) ? json.map((p: unknown) => canonicalNames(conversion, p)) : json);
};

/** The decoder for a Modbus answer. */
export const modbusDecoder = (fields: string | undefined, shape: Shape): Decode =>
  fields === "timestamp" ? timestampOnly[shape] : modbus[shape];
