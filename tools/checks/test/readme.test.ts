// The root README's "At a glance" example runs as written from a clone and does what the text says: the device,
// then three consecutive 30-second intervals (rx on the simulator's sped-up clock).
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "./workspace.ts";

const dir = `${ROOT}tools/checks/.scratch/readme`;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("README At a glance", () => {
  it("prints the device, then three consecutive intervals of per-channel power, in seconds", () => {
    const readme = readFileSync(`${ROOT}README.md`, "utf8");
    const code = /## At a glance\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(code, "an At a glance ts block").toBeDefined();
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/glance.ts`, code ?? "");
    const run = spawnSync(process.execPath, ["--conditions=@wattstream/source", "--import", "tsx", `${dir}/glance.ts`], {
      cwd: ROOT,
      encoding: "utf8",
      // Three intervals take about 1.5 s at 60×, and 90 s on a real clock: an example that lost its sped-up
      // scheduler is stopped here, fails, and says so through the checks below.
      timeout: 30_000,
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const [device, ...intervals] = run.stdout.trimEnd().split("\n");
    expect(device).toMatch(/ \d+ channels$/);
    expect(intervals).toHaveLength(3);
    const times = intervals.map((l) => Date.parse(l.split(" ")[0] ?? ""));
    expect(times.slice(1).map((t, k) => t - (times[k] ?? 0))).toEqual([30_000, 30_000]);
    expect(intervals[0]).toMatch(/Grid: -?\d+ W, Solar: -?\d+ W/);
  });
});
