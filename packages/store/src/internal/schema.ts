/**
 * The store's schema, as numbered migrations per dialect. The version lives in `wattstream_schema`; migrations
 * run in one transaction that first takes the database's write lock (PostgreSQL: a transaction-scoped advisory
 * lock; SQLite: `BEGIN IMMEDIATE`), so processes opening the same database at once apply each step exactly
 * once, and a database written by a newer release is refused before anything is written.
 */
import { Effect } from "effect";
import type { SqlClient } from "effect/sql/SqlClient";
import type { SqlError } from "effect/sql/SqlError";
import { SchemaTooNewError } from "../StoreError.js";

export type Dialect = "sqlite" | "postgres";

/** The schema version this release writes. */
export const SCHEMA_VERSION = 2;

const json = (d: Dialect) => (d === "postgres" ? "jsonb" : "text");
const float = (d: Dialect) => (d === "postgres" ? "double precision" : "real");
const serial = (d: Dialect) => (d === "postgres" ? "bigint generated always as identity primary key" : "integer primary key autoincrement");
const day = (d: Dialect) => (d === "postgres" ? "to_char(to_timestamp(c.ts) at time zone 'UTC', 'YYYY-MM-DD')" : "date(c.ts, 'unixepoch')");

/**
 * PostgreSQL, schema version 2: one row per channel value of every interval, channel numbered from 1, as many as
 * the longest of the interval's four arrays (shorter ones give NULL). Set-returning functions in the select list
 * run in lockstep (PostgreSQL ≥ 10), which is several times cheaper per interval than a lateral
 * `unnest … with ordinality` (a function scan per row).
 */
const CHANNEL_VALUES = (more: string): string => `select i.device_id, i.stream, ${more},
    generate_series(1, greatest(cardinality(i.e_real), cardinality(i.e_reactive), cardinality(i.e_real_positive), cardinality(i.e_real_negative))) as channel,
    unnest(i.e_real) as e_real, unnest(i.e_reactive) as e_reactive
  from intervals i`;

