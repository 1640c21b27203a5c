/**
 * One batch of events → one transaction. Intervals go in set-based on PostgreSQL (one statement over `unnest`
 * column arrays, see PG_WRITE and PG_WRITE_NEW; one row per interval with its channels' values in arrays) and
 * with cached prepared statements on SQLite (sqliteWrite; a row per interval and one per channel), so a
 * batch costs the same few statements (PostgreSQL) or no Effect step per row (SQLite) whatever its size; only
 * intervals that already existed are read back and compared in canonical JSON: equal → nothing (a re-delivery),
 * different → update plus a revision row.
 */
import { createHash } from "node:crypto";
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { Effect, Result } from "effect";
import type { SqlClient } from "effect/sql/SqlClient";
import { SqlError, UnknownError } from "effect/sql/SqlError";
import * as PgTypes from "@effect/sql-pg/PgTypes";
import type { Fragment } from "effect/sql/Statement";
import type { CheckpointKey, EnergyCheckpoint } from "@wattstream/rx";
import type { Dialect } from "./schema.js";
import { channelRows, classify, num } from "./classify.js";
import type { Batch, DeviceRow, IntervalRow } from "./classify.js";
import type { StorableEvent, WriteResult } from "../StoreEvent.js";

const isFlat = (v: object): boolean => {
  for (const x of Object.values(v)) {
    if (x === null || typeof x !== "object") continue;
    if (!Array.isArray(x)) return false;
    for (const y of x) if (y !== null && typeof y === "object") return false;
  }
  return true;
};

/** JSON with object keys sorted, so equal values always give equal text whatever the key order on the wire. */
export const canonicalJson = (value: unknown): string =>
  // Energy points are flat (scalars and arrays of numbers): sorting the top-level keys is enough and cheap.
  value !== null && typeof value === "object" && !Array.isArray(value) && isFlat(value)
    ? JSON.stringify(value, Object.keys(value).sort())
    : JSON.stringify(value, (_k, v: unknown) =>
        v !== null && typeof v === "object" && !Array.isArray(v)
          ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
          : v,
      );

/** The fingerprint of a value's canonical JSON text (anomalies are stored once per fingerprint). */
export const fingerprint = (json: string): string => createHash("sha1").update(json).digest("base64url");

/** The connection a batch is written on; SQLite also lends its raw database for the per-row bulk path. */
export interface Driver {
  readonly sql: SqlClient;
  readonly dialect: Dialect;
  readonly withDatabase: (<A>(f: (db: DatabaseSync) => A) => Effect.Effect<A, SqlError>) | undefined;
  /** Channel layouts this store has committed, per device (JSON), to skip rewriting unchanged ones. */
  readonly layouts: Map<string, string>;
}

const keyOf = (d: string, s: string, g: number, t: number): string => `${d}|${s}|${g}|${t}`;

const parseJson = (v: unknown): unknown => (typeof v === "string" ? JSON.parse(v) : v);

/** The dialect-specific pieces of the statements; everything else is shared SQL. */
const rowset = (sql: SqlClient, dialect: Dialect, rows: ReadonlyArray<object>, columns: string): Fragment =>
  dialect === "postgres"
    ? sql`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(${sql.literal(columns)})`
    : sql`(select ${sql.literal(
        columns
          .split(",")
          .map((c) => {
            const [name, type] = c.trim().split(" ");
            return type === "jsonb" ? `value->'${name}' as ${name}` : `value->>'${name}' as ${name}`;
          })
          .join(", "),
      )} from json_each(${JSON.stringify(rows)})) as r`;

const jsonText = (sql: SqlClient, dialect: Dialect, text: string): Fragment => (dialect === "postgres" ? sql`${text}::jsonb` : sql`${text}`);
const jsonParam = (sql: SqlClient, dialect: Dialect, value: unknown): Fragment => jsonText(sql, dialect, JSON.stringify(value));

const CHANNEL_COLUMNS = "d text, s text, g int, t bigint, c int, i text, er float8, eq float8, ep float8, en float8";
const KEY_COLUMNS = "d text, s text, g int, t bigint";

