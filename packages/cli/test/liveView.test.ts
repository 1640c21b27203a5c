import { PassThrough, Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { makeOutput } from "../src/internal/Output.js";
import { liveView } from "../src/internal/watch/liveView.js";

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;
// eslint-disable-next-line no-control-regex
const CURSOR_UP = /\u001b\[\d+A\r/;
const D = "D123456789012";

/** A live view drawing into a captured stream; `close()` draws the final frame synchronously. */
const view = () => {
  const stdout = Object.assign(new PassThrough(), { isTTY: true, columns: 200, rows: 50 });
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
    live.push({ type: "switchChanged", deviceId: D, switchId: `${D}_S1`, field: "state", path: `/switches/${D}_S1/state`, from: "open", to: "closed" });
    live.push({ type: "pendingApplied", deviceId: D, path: `/switches/${D}_S1/pending/state`, value: "closed", applied: true });
    const frame = lastFrame();
    const row = frame.split("\n").find((l) => l.startsWith(`│ ${D}`));
    expect(row).toContain("S1 closed");
    expect(row).not.toContain("→");
    expect(frame).toContain("applied: S1 state = closed");
  });
});
