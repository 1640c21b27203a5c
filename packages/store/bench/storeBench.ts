// Shared by store-sqlite.bench.ts and store-postgres.bench.ts: intervals per second written into one database by
// the sink (6-channel devices, batches of BATCH intervals, idempotent upsert + checkpoint) next to the same rows
// (SQLite: 1 interval row + 6 channel rows each; PostgreSQL, schema version 2: 1 interval row with its channels'
// values in arrays: as array literals by the statement per row and the multi-row INSERT, as slices of one flat
// binary array per field by `unnest`, as the sink sends them) written by a plain prepared statement per row, and by the driver's bulk
// paths: a multi-row INSERT, and on PostgreSQL `INSERT … SELECT FROM unnest(column arrays)` (the fastest there).
// COPY is not among them: @effect/sql-pg 4.0.5 speaks the wire protocol itself (no `pg` underneath) and fails a
// `CopyInResponse` with "COPY is not supported", so no COPY path is reachable through the store's driver. Every
// path writes the same rows into the same tables over the same connection pool and server settings (durability
// included); the sink also does its extra work (conflict handling, revision detection, checkpoint upsert).
// Target: the sink within 1.2× of the best plain path (ratio ≥ 0.83), on median rounds.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { Effect, Result } from "effect";
import * as PgTypes from "@effect/sql-pg/PgTypes";
import { lastValueFrom, Subject } from "rxjs";
import { defineBench } from "../../../tools/bench/defineBench.ts";
import type { BenchDefinition } from "../../../tools/bench/defineBench.ts";
import { startTestPostgres } from "../../../tools/postgres/testPostgres.ts";
import type { TestPostgres } from "../../../tools/postgres/testPostgres.ts";
import { openStore } from "../src/index.ts";
import type { StorableEvent, Store } from "../src/index.ts";
import { interval } from "../test/events.ts";
import { pgArray } from "../src/internal/writeBatch.ts";

const BATCH = 500;
const T0 = 1_600_000_200 - (1_600_000_200 % 300);

export interface Ctx {
  readonly dialect: "sqlite" | "postgres";
  readonly store: Store;
  readonly sqlite: DatabaseSync | undefined;
  readonly pg: TestPostgres | undefined;
  readonly dir: string | undefined;
}

/** The next BATCH intervals of `device` (each call moves on, so every write is of new intervals). */
const cursor = (device: string) => {
  let next = T0;
  return () => {
    const events = Array.from({ length: BATCH }, (_, k) => interval(next + k * 300, 0, device));
    next += BATCH * 300;
    return events;
  };
};

type Row = readonly [string, string, number, number, number, string | null, number | null, number | null, number | null, number | null];

type PgRow = readonly [string, string, number, number, string, string, string, string, string];

/**
 * The rows the store writes for these events (schema version 2): on SQLite one per interval and six per
 * interval's channels; on PostgreSQL one per interval, holding its channels' values as arrays (sent as array
 * literals, as the sink sends them).
 */
const rowsOf = (events: ReturnType<ReturnType<typeof cursor>>) => {
  const intervals: Array<readonly [string, string, number, number, string]> = [];
  const pgIntervals: Array<PgRow> = [];
  const channels: Array<Row> = [];
  for (const e of events) {
    if (e.type !== "interval") continue;
    const p = e.point as { timestamp: number; eReal: Array<number>; eReactive: Array<number>; eRealPositive: Array<number>; eRealNegative: Array<number> };
    const json = JSON.stringify(p);
    intervals.push([e.deviceId, e.stream, 300, p.timestamp, json]);
    pgIntervals.push([e.deviceId, e.stream, 300, p.timestamp, json, pgArray(p.eReal), pgArray(p.eReactive), pgArray(p.eRealPositive), pgArray(p.eRealNegative)]);
    for (let c = 0; c < 6; c++)
      channels.push([e.deviceId, e.stream, 300, p.timestamp, c + 1, e.channels[c]?.id ?? null, p.eReal[c]!, p.eReactive[c]!, p.eRealPositive[c]!, p.eRealNegative[c]!]);
  }
  return { intervals, pgIntervals, channels };
};

const INSERT_INTERVAL = "insert into intervals (device_id, stream, granularity, ts, point) values ";
const PG_INSERT_INTERVAL =
  "insert into intervals (device_id, stream, granularity, ts, point, e_real, e_reactive, e_real_positive, e_real_negative) values ";
const pgCast = (c: number): string => (c === 4 ? "::json" : c > 4 ? "::float8[]" : "");
const INSERT_CHANNEL =
  "insert into interval_channels (device_id, stream, granularity, ts, channel, channel_id, e_real, e_reactive, e_real_positive, e_real_negative) values ";

const placeholders = (dialect: "sqlite" | "postgres", rows: number, cols: number, cast: (col: number) => string = () => ""): string => {
  const out: Array<string> = [];
  let n = 0;
  for (let r = 0; r < rows; r++)
    out.push(`(${Array.from({ length: cols }, (_, c) => (dialect === "sqlite" ? "?" : `$${++n}${cast(c)}`)).join(", ")})`);
  return out.join(", ");
};

