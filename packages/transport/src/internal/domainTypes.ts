// The domain types the client returns. Core owns them; until they land they are the decoders' own types, so
// switching is a change to this file only.
import type { Schema } from "effect";
import type {
  ChannelCategoriesSchema,
  DeviceModelsSchema,
  DeviceSchema,
  TimestampPointSchema,
} from "./schemas.js";
import type {
  LongPointKwhSchema,
  LongPointKwSchema,
  LongPointSchema,
  ModbusPointSchema,
  ShortPointKwhSchema,
  ShortPointKwSchema,
  ShortPointSchema,
} from "./energySchemas.js";

type T<S extends Schema.Top> = S["Type"];
export type Device = T<typeof DeviceSchema>;
export type ChannelCategory = T<typeof ChannelCategoriesSchema>[number];
export type DeviceModel = T<typeof DeviceModelsSchema>[number];
export type TimestampPoint = T<typeof TimestampPointSchema>;
export type ShortEnergyPoint = T<typeof ShortPointSchema>;
export type ShortEnergyPointKw = T<typeof ShortPointKwSchema>;
export type ShortEnergyPointKwh = T<typeof ShortPointKwhSchema>;
export type LongEnergyPoint = T<typeof LongPointSchema>;
export type LongEnergyPointKw = T<typeof LongPointKwSchema>;
export type LongEnergyPointKwh = T<typeof LongPointKwhSchema>;
export type ModbusPoint = T<typeof ModbusPointSchema>;
export type DevicePatch = Readonly<Record<string, unknown>>;