const insertChannels = (sql: SqlClient, dialect: Dialect, rows: ReadonlyArray<object>) =>
  rows.length === 0
    ? Effect.void
    : sql`insert into interval_channels (device_id, stream, granularity, ts, channel, channel_id, e_real, e_reactive, e_real_positive, e_real_negative)
        select d, s, g, t, c, i, er, eq, ep, en from ${rowset(sql, dialect, rows, CHANNEL_COLUMNS)}`.pipe(Effect.asVoid);

const SQLITE_INSERT_INTERVAL =
  "insert into intervals (device_id, stream, granularity, ts, point) values (?, ?, ?, ?, ?) on conflict do nothing";
const SQLITE_INSERT_CHANNEL =
  "insert into interval_channels (device_id, stream, granularity, ts, channel, channel_id, e_real, e_reactive, e_real_positive, e_real_negative) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
const SQLITE_UPSERT_CHECKPOINT = `insert into checkpoints (device_id, stream, watermark, checkpoint, updated_at) values (?, ?, ?, ?, ?)
  on conflict (device_id, stream) do update set watermark = excluded.watermark, checkpoint = excluded.checkpoint, updated_at = excluded.updated_at`;
interface SqliteStatements {
  readonly interval: StatementSync;
  readonly channel: StatementSync;
  readonly checkpoint: StatementSync;
}
const statements = new WeakMap<DatabaseSync, SqliteStatements>();

/**
 * SQLite's bulk path, one synchronous call inside the transaction (in-process SQLite has no round trip to
 * amortize, so a cached prepared statement per row with no Effect step per statement is its fastest path):
 * inserts the intervals, the channel rows of those this call inserted (read straight from the point's arrays, no
 * row object per channel), and then the checkpoints; returns which intervals were new. Channel rows of an
 * interval that already existed are left alone (a revision replaces them later), so they need no conflict clause.
 */
const sqliteWrite = (
  db: DatabaseSync,
  intervals: ReadonlyArray<IntervalRow>,
  checkpoints: ReadonlyArray<readonly [CheckpointKey, EnergyCheckpoint]>,
  now: number,
): Set<string> => {
  let s = statements.get(db);
  if (s === undefined) {
    s = {
      interval: db.prepare(SQLITE_INSERT_INTERVAL),
      channel: db.prepare(SQLITE_INSERT_CHANNEL),
      checkpoint: db.prepare(SQLITE_UPSERT_CHECKPOINT),
    };
    statements.set(db, s);
  }
  const inserted = new Set<string>();
  const added: Array<IntervalRow> = [];
  for (const i of intervals) {
    if (s.interval.run(i.deviceId, i.stream, i.granularity, i.ts, i.json).changes === 0) continue;
    inserted.add(i.key);
    added.push(i);
  }
  // Then their channel rows (one table after the other keeps each B-tree's pages hot).
  for (const i of added)
    for (let c = 0; c < i.channelCount; c++)
      s.channel.run(
        i.deviceId,
        i.stream,
        i.granularity,
        i.ts,
        c + 1,
        i.layout[c]?.id ?? null,
        num(i.eReal[c]),
        num(i.eReactive[c]),
        num(i.eRealPositive[c]),
        num(i.eRealNegative[c]),
      );
  for (const [key, checkpoint] of checkpoints) s.checkpoint.run(key.deviceId, key.stream, checkpoint.watermark, JSON.stringify(checkpoint), now);
  return inserted;
};

/** A typed one-dimensional array parameter (binary-encoded by @effect/sql-pg; `null` elements allowed). */
const arrayParam = (values: ReadonlyArray<string | number | null>, oid: number): Effect.Effect<PgTypes.Parameter, SqlError> =>
  Effect.suspend(() => {
    const r = PgTypes.array(values, oid);
    return Result.isSuccess(r)
      ? Effect.succeed(r.success)
      : Effect.fail(new SqlError({ reason: new UnknownError({ cause: r.failure, message: `array parameter: ${r.failure.message}` }) }));
  });

