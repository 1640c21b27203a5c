import { PassThrough, Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { makeOutput } from "../src/internal/Output.js";
import { parseDeviceId, parseSwitchId, siteBalance } from "@wattstream/core";
import { liveView } from "../src/internal/watch/liveView.js";

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;
// eslint-disable-next-line no-control-regex
const CURSOR_UP = /\u001b\[\d+A\r/;
const D = parseDeviceId("D123456789012");

/** A live view drawing into a captured stream; `close()` draws the final frame synchronously. */
const view = (columns = 200) => {
  const stdout = Object.assign(new PassThrough(), { isTTY: true, columns, rows: 50 });
  let screen = "";
  stdout.setEncoding("utf8").on("data", (d: string) => (screen += d));
  const out = makeOutput({ stdout, stderr: new PassThrough(), stdin: Readable.from([]), env: { NO_COLOR: "1" } }, {});
  const live = liveView(out, { title: "test", now: () => 1_700_000_000, withChannels: false });
  const lastFrame = (): string => {
    live.close();
    return (screen.split(CURSOR_UP).at(-1) ?? "").replace(ANSI, "");
  };
  return { live, lastFrame };
};

const device = (pending: string | undefined) =>
  ({
    type: "device",
    deviceId: D,
    label: "Shed",
    model: "6M+3SW",
    online: true,
    lastHeardAt: 1_700_000_000,
    channels: [],
    switches: [{ id: `${D}_S1`, label: "Pump", state: "open", pending }],
  }) as const;

describe("liveView switches", () => {
  it("shows a change already pending in the first snapshot as live→requested", () => {
    const { live, lastFrame } = view();
    live.push(device("closed"));
    expect(lastFrame()).toContain("S1 open→closed");
  });

  it("follows rx's pendingSet and pendingApplied at the switch's own pending", () => {
    const { live, lastFrame } = view();
    live.push(device(undefined));
    live.push({ type: "pendingSet", deviceId: D, path: `/switches/${D}_S1/pending/state`, value: "closed" });
    live.push({ type: "switchChanged", deviceId: D, switchId: parseSwitchId(`${D}_S1`), field: "state", path: `/switches/${D}_S1/state`, from: "open", to: "closed" });
    live.push({ type: "pendingApplied", deviceId: D, path: `/switches/${D}_S1/pending/state`, value: "closed", applied: true });
    const frame = lastFrame();
    const row = frame.split("\n").find((l) => l.startsWith(`│ ${D}`));
    expect(row).toContain("S1 closed");
    expect(row).not.toContain("→");
    expect(frame).toContain("applied: S1 state = closed");
  });
});

const interval = (timestamp: number, values: ReadonlyArray<readonly [number, number]>) =>
  ({
    type: "interval",
    deviceId: D,
    stream: "short",
    timestamp,
    duration: 30,
    powerW: values.reduce((sum, [, w]) => sum + w, 0),
    balance: siteBalance(values.map(([categoryId, value]) => ({ categoryId, value }))),
    channels: values.map(([categoryId, powerW], k) => ({ id: `${D}_C${k + 1}`, label: undefined, categoryId, powerW })),
  }) as const;

describe("liveView power and health", () => {
  it("shows the site's balance (grid export, solar, consumption), not a sum of every channel", () => {
    const { live, lastFrame } = view();
    live.push(device(undefined));
    // Grid connect exporting 2.4 kW, solar 3 kW read through a reversed CT, a 600 W load, a Not connected CT.
    live.push(interval(1_699_999_940, [[1, -2400], [5, -3000], [2, 600], [0, 7]]));
    const frame = lastFrame();
    expect(frame).toMatch(/Device.*Label.*Grid.*Solar.*Using.*Last data/);
    expect(frame).not.toContain("Σ");
    const row = frame.split("\n").find((l) => l.startsWith(`│ ${D}`));
    expect(row).toMatch(/export 2\.40 kW.*3\.00 kW.*600 W/);
  });

  it("health is when data last arrived: the latest interval's end when it is newer than the last contact", () => {
    const { live, lastFrame } = view();
    live.push({ ...device(undefined), lastHeardAt: 1_700_000_000 - 240 }); // heard 4 min ago
    live.push(interval(1_700_000_000 - 40, [[1, 100]])); // an interval that ended 10 s ago
    const row = lastFrame().split("\n").find((l) => l.startsWith(`│ ${D}`));
    expect(row).toContain("online 10 s ago");
  });

  it("fits an 80-column terminal by leaving out the least telling columns", () => {
    const { live, lastFrame } = view(80);
    live.push(device(undefined));
    live.push(interval(1_699_999_940, [[1, 250], [5, 1000]]));
    const lines = lastFrame().trimEnd().split("\n");
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
    const header = lines.find((l) => l.includes("Device")) ?? "";
    expect(header).toMatch(/Device.*Label.*Grid.*Solar.*Using/);
    expect(header).not.toContain("Model");
  });
});
