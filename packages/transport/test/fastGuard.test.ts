// The decoder's fast path must be sound: whatever the compiled guard accepts, Effect Schema decodes too, to an
// equal value (so returning the parsed payload as it is changes nothing). Whatever it rejects still goes through
// the schema and its precise error.
import fc from "fast-check";
import { Result, Schema } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator } from "@wattstream/simulator";
import type { Simulator } from "@wattstream/simulator";
import { compileGuard } from "../src/internal/fastGuard.js";
import { DeviceSchema, DeviceModelsSchema } from "../src/internal/schemas.js";
import { LongPointSchema, ModbusPointSchema, ShortPointKwSchema, ShortPointSchema } from "../src/internal/energySchemas.js";
import { ChannelCategoriesSchema, DeviceIdsSchema, Num, TimestampPointSchema } from "../src/internal/schemas.js";
import { schemaArbitrary } from "./contractArbitrary.ts";
import { deviceId, options, ownedBy, responses } from "./contractPayloads.ts";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 5, devices: 12, rateLimits: { tps: Infinity } });
});
afterAll(() => sim.close());

const json = fc.jsonValue({ maxDepth: 2 });
/** Right type most of the time, any JSON value sometimes; `undefined` = the key is left out. */
const field = <T>(right: fc.Arbitrary<T>) => fc.option(fc.oneof({ weight: 40, arbitrary: right }, { weight: 1, arbitrary: json }), { nil: undefined, freq: 12 });
const text = fc.oneof({ weight: 6, arbitrary: fc.string({ maxLength: 6 }) }, { weight: 1, arbitrary: fc.constant(null) });
const open = <T extends Record<string, unknown>>(fields: { [K in keyof T]: fc.Arbitrary<T[K]> }) =>
  fc
    .tuple(fc.record(fields), fc.dictionary(fc.string({ maxLength: 4 }), json, { maxKeys: 2 }))
    .map(([known, extra]) => {
      const out: Record<string, unknown> = { ...extra };
      for (const [k, v] of Object.entries(known)) if (v !== undefined) out[k] = v;
      return out;
    });
// IDs are refined with core's guards: mostly well-formed, sometimes any string.
const someId = (...good: Array<string>) => fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...good) }, { weight: 1, arbitrary: fc.string({ maxLength: 16 }) });
const channelId = someId("D123456789012_C1", "D123456789012_C6", "B000000000001_C2");
const channel = open({ id: field(channelId), label: field(text), categoryId: field(fc.integer()), ctRating: field(fc.integer()) });
const device = open({
  id: field(someId("D123456789012", "F00000000000A")),
  label: field(text),
  timezone: field(text),
  model: field(fc.string()),
  firmwareVersion: field(fc.string()),
  latestStatus: field(fc.integer()),
  comms: field(open({ type: field(fc.string()), lastHeardAt: field(fc.integer()), simId: field(fc.string()) })),
  channels: field(fc.array(channel, { maxLength: 3 })),
  switches: field(fc.array(open({ id: field(someId("D123456789012_S1", "E123456789012_S3")), state: field(fc.constantFrom("open", "closed", "ajar")), contactorType: field(fc.constantFrom("NO", "NC", "NX")) }), { maxLength: 2 })),
  phases: field(open({ count: field(fc.integer()), grouping: field(fc.array(open({ included: field(fc.array(channelId)) }))) })),
  pending: field(open({ label: field(fc.string()) })),
});

const sound = (schema: Schema.Top & Schema.ConstraintDecoder<unknown>, values: ReadonlyArray<unknown>) => {
  const guard = compileGuard(schema.ast);
  if (guard === undefined) throw new Error("expected the schema to compile");
  const decode = Schema.decodeUnknownResult(schema);
  let accepted = 0;
  for (const value of values) {
    const result = decode(value);
    if (guard(value)) {
      accepted++;
      expect(Result.isSuccess(result)).toBe(true);
      if (Result.isSuccess(result)) expect(result.success).toEqual(value);
    }
  }
  return accepted;
};