/**
 * PostgreSQL's write of a batch's intervals and the checkpoints: ONE statement, whose parts are data-modifying
 * CTEs over column arrays (`unnest`, each column one binary-encoded array parameter, so a batch of any size has
 * 16 parameters and no per-row placeholders to parse). An interval is one row (schema version 2): the point as
 * json text and its per-channel values as `double precision[]` columns. The batch's values of each field travel
 * as ONE flat binary `float8[]` (every interval's channels, padded with NULL to its channel count), and each row
 * takes its slice `[o : o + c - 1]` (no text to format on the client or parse on the server).
 * - `ins` inserts the intervals, `on conflict do nothing`, and returns the keys it inserted;
 * - `cp` upserts the checkpoints (same statement, so same transaction as the data);
 * - the statement returns the ordinals of intervals that already existed: usually none, so nothing comes back.
 * It is the transaction's statement; a batch of new intervals usually goes in as {@link PG_WRITE_NEW} instead.
 */
const PG_ROWS = `select * from unnest($1::text[], $2::text[], $3::int4[], $4::float8[], $5::text[], $6::int4[], $7::int4[])
    with ordinality as r(d, s, g, t, p, o, c, k)`;
const PG_INSERT_INTERVALS = `insert into intervals (device_id, stream, granularity, ts, point, e_real, e_reactive, e_real_positive, e_real_negative)
    select d, s, g, t::int8, p::json, ($8::float8[])[o:o + c - 1], ($9::float8[])[o:o + c - 1], ($10::float8[])[o:o + c - 1], ($11::float8[])[o:o + c - 1]
    from r order by k`;
const PG_UPSERT_CHECKPOINTS = `insert into checkpoints (device_id, stream, watermark, checkpoint, updated_at)
  select d, s, w::int8, p::jsonb, $16::int8 from unnest($12::text[], $13::text[], $14::float8[], $15::text[]) as x(d, s, w, p)`;
const PG_ON_CHECKPOINT = `on conflict (device_id, stream) do update set watermark = excluded.watermark, checkpoint = excluded.checkpoint, updated_at = excluded.updated_at`;
const PG_WRITE = `with r as (${PG_ROWS}),
  ins as (
    ${PG_INSERT_INTERVALS}
    on conflict do nothing
    returning device_id, stream, granularity, ts
  ),
  cp as (
    ${PG_UPSERT_CHECKPOINTS}
    ${PG_ON_CHECKPOINT}
  )
  select r.k from r where not exists (
    select 1 from ins where ins.device_id = r.d and ins.stream = r.s and ins.granularity = r.g and ins.ts = r.t::int8
  )`;

/**
 * PostgreSQL's optimistic write of a batch whose intervals are all expected to be new (the steady state of a
 * stream): {@link PG_WRITE} without its conflict handling, as ONE statement run on its own (a statement is its
 * own transaction, so no `begin`/`commit` round trips). The intervals go in with a plain `insert`: if one already
 * exists the statement fails with a unique violation on `intervals_pkey` and nothing of it is kept; the batch is
 * then written by the transaction with conflict handling. The checkpoints are written only after every interval
 * (their `where` reads the count of `ins`), so writers lock in the same order as PG_WRITE.
 */
const PG_WRITE_NEW = `with r as (${PG_ROWS}),
  ins as (
    ${PG_INSERT_INTERVALS}
    returning 1
  )
  ${PG_UPSERT_CHECKPOINTS}
  where (select count(*) from ins) > 0
  ${PG_ON_CHECKPOINT}`;

/** Whether `e` is the unique violation of an interval that already exists (PG_WRITE_NEW's signal to fall back). */
const isExistingInterval = (e: SqlError): boolean => e.reason._tag === "UniqueViolation" && e.reason.constraint === "intervals_pkey";

/**
 * A `double precision[]` literal of an interval's values for one field (`{1,2.5,NULL}`): a missing or
 * non-numeric value is NULL, as a version-1 channel row stored it. Sent as text and cast by the server (one short
 * string per interval, where binary arrays of arrays would need every interval to have the same channel count).
 */
export const pgArray = (values: ReadonlyArray<unknown>): string => {
  let text = "{";
  for (let c = 0; c < values.length; c++) {
    const v = num(values[c]);
    text += (c === 0 ? "" : ",") + (v === null ? "NULL" : String(v));
  }
  return text + "}";
};