const SINK = "sink: store.sink() (idempotent upsert + checkpoint, one transaction)";
const ROW = "plain: a prepared statement per row (one transaction)";
const BULK = "bulk: multi-row INSERT per batch (one transaction)";
const UNNEST = "bulk: INSERT … SELECT FROM unnest(column arrays) per batch (one transaction; PostgreSQL only)";
const ROUNDS = Number(process.env["STORE_BENCH_ROUNDS"] ?? 25);

const sinkNext = cursor("D900000000001");
const rowNext = cursor("D900000000002");
const bulkNext = cursor("D900000000003");
const unnestNext = cursor("D900000000004");
let checkpointAt = T0;

/** As rx drives it: a batch of events goes through the operator, then the stream saves its checkpoint, which
 * commits the events and the checkpoint in one transaction. */
const sinkTask = async ({ store }: Ctx): Promise<void> => {
  const sink = store.sink({ batchSize: BATCH + 1, flushAfterMs: 60_000 });
  const source = new Subject<StorableEvent>();
  const done = lastValueFrom(source.pipe(sink.write()), { defaultValue: undefined });
  for (const e of sinkNext()) source.next(e);
  checkpointAt += BATCH * 300;
  await sink.checkpoints.save({ deviceId: "D900000000001", stream: "long" }, { watermark: checkpointAt, seen: [], holes: [], lag: 0 });
  source.complete();
  await done;
};

const rowTask = async ({ store, sqlite }: Ctx): Promise<void> => {
  const { intervals, pgIntervals, channels } = rowsOf(rowNext());
  if (sqlite !== undefined) {
    const i = sqlite.prepare(INSERT_INTERVAL + placeholders("sqlite", 1, 5));
    const c = sqlite.prepare(INSERT_CHANNEL + placeholders("sqlite", 1, 10));
    sqlite.exec("BEGIN IMMEDIATE");
    for (const r of intervals) i.run(...r);
    for (const r of channels) c.run(...r);
    sqlite.exec("COMMIT");
    return;
  }
  const sql = store.effect.sql;
  const i = PG_INSERT_INTERVAL + placeholders("postgres", 1, 9, pgCast);
  await Effect.runPromise(
    sql.withTransaction(
      Effect.gen(function* () {
        for (const r of pgIntervals) yield* sql.unsafe(i, r);
      }),
    ),
  );
};

const bulkTask = async ({ store, sqlite }: Ctx): Promise<void> => {
  const { intervals, pgIntervals, channels } = rowsOf(bulkNext());
  // SQLite binds at most 32766 parameters per statement; PostgreSQL 65535.
  const chunk = 3000;
  if (sqlite !== undefined) {
    sqlite.exec("BEGIN IMMEDIATE");
    sqlite.prepare(INSERT_INTERVAL + placeholders("sqlite", intervals.length, 5)).run(...intervals.flat());
    for (let k = 0; k < channels.length; k += chunk) {
      const part = channels.slice(k, k + chunk);
      sqlite.prepare(INSERT_CHANNEL + placeholders("sqlite", part.length, 10)).run(...part.flat());
    }
    sqlite.exec("COMMIT");
    return;
  }
  const sql = store.effect.sql;
  await Effect.runPromise(
    sql.withTransaction(sql.unsafe(PG_INSERT_INTERVAL + placeholders("postgres", pgIntervals.length, 9, pgCast), pgIntervals.flat())),
  );
};

/** A typed array parameter (binary-encoded by @effect/sql-pg). */
const arrayOf = (values: ReadonlyArray<unknown>, oid: number): PgTypes.Parameter => {
  const r = PgTypes.array(values, oid);
  if (Result.isFailure(r)) throw r.failure;
  return r.success;
};

/** PostgreSQL's other bulk path: each column one array parameter, rows from `unnest` (what the sink uses). */
const unnestTask = async ({ store }: Ctx): Promise<void> => {
  const { intervals, channels } = rowsOf(unnestNext());
  const { text, int4, float8 } = PgTypes.OID;
  const columns = <R extends ReadonlyArray<unknown>>(rows: ReadonlyArray<R>, oids: ReadonlyArray<number>) =>
    oids.map((oid, c) => arrayOf(rows.map((r) => r[c]), oid));
  const sql = store.effect.sql;
  // Each field's values of the whole batch as one flat binary float8[]; interval k takes elements 6k+1 … 6k+6.
  const offsets = arrayOf(intervals.map((_, k) => 6 * k + 1), int4);
  await Effect.runPromise(
    sql.withTransaction(
      sql.unsafe(
        PG_INSERT_INTERVAL.replace(" values ", " ") +
          "select d, s, g, t::int8, p::json, ($7::float8[])[o:o + 5], ($8::float8[])[o:o + 5], ($9::float8[])[o:o + 5], ($10::float8[])[o:o + 5] from unnest($1::text[], $2::text[], $3::int4[], $4::float8[], $5::text[], $6::int4[]) as r(d, s, g, t, p, o)",
        [
          ...columns(intervals, [text, text, int4, float8, text]),
          offsets,
          ...columns(channels, [text, text, int4, float8, int4, text, float8, float8, float8, float8]).slice(6),
        ],
      ),
    ),
  );
};

