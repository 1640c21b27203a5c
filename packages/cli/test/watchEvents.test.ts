import { describe, expect, it } from "vitest";
import { intervalEvent } from "../src/internal/watch/watchEvents.js";

const channels = [
  { id: "D123456789012_C1", label: "Grid", categoryId: 1 },
  { id: "D123456789012_C2", label: "Solar", categoryId: 5 },
];
const interval = (point: Record<string, unknown>) =>
  ({ type: "interval", deviceId: "D123456789012", stream: "short", point: { timestamp: 1_700_000_000, ...point }, channels }) as const;

describe("intervalEvent", () => {
  it("pairs eReal with the channel layout and turns joules into mean watts over the point's duration", () => {
    const e = intervalEvent(interval({ duration: 30, eReal: [36_000, -9_000] }), "short");
    expect(e).toEqual({
      type: "interval",
      deviceId: "D123456789012",
      stream: "short",
      timestamp: 1_700_000_000,
      duration: 30,
      powerW: 900,
      // Importing 1.2 kW while the (reversed) solar CT reads 300 W of generation: the site uses 1.5 kW.
      balance: { gridNet: 1200, gridImport: 1200, gridExport: 0, generation: 300, consumption: 1500, battery: undefined, ev: undefined, loads: undefined },
      channels: [
        { id: "D123456789012_C1", label: "Grid", categoryId: 1, powerW: 1200 },
        { id: "D123456789012_C2", label: "Solar", categoryId: 5, powerW: -300 },
      ],
    });
  });

  it("leaves power unknown without a duration instead of reporting 0 W", () => {
    const e = intervalEvent(interval({ eReal: [36_000, -9_000] }), "short");
    expect(e).toMatchObject({ type: "interval", duration: undefined, powerW: undefined });
    const json = JSON.parse(JSON.stringify(e)) as Record<string, unknown>;
    expect(json).not.toHaveProperty("powerW");
    expect((e as { channels: ReadonlyArray<{ powerW?: number }> }).channels.map((c) => c.powerW)).toEqual([undefined, undefined]);
  });

  it("never labels values with a layout they do not fit", () => {
    const e = intervalEvent(interval({ duration: 30, eReal: [36_000, -9_000, 3_000] }), "short");
    expect(e).toMatchObject({ powerW: undefined, channels: [] });
  });
});
