/**
 * Effect Schema decoders for every payload. Every object is open (`StructWithRest` with a string-keyed record),
 * because api-facts says new fields appear over time: unknown fields must never break decoding and are kept.
 * Optional fields are `optionalKey` (api-facts: a property with no value is usually omitted); energy field
 * names are the service's own (`eReal`, `vRMS`, `kWh_Imp`…), never renamed.
 */
import { Schema } from "effect";

const Rest = [Schema.Record(Schema.String, Schema.Unknown)] as const;

/** An object schema that keeps every property it does not declare. */
const open = <const F extends Schema.Struct.Fields>(fields: F) => Schema.StructWithRest(Schema.Struct(fields), Rest);

const opt = Schema.optionalKey;
const Num = Schema.Number;
const Str = Schema.String;
// api-facts: null is used where it means "not set"; tolerate it on the free-text and setting fields.
const OptText = opt(Schema.NullOr(Str));

export const ChannelSchema = open({
  id: Str,
  label: OptText,
  categoryId: opt(Num),
  categoryLabel: OptText,
  ctRating: opt(Num),
});

export const SwitchSchema = open({
  id: Str,
  state: Schema.Literals(["open", "closed"]),
  label: OptText,
  contactorType: opt(Str),
  closedStateLabel: OptText,
  openStateLabel: OptText,
});

export const PhasesSchema = open({
  count: opt(Num),
  grouping: opt(Schema.Array(open({ included: Schema.Array(Str) }))),
});

export const CommsSchema = open({
  type: opt(Str),
  mode: opt(Str),
  lastHeardAt: opt(Num),
  signalQualityDbm: opt(Num),
  simId: opt(Str),
  apn: opt(Str),
  imsi: opt(Str),
  networkId: opt(Str),
});

export const DeviceSchema = open({
  id: Str,
  label: OptText,
  timezone: OptText,
  model: Str,
  firmwareVersion: opt(Str),
  latestStatus: opt(Num),
  shortEnergyReportingInterval: opt(Num),
  pending: opt(open({})),
  comms: CommsSchema,
  channels: Schema.Array(ChannelSchema),
  switches: opt(Schema.Array(SwitchSchema)),
  phases: opt(PhasesSchema),
});

export const DeviceIdsSchema = Schema.Array(Str);

export const ChannelCategoriesSchema = Schema.Array(open({ id: Num, label: Str }));

export const DeviceModelsSchema = Schema.Array(
  open({
    code: Str,
    displayName: opt(Str),
    channelsCount: opt(Num),
    switchesCount: opt(Num),
    communications: opt(Str),
  }),
);

export const TimestampPointSchema = open({ timestamp: Num });
