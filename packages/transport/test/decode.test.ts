import { describe, expect, it } from "vitest";
import { parseDeviceId } from "@wattstream/core";
import {
  decodeChannelCategories,
  decodeDevice,
  decodeDeviceIds,
  decodeDeviceModels,
  deviceDecoder,
  energyDecoder,
  modbusDecoder,
} from "../src/internal/decoders.js";
import { canonicalNames } from "../src/internal/energySchemas.js";

const device = {
  id: "D123456789012",
  model: "6M",
  comms: { type: "cellular" },
  channels: [{ id: "D123456789012_C1", label: "Grid" }],
};

describe("decoders", () => {
  it("name the payload path, the expectation and the kind of value found (never the value)", () => {
    expect(decodeDevice({ ...device, channels: [{ label: "x" }] })).toEqual({
      payloadPath: "$.channels[0].id",
      expected: expect.stringMatching(/key|string/i),
      actual: "nothing",
    });
    expect(decodeDevice({ ...device, comms: { type: "wifi", lastHeardAt: "yesterday" } })).toMatchObject({
      payloadPath: "$.comms.lastHeardAt",
      expected: "number",
      actual: "string",
    });
    expect(decodeDevice([])).toMatchObject({ payloadPath: "$", actual: "an array" });
    expect(decodeDevice({ ...device, switches: [{ id: "D123456789012_S1", state: "half" }] })).toMatchObject({
      payloadPath: "$.switches[0].state",
      actual: "string",
    });
  });

  it("keep unknown fields at every level and leave energy names alone", () => {
    const decoded = decodeDevice({ ...device, newThing: { a: 1 }, channels: [{ ...device.channels[0], extra: [1] }] });
    expect(decoded).toEqual({ value: { ...device, newThing: { a: 1 }, channels: [{ ...device.channels[0], extra: [1] }] } });
    const point = { timestamp: 1, duration: 30, eReal: [1], eReactive: [2], vRMS: [240], iRMS: [0.1], kWh_Imp: 3 };
    expect(energyDecoder("short", "raw", undefined, "point")(point)).toEqual({ value: point });
  });

  it("decode the converted names of the conversion asked for, and both kWh spellings", () => {
    const kwh = { timestamp: 1, duration: 30, eRealKWh: [0.1], eReactiveKwh: [0.2], vRMS: [240], iRMS: [1] };
    expect(energyDecoder("short", "kWh", undefined, "list")([kwh])).toEqual({
      value: [{ timestamp: 1, duration: 30, eRealKwh: [0.1], eReactiveKwh: [0.2], vRMS: [240], iRMS: [1] }],
    });
    // A raw point where kW was asked for is converted (see "convert[energy] answered in joules" below).
    expect(energyDecoder("short", "kW", undefined, "point")({ timestamp: 1, duration: 30, eReal: [30_000], eReactive: [0], vRMS: [], iRMS: [] })).toEqual({
      value: { timestamp: 1, duration: 30, pRealKw: [1], pReactiveKw: [0], vRMS: [], iRMS: [] },
    });
    expect(canonicalNames("kWh", { eRealkWh: [1], pRealPositiveKwh: [2] })).toEqual({ eRealKwh: [1], eRealPositiveKwh: [2] });
    expect(canonicalNames("kWh", { eRealKwh: [1], eRealKWh: [2] })).toEqual({ eRealKwh: [1], eRealKWh: [2] });
    const untouched = { pRealKw: [1], vRMS: [240] };
    expect(canonicalNames("kW", untouched)).toBe(untouched);
  });

  it("decode Modbus points by model, and timestamp-only answers", () => {
    // The contract types `model` as any string: a new meter decodes, its registers checked where known.
    expect(modbusDecoder(undefined, "point")({ timestamp: 1, model: "PMC-9000", _V: 230 })).toEqual({ value: { timestamp: 1, model: "PMC-9000", _V: 230 } });
    expect(modbusDecoder(undefined, "point")({ timestamp: 1, model: "PMC-9000", _V: "230" })).toHaveProperty("payloadPath");
    expect(modbusDecoder(undefined, "point")({ timestamp: 1, model: "PMC-220", _V: "230" })).toHaveProperty("payloadPath");
    // A register of the other model is an unknown field for this one: kept, whatever it holds.
    expect(modbusDecoder(undefined, "point")({ timestamp: 1, model: "PMC-220", _Ia: "n/a" })).toEqual({ value: { timestamp: 1, model: "PMC-220", _Ia: "n/a" } });
    expect(modbusDecoder(undefined, "list")([{ timestamp: 1 }, { timestamp: 2, kWh_Imp: 5 }])).toEqual({ value: [{ timestamp: 1 }, { timestamp: 2, kWh_Imp: 5 }] });
    expect(modbusDecoder("timestamp", "list")([{ timestamp: 5 }])).toEqual({ value: [{ timestamp: 5 }] });
  });
});

