import { describe, expect, it } from "vitest";
import { decodeDevice, decodeDeviceIds, energyDecoder, modbusDecoder } from "../src/internal/decoders.js";
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
    // A raw point where kW was asked for is not silently accepted.
    expect(energyDecoder("short", "kW", undefined, "point")({ timestamp: 1, duration: 30, eReal: [1], eReactive: [1], vRMS: [], iRMS: [] })).toMatchObject({
      payloadPath: "$.pRealKw",
    });
    expect(canonicalNames("kWh", { eRealkWh: [1], pRealPositiveKwh: [2] })).toEqual({ eRealKwh: [1], eRealPositiveKwh: [2] });
    expect(canonicalNames("kWh", { eRealKwh: [1], eRealKWh: [2] })).toEqual({ eRealKwh: [1], eRealKWh: [2] });
    const untouched = { pRealKw: [1], vRMS: [240] };
    expect(canonicalNames("kW", untouched)).toBe(untouched);
  });

  it("decode Modbus points by model, and timestamp-only answers", () => {
    expect(modbusDecoder(undefined, "point")({ timestamp: 1, model: "PMC-9000" })).toHaveProperty("payloadPath");
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
