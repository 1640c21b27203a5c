import fc from "fast-check";
import { describe, expect, expectTypeOf, it } from "vitest";
import { convertEnergyPoint, CONVERTED_FIELD_NAMES } from "../src/index.js";
import type { LongEnergyPoint, LongEnergyPointKw, ShortEnergyPoint, ShortEnergyPointKwh } from "../src/index.js";

describe("convertEnergyPoint", () => {
  it("converts joules to mean kW over the duration and renames as the service does (eReal → pRealKw)", () => {
    const point: ShortEnergyPoint = { timestamp: 30, duration: 30, eReal: [30_000, -1500], eReactive: [300], vRMS: [240, 241], extra: "kept" };
    const result = convertEnergyPoint(point, "kW");
    expect(result).toEqual({ ok: true, point: { timestamp: 30, duration: 30, pRealKw: [1, -0.05], pReactiveKw: [0.01], vRMS: [240, 241], extra: "kept" } });
  });

  it("converts joules to kWh (J / 3.6e6) without needing a duration, every long-energy field", () => {
    const point: LongEnergyPoint = {
      timestamp: 300,
      eReal: [3_600_000],
      eRealPositive: [7_200_000],
      eRealNegative: [0],
      eReactive: [360],
      eReactivePositive: [360],
      eReactiveNegative: [0],
      iRMSMax: [3],
    };
    const result = convertEnergyPoint(point, "kWh");
    expect(result).toEqual({
      ok: true,
      point: { timestamp: 300, eRealKwh: [1], eRealPositiveKwh: [2], eRealNegativeKwh: [0], eReactiveKwh: [0.0001], eReactivePositiveKwh: [0.0001], eReactiveNegativeKwh: [0], iRMSMax: [3] },
    });
    expectTypeOf(convertEnergyPoint({ timestamp: 0, eRealPositive: [1] } satisfies LongEnergyPoint, "kW")).toExtend<
      { ok: true; point: LongEnergyPointKw } | { ok: false; field: string; reason: string }
    >();
    expectTypeOf(convertEnergyPoint({ timestamp: 0, eReal: [1], vRMS: [1] } satisfies ShortEnergyPoint, "kWh")).toExtend<
      { ok: true; point: ShortEnergyPointKwh } | { ok: false; field: string; reason: string }
    >();
  });

  it("reports (never throws) a kW conversion without a usable duration, naming the field", () => {
    for (const duration of [undefined, 0, -30, Number.NaN]) {
      const point = duration === undefined ? { timestamp: 0, eReal: [1] } : { timestamp: 0, duration, eReal: [1] };
      expect(convertEnergyPoint(point, "kW")).toMatchObject({ ok: false, field: "duration" });
    }
    expect(convertEnergyPoint({ timestamp: 0, duration: 30, eReal: [1, Number.POSITIVE_INFINITY] }, "kW")).toMatchObject({ ok: false, field: "eReal[1]" });
    // Nothing to convert: no duration needed.
    expect(convertEnergyPoint({ timestamp: 0, vRMS: [240] }, "kW")).toEqual({ ok: true, point: { timestamp: 0, vRMS: [240] } });
  });

  it("leaves a converted name the point already has alone", () => {
    const point = { timestamp: 0, duration: 30, eReal: [30_000], pRealKw: [9] };
    expect(convertEnergyPoint(point, "kW")).toEqual({ ok: true, point });
  });

  it("property: kW × duration × 1000 and kWh × 3.6e6 give the joules back", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1e9, max: 1e9 }), { maxLength: 6 }),
        fc.integer({ min: 1, max: 86_400 }),
        (joules, duration) => {
          const kw = convertEnergyPoint({ timestamp: 0, duration, eRealPositive: joules }, "kW");
          const kwh = convertEnergyPoint({ timestamp: 0, duration, eRealPositive: joules }, "kWh");
          if (!kw.ok || !kwh.ok) throw new Error("conversion failed");
          const name = CONVERTED_FIELD_NAMES.kW.eRealPositive;
          (kw.point[name] as ReadonlyArray<number>).forEach((p, k) => expect(p * duration * 1000).toBeCloseTo(joules[k]!, 3));
          kwh.point.eRealPositiveKwh!.forEach((e, k) => expect(e * 3_600_000).toBeCloseTo(joules[k]!, 3));
          expect(kw.point).not.toHaveProperty("eRealPositive");
        },
      ),
    );
  });
});
