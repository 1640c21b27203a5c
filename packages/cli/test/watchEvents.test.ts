import { describe, expect, it } from "vitest";
import { intervalEvent } from "../src/internal/watch/watchEvents.js";

const channels = [
  { id: "D123456789012_C1", label: "Grid" },
  { id: "D123456789012_C2", label: "Solar" },
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
      channels: [
        { id: "D123456789012_C1", label: "Grid", powerW: 1200 },
        { id: "D123456789012_C2", label: "Solar", powerW: -300 },
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
