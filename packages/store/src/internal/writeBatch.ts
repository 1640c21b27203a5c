/**
 * One batch of events → one transaction. Intervals go in with one set-based `insert … on conflict do nothing`
 * whose rows arrive as a single JSON parameter (PostgreSQL `jsonb_to_recordset`, SQLite `json_each`), so a batch
 * costs the same few statements whatever its size; only intervals that already existed are read back and
 * compared by fingerprint: equal → nothing (a re-delivery), different → update plus a revision row.
 */
import { createHash } from "node:crypto";
import { Effect } from "effect";
import type { SqlClient } from "effect/sql/SqlClient";
import type { SqlError } from "effect/sql/SqlError";
import type { Fragment } from "effect/sql/Statement";
import type { CheckpointKey, EnergyCheckpoint } from "@wattstream/rx";
import type { Dialect } from "./schema.js";
import { classify } from "./classify.js";
import type { Batch, IntervalRow } from "./classify.js";
import type { StorableEvent, WriteResult } from "../StoreEvent.js";

/** JSON with object keys sorted, so equal values always give equal text whatever the key order on the wire. */
export const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );

export const fingerprint = (value: unknown): string => createHash("sha1").update(canonicalJson(value)).digest("base64url");

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

const jsonParam = (sql: SqlClient, dialect: Dialect, value: unknown): Fragment =>
  dialect === "postgres" ? sql`${JSON.stringify(value)}::jsonb` : sql`${JSON.stringify(value)}`;

const INTERVAL_COLUMNS = "d text, s text, g int, t bigint, f text, p jsonb";
const CHANNEL_COLUMNS = "d text, s text, g int, t bigint, c int, i text, er float8, eq float8, ep float8, en float8";
const KEY_COLUMNS = "d text, s text, g int, t bigint";

const insertChannels = (sql: SqlClient, dialect: Dialect, rows: ReadonlyArray<object>) =>
  rows.length === 0
    ? Effect.void
    : sql`insert into interval_channels (device_id, stream, granularity, ts, channel, channel_id, e_real, e_reactive, e_real_positive, e_real_negative)
        select d, s, g, t, c, i, er, eq, ep, en from ${rowset(sql, dialect, rows, CHANNEL_COLUMNS)} where true
        on conflict do nothing`.pipe(Effect.asVoid);

