import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  canonicalConvertedField,
  CONVERTED_FIELD_NAMES,
  isEnergyField,
  isStrictCamelCase,
  LONG_ENERGY_FIELDS,
  MODBUS_REGISTERS,
  POWER_FACTOR_FIELDS,
  SHORT_ENERGY_FIELDS,
} from "../src/index.js";
import examples from "./fixtures/contract-examples.json" with { type: "json" };

describe("energy field names", () => {
  it("are exactly the api-facts sets", () => {
    expect([...SHORT_ENERGY_FIELDS].sort()).toEqual(["eReactive", "eReal", "iRMS", "vRMS"]);
    expect(LONG_ENERGY_FIELDS).toHaveLength(10);
    expect(new Set(LONG_ENERGY_FIELDS).size).toBe(10);
    expect(POWER_FACTOR_FIELDS).toEqual(["pf"]);
  });

  it("match the contract's example points", () => {
    const short = Object.keys(examples.ShortEnergyDataPoint).filter((k) => !["timestamp", "duration", "frequency"].includes(k));
    expect(short.sort()).toEqual([...SHORT_ENERGY_FIELDS].sort());
    const long = Object.keys(examples.LongEnergyDataPoint).filter((k) => !["timestamp", "duration"].includes(k));
    for (const k of long) expect(LONG_ENERGY_FIELDS).toContain(k);
  });

  it("list the Modbus registers of each model exactly as the contract's examples", () => {
    for (const model of ["PMC-340B", "PMC-220"] as const) {
      const fromContract = Object.keys(examples[model]).filter((k) => k !== "model" && k !== "timestamp");
      expect([...MODBUS_REGISTERS[model]].sort()).toEqual(fromContract.sort());
    }
  });

  it("isEnergyField accepts every energy name and rejects camelCase attributes", () => {
    for (const name of [
      ...SHORT_ENERGY_FIELDS,
      ...LONG_ENERGY_FIELDS,
      "pf",
      "pRealKw",
      "eReactiveNegativeKwh",
      "kWh_Imp",
      "kvarh_Net",
      "_V",
      "_I",
      "_PF",
      "_PFa",
    ])
      expect(isEnergyField(name), name).toBe(true);
    for (const name of ["simId", "imsi", "timestamp", "duration", "VRMS", "ereal", "kwh_imp", "toString", "constructor"])
      expect(isEnergyField(name), name).toBe(false);
  });

  it("converted names: the kW and kWh maps and the tolerant canonical spelling", () => {
    expect(CONVERTED_FIELD_NAMES.kW.eReal).toBe("pRealKw");
    expect(CONVERTED_FIELD_NAMES.kW.eReactiveNegative).toBe("pReactiveNegativeKw");
    expect(CONVERTED_FIELD_NAMES.kWh.eReal).toBe("eRealKwh");
    for (const spelled of ["eRealKwh", "eRealKWh", "eRealkWh", "pRealKwh"])
      expect(canonicalConvertedField(spelled)).toBe("eRealKwh");
    expect(canonicalConvertedField("pReactivePositiveKw")).toBe("pReactivePositiveKw");
    expect(canonicalConvertedField("eRealKw")).toBeUndefined();
    expect(canonicalConvertedField("vRMS")).toBeUndefined();
    expect(canonicalConvertedField("eReal")).toBeUndefined();
    for (const unit of ["kW", "kWh"] as const)
      for (const name of Object.values(CONVERTED_FIELD_NAMES[unit])) expect(canonicalConvertedField(name)).toBe(name);
  });
});

describe("isStrictCamelCase", () => {
  it.each(["simId", "imsi", "signalQualityDbm", "lastHeardAt", "shortEnergyReportingInterval", "httpCode", "channel1Label", "a", "pointA"])(
    "accepts %s",
    (name) => expect(isStrictCamelCase(name)).toBe(true),
  );
  it.each(["vRMS", "SimId", "sim_id", "sim-id", "simID", "", "1abc", "kWh_Imp", "_V", "éa"])("rejects %j", (name) =>
    expect(isStrictCamelCase(name)).toBe(false),
  );

  it("property: camelCase joins of lowercase words pass, any uppercase pair fails", () => {
    const word = fc.stringMatching(/^[a-z][a-z0-9]{1,6}$/);
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 5 }), (words) => {
        const name = words.map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join("");
        expect(isStrictCamelCase(name)).toBe(true);
        expect(isStrictCamelCase(`${name}AB`)).toBe(false);
      }),
    );
  });

  it("every non-energy attribute in the contract's device examples is strict camelCase", () => {
    const keys = new Set<string>();
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (typeof v === "object" && v !== null)
        for (const [k, x] of Object.entries(v)) {
          keys.add(k);
          walk(x);
        }
    };
    walk([examples.DeviceDetailsCellular, examples.DeviceDetailsWiFi, examples.DevicePatchBody]);
    for (const k of keys) expect(isStrictCamelCase(k) && !isEnergyField(k), k).toBe(true);
  });
});
