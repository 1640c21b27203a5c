// Start-up time of the built `wattstream` bin, measured as wall time of whole child processes against
// `node -e 0` on the same Node. Target: `--version` ≤ 300 ms above the baseline (commands import their
// dependencies lazily, so `--version` loads commander and nothing else).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineBench } from "../../../tools/bench/defineBench.ts";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const RUNS = 9;

const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

/** Median wall time (ms) of `node <args>` over RUNS runs after one warm-up (which fills the compile cache). */
const wall = (args: ReadonlyArray<string>): number => {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  delete env["WATTSTREAM_API_KEY"];
  const once = (): number => {
    const t = performance.now();
    const r = spawnSync(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited ${r.status}: ${String(r.stderr)}`);
    return performance.now() - t;
  };
  once();
  return median(Array.from({ length: RUNS }, once));
};

export default defineBench({
  name: "cli start-up (wall time of the built bin)",
  setup: () => {
    // The bench runs from sources elsewhere, but this one times the real executable: build it (and what it
    // imports) if needed, through Nx so dependencies come first and cached builds are free.
    if (!existsSync(bin)) execFileSync("npx", ["nx", "run", "@wattstream/cli:build", "--outputStyle=static"], { cwd: root, stdio: "inherit" });
  },
  metrics: () => {
    const baseline = wall(["-e", "0"]);
    const version = wall([bin, "--version"]);
    const help = wall([bin, "devices", "--help"]);
    const devices = wall([bin, "devices", "--simulate", "--json", "--devices", "9"]);
    return [
      { metric: "node -e 0 (baseline)", value: Math.round(baseline), unit: "ms" },
      {
        metric: "wattstream --version",
        value: Math.round(version),
        unit: "ms",
        baseline: Math.round(baseline),
        target: "≤ baseline + 300 ms",
        ok: version - baseline <= 300,
      },
      { metric: "wattstream devices --help", value: Math.round(help), unit: "ms", baseline: Math.round(baseline) },
      {
        metric: "wattstream devices --simulate --json (9 devices, TPS-paced)",
        value: Math.round(devices),
        unit: "ms",
        baseline: Math.round(baseline),
      },
    ];
  },
});
