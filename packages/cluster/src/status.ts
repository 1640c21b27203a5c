import { Data, Duration, Effect } from "effect";
import * as PgClient from "@effect/sql-pg/PgClient";
import * as Reactivity from "effect/reactivity/Reactivity";
import type { SqlClient } from "effect/sql/SqlClient";
import type { SqlError } from "effect/sql/SqlError";
import { InvalidStoreUrlError, parseStoreUrl, StoreUnavailableError } from "@wattstream/store";

/** One runner as `cluster status` shows it. @category models */
export interface RunnerStatus {
  /** `host:port` the runner listens on. */
  readonly address: string;
  /** Effect Cluster's view: healthy and heard from in the last 35 s. */
  readonly healthy: boolean;
  /** Since its last heartbeat, ms. */
  readonly lastHeartbeatAgoMs: number;
  /** Devices it watches (its own figures, written every second; `undefined` until its first write). */
  readonly devices: number | undefined;
  /** Shards it holds. */
  readonly shards: number | undefined;
  /** Request slots of the key's TPS it holds (leased from the budget owner, not given back yet). */
  readonly leaseTps: number | undefined;
  /** Of those, slots not used yet. */
  readonly allowance: number | undefined;
  /** Requests it sent since it started. */
  readonly requests: number | undefined;
  /** Since it last wrote these figures, ms. */
  readonly statsAgoMs: number | undefined;
  /** The same figures per API key (by fingerprint), when the runner watches several keys. */
  readonly keys: ReadonlyArray<RunnerKeyStatus>;
}

/** One key's share of one runner. @category models */
export interface RunnerKeyStatus {
  /** The key's fingerprint (never the key). */
  readonly keyId: string;
  /** Devices of this key the runner watches. */
  readonly devices: number;
  /** Slots of the key's TPS the runner holds. */
  readonly leaseTps: number;
  /** Of those, slots not used yet. */
  readonly allowance: number;
  /** Requests it sent under this key since it started. */
  readonly requests: number;
}

/** One key's budget as its owner last stored it. @category models */
export interface BudgetStatus {
  /** The key's fingerprint (never the key). */
  readonly keyId: string;
  /** The key's TPS, when known. */
  readonly tpsLimit: number | undefined;
  /** The key's TPD, when known. */
  readonly tpdLimit: number | undefined;
  /** Daily requests handed out today. */
  readonly grantedToday: number;
  /** The slots each runner held at the last grant. */
  readonly leases: ReadonlyArray<{
    /** The runner's address. */
    readonly runner: string;
    /** Slots of the TPS it held. */
    readonly tps: number;
  }>;
  /** Since the owner's last grant, ms. */
  readonly lastGrantAgoMs: number;
  /** Devices of this key watched, over every runner that reported (its figures of the last second). */
  readonly devices: number;
  /** Requests sent under this key since each live runner started (summed over the runners). */
  readonly requests: number;
}

/** How far behind the stored data of one stream is (now minus each device's watermark). @category models */
export interface LagStatus {
  /** `long`, `short` or `modbus`. */
  readonly stream: string;
  /** Devices with a checkpoint on this stream. */
  readonly devices: number;
  /** Median lag, seconds. */
  readonly p50Seconds: number;
  /** Largest lag, seconds. */
  readonly maxSeconds: number;
}

/** What `wattstream cluster status` reports. @category models */
export interface ClusterStatus {
  /** Every runner Effect Cluster knows, with its own figures. */
  readonly runners: ReadonlyArray<RunnerStatus>;
  /** Each key's budget. */
  readonly budgets: ReadonlyArray<BudgetStatus>;
  /** Lag per stream. */
  readonly lag: ReadonlyArray<LagStatus>;
}

/**
 * The database holds no cluster: no runner ever started on it.
 *
 * @example
 * ```ts
 * import { NoClusterError } from "@wattstream/cluster";
 * new NoClusterError({ url: "postgres://db/energy" }).message;
 * ```
 * @category errors
 */
export class NoClusterError extends Data.TaggedError("NoClusterError")<{
  /** The database URL, password shown as `***`. */
  readonly url: string;
}> {
  /** One line naming the database and what to do. */
  override get message(): string {
    return `no cluster in ${this.url}: no runner has started on this database (wattstream cluster run --postgres ${this.url})`;
  }
}

const num = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));