/** The 16 parameters of {@link PG_WRITE} and {@link PG_WRITE_NEW}: column arrays of the rows, then `now`. */
const pgParams = (
  intervals: ReadonlyArray<IntervalRow>,
  checkpoints: ReadonlyArray<readonly [CheckpointKey, EnergyCheckpoint]>,
  now: number,
): Effect.Effect<ReadonlyArray<PgTypes.Parameter | number>, SqlError> =>
  Effect.gen(function* () {
    const n = intervals.length;
    const [d, s, g, t, p, o, c] = [
      new Array<string>(n),
      new Array<string>(n),
      new Array<number>(n),
      new Array<number>(n),
      new Array<string>(n),
      new Array<number>(n),
      new Array<number>(n),
    ];
    let values = 0;
    for (const i of intervals) values += i.channelCount;
    // Sized once (no regrowth); filled with numbers they stay unboxed doubles, a NULL only where a value is missing.
    const [er, eq, ep, en] = [new Array<number | null>(values), new Array<number | null>(values), new Array<number | null>(values), new Array<number | null>(values)];
    let k = 0;
    let v = 0;
    for (const i of intervals) {
      d[k] = i.deviceId;
      s[k] = i.stream;
      g[k] = i.granularity;
      t[k] = i.ts;
      p[k] = i.json;
      // This interval's values are elements o … o + c − 1 (1-based) of each flat field array.
      o[k] = v + 1;
      c[k] = i.channelCount;
      for (let ch = 0; ch < i.channelCount; ch++, v++) {
        er[v] = num(i.eReal[ch]);
        eq[v] = num(i.eReactive[ch]);
        ep[v] = num(i.eRealPositive[ch]);
        en[v] = num(i.eRealNegative[ch]);
      }
      k++;
    }
    // One row per checkpoint key (an upsert cannot touch a row twice in one statement); the last save wins.
    const cps = [...new Map(checkpoints.map(([key, cp]) => [`${key.deviceId}|${key.stream}`, [key, cp] as const])).values()];
    const { text, int4, float8 } = PgTypes.OID;
    const columns: ReadonlyArray<readonly [ReadonlyArray<string | number | null>, number]> = [
      [d, text],
      [s, text],
      [g, int4],
      [t, float8],
      [p, text],
      [o, int4],
      [c, int4],
      [er, float8],
      [eq, float8],
      [ep, float8],
      [en, float8],
      [cps.map(([key]) => key.deviceId), text],
      [cps.map(([key]) => key.stream), text],
      [cps.map(([, cp]) => cp.watermark), float8],
      [cps.map(([, cp]) => JSON.stringify(cp)), text],
    ];
    const params = yield* Effect.forEach(columns, ([values, oid]) => arrayParam(values, oid));
    return [...params, now];
  });

/**
 * PostgreSQL's bulk path ({@link PG_WRITE}): writes the new intervals and the checkpoints (last one per key
 * wins); returns which intervals were new.
 */
const pgWrite = (
  sql: SqlClient,
  intervals: ReadonlyArray<IntervalRow>,
  checkpoints: ReadonlyArray<readonly [CheckpointKey, EnergyCheckpoint]>,
  now: number,
): Effect.Effect<Set<string>, SqlError> =>
  Effect.gen(function* () {
    const existing = yield* sql.unsafe<{ k: number | string | bigint }>(PG_WRITE, yield* pgParams(intervals, checkpoints, now));
    const inserted = new Set(intervals.map((i) => i.key));
    for (const r of existing) {
      const row = intervals[Number(r.k) - 1];
      if (row !== undefined) inserted.delete(row.key);
    }
    return inserted;
  });