/** Migration n (1-based) is `MIGRATIONS[n - 1]`; never edit a released one, append a new one. */
const MIGRATIONS: ReadonlyArray<(d: Dialect) => ReadonlyArray<string>> = [
  (d) => [
    `create table devices (
      device_id text primary key,
      snapshot ${json(d)} not null,
      updated_at bigint not null
    )`,
    `create table channels (
      device_id text not null,
      idx integer not null,
      channel_id text not null,
      label text,
      category_id integer,
      category_label text,
      primary key (device_id, idx)
    )`,
    `create table intervals (
      device_id text not null,
      stream text not null,
      granularity integer not null,
      ts bigint not null,
      point ${json(d)} not null,
      revision_count integer not null default 0,
      primary key (device_id, stream, granularity, ts)
    )`,
    `create table interval_channels (
      device_id text not null,
      stream text not null,
      granularity integer not null,
      ts bigint not null,
      channel integer not null,
      channel_id text,
      e_real ${float(d)},
      e_reactive ${float(d)},
      e_real_positive ${float(d)},
      e_real_negative ${float(d)},
      primary key (device_id, stream, granularity, ts, channel)
    )`,
    `create table revisions (
      id ${serial(d)},
      device_id text not null,
      stream text not null,
      granularity integer not null,
      ts bigint not null,
      previous ${json(d)} not null,
      current ${json(d)} not null,
      revised_at bigint not null
    )`,
    `create index revisions_interval on revisions (device_id, stream, granularity, ts)`,
    `create table gaps (
      device_id text not null,
      stream text not null,
      from_ts bigint not null,
      to_ts bigint not null,
      recorded_at bigint not null,
      primary key (device_id, stream, from_ts, to_ts)
    )`,
    `create table anomalies (
      id ${serial(d)},
      device_id text not null,
      stream text,
      ts bigint,
      kind text not null,
      fingerprint text not null,
      detail ${json(d)} not null,
      recorded_at bigint not null,
      unique (device_id, fingerprint)
    )`,
    `create table checkpoints (
      device_id text not null,
      stream text not null,
      watermark bigint not null,
      checkpoint ${json(d)} not null,
      updated_at bigint not null,
      primary key (device_id, stream)
    )`,
    `create view energy_per_channel_day as
      select c.device_id, c.stream, c.channel, c.channel_id, ch.label, ${day(d)} as day,
        sum(c.e_real) as e_real, sum(c.e_reactive) as e_reactive, count(*) as intervals
      from interval_channels c
      left join channels ch on ch.device_id = c.device_id and ch.idx = c.channel
      group by c.device_id, c.stream, c.channel, c.channel_id, ch.label, ${day(d)}`,
  ],
  // 2. PostgreSQL: an interval is ONE row. Its per-channel values move into typed arrays of the interval row
  // (`e_real double precision[]` …, channel n at index n) and `point` (the whole point as received) from jsonb to
  // json (stored as text, only validated: parsing every number of a point into jsonb's numeric was most of the
  // write's CPU). `interval_channels` becomes a view of the same columns over the arrays (see CHANNEL_VALUES; channel
  // IDs from the device's current layout in `channels`, which the migration completes from the channel rows), so
  // queries of it keep working. SQLite keeps version 1's tables (it has no arrays); only its version number moves.
  (d) =>
    d === "sqlite"
      ? []
      : [
          `drop view energy_per_channel_day`,
          `alter table intervals alter column point type json using point::json,
            add column e_real double precision[], add column e_reactive double precision[],
            add column e_real_positive double precision[], add column e_real_negative double precision[]`,
          `update intervals i set e_real = c.e_real, e_reactive = c.e_reactive, e_real_positive = c.e_real_positive, e_real_negative = c.e_real_negative
            from (
              select device_id, stream, granularity, ts, array_agg(e_real order by channel) as e_real, array_agg(e_reactive order by channel) as e_reactive,
                array_agg(e_real_positive order by channel) as e_real_positive, array_agg(e_real_negative order by channel) as e_real_negative
              from interval_channels group by device_id, stream, granularity, ts
            ) c
            where i.device_id = c.device_id and i.stream = c.stream and i.granularity = c.granularity and i.ts = c.ts`,
          // A channel ID that only version 1's channel rows knew goes into `channels` (the latest per channel).
          `insert into channels (device_id, idx, channel_id)
            select distinct on (device_id, channel) device_id, channel, channel_id from interval_channels
            where channel_id is not null order by device_id, channel, ts desc
            on conflict (device_id, idx) do nothing`,
          `drop table interval_channels`,
          `create view interval_channels as
            select c.device_id, c.stream, c.granularity, c.ts, c.channel, ch.channel_id,
              c.e_real, c.e_reactive, c.e_real_positive, c.e_real_negative
            from (${CHANNEL_VALUES("i.granularity, i.ts, unnest(i.e_real_positive) as e_real_positive, unnest(i.e_real_negative) as e_real_negative")}) c
            left join channels ch on ch.device_id = c.device_id and ch.idx = c.channel`,
          // Grouped by the UTC day number, formatted once per group (not once per channel value).
          `create view energy_per_channel_day as
            select c.device_id, c.stream, c.channel, ch.channel_id, ch.label,
              to_char(to_timestamp(c.day * 86400) at time zone 'UTC', 'YYYY-MM-DD') as day,
              sum(c.e_real) as e_real, sum(c.e_reactive) as e_reactive, count(*) as intervals
            from (${CHANNEL_VALUES("i.ts / 86400 as day")}) c
            left join channels ch on ch.device_id = c.device_id and ch.idx = c.channel
            group by c.device_id, c.stream, c.channel, ch.channel_id, ch.label, c.day`,
        ],
];

/** Any number: it only has to be the same in every process that migrates a wattstream database. */
const ADVISORY_LOCK = 7_263_019_114;

/**
 * Brings the schema to {@link SCHEMA_VERSION}, or fails with {@link SchemaTooNewError} (nothing written) when the
 * database already has a newer one.
 */
export const migrate = (sql: SqlClient, dialect: Dialect, known = SCHEMA_VERSION): Effect.Effect<number, SqlError | SchemaTooNewError> =>
  sql.withTransaction(
    Effect.gen(function* () {
      if (dialect === "postgres") yield* sql.unsafe(`select pg_advisory_xact_lock(${ADVISORY_LOCK})`);
      yield* sql.unsafe(`create table if not exists wattstream_schema (id integer primary key, version integer not null)`);
      const rows = yield* sql.unsafe<{ readonly version: number }>(`select version from wattstream_schema where id = 1`);
      const found = Number(rows[0]?.version ?? 0);
      if (found > known) return yield* new SchemaTooNewError({ found, known });
      for (let v = found + 1; v <= known; v++) {
        const steps = MIGRATIONS[v - 1];
        if (steps === undefined) break;
        for (const statement of steps(dialect)) yield* sql.unsafe(statement);
      }
      if (found < known) {
        yield* sql.unsafe(
          found === 0 ? `insert into wattstream_schema (id, version) values (1, ${known})` : `update wattstream_schema set version = ${known} where id = 1`,
        );
      }
      return known;
    }),
  );
