import fc from "fast-check";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  convertEnergy,
  convertPower,
  joulesToKwh,
  joulesToWh,
  kwhToJoules,
  meanPower,
  meanPowerKw,
  meanPowerW,
  pointPowerW,
  whToJoules,
} from "../src/index.js";
import type { Quantity } from "../src/index.js";

describe("units", () => {
  it("convert joules, Wh and kWh", () => {
    expect(joulesToWh(3600)).toBe(1);
    expect(joulesToKwh(3_600_000)).toBe(1);
    expect(whToJoules(2.5)).toBe(9000);
    expect(kwhToJoules(0.001)).toBeCloseTo(3600);
  });

  it("give mean power over an interval", () => {
    // 30 s short-energy interval with 1163 J real energy (the contract's example) ≈ 38.8 W.
    expect(meanPowerW(1163, 30)).toBeCloseTo(38.77, 2);
    expect(meanPowerKw(3_586_031, 900)).toBeCloseTo(3.984, 3);
    expect(() => meanPowerW(1, 0)).toThrow(RangeError);
    expect(() => meanPowerKw(1, -5)).toThrow(RangeError);
    expect(() => meanPowerW(1, Number.NaN)).toThrow(RangeError);
  });

  it("labelled quantities keep their unit", () => {
    const e = convertEnergy({ value: 7_200_000, unit: "J" }, "kWh");
    expect(e).toEqual({ value: 2, unit: "kWh" });
    expectTypeOf(e).toEqualTypeOf<Quantity<"kWh">>();
    expect(convertPower({ value: 1500, unit: "W" }, "kW")).toEqual({ value: 1.5, unit: "kW" });
    expect(meanPower({ value: 0.5, unit: "kWh" }, 1800, "kW")).toEqual({ value: 1, unit: "kW" });
    expect(meanPower({ value: 3600, unit: "J" }, 60, "W")).toEqual({ value: 60, unit: "W" });
  });

  it("property: round trips are the identity (within float precision)", () => {
    fc.assert(
      fc.property(fc.double({ min: -1e12, max: 1e12, noNaN: true }), (j) => {
        expect(whToJoules(joulesToWh(j))).toBeCloseTo(j, 3);
        expect(kwhToJoules(joulesToKwh(j))).toBeCloseTo(j, 3);
        expect(convertEnergy(convertEnergy({ value: j, unit: "J" }, "Wh"), "J").value).toBeCloseTo(j, 3);
      }),
    );
  });
});

describe("pointPowerW (wire data: never throws)", () => {
  it("gives watts per channel from eReal and duration", () => {
    expect(pointPowerW({ timestamp: 0, duration: 30, eReal: [30_000, -3000, 0] })).toEqual([1000, -100, 0]);
    expect(pointPowerW({ timestamp: 0, duration: 30, eReal: [] })).toEqual([]);
  });

  it("gives undefined for an absent array or a duration that is absent, zero, negative or not finite", () => {
    expect(pointPowerW({ timestamp: 0, duration: 30 })).toBeUndefined();
    for (const duration of [undefined, 0, -30, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(pointPowerW({ eReal: [1], duration })).toBeUndefined();
    }
    expect(pointPowerW({ eReal: [Number.NaN, 60], duration: 30 })).toEqual([undefined, 2]);
  });

  it("property: never throws, and agrees with meanPowerW where both apply", () => {
    fc.assert(
      fc.property(fc.option(fc.array(fc.double(), { maxLength: 8 }), { nil: undefined }), fc.option(fc.double(), { nil: undefined }), (eReal, duration) => {
        const watts = pointPowerW({ eReal, duration });
        if (watts === undefined) return;
        watts.forEach((w, k) => {
          const j = eReal![k]!;
          expect(w).toBe(Number.isFinite(j) ? meanPowerW(j, duration!) : undefined);
        });
      }),
    );
  });
});
