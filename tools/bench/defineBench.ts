/**
 * The shape of a benchmark file: `packages/<pkg>/bench/<name>.bench.ts` default-exports `defineBench({...})`.
 * `npm run bench` discovers every such file, runs it and prints one table per benchmark with ops/s and the
 * ratio of every task to the named baseline, measured in the same run.
 */
export interface BenchTask<Ctx> {
  /** One task call; may be async. Do `batch` operations per call for sub-microsecond work. */
  readonly fn: (ctx: Ctx) => unknown;
  /** Operations performed by one call of `fn` (ops/s = calls/s × batch). @default 1 */
  readonly batch?: number;
}

/** A figure that is not a throughput (start-up time, heap per device, RSS, requests per device-day, …). */
export interface BenchMetric {
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  /** Human-readable target, e.g. "≤ 20 KB"; printed next to the value. */
  readonly target?: string;
  /** Whether the value meets the target; printed as ok / MISSED. */
  readonly ok?: boolean;
  /** Value of the named baseline for this metric, when there is one. */
  readonly baseline?: number;
  /**
   * Which way is better, for `--baseline` runs (before/after): `none` for a count that is neither. @default read
   * from the unit: `…/s` higher; ns, µs, ms, s, B, KB, MB (also per something, `µs/request`) lower; else none
   */
  readonly better?: "lower" | "higher" | "none";
}

export interface BenchDefinition<Ctx = void> {
  readonly name: string;
  /** The key in `tasks` that every other task is compared with. */
  readonly baseline?: string;
  /** Target stated as a minimum ratio of ops/s to the baseline's, e.g. 0.8 (checked and printed). */
  readonly minRatio?: number;
  /** Which tasks `minRatio` applies to. @default every task other than the baseline */
  readonly targetTasks?: ReadonlyArray<string>;
  readonly tasks?: Readonly<Record<string, BenchTask<Ctx> | ((ctx: Ctx) => unknown)>>;
  /** Extra figures measured by the file itself (printed as a second table). */
  readonly metrics?: (ctx: Ctx) => Promise<ReadonlyArray<BenchMetric>> | ReadonlyArray<BenchMetric>;
  readonly setup?: () => Promise<Ctx> | Ctx;
  readonly teardown?: (ctx: Ctx) => Promise<void> | void;
  /** Time budget per task in ms. @default 700 */
  readonly time?: number;
}

export const defineBench = <Ctx = void>(definition: BenchDefinition<Ctx>): BenchDefinition<Ctx> => definition;

/**
 * Microseconds per operation of `run` (which performs `ops` operations), the fastest of `rounds` rounds after one
 * warm-up: on a shared machine interference only ever adds time, so the least-disturbed round is the fairest
 * estimate (an average mixes in whatever else the machine was doing).
 */
export const perOpMicros = async (run: () => Promise<unknown>, ops: number, rounds = 20): Promise<number> => {
  await run();
  let best = Infinity;
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await run();
    best = Math.min(best, ((performance.now() - start) * 1000) / ops);
  }
  return best;
};
