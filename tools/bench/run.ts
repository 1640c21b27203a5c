// `npm run bench [filter | file.bench.ts]`: discovers packages/*/bench/*.bench.ts (or runs the files given), runs
// each with tinybench and prints one table per benchmark: ops/s of every task and its ratio to the baseline
// measured in the same run. A progress line before and after each benchmark; at the end, every missed target by
// name, and a non-zero exit status when there was one. Knobs (environment): BENCH_TIME (ms per task, overrides
// each file's own), and each file's own size knobs (tools/bench/README.md).
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Bench } from "tinybench";
import type { BenchDefinition, BenchTask } from "./defineBench.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const filter = process.argv[2];
const benchTime = process.env["BENCH_TIME"] === undefined ? undefined : Number(process.env["BENCH_TIME"]);

const discover = async (): Promise<string[]> => {
  const given = process.argv.slice(2).filter((a) => a.endsWith(".bench.ts") && existsSync(a));
  if (given.length > 0) return given.map((f) => path.resolve(f));
  const files: string[] = [];
  for (const pkg of (await readdir(path.join(root, "packages"))).sort()) {
    const dir = path.join(root, "packages", pkg, "bench");
    const entries = await readdir(dir).catch(() => [] as string[]);
    for (const f of entries.sort()) if (f.endsWith(".bench.ts")) files.push(path.join(dir, f));
  }
  return files.filter((f) => !filter || f.includes(filter));
};

const fmt = (n: number): string =>
  n >= 100 ? Math.round(n).toLocaleString("en-US") : n >= 1 ? n.toFixed(2) : n.toPrecision(3);

/** Runs one benchmark file; returns its missed targets, each as one line naming the target. */
const runOne = async (file: string): Promise<string[]> => {
  const mod = (await import(pathToFileURL(file).href)) as { default: BenchDefinition<unknown> };
  const def = mod.default;
  const rel = path.relative(root, file);
  console.log(`\n## ${def.name}  (${rel})`);
  const ctx = def.setup ? await def.setup() : undefined;
  const missed: string[] = [];
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
  return missed;
};

const files = await discover();
console.log(`wattstream benchmarks on Node ${process.version}, ${files.length} file(s)`);
const missed: string[] = [];
const started = performance.now();
for (const [k, file] of files.entries()) {
  const rel = path.relative(root, file);
  const t0 = performance.now();
  console.log(`\n[${k + 1}/${files.length}] ${rel}: running…`);
  const own = await runOne(file);
  missed.push(...own);
  console.log(`[${k + 1}/${files.length}] ${rel}: ${own.length === 0 ? "targets met" : `${own.length} target(s) MISSED`} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
const total = `${files.length} benchmark file(s) in ${((performance.now() - started) / 1000).toFixed(0)} s`;
if (missed.length > 0) {
  console.log(`\nMISSED targets (${total}):\n${missed.map((m) => `  - ${m}`).join("\n")}`);
  process.exitCode = 1;
} else console.log(`\nAll stated targets met (${total}).`);
