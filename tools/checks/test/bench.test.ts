// `npm run bench` (tools/bench/run.ts): a progress line per benchmark, every missed target named, and a non-zero
// exit status when one was missed.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "./workspace.ts";

const dir = `${ROOT}tools/checks/.scratch/bench`;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bench = (name: string, body: string): string => {
  mkdirSync(dir, { recursive: true });
  const file = `${dir}/${name}.bench.ts`;
  writeFileSync(file, `export default ${body};\n`);
  return file;
};

const runBench = (...files: ReadonlyArray<string>) =>
  spawnSync(process.execPath, ["--import", "tsx", "tools/bench/run.ts", ...files], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, BENCH_TIME: "20" },
  });

describe("npm run bench", () => {
  const met = bench(
    "met",
    `{ name: "met: 3 items", metrics: () => [{ metric: "items", value: 3, unit: "", target: "≤ 5", ok: true }] }`,
  );
  const slow = bench(
    "slow",
    `{
      name: "slow: a task far slower than its baseline",
      baseline: "fast",
      minRatio: 0.9,
      tasks: { fast: () => 1, slow: () => { let s = 0; for (let i = 0; i < 20000; i++) s += i; return s; } },
      metrics: () => [{ metric: "heap per device", value: 25, unit: "KB", target: "≤ 20 KB", ok: false }],
    }`,
  );

  it("exits 0 and says so when every target is met, with a progress line per benchmark", () => {
    const r = runBench(met);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\[1\/1\] .*met\.bench\.ts: running…/);
    expect(r.stdout).toMatch(/\[1\/1\] .*met\.bench\.ts: targets met in \d/);
    expect(r.stdout).toMatch(/All stated targets met \(1 benchmark file\(s\) in \d+ s\)/);
  });

  it("exits non-zero and names each missed target, task ratio and metric alike", () => {
    const r = runBench(met, slow);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/\[2\/2\] .*slow\.bench\.ts: 2 target\(s\) MISSED/);
    expect(r.stdout).toMatch(/- slow: a task far slower than its baseline › slow: [\d.]+× the baseline \(fast\), target ≥ 0\.9×/);
    expect(r.stdout).toContain("- slow: a task far slower than its baseline › heap per device: 25.00 KB, target ≤ 20 KB");
    expect(r.stdout).not.toMatch(/- met: 3 items/);
  });
});

describe("npm run bench -- --baseline <ref>", () => {
  it("runs the same file on the ref's checkout and here, prints before/after side by side and removes the checkout", () => {
    const r = spawnSync(
      process.execPath,
      ["--import", "tsx", "tools/bench/run.ts", "--baseline", "HEAD", "--noise", "10000", "packages/core/bench/ids.bench.ts"],
      { cwd: ROOT, encoding: "utf8", env: { ...process.env, BENCH_TIME: "20" } },
    );
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.status).toBe(0);
    const checkout = /checked out in (\S+);/.exec(r.stdout)?.[1];
    expect(checkout).toBeDefined();
    expect(r.stdout).toMatch(/===== before, round 1\/1: packages\/core\/bench\/ids\.bench\.ts =====/);
    expect(r.stdout).toMatch(/===== after, round 1\/1: packages\/core\/bench\/ids\.bench\.ts =====/);
    expect(r.stdout).toMatch(/# Before \(HEAD, [0-9a-f]{12}\) \/ after \(this work tree\), noise band ±10000 %/);
    expect(r.stdout).toContain("after ÷ before");
    expect(r.stdout).toMatch(/within noise/);
    expect(r.stdout).toContain("No figure regressed beyond the ±10000 % noise band against HEAD.");
    expect(existsSync(checkout ?? "")).toBe(false);
    expect(spawnSync("git", ["worktree", "list"], { cwd: ROOT, encoding: "utf8" }).stdout).not.toContain(checkout);
  }, 120_000);
});
