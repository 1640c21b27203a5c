import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { BIN, baseEnv } from "./helpers.js";

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;
// eslint-disable-next-line no-control-regex
const CURSOR_UP = /\u001b\[\d+A\r/;

/** The rows of one frame: device ID → its "Interval" cell. */
const intervals = (frame: string): Map<string, string> => {
  const out = new Map<string, string>();
  for (const m of frame.replace(ANSI, "").matchAll(/│ ([BDEF][0-9A-Z]{12}) .*?│ (\d\d:\d\d:\d\dZ) │/g)) out.set(m[1]!, m[2]!);
  return out;
};

describe("wattstream watch on a terminal", () => {
  it("draws a live table that updates in place, and exits 0 on Ctrl-C", async () => {
    // util-linux `script` gives the CLI a pseudo-terminal; Ctrl-C is typed into it as \x03.
    const command = `stty cols 200 rows 50; exec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} watch --simulate --speed 30 --devices 3`;
    const child = spawn("script", ["-qfec", command, "/dev/null"], { env: baseEnv({ NO_COLOR: "", TERM: "xterm" }), stdio: ["pipe", "pipe", "pipe"] });
    let screen = "";
    const frames = (): Array<string> => screen.split(CURSOR_UP);
    const done = new Promise<number | null>((resolve) => child.on("close", resolve));
    await new Promise<void>((resolve, reject) => {
      child.stdout.setEncoding("utf8").on("data", (d: string) => {
        screen += d;
        // Done once some device's interval moved on between two frames.
        const seen = frames().map(intervals);
        const moved = [...(seen.at(-1)?.entries() ?? [])].some(([id, ts]) => seen.some((f) => f.has(id) && f.get(id) !== ts));
        if (moved) resolve();
      });
      void done.then(() => reject(new Error(`exited early:\n${screen.replace(ANSI, "")}`)));
    });
    const last = frames().at(-1)!.replace(ANSI, "");
    expect(last).toMatch(/Device.*Label.*Grid.*Solar.*Using.*Last data.*Switches.*Status.*Interval.*Model/);
    expect(last).toContain("Ctrl-C to quit");
    expect(last).toMatch(/online \d+ s ago/);
    expect(last).toMatch(/\d+(\.\d+)? k?W/);
    expect(screen).toContain("\u001b[?25l"); // cursor hidden while live...
    child.stdin.write("\u0003");
    expect(await done).toBe(0);
    expect(screen).toContain("\u001b[?25h"); // ...and given back
    expect(screen).not.toMatch(/\n\s+at /);
  });
});

describe("colours on a terminal", () => {
  const devicesOnTty = (env: NodeJS.ProcessEnv): Promise<string> =>
    new Promise((resolve, reject) => {
      const command = `stty cols 200 rows 50; exec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} devices --simulate --devices 2`;
      const child = spawn("script", ["-qfec", command, "/dev/null"], { env, stdio: ["pipe", "pipe", "pipe"] });
      let screen = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => (screen += d));
      child.on("close", (code) => (code === 0 ? resolve(screen) : reject(new Error(`exit ${code}: ${screen}`))));
    });
  // eslint-disable-next-line no-control-regex
  const SGR = /\u001b\[\d+(;\d+)*m/;

  it("uses colour on a terminal, and none with NO_COLOR", async () => {
    const [coloured, plain] = await Promise.all([
      devicesOnTty(baseEnv({ NO_COLOR: "", TERM: "xterm" })),
      devicesOnTty(baseEnv({ NO_COLOR: "1", TERM: "xterm" })),
    ]);
    expect(coloured).toMatch(SGR);
    expect(coloured.replace(ANSI, "")).toContain("online");
    expect(plain).not.toMatch(SGR);
    expect(plain).toContain("online");
    expect(plain).toContain("┌");
  });
});
