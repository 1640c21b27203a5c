// `npm run bench [filter… | file.bench.ts…]`: discovers packages/*/bench/*.bench.ts (or runs the files given), runs
// each with tinybench and prints one table per benchmark: ops/s of every task and its ratio to the baseline
// measured in the same run. A progress line before and after each benchmark; at the end, every missed target by
// name, and a non-zero exit status when there was one. Knobs (environment): BENCH_TIME (ms per task, overrides
// each file's own), and each file's own size knobs (tools/bench/README.md).
//
// `--baseline <git-ref> [--noise <percent>]`: before/after. The ref is checked out into a temporary worktree (the
// repository's node_modules linked in, workspace packages pointing at the ref's own sources; removed afterwards),
// and each selected file runs there and here, each side in a fresh process, one after the other; then one table
// per file with before, after and after ÷ before, and a non-zero exit status when a figure is worse than before
// by more than the noise band (default 20 %). `--json <file>` writes a run's figures as JSON (used for the sides).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { Bench } from "tinybench";
import { bestOf, compare } from "./compare.ts";
import type { BenchResult } from "./compare.ts";
import type { BenchDefinition, BenchTask } from "./defineBench.ts";

// The tree the benchmarks are in: the current directory when it is one (a `--baseline` side runs this runner in the
// ref's checkout), else this file's repository.
const root = existsSync(path.join(process.cwd(), "packages")) ? process.cwd() : path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const args = parseArgs({
  allowPositionals: true,
  options: {
    baseline: { type: "string" },
    noise: { type: "string", default: "20" },
    rounds: { type: "string", default: "1" },
    json: { type: "string" },
  },
});
const positionals = args.positionals;
const benchTime = process.env["BENCH_TIME"] === undefined ? undefined : Number(process.env["BENCH_TIME"]);

const discover = async (): Promise<string[]> => {
  const given = positionals.filter((a) => a.endsWith(".bench.ts") && existsSync(a));
  if (given.length > 0) return given.map((f) => path.resolve(f));
  const filters = positionals.filter((a) => !a.endsWith(".bench.ts"));
  const files: string[] = [];
  for (const pkg of (await readdir(path.join(root, "packages"))).sort()) {
    const dir = path.join(root, "packages", pkg, "bench");
    const entries = await readdir(dir).catch(() => [] as string[]);
    for (const f of entries.sort()) if (f.endsWith(".bench.ts")) files.push(path.join(dir, f));
  }
  return files.filter((f) => filters.length === 0 || filters.some((filter) => path.relative(root, f).includes(filter)));
};

const fmt = (n: number): string =>
  n >= 100 ? Math.round(n).toLocaleString("en-US") : n >= 1 ? n.toFixed(2) : n.toPrecision(3);