describe("decoders check IDs with core's strict parser (issue 2)", () => {
  it("refuse a malformed device, channel or switch ID, naming the path and the rule", () => {
    expect(decodeDeviceIds(["D123456789012", "not-an-id"])).toEqual({
      payloadPath: "$[1]",
      expected: expect.stringMatching(/device ID/),
      actual: "string",
    });
    expect(decodeDevice({ ...device, id: "x", channels: [{ id: "x_C0" }] })).toMatchObject({
      payloadPath: "$.id",
      expected: expect.stringMatching(/device ID/),
    });
    expect(decodeDevice({ ...device, channels: [{ id: "D123456789012_C0" }] })).toMatchObject({
      payloadPath: "$.channels[0].id",
      expected: expect.stringMatching(/channel ID/),
    });
    expect(decodeDevice({ ...device, switches: [{ id: "D123456789012_C1", state: "open" }] })).toMatchObject({
      payloadPath: "$.switches[0].id",
      expected: expect.stringMatching(/switch ID/),
    });
    expect(decodeDevice({ ...device, phases: { count: 1, grouping: [{ included: ["D123456789012_S1"] }] } })).toMatchObject({
      payloadPath: "$.phases.grouping[0].included[0]",
      expected: expect.stringMatching(/channel ID/),
    });
    expect(decodeDeviceIds(["D123456789012", "B000000000001"])).toEqual({ value: ["D123456789012", "B000000000001"] });
  });

  it("decode null on a text field as absent, as core's types say", () => {
    const decoded = decodeDevice({ ...device, label: null, timezone: null, channels: [{ id: "D123456789012_C1", label: null }] });
    expect(decoded).toEqual({ value: { ...device, channels: [{ id: "D123456789012_C1" }] } });
    expect(decoded).not.toHaveProperty("value.label");
  });
});

describe("decoders are tolerant of optional and open device fields (api-facts: conventions)", () => {
  it("decode a device without comms.type, without phases.count, or with a new contactor type, values preserved", () => {
    const noCommsType = { ...device, comms: { lastHeardAt: 1_700_000_000.5 } };
    expect(decodeDevice(noCommsType)).toEqual({ value: noCommsType });
    const noPhaseCount = { ...device, phases: { grouping: [{ included: ["D123456789012_C1"] }] } };
    expect(decodeDevice(noPhaseCount)).toEqual({ value: noPhaseCount });
    const newContactor = { ...device, switches: [{ id: "D123456789012_S1", state: "open", contactorType: "NX" }] };
    expect(decodeDevice(newContactor)).toEqual({ value: newContactor });
    const known = { ...device, switches: [{ id: "D123456789012_S1", state: "closed", contactorType: "NC" }], phases: { count: 3 } };
    expect(decodeDevice(known)).toEqual({ value: known });
  });

  it("stay strict where the type says so: IDs, types of present fields", () => {
    expect(decodeDevice({ ...device, id: "D12345678901", comms: {} })).toMatchObject({
      payloadPath: "$.id",
      expected: expect.stringMatching(/device ID/),
    });
    expect(decodeDevice({ ...device, comms: { type: 4 } })).toMatchObject({ payloadPath: "$.comms.type", actual: "number" });
    expect(decodeDevice({ ...device, phases: { count: "3" } })).toMatchObject({ payloadPath: "$.phases.count", actual: "string" });
    expect(decodeDevice({ ...device, switches: [{ id: "D123456789012_S1", state: "open", contactorType: 1 }] })).toMatchObject({
      payloadPath: "$.switches[0].contactorType",
      actual: "number",
    });
  });
});

