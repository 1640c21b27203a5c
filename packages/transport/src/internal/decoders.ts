/**
 * The decoder of each operation, chosen by what was asked: energy kind, `convert[energy]` and `fields[energy]`.
 * Built once per module (schemas are immutable), picked per request.
 */
import { Schema } from "effect";
import { CONVERTED_FIELD_NAMES, convertEnergyPoint } from "@wattstream/core";
import type { ConvertibleEnergyField, Device, DeviceId, LongEnergyPoint, ShortEnergyPoint } from "@wattstream/core";
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

const decodeDeviceShape = decoder(DeviceSchema);

/**
 * Where a device record names another device (issue 10): its `id` is not the one asked for, or a channel, switch
 * or phase group's channel belongs to another device than the record's own. Sub-entity IDs carry their device's
 * ID (`<device ID>_C<n>`, api-facts: IDs), so a record mixing devices is a server bug that would mislabel data,
 * not something to accept quietly. The failure names the expected and the received ID (IDs are not secrets).
 */
const foreignId = (device: Device, requested: DeviceId | undefined): DecodeFailure | undefined => {
  if (requested !== undefined && device.id !== requested) {
    return { payloadPath: "$.id", expected: `the requested device's ID ${requested}`, actual: `${device.id}, another device's ID` };
  }
  const owner = `${device.id}_`;
  const check = (path: string, kind: string, id: string): DecodeFailure | undefined =>
    id.startsWith(owner) ? undefined : { payloadPath: path, expected: `a ${kind} ID of ${device.id}`, actual: `${id}, another device's ${kind} ID` };
  for (const [k, c] of (device.channels ?? []).entries()) {
    const bad = check(`$.channels[${k}].id`, "channel", c.id);
    if (bad !== undefined) return bad;
  }
  for (const [k, s] of (device.switches ?? []).entries()) {
    const bad = check(`$.switches[${k}].id`, "switch", s.id);
    if (bad !== undefined) return bad;
  }
  for (const [g, group] of (device.phases?.grouping ?? []).entries()) {
    for (const [k, id] of (group.included ?? []).entries()) {
      const bad = check(`$.phases.grouping[${g}].included[${k}]`, "channel", id);
      if (bad !== undefined) return bad;
    }
  }
  return undefined;
};

/**
 * The device-record decoder: the schema, then identity — the record is the device `requested` (when given) and
 * every channel, switch and phase-group ID in it is that device's.
 */
export const deviceDecoder =
  (requested?: DeviceId): Decode =>
  (json) => {
    const decoded = decodeDeviceShape(json);
    if (!("value" in decoded)) return decoded;
    return foreignId(decoded.value as Device, requested) ?? decoded;
  };

/** Any device record, consistent with its own `id`. */
export const decodeDevice: Decode = deviceDecoder();
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

const RAW_FIELDS = Object.keys(CONVERTED_FIELD_NAMES.kW) as ReadonlyArray<ConvertibleEnergyField>;

/** Whether a point of a converted query still carries a raw joule field whose converted name it lacks. */
const needsConversion = (conversion: "kW" | "kWh", point: unknown): boolean => {
  if (point === null || typeof point !== "object" || Array.isArray(point)) return false;
  const names = CONVERTED_FIELD_NAMES[conversion];
  return RAW_FIELDS.some((f) => Object.hasOwn(point, f) && !Object.hasOwn(point, names[f]));
};

/**
 * One point of a `convert[energy]` query. The contract allows either shape for such an answer, so a point that
 * still carries raw joule fields is decoded as raw (their types checked at their own paths), converted here as
 * the service would (core's `convertEnergyPoint`: kW = J / duration / 1000, kWh = J / 3.6e6, fields renamed),
 * then decoded as converted: the caller gets what the decoded type promises. The one case that cannot be
 * converted, kW for a point without a duration, keeps the raw joule fields under their own names (nothing is
 * dropped or guessed; the converted fields are absent, as the type allows), so the answer still decodes.
 */
const convertedPoint = (kind: "short" | "long", conversion: "kW" | "kWh"): Decode => {
  const raw = energy[kind].raw.point;
  const converted = energy[kind][conversion].point;
  return (json) => {
    const point = canonicalNames(conversion, json);
    if (!needsConversion(conversion, point)) return converted(point);
    const decoded = raw(point);
    if (!("value" in decoded)) return decoded;
    const result = convertEnergyPoint(decoded.value as ShortEnergyPoint | LongEnergyPoint, conversion);
    return converted(result.ok ? result.point : decoded.value);
  };
};

/** Decodes a list point by point with `decodePoint`, a failure's path prefixed with the point's index. */
const listOf =
  (decodePoint: Decode): Decode =>
  (json) => {
    if (!Array.isArray(json)) return { payloadPath: "$", expected: "an array of points", actual: json === null ? "null" : typeof json };
    const out: Array<unknown> = [];
    for (const [k, item] of json.entries()) {
      const decoded = decodePoint(item);
      if (!("value" in decoded)) return { ...decoded, payloadPath: `$[${k}]${decoded.payloadPath.slice(1)}` };
      out.push(decoded.value);
    }
    return { value: out };
  };

const converting = {
  short: { kW: convertedPoint("short", "kW"), kWh: convertedPoint("short", "kWh") },
  long: { kW: convertedPoint("long", "kW"), kWh: convertedPoint("long", "kWh") },
};

/** The decoder for a short or long energy answer. */
export const energyDecoder = (
  kind: "short" | "long",
  conversion: Conversion,
  fields: string | undefined,
  shape: Shape,
): Decode => {
  if (fields === "timestamp") return timestampOnly[shape];
  if (conversion === "raw") return energy[kind].raw[shape];
  const point = converting[kind][conversion];
  if (shape === "point") return point;
  const list = energy[kind][conversion].list;
  const eachPoint = listOf(point);
  // The common case, an answer in the converted shape throughout, takes the list decoder's fast path.
  return (json) =>
    Array.isArray(json) && !json.some((p: unknown) => needsConversion(conversion, p))
      ? list(json.map((p: unknown) => canonicalNames(conversion, p)))
      : eachPoint(json);
};

/** The decoder for a Modbus answer. */
export const modbusDecoder = (fields: string | undefined, shape: Shape): Decode =>
  fields === "timestamp" ? timestampOnly[shape] : modbus[shape];
