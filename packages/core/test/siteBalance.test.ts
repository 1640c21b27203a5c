// A site's balance from channel categories (api-facts: "Channel categories and a site's energy balance"), on the
// category IDs of the contract's own list and the API's sign conventions.
import { describe, expect, it } from "vitest";
import { loadContract } from "../../../tools/contract/contract.ts";
import { balanceRole, CHANNEL_CATEGORY, siteBalance } from "../src/index.js";

interface Category {
  readonly id: number;
  readonly label: string;
}
interface Contract {
  readonly paths: Record<string, { get: { responses: { 200: { content: { "application/json": { example: ReadonlyArray<Category> } } } } } }>;
}
const categories = loadContract<Contract>().paths["/devices/channel-categories"]!.get.responses[200].content["application/json"].example;
const idOf = (label: string): number => {
  const found = categories.find((c) => c.label === label);
  if (found === undefined) throw new Error(`the contract lists no channel category "${label}"`);
  return found.id;
};

describe("channel categories", () => {
  it("the roles' IDs are the contract's", () => {
    expect(CHANNEL_CATEGORY).toEqual({
      notSet: idOf("Not set"),
      notConnected: idOf("Not connected"),
      gridConnect: idOf("Grid connect"),
      solarGeneration: idOf("Solar generation"),
      electricVehicle: idOf("Electric vehicle"),
      battery: idOf("Battery"),
    });
  });

  it("every other category of the contract's list, and an unknown or missing one, is a load", () => {
    const special = new Set<number>(Object.values(CHANNEL_CATEGORY));
    const others = categories.filter((c) => !special.has(c.id));
    expect(others.map((c) => c.label)).toEqual(expect.arrayContaining(["Lighting & Power", "Pool pump", "Hot water"]));
    for (const c of others) expect(balanceRole(c.id), c.label).toBe("load");
    expect(balanceRole(9999)).toBe("load");
    expect(balanceRole(undefined)).toBe("load");
  });
});

describe("siteBalance", () => {
  const grid = idOf("Grid connect");
  const solar = idOf("Solar generation");
  const lightsAndPower = idOf("Lighting & Power");
  const hotWater = idOf("Hot water");

  it("a sunny afternoon: export on the grid CT (negative), generation as a magnitude, consumption = net + generation", () => {
    const b = siteBalance([
      { categoryId: grid, value: -3430 },
      { categoryId: solar, value: 3744 },
      { categoryId: lightsAndPower, value: 98 },
      { categoryId: hotWater, value: 200 },
    ]);
    expect(b).toEqual({
      gridNet: -3430,
      gridImport: 0,
      gridExport: 3430,
      generation: 3744,
      consumption: 314,
      battery: undefined,
      ev: undefined,
      loads: 298,
    });
  });

  it("a solar CT installed the other way round generates the same", () => {
    const forwards = siteBalance([{ categoryId: grid, value: 500 }, { categoryId: solar, value: 2000 }]);
    const reversed = siteBalance([{ categoryId: grid, value: 500 }, { categoryId: solar, value: -2000 }]);
    expect(reversed).toEqual(forwards);
    expect(forwards).toMatchObject({ gridImport: 500, gridExport: 0, generation: 2000, consumption: 2500 });
  });

  it("sums the phases of a three-phase grid connection before splitting import and export", () => {
    const b = siteBalance([
      { categoryId: grid, value: 1000 },
      { categoryId: grid, value: 800 },
      { categoryId: grid, value: -300 },
    ]);
    expect(b).toMatchObject({ gridNet: 1500, gridImport: 1500, gridExport: 0, generation: 0, consumption: 1500 });
  });

  it("batteries and EV chargers count both ways and stay inside consumption, not added to it", () => {
    const b = siteBalance([
      { categoryId: grid, value: 200 },
      { categoryId: idOf("Battery"), value: -1500 }, // discharging
      { categoryId: idOf("Electric vehicle"), value: 1700 }, // charging the car
    ]);
    expect(b).toMatchObject({ gridNet: 200, consumption: 200, battery: -1500, ev: 1700, loads: undefined });
  });

  it("Not connected and Not set channels take no part", () => {
    const b = siteBalance([
      { categoryId: grid, value: 100 },
      { categoryId: idOf("Not connected"), value: 5000 },
      { categoryId: idOf("Not set"), value: undefined },
    ]);
    expect(b).toMatchObject({ gridNet: 100, consumption: 100, loads: undefined });
  });

  it("without a Grid connect channel there is no grid figure and no consumption (not 0)", () => {
    const b = siteBalance([
      { categoryId: solar, value: 1000 },
      { categoryId: lightsAndPower, value: 400 },
    ]);
    expect(b).toMatchObject({ gridNet: undefined, gridImport: undefined, consumption: undefined, generation: 1000, loads: 400 });
  });

  it("an unknown value makes its figure unknown, never a partial sum", () => {
    const b = siteBalance([
      { categoryId: grid, value: 100 },
      { categoryId: grid, value: undefined },
      { categoryId: solar, value: Number.NaN },
      { categoryId: lightsAndPower, value: 50 },
    ]);
    expect(b).toMatchObject({ gridNet: undefined, generation: undefined, consumption: undefined, loads: 50 });
  });

  it("works in any linear unit (joules per interval as well as watts)", () => {
    const watts = siteBalance([{ categoryId: grid, value: -100 }, { categoryId: solar, value: 400 }]);
    const joules = siteBalance([{ categoryId: grid, value: -100 * 30 }, { categoryId: solar, value: 400 * 30 }]);
    expect(joules.consumption).toBe((watts.consumption ?? Number.NaN) * 30);
  });
});