describe("only identity is required (issue 10: every contract-valid payload decodes)", () => {
  it("decode a device with nothing but its ID, and one without comms, model or channels", () => {
    expect(decodeDevice({ id: "D123456789012" })).toEqual({ value: { id: "D123456789012" } });
    const { comms: _c, model: _m, channels: _ch, ...rest } = device;
    expect(decodeDevice(rest)).toEqual({ value: rest });
    expect(decodeDevice({ id: "D123456789012", channels: [], switches: [{ id: "D123456789012_S1" }], phases: { grouping: [{}] } })).toHaveProperty("value");
    expect(decodeDevice({ model: "6M" })).toMatchObject({ payloadPath: "$.id", actual: "nothing" });
  });

  it("decode points with nothing but a timestamp, and a long point without eRealPositive", () => {
    for (const kind of ["short", "long"] as const) {
      for (const conversion of ["raw", "kW", "kWh"] as const) {
        expect(energyDecoder(kind, conversion, undefined, "list")([{ timestamp: 0 }, { timestamp: 300 }])).toEqual({ value: [{ timestamp: 0 }, { timestamp: 300 }] });
      }
    }
    const long = { timestamp: 300, duration: 300, eReal: [1, 2], eRealNegative: [0, 0] };
    expect(energyDecoder("long", "raw", undefined, "point")(long)).toEqual({ value: long });
    expect(energyDecoder("short", "raw", "timestamp", "point")({})).toMatchObject({ payloadPath: "$.timestamp", actual: "nothing" });
  });

  it("decode categories and models whatever they omit", () => {
    expect(decodeChannelCategories([{}, { id: 5 }, { label: "x" }])).toEqual({ value: [{}, { id: 5 }, { label: "x" }] });
    expect(decodeDeviceModels([{}, { displayName: "Auditor" }])).toEqual({ value: [{}, { displayName: "Auditor" }] });
    expect(decodeChannelCategories([{ id: "1" }])).toMatchObject({ payloadPath: "$[0].id", actual: "string" });
  });
});

describe("numbers that are not sane are DecodeErrors with the path (issue 10)", () => {
  const list = (text: string) => energyDecoder("short", "raw", undefined, "list")(JSON.parse(text));
  const ok = (ts: number) => `{"timestamp":${ts},"duration":30,"eReal":[1]}`;

  it("a timestamp JSON.parse turns into Infinity or -Infinity", () => {
    const cases = { "1e400": "Infinity", "-1e400": "-Infinity" };
    for (const [ts, actual] of Object.entries(cases)) {
      expect(list(`[${ok(0)},${ok(30)},${ok(60)},{"timestamp":${ts},"duration":30}]`)).toEqual({
        payloadPath: "$[3].timestamp",
        expected: "a timestamp (a finite number of Unix seconds)",
        actual,
      });
    }
  });

  it("an infinite duration", () => {
    expect(list(`[${ok(0)},${ok(30)},${ok(60)},{"timestamp":90,"duration":1e400}]`)).toEqual({
      payloadPath: "$[3].duration",
      expected: "a duration (a finite number of seconds)",
      actual: "Infinity",
    });
  });

  it("finite but odd timestamps and durations decode as they are, beside their answer's good points (rx's anomalies)", () => {
    for (const [ts, d] of [[1550622130.5, 30], [-30, 30], [2 ** 53 + 2, 30], [90, 0], [90, -30], [90, 30.5]] as const) {
      const got = list(`[${ok(0)},${ok(30)},{"timestamp":${ts},"duration":${d}}]`);
      expect(got).toEqual({ value: [
        { timestamp: 0, duration: 30, eReal: [1] },
        { timestamp: 30, duration: 30, eReal: [1] },
        { timestamp: ts, duration: d },
      ] });
    }
  });

  it("a value or a register that parses to Infinity, wherever it is", () => {
    expect(list(`[{"timestamp":0,"eReal":[1,1e400]}]`)).toMatchObject({ payloadPath: "$[0].eReal[1]", expected: expect.stringMatching(/finite/) });
    expect(list(`[{"timestamp":0,"frequency":-1e400}]`)).toMatchObject({ payloadPath: "$[0].frequency" });
    expect(energyDecoder("long", "kWh", undefined, "point")(JSON.parse(`{"timestamp":0,"eRealKwh":[1e999]}`))).toMatchObject({ payloadPath: "$.eRealKwh[0]" });
    expect(modbusDecoder(undefined, "point")(JSON.parse(`{"timestamp":0,"model":"PMC-220","kWh_Imp":1e400}`))).toHaveProperty("payloadPath");
    expect(decodeDevice(JSON.parse(`{"id":"D123456789012","comms":{"lastHeardAt":1e400}}`))).toMatchObject({ payloadPath: "$.comms.lastHeardAt" });
    expect(modbusDecoder("timestamp", "list")(JSON.parse(`[{"timestamp":1e400}]`))).toMatchObject({ payloadPath: "$[0].timestamp" });
  });
});