const read = (sql: SqlClient, url: string, now: number): Effect.Effect<ClusterStatus, SqlError | NoClusterError> =>
  Effect.gen(function* () {
    const [exists] = yield* sql<{ runners: string | null; stats: string | null; checkpoints: string | null }>`
      select to_regclass('cluster_runners')::text as runners, to_regclass('wattstream_cluster_runner_stats')::text as stats,
        to_regclass('checkpoints')::text as checkpoints`;
    if (exists?.runners == null || exists.stats == null) return yield* Effect.fail(new NoClusterError({ url }));
    const runners = yield* sql<{
      address: string;
      healthy: boolean;
      ago: string;
      devices: number | null;
      shards: number | null;
      lease_tps: number | null;
      allowance: number | null;
      requests: string | null;
      updated_at: string | null;
      keys: unknown;
    }>`select r.address, r.healthy, (extract(epoch from (now() at time zone 'utc' - r.last_heartbeat)) * 1000)::bigint as ago,
        s.devices, s.shards, s.lease_tps, s.allowance, s.requests, s.updated_at, s.keys
      from cluster_runners r left join wattstream_cluster_runner_stats s on s.runner = r.address
      order by r.address`;
    const budgets = yield* sql<{ key_id: string; tps_limit: number | null; tpd_limit: string | null; granted_today: string; leases: unknown; last_grant_at: string }>`
      select key_id, tps_limit, tpd_limit, granted_today, leases, last_grant_at from wattstream_cluster_budget order by key_id`;
    const lag =
      exists.checkpoints == null
        ? []
        : yield* sql<{ stream: string; devices: string; p50: number; max: number }>`
            select stream, count(*) as devices,
              percentile_cont(0.5) within group (order by ${now / 1000} - watermark) as p50, max(${now / 1000} - watermark) as max
            from checkpoints group by stream order by stream`;
    const leasesOf = (v: unknown): ReadonlyArray<{ runner: string; tps: number }> => {
      const parsed: unknown = typeof v === "string" ? JSON.parse(v) : v;
      return Array.isArray(parsed)
        ? parsed.flatMap((l: { runner?: unknown; tps?: unknown }) => (typeof l.runner === "string" && typeof l.tps === "number" ? [{ runner: l.runner, tps: l.tps }] : []))
        : [];
    };
    const keysOf = (v: unknown): ReadonlyArray<RunnerKeyStatus> => {
      const parsed: unknown = typeof v === "string" ? JSON.parse(v) : v;
      return Array.isArray(parsed)
        ? parsed.flatMap((k: { keyId?: unknown; devices?: unknown; held?: unknown; unused?: unknown; requests?: unknown }) =>
            typeof k.keyId === "string"
              ? [{ keyId: k.keyId, devices: Number(k.devices ?? 0), leaseTps: Number(k.held ?? 0), allowance: Number(k.unused ?? 0), requests: Number(k.requests ?? 0) }]
              : [],
          )
        : [];
    };
    const perRunner = runners.map((r) => ({ r, keys: keysOf(r.keys) }));
    const perKey = (keyId: string, field: "devices" | "requests") =>
      perRunner.reduce((n, { r, keys }) => n + (r.healthy ? keys.filter((k) => k.keyId === keyId).reduce((m, k) => m + k[field], 0) : 0), 0);
    return {
      runners: perRunner.map(({ r, keys }) => ({
        address: r.address,
        healthy: Boolean(r.healthy),
        lastHeartbeatAgoMs: Math.max(0, Number(r.ago)),
        devices: num(r.devices),
        shards: num(r.shards),
        leaseTps: num(r.lease_tps),
        allowance: num(r.allowance),
        requests: num(r.requests),
        statsAgoMs: r.updated_at === null ? undefined : Math.max(0, now - Number(r.updated_at)),
        keys,
      })),
      budgets: budgets.map((b) => ({
        keyId: b.key_id,
        tpsLimit: num(b.tps_limit),
        tpdLimit: num(b.tpd_limit),
        grantedToday: Number(b.granted_today),
        leases: leasesOf(b.leases),
        lastGrantAgoMs: Math.max(0, now - Number(b.last_grant_at)),
        devices: perKey(b.key_id, "devices"),
        requests: perKey(b.key_id, "requests"),
      })),
      lag: lag.map((l) => ({ stream: l.stream, devices: Number(l.devices), p50Seconds: Math.round(Number(l.p50)), maxSeconds: Math.round(Number(l.max)) })),
    };
  });

/**
 * Reads a cluster's state from its PostgreSQL database without joining it: runners (health, shards, devices,
 * budget share), each key's budget, and the lag of every stream. Fails with `InvalidStoreUrlError`,
 * `StoreUnavailableError` or {@link NoClusterError}.
 *
 * @example
 * ```ts
 * import { clusterStatus } from "@wattstream/cluster";
 * const status = await clusterStatus("postgres://localhost/energy");
 * console.table(status.runners);
 * ```
 * @category constructors
 */
export const clusterStatus = (url: string, options: { readonly connectTimeoutMs?: number } = {}): Promise<ClusterStatus> =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const location = yield* parseStoreUrl(url);
        if (location.dialect !== "postgres")
          return yield* Effect.fail(new InvalidStoreUrlError({ url: location.url, rule: "a cluster lives in PostgreSQL: postgres://user:password@host:5432/db" }));
        const unavailable = (e: SqlError) => new StoreUnavailableError({ url: location.url, reason: e.message, cause: e });
        const sql = yield* PgClient.make({
          url: location.connection,
          connectTimeout: Duration.millis(options.connectTimeoutMs ?? 10_000),
          applicationName: "@wattstream/cluster status",
          maxConnections: 1,
        }).pipe(Effect.provide(Reactivity.layer), Effect.mapError(unavailable));
        const now = Date.now();
        return yield* read(sql, location.url, now).pipe(Effect.catchTag("SqlError", (e) => Effect.fail(unavailable(e))));
      }),
    ),
  );
