// Before/after: one benchmark file's figures measured on a baseline ref and on the work tree, side by side, each
// judged against a noise band in the direction that is better for it.
import type { BenchMetric } from "./defineBench.ts";

/** What one run of one benchmark file measured (written as JSON by `run.ts --json`). */
export interface BenchResult {
  /** The file, relative to the repository root it ran in. */
  readonly file: string;
  readonly name: string;
  /** The task the file compares the others with (`defineBench`'s `baseline`), when it names one. */
  readonly baselineTask?: string | undefined;
  readonly tasks: ReadonlyArray<{ readonly name: string; readonly opsPerSec: number; readonly rme: number }>;
  readonly metrics: ReadonlyArray<{ readonly metric: string; readonly value: number; readonly unit: string; readonly better?: BenchMetric["better"] }>;
}

/** Which way is better for a figure: stated by the file, else read from its unit (`…/s` higher; time, bytes lower). */
export const direction = (unit: string, stated?: BenchMetric["better"]): "lower" | "higher" | "none" => {
  if (stated !== undefined) return stated;
  if (/\/s$/.test(unit)) return "higher";
  if (/^(ns|µs|us|ms|s|B|KB|KiB|MB|MiB|GB)(\/|$)/.test(unit)) return "lower";
  return "none";
};

export interface ComparedRow {
  readonly figure: string;
  readonly unit: string;
  readonly before: number | undefined;
  readonly after: number | undefined;
  /** after ÷ before. */
  readonly ratio: number | undefined;
  readonly better: "lower" | "higher" | "none";
  /** `regressed` only when worse than the noise band allows. */
  readonly verdict: "within noise" | "better" | "regressed" | "not compared";
}

/**
 * Pairs the figures of two runs by name (task ops/s, then metrics) and judges each: `regressed` when the after
 * value is worse than before by more than `noise` (a fraction: 0.2 = 20 %) in the figure's direction, `better`
 * when it improved by more than that, else `within noise`. A figure only one side has, one without a direction or
 * one whose before is 0 is shown and not judged.
 */
export const compare = (before: BenchResult | undefined, after: BenchResult | undefined, noise: number): ReadonlyArray<ComparedRow> => {
  const rows: ComparedRow[] = [];
  const judge = (figure: string, unit: string, b: number | undefined, a: number | undefined, better: ComparedRow["better"]): ComparedRow => {
    const ratio = b !== undefined && a !== undefined && b !== 0 ? a / b : undefined;
    const verdict =
      ratio === undefined || better === "none" || !Number.isFinite(ratio)
        ? "not compared"
        : (better === "higher" ? ratio < 1 / (1 + noise) : ratio > 1 + noise)
          ? "regressed"
          : (better === "higher" ? ratio > 1 + noise : ratio < 1 / (1 + noise))
            ? "better"
            : "within noise";
    return { figure, unit, before: b, after: a, ratio, better, verdict };
  };
  const taskNames = [...new Set([...(before?.tasks ?? []), ...(after?.tasks ?? [])].map((t) => t.name))];
  for (const name of taskNames) {
    const b = before?.tasks.find((t) => t.name === name)?.opsPerSec;
    const a = after?.tasks.find((t) => t.name === name)?.opsPerSec;
    rows.push(judge(name, "ops/s", b, a, "higher"));
  }
  // Each task relative to the file's own baseline task measured in the same process: a slow spell of the machine
  // moves both, so this ratio is the steadier before/after figure on a busy machine.
  const base = after?.baselineTask ?? before?.baselineTask;
  if (base !== undefined) {
    const relative = (r: BenchResult | undefined, name: string): number | undefined => {
      const t = r?.tasks.find((x) => x.name === name)?.opsPerSec;
      const b = r?.tasks.find((x) => x.name === base)?.opsPerSec;
      return t === undefined || b === undefined || b === 0 ? undefined : t / b;
    };
    for (const name of taskNames.filter((n) => n !== base))
      rows.push(judge(`${name} ÷ ${base} (same run)`, "×", relative(before, name), relative(after, name), "higher"));
  }
  const metricNames = [...new Set([...(before?.metrics ?? []), ...(after?.metrics ?? [])].map((m) => m.metric))];
  for (const metric of metricNames) {
    const b = before?.metrics.find((m) => m.metric === metric);
    const a = after?.metrics.find((m) => m.metric === metric);
    const unit = a?.unit ?? b?.unit ?? "";
    rows.push(judge(metric, unit, b?.value, a?.value, direction(unit, a?.better ?? b?.better)));
  }
  return rows;
};

/**
 * The best of several runs of one file, figure by figure in each figure's direction (ops/s highest, a time or a
 * size lowest; a figure without a direction from the last run): on a shared machine the best run is the one
 * least disturbed by other work.
 */
export const bestOf = (runs: ReadonlyArray<BenchResult>): BenchResult | undefined => {
  const last = runs.at(-1);
  if (last === undefined) return undefined;
  const pick = (values: ReadonlyArray<number>, better: "lower" | "higher" | "none"): number =>
    better === "higher" ? Math.max(...values) : better === "lower" ? Math.min(...values) : (values.at(-1) ?? Number.NaN);
  return {
    ...last,
    tasks: last.tasks.map((t) => {
      const all = runs.flatMap((r) => r.tasks.filter((x) => x.name === t.name));
      const opsPerSec = pick(all.map((x) => x.opsPerSec), "higher");
      return { ...t, opsPerSec, rme: all.find((x) => x.opsPerSec === opsPerSec)?.rme ?? t.rme };
    }),
    metrics: last.metrics.map((m) => ({
      ...m,
      value: pick(
        runs.flatMap((r) => r.metrics.filter((x) => x.metric === m.metric).map((x) => x.value)),
        direction(m.unit, m.better),
      ),
    })),
  };
};