describe("a device record that names another device is a DecodeError (issue 10)", () => {
  it("its id is not the one asked for", () => {
    expect(deviceDecoder(parseDeviceId("D123456789012"))(device)).toEqual({ value: device });
    expect(deviceDecoder(parseDeviceId("E000000000001"))(device)).toEqual({
      payloadPath: "$.id",
      expected: "the requested device's ID E000000000001",
      actual: "D123456789012, another device's ID",
    });
  });

  it("a channel, switch or phase-group channel belongs to another device", () => {
    const foreign = { ...device, channels: [...device.channels, { id: "E000000000001_C2" }] };
    expect(decodeDevice(foreign)).toEqual({
      payloadPath: "$.channels[1].id",
      expected: "a channel ID of D123456789012",
      actual: "E000000000001_C2, another device's channel ID",
    });
    expect(decodeDevice({ ...device, switches: [{ id: "E000000000001_S1" }] })).toMatchObject({ payloadPath: "$.switches[0].id", actual: expect.stringContaining("E000000000001_S1") });
    expect(decodeDevice({ ...device, phases: { grouping: [{ included: ["D123456789012_C1"] }, { included: ["E000000000001_C1"] }] } })).toMatchObject({
      payloadPath: "$.phases.grouping[1].included[0]",
    });
  });
});

describe("convert[energy] answered in joules: the client converts (issue 10)", () => {
  it("kW = J / duration / 1000 and kWh = J / 3.6e6, renamed as the service would, other fields kept", () => {
    const raw = { timestamp: 300, duration: 300, eReal: [300_000], eRealPositive: [600_000], vRMSMin: [230], note: "x" };
    expect(energyDecoder("long", "kW", undefined, "point")(raw)).toEqual({ value: { timestamp: 300, duration: 300, pRealKw: [1], pRealPositiveKw: [2], vRMSMin: [230], note: "x" } });
    expect(energyDecoder("long", "kWh", undefined, "list")([raw])).toEqual({
      value: [{ timestamp: 300, duration: 300, eRealKwh: [300_000 / 3_600_000], eRealPositiveKwh: [600_000 / 3_600_000], vRMSMin: [230], note: "x" }],
    });
  });

  it("a list mixing both shapes decodes point by point", () => {
    const list = [
      { timestamp: 0, duration: 30, pRealKw: [2] },
      { timestamp: 30, duration: 30, eReal: [60_000] },
    ];
    expect(energyDecoder("short", "kW", undefined, "list")(list)).toEqual({
      value: [
        { timestamp: 0, duration: 30, pRealKw: [2] },
        { timestamp: 30, duration: 30, pRealKw: [2] },
      ],
    });
  });

  it("a kW point without a duration keeps its joules under their own names; raw types checked at their paths", () => {
    const decode = energyDecoder("short", "kW", undefined, "list");
    expect(decode([{ timestamp: 0, duration: 30, pRealKw: [1] }, { timestamp: 30, eReal: [1] }])).toEqual({
      value: [{ timestamp: 0, duration: 30, pRealKw: [1] }, { timestamp: 30, eReal: [1] }],
    });
    expect(decode([{ timestamp: 30, duration: 30, eReal: ["1"] }])).toMatchObject({ payloadPath: "$[0].eReal[0]", actual: "string" });
    expect(decode({ not: "a list" })).toMatchObject({ payloadPath: "$", actual: "object" });
    // kWh needs no duration.
    expect(energyDecoder("short", "kWh", undefined, "point")({ timestamp: 0, eReactive: [3_600_000] })).toEqual({ value: { timestamp: 0, eReactiveKwh: [1] } });
  });
});