/** Runs one benchmark file; returns its missed targets, each as one line naming the target, and its figures. */
const runOne = async (file: string): Promise<{ readonly missed: string[]; readonly result: BenchResult }> => {
  const mod = (await import(pathToFileURL(file).href)) as { default: BenchDefinition<unknown> };
  const def = mod.default;
  const rel = path.relative(root, file);
  console.log(`\n## ${def.name}  (${rel})`);
  const ctx = def.setup ? await def.setup() : undefined;
  const missed: string[] = [];
  const result: { file: string; name: string; baselineTask: string | undefined; tasks: BenchResult["tasks"]; metrics: BenchResult["metrics"] } = {
    file: rel,
    name: def.name,
    baselineTask: def.baseline,
    tasks: [],
    metrics: [],
  };
  try {
    const tasks = Object.entries(def.tasks ?? {}).map(([name, t]) => {
      const task: BenchTask<unknown> = typeof t === "function" ? { fn: t } : t;
      return { name, task };
    });
    if (tasks.length > 0) {
      const bench = new Bench({ name: def.name, time: benchTime ?? def.time ?? 700, warmupTime: 150 });
      for (const { name, task } of tasks) bench.add(name, () => task.fn(ctx));
      await bench.run();
      const rows = tasks.map(({ name, task }) => {
        const r = bench.getTask(name)?.result;
        if (!r || !("period" in r)) throw new Error(`task ${name} failed: ${JSON.stringify(r)}`);
        const opsPerSec = (1000 / r.period) * (task.batch ?? 1);
        return { name, opsPerSec, nsPerOp: 1e9 / opsPerSec, rme: r.latency.rme };
      });
      result.tasks = rows.map(({ name, opsPerSec, rme }) => ({ name, opsPerSec, rme }));
      const base = rows.find((r) => r.name === def.baseline);
      const targets = def.targetTasks ?? rows.filter((r) => r.name !== def.baseline).map((r) => r.name);
      console.table(
        Object.fromEntries(
          rows.map((r) => {
            const ratio = base ? r.opsPerSec / base.opsPerSec : undefined;
            const meets =
              def.minRatio !== undefined && base && targets.includes(r.name) && ratio !== undefined
                ? ratio >= def.minRatio
                  ? "ok"
                  : "MISSED"
                : "";
            if (meets === "MISSED")
              missed.push(`${def.name} › ${r.name}: ${ratio?.toFixed(2)}× the baseline (${def.baseline}), target ≥ ${def.minRatio}×`);
            return [
              r.name === def.baseline ? `${r.name} (baseline)` : r.name,
              {
                "ops/s": fmt(r.opsPerSec),
                "ns/op": fmt(r.nsPerOp),
                "±%": r.rme.toFixed(1),
                "× baseline": ratio === undefined ? "" : ratio.toFixed(2),
                target: def.minRatio !== undefined && targets.includes(r.name) ? `≥ ${def.minRatio}×` : "",
                "": meets,
              },
            ];
          }),
        ),
      );
    }
    if (def.metrics) {
      const metrics = await def.metrics(ctx);
      result.metrics = metrics.map(({ metric, value, unit, better }) => (better === undefined ? { metric, value, unit } : { metric, value, unit, better }));
      console.table(
        Object.fromEntries(
          metrics.map((m) => {
            if (m.ok === false) missed.push(`${def.name} › ${m.metric}: ${fmt(m.value)} ${m.unit}, target ${m.target ?? "(unstated)"}`);
            return [
              m.metric,
              {
                value: `${fmt(m.value)} ${m.unit}`,
                baseline: m.baseline === undefined ? "" : `${fmt(m.baseline)} ${m.unit}`,
                target: m.target ?? "",
                "": m.ok === undefined ? "" : m.ok ? "ok" : "MISSED",
              },
            ];
          }),
        ),
      );
    }
  } finally {
    if (def.teardown) await def.teardown(ctx);
  }
  return { missed, result };
};

/** Runs the files one after another, as `npm run bench` always did; returns the exit status. */
const runHere = async (files: ReadonlyArray<string>): Promise<number> => {
  console.log(`wattstream benchmarks on Node ${process.version}, ${files.length} file(s)`);
  const missed: string[] = [];
  const results: BenchResult[] = [];
  const started = performance.now();
  for (const [k, file] of files.entries()) {
    const rel = path.relative(root, file);
    const t0 = performance.now();
    console.log(`\n[${k + 1}/${files.length}] ${rel}: running…`);
    const own = await runOne(file);
    missed.push(...own.missed);
    results.push(own.result);
    console.log(`[${k + 1}/${files.length}] ${rel}: ${own.missed.length === 0 ? "targets met" : `${own.missed.length} target(s) MISSED`} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  if (args.values.json !== undefined) writeFileSync(args.values.json, JSON.stringify(results, null, 2));
  const total = `${files.length} benchmark file(s) in ${((performance.now() - started) / 1000).toFixed(0)} s`;
  if (missed.length > 0) {
    console.log(`\nMISSED targets (${total}):\n${missed.map((m) => `  - ${m}`).join("\n")}`);
    return 1;
  }
  console.log(`\nAll stated targets met (${total}).`);
  return 0;
};

const git = (cwd: string, ...gitArgs: ReadonlyArray<string>): string => {
  const r = spawnSync("git", gitArgs, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${gitArgs.join(" ")}: ${r.stderr.trim()}`);
  return r.stdout.trim();
};

/**
 * Gives a checked-out tree the repository's installed dependencies: every entry of `from` (a node_modules folder)
 * linked into `to` by absolute path, except workspace links (relative symlinks, `@wattstream/rx →
 * ../../packages/rx`), which are copied as they are so that they name the tree's own packages.
 */
const linkNodeModules = (from: string, to: string): void => {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSyncSafe(from)) {
    const source = path.join(from, name);
    const target = path.join(to, name);
    if (existsSync(target) || isLink(target)) continue;
    const stat = lstatSync(source);
    if (stat.isSymbolicLink() && !path.isAbsolute(readlinkSync(source))) symlinkSync(readlinkSync(source), target);
    else if (stat.isDirectory() && name.startsWith("@")) linkNodeModules(source, target);
    else symlinkSync(source, target);
  }
};
const isLink = (p: string): boolean => {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
};
const readdirSyncSafe = (dir: string): ReadonlyArray<string> => (existsSync(dir) ? (readdirSync(dir) as ReadonlyArray<string>) : []);

