// The cluster's own two tables next to Effect Cluster's (cluster_runners, cluster_locks, cluster_messages, …) and
// the store's: the budget owner's books (read by the next owner) and each runner's figures (read by `status`).
import { Effect } from "effect";
import type { SqlClient } from "effect/sql/SqlClient";
import type { SqlError } from "effect/sql/SqlError";
import type { OpenLease, PacerSnapshot } from "@wattstream/resilience";

/**
 * Any number, the same in every runner (distinct from the store's): runners starting together create the tables one
 * after the other. PostgreSQL's `create table if not exists` is not safe against itself — two at once can fail with
 * a unique violation on `pg_type` — and a runner that dies there leaves its shards unserved until it is declared dead.
 */
const TABLES_LOCK = 7_263_019_115;

export const ensureClusterTables = (sql: SqlClient): Effect.Effect<void, SqlError> =>
  Effect.andThen(
    Effect.andThen(sql.unsafe(`select pg_advisory_xact_lock(${TABLES_LOCK})`), sql`create table if not exists wattstream_cluster_budget (
      key_id text primary key,
      day bigint not null,
      granted_today bigint not null,
      tps_limit integer,
      tpd_limit bigint,
      leases jsonb not null,
      last_grant_at bigint not null
    )`),
    sql`create table if not exists wattstream_cluster_runner_stats (
      runner text primary key,
      key_id text not null,
      devices integer not null,
      shards integer not null,
      lease_tps integer not null,
      allowance integer not null,
      requests bigint not null,
      failed_renewals integer not null,
      updated_at bigint not null,
      lease_calls bigint,
      lease_ms_avg double precision,
      lease_ms_max double precision
    )`,
  ).pipe(
    // Per-key figures (several keys in one cluster), added to tables of clusters started before.
    Effect.andThen(sql`alter table wattstream_cluster_runner_stats add column if not exists keys jsonb`),
    // Every open lease at the owner's last save, so the next owner adopts them instead of pausing.
    Effect.andThen(sql`alter table wattstream_cluster_budget add column if not exists open_leases jsonb`),
    Effect.asVoid,
  ).pipe(sql.withTransaction);

/** A runner's calls to the budget owner: how many, how long they took, how many found no owner. */
export interface LeaseFigures {
  calls: number;
  totalMs: number;
  maxMs: number;
  unreachable: number;
}

export interface BudgetRow {
  readonly day: number;
  readonly grantedToday: number;
  readonly tpsLimit: number | null;
  readonly tpdLimit: number | null;
  readonly lastGrantAt: number;
  /** The open leases at the last save; `undefined` in a row an older version wrote (the next owner then pauses). */
  readonly openLeases: ReadonlyArray<OpenLease> | undefined;
}

const openLeasesOf = (v: unknown): ReadonlyArray<OpenLease> | undefined => {
  const parsed: unknown = typeof v === "string" ? JSON.parse(v) : v;
  if (!Array.isArray(parsed)) return undefined;
  const leases: Array<OpenLease> = [];
  for (const l of parsed as ReadonlyArray<Record<string, unknown>>) {
    const { id, runnerId, slots, uses, reclaimAt } = l;
    // Anything unreadable: no adoption at all (the next owner pauses instead), never a lease forgotten.
    if (typeof id !== "string" || typeof runnerId !== "string" || typeof slots !== "number" || typeof reclaimAt !== "number") return undefined;
    // `uses` (reused slots) only bounds what comes back to the day; without it the slots do.
    leases.push(typeof uses === "number" ? { id, runnerId, slots, uses, reclaimAt } : { id, runnerId, slots, reclaimAt });
  }
  return leases;
};

export const readBudgetRow = (sql: SqlClient, keyId: string): Effect.Effect<BudgetRow | undefined, SqlError> =>
  Effect.map(
    sql<{ day: string; granted_today: string; tps_limit: number | null; tpd_limit: string | null; last_grant_at: string; open_leases: unknown }>`
      select day, granted_today, tps_limit, tpd_limit, last_grant_at, open_leases from wattstream_cluster_budget where key_id = ${keyId}`,
    (rows) => {
      const r = rows[0];
      return r === undefined
        ? undefined
        : {
            day: Number(r.day),
            grantedToday: Number(r.granted_today),
            tpsLimit: r.tps_limit,
            tpdLimit: r.tpd_limit === null ? null : Number(r.tpd_limit),
            lastGrantAt: Number(r.last_grant_at),
            openLeases: openLeasesOf(r.open_leases),
          };
    },
  );

