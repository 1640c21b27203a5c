// The simulator's payloads and the contract's own examples decode with core's types and helpers: positional
// arrays line up with the channel layout, phase groups resolve, names follow the API's naming rules.
import type { Device, GroupByPhaseResult, LongEnergyPoint, ModbusModel, ShortEnergyPoint, ZipChannelsResult } from "@wattstream/core";
import {
  groupByPhase,
  isEnergyField,
  isErrorEnvelope,
  isMultiErrorEnvelope,
  isStrictCamelCase,
  LONG_ENERGY_FIELDS,
  MODBUS_REGISTERS,
  SHORT_ENERGY_FIELDS,
  zipChannels,
} from "@wattstream/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Http } from "./helpers.js";
import { FLEET, idAt, start } from "./helpers.js";
import { loadContract } from "../../../tools/contract/contract.ts";

const contract = loadContract<{ components: { examples: Record<string, { value: unknown }> } }>();
const example = <A>(name: string): A => contract.components.examples[name]!.value as A;

/** Every key of a JSON value, recursively, except inside arrays of numbers. */
const keysOf = (u: unknown, out: string[] = []): string[] => {
  if (Array.isArray(u)) for (const v of u) keysOf(v, out);
  else if (typeof u === "object" && u !== null) {
    for (const [k, v] of Object.entries(u)) {
      out.push(k);
      keysOf(v, out);
    }
  }
  return out;
};

/** The channels of an `ok` zip; the test fails with core's error otherwise. */
const zipped = <K extends string>(result: ZipChannelsResult<K>) => {
  if (!result.ok) throw result.error;
  return result.channels;
};
/** The groups of an `ok` grouping; the test fails with core's error otherwise. */
const grouped = <K extends string>(result: GroupByPhaseResult<K>) => {
  if (!result.ok) throw result.error;
  return result.groups;
};

describe("payloads decode with core's types", () => {
  let h: Http;
  beforeAll(async () => {
    h = await start();
  });
  afterAll(() => h.sim.close());

  it("energy arrays line up with every device's channels (zipChannels) and phase groups resolve", async () => {
    for (const id of h.sim.fleet.ids().slice(0, FLEET.neverReported)) {
      const device = (await h.json<Device>(`/devices/${id}`)).body;
      const short = (await h.json<ShortEnergyPoint>(`/short-energy/${id}/latest`)).body;
      const long = (await h.json<LongEnergyPoint>(`/long-energy/${id}/latest`)).body;
      const zs = zipped(zipChannels(device.channels, short));
      const zl = zipped(zipChannels(device.channels, long));
      expect(zs.map((z) => z.id)).toEqual(device.channels?.map((c) => c.id));
      expect(zl[0]!.values.eRealPositive).toBe(long.eRealPositive?.[0]);
      const groups = grouped(groupByPhase(device.phases, zl));
      const byPhase = (await h.json<LongEnergyPoint>(`/long-energy/${id}/latest?filter[group]=phases`)).body;
      expect(groups.map((g) => g.channels.reduce((a, c) => a + (c.values.eReal ?? 0), 0))).toEqual(byPhase.eReal);
    }
  });

  it("uses the API's names: energy fields keep their v2 spelling, everything else is strict camelCase", async () => {
    const id = idAt(h.sim, FLEET.threePhase);
    const short = (await h.json<Record<string, unknown>>(`/short-energy/${id}/latest?fields[energy]=%2Bpf`)).body;
    const long = (await h.json<Record<string, unknown>>(`/long-energy/${id}/latest`)).body;
    expect(Object.keys(short).filter((k) => Array.isArray(short[k])).sort()).toEqual(
      [...SHORT_ENERGY_FIELDS, "pf"].sort(),
    );
    expect(Object.keys(long).filter((k) => Array.isArray(long[k])).sort()).toEqual([...LONG_ENERGY_FIELDS].sort());
    for (const p of [short, long]) for (const k of Object.keys(p)) expect(isEnergyField(k) || isStrictCamelCase(k)).toBe(true);
    for (const unit of ["kW", "kWh"]) {
      const c = (await h.json<Record<string, unknown>>(`/long-energy/${id}/latest?convert[energy]=${unit}`)).body;
      for (const k of Object.keys(c)) if (Array.isArray(c[k])) expect([k, isEnergyField(k)]).toEqual([k, true]);
    }
    const record = (await h.json(`/devices/${id}`)).body;
    for (const k of keysOf(record)) expect([k, isStrictCamelCase(k)]).toEqual([k, true]);
  });

  it("Modbus reads carry exactly core's register set for their model", async () => {
    for (const index of [FLEET.pmc340b, FLEET.pmc220]) {
      const point = (await h.json<Record<string, unknown>>(`/modbus/${idAt(h.sim, index)}/latest`)).body;
      const model = point["model"] as ModbusModel;
      expect(Object.keys(point).sort()).toEqual([...MODBUS_REGISTERS[model], "model", "timestamp"].sort());
    }
  });

  it("error bodies are core envelopes; PATCH validation uses the multi-error envelope", async () => {
    expect(isErrorEnvelope((await h.json(`/devices/D000000000000`)).body)).toBe(true);
    const id = idAt(h.sim, FLEET.sixM);
    const bad = await h.send("PATCH", `/devices/${id}`, { label: 42 });
    expect(isMultiErrorEnvelope(bad.body)).toBe(true);
  });
});

describe("the contract's examples decode with core's types", () => {
  it("example long-energy arrays line up with the example device's channels and phases", () => {
    for (const name of ["DeviceDetailsCellular", "DeviceDetailsWiFi"]) {
      const device = example<Device>(name);
      const point = example<LongEnergyPoint>("LongEnergyDataPoint");
      const zl = zipped(zipChannels(device.channels, point));
      expect(zl.map((z) => z.id)).toEqual(device.channels?.map((c) => c.id));
      const groups = grouped(groupByPhase(device.phases, zl));
      expect(groups).toHaveLength(2);
      expect(groups[0]!.channels.map((c) => c.values.eReal)).toEqual([3586031, 329486, -549]);
    }
  });

  it("the example short point has 3 channels, so it does not fit a 6-channel layout", () => {
    const device = example<Device>("DeviceDetailsCellular");
    const point = example<ShortEnergyPoint>("ShortEnergyDataPoint");
    expect(zipChannels(device.channels, point)).toMatchObject({ ok: false, error: { reason: "length", expected: 6, actual: 3 } });
    expect(zipped(zipChannels(device.channels?.slice(0, 3), point))).toHaveLength(3);
  });
});