describe("compileGuard", () => {
  it("accepts only what the schema decodes, to an equal value (random device-like payloads)", () => {
    const values = fc.sample(device, { numRuns: 3000, seed: 20261126 });
    const accepted = sound(DeviceSchema, values);
    // Both ways are exercised: plenty accepted, plenty left to the schema.
    expect(accepted).toBeGreaterThan(50);
    expect(accepted).toBeLessThan(values.length - 50);
  });

  it("is sound on arbitrary JSON for list, energy and Modbus schemas", () => {
    const values = fc.sample(fc.oneof(json, fc.array(json), fc.array(fc.dictionary(fc.string(), json))), { numRuns: 2000, seed: 7 });
    sound(DeviceModelsSchema, values);
    sound(ShortPointKwSchema, values);
    sound(ModbusPointSchema, values);
  });

  it("is sound on points with odd numbers: Infinity, NaN, fractional, negative, unsafe timestamps and durations", () => {
    // Numbers a JSON.parse can give (1e400 → Infinity) and a few it cannot (NaN), next to sane ones.
    const odd = fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 0, max: 2 ** 32 }) },
      { weight: 1, arbitrary: fc.constantFrom(Infinity, -Infinity, Number.NaN, -0, 0.5, -30, 2 ** 53 + 2, 1e300) },
      { weight: 1, arbitrary: fc.double() },
    );
    const point = open({
      timestamp: field(odd),
      duration: field(odd),
      eReal: field(fc.array(odd, { maxLength: 3 })),
      eRealPositive: field(fc.array(odd, { maxLength: 3 })),
      vRMSMax: field(fc.array(odd, { maxLength: 3 })),
      model: field(fc.constantFrom("PMC-340B", "PMC-220", "PMC-9", "")),
      _V: field(odd),
      _Ia: field(odd),
      kWh_Imp: field(odd),
    });
    const values = fc.sample(point, { numRuns: 3000, seed: 10 });
    for (const schema of [TimestampPointSchema, LongPointSchema, ModbusPointSchema]) {
      const accepted = sound(schema, values);
      expect(accepted).toBeGreaterThan(50);
      expect(accepted).toBeLessThan(values.length - 50);
    }
  });

  it("takes the fast path for every contract-valid payload, and stays sound on them", () => {
    // Contract-generated answers (contractPayloads.property.test.ts decodes them through the client): none needs
    // a transformation, so the guard must accept every one, and what it accepts must decode to an equal value.
    const cases: ReadonlyArray<[string, Schema.Top & Schema.ConstraintDecoder<unknown>]> = [
      ["listDevices", DeviceIdsSchema],
      ["getDevice", DeviceSchema],
      ["getChannelCategories", ChannelCategoriesSchema],
      ["getDeviceModels", DeviceModelsSchema],
      ["getShortEnergyData", Schema.Array(ShortPointSchema)],
      ["getLatestLongEnergyData", LongPointSchema],
      ["getModbusData", Schema.Array(ModbusPointSchema)],
      ["getFirstModbusData", ModbusPointSchema],
    ];
    for (const [operation, schema] of cases) {
      const arb = fc.tuple(schemaArbitrary(responses.get(operation)!, operation, options), deviceId).map(([p, id]) => ownedBy(p, id));
      const values = fc.sample(arb, { numRuns: 300, seed: 11 });
      expect({ operation, accepted: sound(schema, values) }).toEqual({ operation, accepted: values.length });
    }
  });

  it("takes the fast path for every device record the simulator serves", async () => {
    for (const id of sim.fleet.ids()) {
      const response = await fetch(`${sim.baseUrl}/devices/${id}`, { headers: { authorization: `Bearer ${sim.demoKey}` } });
      const record: unknown = await response.json();
      expect({ id, accepted: sound(DeviceSchema, [record]) }).toEqual({ id, accepted: 1 });
    }
  });

  it("checks every element of an array of finite numbers, holes and odd values included", () => {
    const numbers = compileGuard(Schema.Array(Num).ast);
    // A hole reads as undefined: not a finite number, so left to the schema (which names the element).
    const holey = [1, 2, 3];
    delete holey[1];
    const cases: ReadonlyArray<unknown> = [[], [1, -2.5, 0], [1, Number.NaN], [Infinity], [1, "2"], [1, null], [[1]], holey, "1", { 0: 1, length: 1 }];
    expect(cases.map((c) => numbers?.(c))).toEqual([true, true, false, false, false, false, false, false, false, false]);
    for (const c of cases) {
      if (numbers?.(c) === true) expect(Result.isSuccess(Schema.decodeUnknownResult(Schema.Array(Num))(c))).toBe(true);
    }
  });

  it("accepts a union member by member: the first that passes wins, none passing rejects", () => {
    const union = compileGuard(Schema.Union([Schema.String, Num, Schema.Null]).ast);
    expect(["a", 1, null, true, undefined, Number.NaN, {}].map((u) => union?.(u))).toEqual([true, true, true, false, false, false, false]);
  });

  it("runs several plain checks and Effect's own filters together, each able to reject", () => {
    const guard = compileGuard(Schema.String.check(Schema.isMinLength(2), Schema.isMaxLength(3)).ast);
    expect(["", "a", "ab", "abc", "abcd", 12].map((u) => guard?.(u))).toEqual([false, false, true, true, false, false]);
  });

  it("refuses to compile what would not decode as the identity", () => {
    expect(compileGuard(Schema.Struct({ id: Schema.String }).ast)).toBeUndefined(); // strips unknown keys
    expect(compileGuard(Schema.NumberFromString.ast)).toBeUndefined(); // a transformation
    expect(compileGuard(Schema.String.check(Schema.makeFilterGroup([Schema.isMinLength(1)])).ast)).toBeUndefined(); // a group
  });

  it("compiles plain checks and the registered null-as-absent transformation, and stays sound on them", () => {
    const nonEmpty = compileGuard(Schema.String.check(Schema.isMinLength(1)).ast);
    expect([nonEmpty?.("a"), nonEmpty?.("")]).toEqual([true, false]);
    const values = [{ id: "D123456789012", model: "6M", comms: { type: "wifi" }, channels: [], label: null }];
    // null is not a string: left to the schema, which decodes it as absent (not an equal copy).
    expect(sound(DeviceSchema, values)).toBe(0);
    expect(sound(DeviceSchema, [{ ...values[0], label: "Shed" }])).toBe(1);
  });
});