/** The owner's books as stored: the day's grants, the key's budgets, the slots each runner holds. */
export interface BudgetBooks {
  readonly day: number;
  readonly grantedToday: number;
  readonly tpsLimit: number | undefined;
  readonly tpdLimit: number | undefined;
  readonly runners: ReadonlyArray<{ readonly runnerId: string; readonly slots: number }>;
  readonly openLeases: ReadonlyArray<OpenLease>;
}

export const writeBudgetRow = (sql: SqlClient, keyId: string, l: BudgetBooks, at: number): Effect.Effect<void, SqlError> => {
  const leases = JSON.stringify(l.runners.map((r) => ({ runner: r.runnerId, tps: r.slots })));
  const open = JSON.stringify(l.openLeases);
  return sql`insert into wattstream_cluster_budget (key_id, day, granted_today, tps_limit, tpd_limit, leases, last_grant_at, open_leases)
    values (${keyId}, ${l.day}, ${l.grantedToday}, ${l.tpsLimit ?? null}, ${l.tpdLimit ?? null}, ${leases}::jsonb, ${at}, ${open}::jsonb)
    on conflict (key_id) do update set day = excluded.day, granted_today = excluded.granted_today,
      tps_limit = excluded.tps_limit, tpd_limit = excluded.tpd_limit, leases = excluded.leases, last_grant_at = excluded.last_grant_at,
      open_leases = excluded.open_leases`.pipe(
    Effect.asVoid,
  );
};

/** One key's figures in one runner, as `cluster status` reads them (by fingerprint, never the key). */
export interface RunnerKeyFigures {
  readonly keyId: string;
  readonly devices: number;
  /** Slots of the key's TPS this runner holds. */
  readonly held: number;
  /** Of those, not used yet. */
  readonly unused: number;
  /** Of those, carrying a request not answered yet (its headers not in). */
  readonly inFlight: number;
  readonly requests: number;
}

export const writeRunnerStats = (
  sql: SqlClient,
  rt: {
    readonly runner: string;
    readonly keys: ReadonlyMap<
      string,
      {
        readonly keyId: string;
        readonly watching: ReadonlySet<string>;
        readonly pacing: () => PacerSnapshot | undefined;
        readonly leaseFigures: LeaseFigures;
        readonly requests: () => number;
      }
    >;
  },
  shards: number,
  at: number,
): Effect.Effect<void, SqlError> => {
  const keys: Array<RunnerKeyFigures> = [];
  const f: LeaseFigures = { calls: 0, totalMs: 0, maxMs: 0, unreachable: 0 };
  for (const k of rt.keys.values()) {
    const books = k.pacing();
    const held = books?.tpsSlots ?? 0;
    keys.push({
      keyId: k.keyId,
      devices: k.watching.size,
      held,
      unused: books === undefined ? 0 : books.tpsSlots - books.inFlight - books.recentGrants,
      inFlight: books?.inFlight ?? 0,
      requests: k.requests(),
    });
    f.calls += k.leaseFigures.calls;
    f.totalMs += k.leaseFigures.totalMs;
    f.maxMs = Math.max(f.maxMs, k.leaseFigures.maxMs);
    f.unreachable += k.leaseFigures.unreachable;
  }
  const sum = (field: "devices" | "held" | "unused" | "requests") => keys.reduce((n, k) => n + k[field], 0);
  const avg = f.calls === 0 ? null : f.totalMs / f.calls;
  const keyIds = keys.map((k) => k.keyId).join(",");
  return sql`insert into wattstream_cluster_runner_stats (runner, key_id, devices, shards, lease_tps, allowance, requests, failed_renewals, updated_at, lease_calls, lease_ms_avg, lease_ms_max, keys)
    values (${rt.runner}, ${keyIds}, ${sum("devices")}, ${shards}, ${sum("held")}, ${sum("unused")}, ${sum("requests")}, ${f.unreachable}, ${at}, ${f.calls}, ${avg}, ${f.maxMs}, ${JSON.stringify(keys)}::jsonb)
    on conflict (runner) do update set key_id = excluded.key_id, devices = excluded.devices, shards = excluded.shards, lease_tps = excluded.lease_tps,
      allowance = excluded.allowance, requests = excluded.requests, failed_renewals = excluded.failed_renewals, updated_at = excluded.updated_at,
      lease_calls = excluded.lease_calls, lease_ms_avg = excluded.lease_ms_avg, lease_ms_max = excluded.lease_ms_max, keys = excluded.keys`.pipe(
    Effect.asVoid,
  );
};

/** The shards each runner held at its figures written since `since` (Unix ms), one number per runner. */
export const runnerShards = (sql: SqlClient, since: number): Effect.Effect<ReadonlyArray<number>, SqlError> =>
  Effect.map(sql<{ shards: number }>`select shards from wattstream_cluster_runner_stats where updated_at > ${since}`, (rows) =>
    rows.map((r) => Number(r.shards)),
  );
