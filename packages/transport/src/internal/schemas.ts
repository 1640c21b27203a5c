/**
 * Effect Schema decoders for every payload. Every object is open (`StructWithRest` with a string-keyed record),
 * because api-facts says new fields appear over time: unknown fields must never break decoding and are kept.
 * The contract requires no property and the service omits a property with no value, so only identity is
 * required (the `id` of a device, channel and switch; a point's `timestamp`) and every other field is
 * `optionalKey`; a field that is present must have its type (strings are strings, numbers finite numbers: JSON
 * can spell `1e400`, which parses to Infinity). Energy field names are the service's own (`eReal`, `vRMS`,
 * `kWh_Imp`…), never renamed.
 */
import { Option, Schema, SchemaTransformation } from "effect";
import { isChannelId, isDeviceId, isSwitchId } from "@wattstream/core";
import { identityOnTypeSide, predicateFilter } from "./fastGuard.js";

const Rest = [Schema.Record(Schema.String, Schema.Unknown)] as const;

/** An object schema that keeps every property it does not declare. */
const open = <const F extends Schema.Struct.Fields>(fields: F) => Schema.StructWithRest(Schema.Struct(fields), Rest);

const opt = Schema.optionalKey;
/** A finite number: `1e400` parses to Infinity, which no reading of any field can mean. */
export const Num = Schema.Number.check(predicateFilter(Number.isFinite, { expected: "a finite number" }));
const Str = Schema.String;

/**
 * A point's timestamp: a finite number (`1e400` parses to Infinity, which no reading can mean: a DecodeError).
 * A finite but odd one (fractional, negative, off the interval grid, outside the window asked for) decodes as it
 * is: one odd point must not make the other points of its answer unreadable, and a stream re-reading that window
 * would be stuck on it. Judging a point against its window and grid is the stream's job: rx reports it as an
 * `anomaly` event and never lets it move a watermark (issue 10). Users of single reads check with core's helpers
 * (`pointPowerW` and `convertEnergyPoint` need a positive, finite duration and say so).
 */
export const Timestamp = Schema.Number.check(
  predicateFilter(Number.isFinite, { expected: "a timestamp (a finite number of Unix seconds)" }),
);

/** An interval's duration: a finite number of seconds; a zero, negative or fractional one is rx's anomaly, as above. */
export const Duration = Schema.Number.check(
  predicateFilter(Number.isFinite, { expected: "a duration (a finite number of seconds)" }),
);
/**
 * api-facts: null is used where it means "not set"; core's types have no null (`label?: string`), so a null on
 * the free-text and setting fields decodes as the key being absent — the same meaning, in core's shape.
 */
const OptText = identityOnTypeSide(
  opt(Schema.NullOr(Str)).pipe(
    Schema.decodeTo(
      opt(Str),
      SchemaTransformation.transformOptional<string, string | null>({
        decode: (o) => Option.filter(o, (v): v is string => v !== null),
        encode: (o) => o,
      }),
    ),
  ),
);

// IDs are checked with core's strict guards (issue 2: payload decoding uses the strict parser), so a decoded
// `DeviceId`/`ChannelId`/`SwitchId` is one; the rule is named in the DecodeError (api-facts: IDs).
const DeviceIdSchema = Str.pipe(
  Schema.refine(isDeviceId, {
    expected: "a device ID (13 characters: B, D, E or F, then 12 uppercase letters or digits)",
  }),
);
const ChannelIdSchema = Str.pipe(
  Schema.refine(isChannelId, { expected: "a channel ID (<device ID>_C<n>, n from 1)" }),
);
const SwitchIdSchema = Str.pipe(Schema.refine(isSwitchId, { expected: "a switch ID (<device ID>_S<n>, n from 1)" }));

export const ChannelSchema = open({
  id: ChannelIdSchema,
  label: OptText,
  categoryId: opt(Num),
  categoryLabel: OptText,
  ctRating: opt(Num),
  pending: opt(open({})),
});

export const SwitchSchema = open({
  id: SwitchIdSchema,
  state: opt(Schema.Literals(["open", "closed"])),
  label: OptText,
  // "NO" | "NC" today, but new values appear over time (api-facts: conventions): an unknown contactor type is
  // kept as the string it is (core's read model says `ContactorType | (string & {})`), not a lost device.
  contactorType: opt(Str),
  closedStateLabel: OptText,
  openStateLabel: OptText,
  pending: opt(open({ state: opt(Schema.Literals(["open", "closed"])) })),
});

// The contract requires no device field and the API omits a property with no value (api-facts: conventions), so
// `count` and `type` are optional here as in core's read model; a device without them still decodes.
export const PhasesSchema = open({
  count: opt(Num),
  grouping: opt(Schema.Array(open({ included: opt(Schema.Array(ChannelIdSchema)) }))),
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
  id: DeviceIdSchema,
  label: OptText,
  timezone: OptText,
  model: opt(Str),
  firmwareVersion: opt(Str),
  latestStatus: opt(Num),
  shortEnergyReportingInterval: opt(Num),
  pending: opt(open({ shortEnergyReportingInterval: opt(Num), label: OptText, timezone: OptText })),
  comms: opt(CommsSchema),
  channels: opt(Schema.Array(ChannelSchema)),
  switches: opt(Schema.Array(SwitchSchema)),
  phases: opt(PhasesSchema),
});

export const DeviceIdsSchema = Schema.Array(DeviceIdSchema);

export const ChannelCategoriesSchema = Schema.Array(open({ id: opt(Num), label: opt(Str), description: opt(Str) }));

export const DeviceModelsSchema = Schema.Array(
  open({
    code: opt(Str),
    displayName: opt(Str),
    channelsCount: opt(Num),
    switchesCount: opt(Num),
    communications: opt(Str),
  }),
);

export const TimestampPointSchema = open({ timestamp: Timestamp });