/** Writes `events` (and `checkpoints`, after the data they cover) in one transaction. */
export const writeBatch = (
  driver: Driver,
  events: ReadonlyArray<StorableEvent>,
  checkpoints: ReadonlyArray<readonly [CheckpointKey, EnergyCheckpoint]> = [],
  now: number = Date.now(),
): Effect.Effect<WriteResult, SqlError> => {
  const { sql, dialect, withDatabase } = driver;
  const batch: Batch = classify(events, (v) => fingerprint(canonicalJson(v)));
  // Every writer takes row locks in the same (key) order, so concurrent writers of overlapping batches wait for
  // each other instead of deadlocking; a deadlock or serialization failure that happens anyway is retried.
  const intervals = [...batch.intervals.values()].sort((a, b) =>
    a.deviceId !== b.deviceId ? (a.deviceId < b.deviceId ? -1 : 1) : a.stream !== b.stream ? (a.stream < b.stream ? -1 : 1) : a.granularity - b.granularity || a.ts - b.ts,
  );
  const written = new Map<string, string>();
  const transaction = sql.withTransaction(
    Effect.gen(function* () {
      written.clear();
      const result = { inserted: 0, revised: 0, unchanged: 0, devices: 0, gaps: 0, anomalies: 0, checkpoints: 0, ignored: batch.ignored };
      // The checkpoints go in with the intervals (same transaction; see PG_WRITE and sqliteWrite), after them.
      if (intervals.length > 0 || checkpoints.length > 0) {
        const inserted =
          withDatabase !== undefined
            ? yield* withDatabase((db) => sqliteWrite(db, intervals, checkpoints, now))
            : yield* pgWrite(sql, intervals, checkpoints, now);
        result.inserted = inserted.size;
        const revised: Array<IntervalRow> = [];
        const existing = intervals.filter((i) => !inserted.has(i.key));
        if (existing.length > 0) {
          const keys = existing.map((i) => ({ d: i.deviceId, s: i.stream, g: i.granularity, t: i.ts }));
          const stored = yield* sql<{ device_id: string; stream: string; granularity: number; ts: number | string | bigint; point: unknown }>`
            select i.device_id, i.stream, i.granularity, i.ts, i.point
            from ${rowset(sql, dialect, keys, KEY_COLUMNS)}
            join intervals i on i.device_id = r.d and i.stream = r.s and i.granularity = r.g and i.ts = r.t`;
          const byKey = new Map(stored.map((r) => [keyOf(r.device_id, r.stream, Number(r.granularity), Number(r.ts)), r]));
          for (const i of existing) {
            const old = byKey.get(i.key);
            // Equal values in any key order are a re-delivery, not a revision.
            if (old === undefined || canonicalJson(parseJson(old.point)) === canonicalJson(i.point)) {
              result.unchanged++;
              continue;
            }
            if (dialect === "postgres") {
              // Version 2: the interval row holds its channels' values.
              yield* sql`update intervals set point = ${i.json}::json, revision_count = revision_count + 1,
                  e_real = ${pgArray(i.eReal)}::float8[], e_reactive = ${pgArray(i.eReactive)}::float8[],
                  e_real_positive = ${pgArray(i.eRealPositive)}::float8[], e_real_negative = ${pgArray(i.eRealNegative)}::float8[]
                where device_id = ${i.deviceId} and stream = ${i.stream} and granularity = ${i.granularity} and ts = ${i.ts}`;
            } else {
              yield* sql`update intervals set point = ${i.json}, revision_count = revision_count + 1
                where device_id = ${i.deviceId} and stream = ${i.stream} and granularity = ${i.granularity} and ts = ${i.ts}`;
              yield* sql`delete from interval_channels
                where device_id = ${i.deviceId} and stream = ${i.stream} and granularity = ${i.granularity} and ts = ${i.ts}`;
            }
            yield* sql`insert into revisions (device_id, stream, granularity, ts, previous, current, revised_at)
              values (${i.deviceId}, ${i.stream}, ${i.granularity}, ${i.ts}, ${jsonParam(sql, dialect, parseJson(old.point))}, ${jsonText(sql, dialect, i.json)}, ${now})`;
            revised.push(i);
            result.revised++;
          }
        }
        // SQLite keeps a row per channel (schema version 1's table): a revised interval's are replaced.
        if (dialect === "sqlite") yield* insertChannels(sql, dialect, revised.flatMap(channelRows));
      }
      const upsertChannels = (deviceId: string, channels: DeviceRow["channels"]) =>
        Effect.gen(function* () {
          yield* sql`delete from channels where device_id = ${deviceId} and idx > ${channels.length}`;
          for (const c of channels) {
            yield* sql`insert into channels (device_id, idx, channel_id, label, category_id, category_label)
              values (${deviceId}, ${c.idx}, ${c.channelId}, ${c.label}, ${c.categoryId}, ${c.categoryLabel})
              on conflict (device_id, idx) do update set channel_id = excluded.channel_id, label = excluded.label,
                category_id = excluded.category_id, category_label = excluded.category_label`;
          }
        });
      // Layouts from energy events: written when they differ from what this store wrote last (kept in memory
      // after the commit), so a steady stream costs no statement per batch.
      for (const [deviceId, channels] of batch.layouts) {
        if (batch.devices.has(deviceId)) continue;
        const text = JSON.stringify(channels);
        if (driver.layouts.get(deviceId) === text) continue;
        yield* upsertChannels(deviceId, channels);
        written.set(deviceId, text);
      }
      for (const [deviceId, d] of batch.devices) {
        yield* sql`insert into devices (device_id, snapshot, updated_at) values (${deviceId}, ${jsonParam(sql, dialect, d.snapshot)}, ${now})
          on conflict (device_id) do update set snapshot = excluded.snapshot, updated_at = excluded.updated_at`;
        yield* upsertChannels(deviceId, d.channels);
        written.set(deviceId, JSON.stringify(d.channels));
        result.devices++;
      }
      for (const g of batch.gaps) {
        const r = yield* sql`insert into gaps (device_id, stream, from_ts, to_ts, recorded_at) values (${g.deviceId}, ${g.stream}, ${g.fromTs}, ${g.toTs}, ${now})
          on conflict do nothing returning device_id`;
        result.gaps += r.length;
      }
      for (const a of batch.anomalies) {
        const r = yield* sql`insert into anomalies (device_id, stream, ts, kind, fingerprint, detail, recorded_at)
          values (${a.deviceId}, ${a.stream}, ${a.ts}, ${a.kind}, ${a.fingerprint}, ${jsonParam(sql, dialect, a.detail)}, ${now})
          on conflict do nothing returning device_id`;
        result.anomalies += r.length;
      }
      result.checkpoints = checkpoints.length;
      return result;
    }),
  ).pipe(Effect.tap(() => Effect.sync(() => written.forEach((text, id) => driver.layouts.set(id, text)))));
  // PostgreSQL, a batch of intervals only (and checkpoints), whose layouts this store has written already: try
  // the one-statement write of new intervals first (PG_WRITE_NEW), and the transaction if one already exists.
  const optimistic =
    dialect === "postgres" &&
    intervals.length > 0 &&
    batch.devices.size === 0 &&
    batch.gaps.length === 0 &&
    batch.anomalies.length === 0 &&
    [...batch.layouts].every(([deviceId, channels]) => driver.layouts.get(deviceId) === JSON.stringify(channels));
  const write: Effect.Effect<WriteResult, SqlError> = optimistic
    ? pgParams(intervals, checkpoints, now).pipe(
        Effect.flatMap((params) => sql.unsafe(PG_WRITE_NEW, params)),
        Effect.as<WriteResult>({
          inserted: intervals.length,
          revised: 0,
          unchanged: 0,
          devices: 0,
          gaps: 0,
          anomalies: 0,
          checkpoints: checkpoints.length,
          ignored: batch.ignored,
        }),
        Effect.catchIf(isExistingInterval, () => transaction),
      )
    : transaction;
  return write.pipe(Effect.retry({ times: 5, while: (e) => e.isRetryable }));
};

/** The checkpoint saved for `key`, if any. */
export const loadCheckpoint = (sql: SqlClient, key: CheckpointKey): Effect.Effect<EnergyCheckpoint | undefined, SqlError> =>
  sql<{ checkpoint: unknown }>`select checkpoint from checkpoints where device_id = ${key.deviceId} and stream = ${key.stream}`.pipe(
    Effect.map((rows) => {
      const raw = rows[0]?.checkpoint;
      // The row was written from an EnergyCheckpoint by writeBatch above; JSON columns come back untyped.
      return raw === undefined ? undefined : (parseJson(raw) as EnergyCheckpoint);
    }),
  );