/** Runs this runner on `files` in a fresh Node process in `cwd`, writing the figures to `json`. */
const runSide = (cwd: string, files: ReadonlyArray<string>, json: string): Promise<number> =>
  new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--conditions=@wattstream/source", fileURLToPath(import.meta.url), "--json", json, ...files],
      { cwd, stdio: "inherit" },
    );
    child.on("close", (code) => resolve(code ?? 1));
  });

const fmtRatio = (r: number | undefined): string => (r === undefined ? "" : `${r.toFixed(2)}×`);

/** Before/after against `ref`; returns the exit status. */
const runAgainst = async (ref: string, files: ReadonlyArray<string>): Promise<number> => {
  const noise = Number(args.values.noise) / 100;
  const rounds = Number(args.values.rounds);
  if (!Number.isSafeInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer, got ${args.values.rounds}`);
  if (!(noise >= 0)) throw new Error(`--noise must be a percentage, got ${args.values.noise}`);
  const sha = git(root, "rev-parse", "--verify", `${ref}^{commit}`);
  const rels = files.map((f) => path.relative(root, f));
  const temp = mkdtempSync(path.join(tmpdir(), "wattstream-bench-"));
  const tree = path.join(temp, "tree");
  console.log(`before: ${ref} (${sha.slice(0, 12)}) checked out in ${tree}; after: this work tree (${root})`);
  git(root, "worktree", "add", "--detach", tree, sha);
  const cleanUp = (): void => {
    spawnSync("git", ["worktree", "remove", "--force", tree], { cwd: root });
    rmSync(temp, { recursive: true, force: true });
  };
  process.once("SIGINT", () => {
    cleanUp();
    process.exit(130);
  });
  try {
    linkNodeModules(path.join(root, "node_modules"), path.join(tree, "node_modules"));
    // Workspaces' own node_modules (a dependency pinned apart from the root's), where the ref has the workspace.
    for (const group of ["packages", "examples", "tools"])
      for (const ws of readdirSyncSafe(path.join(root, group))) {
        const own = path.join(root, group, ws, "node_modules");
        if (existsSync(own) && existsSync(path.join(tree, group, ws))) linkNodeModules(own, path.join(tree, group, ws, "node_modules"));
      }
    const rows: Array<{ readonly rel: string; readonly before: BenchResult | undefined; readonly after: BenchResult | undefined }> = [];
    for (const rel of rels) {
      const runs: Record<"before" | "after", BenchResult[]> = { before: [], after: [] };
      // Sides alternate (before, after, before, …) so that a slow spell of the machine falls on both.
      for (let round = 1; round <= rounds; round++)
        for (const [side, dir] of [["before", tree], ["after", root]] as const) {
          if (!existsSync(path.join(dir, rel))) {
            console.log(`\n${rel}: not in ${side === "before" ? ref : "this work tree"}`);
            continue;
          }
          console.log(`\n===== ${side}, round ${round}/${rounds}: ${rel} =====`);
          const json = path.join(temp, `${side}.json`);
          rmSync(json, { force: true });
          await runSide(dir, [path.join(dir, rel)], json);
          const result = existsSync(json) ? (JSON.parse(readFileSync(json, "utf8")) as BenchResult[])[0] : undefined;
          if (result !== undefined) runs[side].push(result);
        }
      rows.push({ rel, before: bestOf(runs.before), after: bestOf(runs.after) });
    }
    let regressed = 0;
    console.log(
      `\n# Before (${ref}, ${sha.slice(0, 12)}) / after (this work tree), noise band ±${args.values.noise} %` +
        (rounds > 1 ? `, best of ${rounds} runs per side` : ""),
    );
    for (const { rel, before, after } of rows) {
      console.log(`\n## ${after?.name ?? before?.name ?? rel}  (${rel})`);
      const compared = compare(before, after, noise);
      regressed += compared.filter((r) => r.verdict === "regressed").length;
      console.table(
        Object.fromEntries(
          compared.map((r) => [
            r.figure,
            {
              before: r.before === undefined ? "—" : `${fmt(r.before)} ${r.unit}`,
              after: r.after === undefined ? "—" : `${fmt(r.after)} ${r.unit}`,
              "after ÷ before": fmtRatio(r.ratio),
              better: r.better,
              "": r.verdict === "regressed" ? "REGRESSED" : r.verdict,
            },
          ]),
        ),
      );
    }
    console.log(
      regressed > 0
        ? `\n${regressed} figure(s) REGRESSED beyond the ±${args.values.noise} % noise band against ${ref}.`
        : `\nNo figure regressed beyond the ±${args.values.noise} % noise band against ${ref}.`,
    );
    return regressed > 0 ? 1 : 0;
  } finally {
    cleanUp();
  }
};

const files = await discover();
process.exitCode = args.values.baseline === undefined ? await runHere(files) : await runAgainst(args.values.baseline, files);