/** Writes `events` (and `checkpoints`, after the data they cover) in one transaction. */
export const writeBatch = (
  sql: SqlClient,
  dialect: Dialect,
  events: ReadonlyArray<StorableEvent>,
  checkpoints: ReadonlyArray<readonly [CheckpointKey, EnergyCheckpoint]> = [],
  now: number = Date.now(),
): Effect.Effect<WriteResult, SqlError> => {
  const batch: Batch = classify(events, fingerprint);
  // Every writer takes row locks in the same (key) order, so concurrent writers of overlapping batches wait for
  // each other instead of deadlocking; a deadlock or serialization failure that happens anyway is retried.
  const intervals = [...batch.intervals.values()].sort((a, b) =>
    a.deviceId !== b.deviceId ? (a.deviceId < b.deviceId ? -1 : 1) : a.stream !== b.stream ? (a.stream < b.stream ? -1 : 1) : a.granularity - b.granularity || a.ts - b.ts,
  );
  return sql.withTransaction(
    Effect.gen(function* () {
      const result = { inserted: 0, revised: 0, unchanged: 0, devices: 0, gaps: 0, anomalies: 0, checkpoints: 0, ignored: batch.ignored };
      if (intervals.length > 0) {
        const rows = intervals.map((i) => ({ d: i.deviceId, s: i.stream, g: i.granularity, t: i.ts, f: i.fingerprint, p: i.point }));
        const insertedRows = yield* sql<{ device_id: string; stream: string; granularity: number; ts: number | string | bigint }>`
          insert into intervals (device_id, stream, granularity, ts, fingerprint, point)
          select d, s, g, t, f, p from ${rowset(sql, dialect, rows, INTERVAL_COLUMNS)} where true
          on conflict do nothing
          returning device_id, stream, granularity, ts`;
        const inserted = new Set(insertedRows.map((r) => keyOf(r.device_id, r.stream, Number(r.granularity), Number(r.ts))));
        result.inserted = inserted.size;
        const fresh: Array<IntervalRow> = [];
        const existing: Array<IntervalRow> = [];
        for (const i of intervals) (inserted.has(i.key) ? fresh : existing).push(i);
        if (existing.length > 0) {
          const keys = existing.map((i) => ({ d: i.deviceId, s: i.stream, g: i.granularity, t: i.ts }));
          const stored = yield* sql<{ device_id: string; stream: string; granularity: number; ts: number | string | bigint; fingerprint: string; point: unknown }>`
            select i.device_id, i.stream, i.granularity, i.ts, i.fingerprint, i.point
            from ${rowset(sql, dialect, keys, KEY_COLUMNS)}
            join intervals i on i.device_id = r.d and i.stream = r.s and i.granularity = r.g and i.ts = r.t`;
          const byKey = new Map(stored.map((r) => [keyOf(r.device_id, r.stream, Number(r.granularity), Number(r.ts)), r]));
          for (const i of existing) {
            const old = byKey.get(i.key);
            if (old === undefined || old.fingerprint === i.fingerprint) {
              result.unchanged++;
              continue;
            }
            yield* sql`update intervals set fingerprint = ${i.fingerprint}, point = ${jsonParam(sql, dialect, i.point)}, revision_count = revision_count + 1
              where device_id = ${i.deviceId} and stream = ${i.stream} and granularity = ${i.granularity} and ts = ${i.ts}`;
            yield* sql`delete from interval_channels
              where device_id = ${i.deviceId} and stream = ${i.stream} and granularity = ${i.granularity} and ts = ${i.ts}`;
            yield* sql`insert into revisions (device_id, stream, granularity, ts, previous, current, revised_at)
              values (${i.deviceId}, ${i.stream}, ${i.granularity}, ${i.ts}, ${jsonParam(sql, dialect, parseJson(old.point))}, ${jsonParam(sql, dialect, i.point)}, ${now})`;
            fresh.push(i);
            result.revised++;
          }
        }
        yield* insertChannels(sql, dialect, fresh.flatMap((i) => i.channels));
      }
      for (const [deviceId, d] of batch.devices) {
        yield* sql`insert into devices (device_id, snapshot, updated_at) values (${deviceId}, ${jsonParam(sql, dialect, d.snapshot)}, ${now})
          on conflict (device_id) do update set snapshot = excluded.snapshot, updated_at = excluded.updated_at`;
        yield* sql`delete from channels where device_id = ${deviceId} and idx > ${d.channels.length}`;
        for (const c of d.channels) {
          yield* sql`insert into channels (device_id, idx, channel_id, label, category_id, category_label)
            values (${deviceId}, ${c.idx}, ${c.channelId}, ${c.label}, ${c.categoryId}, ${c.categoryLabel})
            on conflict (device_id, idx) do update set channel_id = excluded.channel_id, label = excluded.label,
              category_id = excluded.category_id, category_label = excluded.category_label`;
        }
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
      for (const [key, checkpoint] of checkpoints) {
        yield* sql`insert into checkpoints (device_id, stream, watermark, checkpoint, updated_at)
          values (${key.deviceId}, ${key.stream}, ${checkpoint.watermark}, ${jsonParam(sql, dialect, checkpoint)}, ${now})
          on conflict (device_id, stream) do update set watermark = excluded.watermark, checkpoint = excluded.checkpoint, updated_at = excluded.updated_at`;
        result.checkpoints++;
      }
      return result;
    }),
  ).pipe(Effect.retry({ times: 5, while: (e) => e.isRetryable }));
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
