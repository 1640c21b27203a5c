// The domain types accept the contract's own examples, keep unknown fields, and the envelope guards work.
import { readFileSync } from "node:fs";
import { describe, expect, expectTypeOf, it } from "vitest";
import { isErrorEnvelope, isMultiErrorEnvelope } from "../src/index.js";
import type {
  ContactorType,
  Device,
  DevicePatch,
  LongEnergyPoint,
  LongEnergyPointFor,
  LongEnergyPointKw,
  ModbusPoint,
  ShortEnergyPoint,
  ShortEnergyPointFor,
  ShortEnergyPointKwh,
  Switch,
} from "../src/index.js";

// components.examples of the vendor contract (contract/wattwatchers-v3.openapi.json), copied so the
// test runs on a clone without the shared folder.
const examples = JSON.parse(
  readFileSync(new URL("./fixtures/contract-examples.json", import.meta.url), "utf8"),
) as Record<string, unknown>;
const example = <T>(name: string): T => examples[name] as T;

describe("domain types", () => {
  it("describe the contract's device examples, cellular and WiFi", () => {
    const cellular = example<Device>("DeviceDetailsCellular");
    const wifi = example<Device>("DeviceDetailsWiFi");
    expect(cellular.comms?.type).toBe("cellular");
    expect(cellular.switches?.[0]?.pending?.state).toBe("closed");
    expect(wifi.channels).toHaveLength(6);
    expect(wifi.phases?.grouping?.[1]?.included).toContain("D123456789012_C4");
  });

  it("let a whole device be sent back as a patch (read, modify, PATCH) once its contactor types are known ones", () => {
    // The read model keeps contactorType open (a future type must not lose the device); the write model takes
    // only "NO" | "NC" (api-facts: value ranges). Everything else of a Device assigns to a DevicePatch as it is.
    type KnownContactors = Device & { readonly switches?: ReadonlyArray<Switch & { readonly contactorType?: ContactorType }> };
    const device = example<KnownContactors>("DeviceDetailsCellular");
    const patch: DevicePatch = { ...device, label: "Renamed" };
    expect(patch.label).toBe("Renamed");
    expectTypeOf<KnownContactors>().toExtend<DevicePatch>();
    expectTypeOf<Device>().not.toExtend<DevicePatch>();
    expectTypeOf<{ readonly id: Device["id"]; readonly switches: ReadonlyArray<Switch> }>().not.toExtend<DevicePatch>();
  });

  it("read devices that omit comms.type or phases.count, or carry a new contactor type", () => {
    const cellular = example<Device>("DeviceDetailsCellular");
    const { type: _type, ...comms } = cellular.comms ?? {};
    const switches = (cellular.switches ?? []).map((s) => ({ ...s, contactorType: "NX" }));
    const sparse = { ...cellular, comms, phases: { grouping: [] }, switches } satisfies Device;
    expect(sparse.comms).not.toHaveProperty("type");
    expect(sparse.switches[0]?.contactorType).toBe("NX");
    expectTypeOf<NonNullable<Device["comms"]>["type"]>().toEqualTypeOf<"cellular" | "wifi" | "cellular+wifi" | (string & {}) | undefined>();
    expectTypeOf<NonNullable<Device["phases"]>["count"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<DevicePatch>().toHaveProperty("switches").exclude<undefined>().items.toHaveProperty("contactorType").toEqualTypeOf<ContactorType | undefined>();
  });

  it("keep unknown fields on every record", () => {
    const device = { ...example<Device>("DeviceDetailsCellular"), futureField: { nested: 1 } } satisfies Device;
    expect(device["futureField"]).toEqual({ nested: 1 });
  });

  it("discriminate Modbus points by model", () => {
    const points = [example<ModbusPoint>("PMC-340B"), example<ModbusPoint>("PMC-220")];
    const registers = points.map((p) => (p.model === "PMC-340B" ? p._Uan : p._V));
    expect(registers[0]).toBeCloseTo(244.8, 1);
    expect(registers[1]).toBeCloseTo(245.0, 1);
  });

  it("map a conversion to its renamed point type", () => {
    expectTypeOf<ShortEnergyPointFor<undefined>>().toEqualTypeOf<ShortEnergyPoint>();
    expectTypeOf<ShortEnergyPointFor<"kWh">>().toEqualTypeOf<ShortEnergyPointKwh>();
    expectTypeOf<LongEnergyPointFor<"kW">>().toEqualTypeOf<LongEnergyPointKw>();
    expectTypeOf<LongEnergyPointFor<undefined>>().toEqualTypeOf<LongEnergyPoint>();
    expectTypeOf<LongEnergyPointKw>().toHaveProperty("pRealPositiveKw");
    const short = example<ShortEnergyPoint>("ShortEnergyDataPoint");
    expect(short.eReal).toEqual([1163, 3, 39]);
    expect(short.pf).toBeUndefined();
  });
});

describe("error envelope guards", () => {
  it("recognise single and multi envelopes", () => {
    expect(isErrorEnvelope({ code: "NOT_FOUND", httpCode: 404, message: "x" })).toBe(true);
    expect(isErrorEnvelope({ code: 404 })).toBe(false);
    expect(isErrorEnvelope(null)).toBe(false);
    expect(isErrorEnvelope([{ code: "X" }])).toBe(false);
    expect(isMultiErrorEnvelope({ errors: [{ code: "BAD_REQUEST", httpCode: 400 }] })).toBe(true);
    expect(isMultiErrorEnvelope({ errors: [{ message: "no code" }] })).toBe(false);
    expect(isMultiErrorEnvelope({ errors: {} })).toBe(false);
    expect(isMultiErrorEnvelope("edge throttled")).toBe(false);
  });
});