export const storeBench = (dialect: "sqlite" | "postgres"): BenchDefinition<Ctx> =>
  defineBench<Ctx>({
    name: `store: intervals/s into ${dialect} (6 channels, batches of ${BATCH})`,
    baseline: BULK,
    time: 1_000,
    setup: async () => {
      if (dialect === "sqlite") {
        const dir = mkdtempSync(join(tmpdir(), "wattstream-bench-"));
        const file = join(dir, "bench.db");
        const store = await openStore(`sqlite:${file}`);
        const sqlite = new DatabaseSync(file, { timeout: 30_000 });
        sqlite.exec("PRAGMA journal_mode = WAL");
        sqlite.exec("PRAGMA synchronous = NORMAL");
        return { dialect, store, sqlite, pg: undefined, dir };
      }
      const pg = await startTestPostgres();
      const store = await openStore(await pg.createDatabase(`bench_${process.pid}`));
      return { dialect, store, sqlite: undefined, pg, dir: undefined };
    },
    teardown: async (ctx) => {
      ctx.sqlite?.close();
      await ctx.store.close();
      ctx.pg?.stop();
      if (ctx.dir !== undefined) rmSync(ctx.dir, { recursive: true, force: true });
    },
    tasks: {
      [SINK]: { batch: BATCH, fn: sinkTask },
      [ROW]: { batch: BATCH, fn: rowTask },
      [BULK]: { batch: BATCH, fn: bulkTask },
      ...(dialect === "postgres" ? { [UNNEST]: { batch: BATCH, fn: unnestTask } } : {}),
    },
    metrics: async (ctx) => {
      // The machine is shared: tinybench runs one task after the other, so a change of load between tasks skews
      // their ratio. Here the paths take turns, ROUNDS times, and their median rounds are compared (their fastest
      // rounds, the ones least disturbed by other processes, are printed too).
      const paths: ReadonlyArray<readonly [string, (c: Ctx) => Promise<void>]> = [
        [SINK, sinkTask],
        [ROW, rowTask],
        [BULK, bulkTask],
        ...(dialect === "postgres" ? [[UNNEST, unnestTask] as const] : []),
      ];
      const times = new Map<string, Array<number>>(paths.map(([name]) => [name, []]));
      // Each round starts at the next path, so no path always runs right after the same other one (the statement
      // per row leaves the server the most to flush, and its successor would pay for it every round).
      for (let round = 0; round < ROUNDS; round++)
        for (let k = 0; k < paths.length; k++) {
          const [name, fn] = paths[(round + k) % paths.length]!;
          const t = performance.now();
          await fn(ctx);
          times.get(name)!.push(performance.now() - t);
        }
      const sorted = (name: string): Array<number> => [...times.get(name)!].sort((a, b) => a - b);
      // The fastest round is the one least disturbed by other processes; the median is the typical round.
      const fastest = (name: string): number => (BATCH / sorted(name)[0]!) * 1000;
      const median = (name: string): number => (BATCH / sorted(name)[Math.floor(ROUNDS / 2)]!) * 1000;
      const bulkPaths = [ROW, BULK, ...(dialect === "postgres" ? [UNNEST] : [])];
      const label: Record<string, string> = { [ROW]: "statement per row", [BULK]: "multi-row INSERT", [UNNEST]: "unnest arrays" };
      const best = (rate: (name: string) => number): readonly [string, number] =>
        bulkPaths.map((name) => [label[name]!, rate(name)] as const).reduce((a, b) => (b[1] > a[1] ? b : a));
      const [bestFastName, bestFast] = best(fastest);
      const [bestMedianName, bestMedian] = best(median);
      const ratio = median(SINK) / bestMedian;
      return [
        { metric: `sink, median of ${ROUNDS} interleaved rounds`, value: median(SINK), unit: "intervals/s" },
        { metric: "prepared statement per row, median round", value: median(ROW), unit: "intervals/s" },
        { metric: "multi-row INSERT, median round", value: median(BULK), unit: "intervals/s" },
        ...(dialect === "postgres" ? [{ metric: "INSERT … SELECT FROM unnest(arrays), median round", value: median(UNNEST), unit: "intervals/s" }] : []),
        { metric: `sink, fastest of ${ROUNDS} rounds`, value: fastest(SINK), unit: "intervals/s" },
        { metric: `best plain path, fastest round (${bestFastName})`, value: bestFast, unit: "intervals/s" },
        { metric: `sink ÷ best plain path, fastest rounds (${bestFastName})`, value: fastest(SINK) / bestFast, unit: "×" },
        {
          metric: `sink ÷ best plain path, median rounds (${bestMedianName})`,
          value: ratio,
          unit: "×",
          target: "≥ 0.83 (within 1.2×)",
          ok: ratio >= 1 / 1.2,
        },
      ];
    },
  });
