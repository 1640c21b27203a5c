import { createHash } from "node:crypto";
import { Clock, Context, Deferred, Duration, Effect, Fiber, Layer, Option, Schedule, Scope } from "effect";
import type { Cause, Config } from "effect";
import type * as SocketServer from "effect/socket/SocketServer";
import * as Entity from "effect/cluster/Entity";
import * as RunnerAddress from "effect/cluster/RunnerAddress";
import * as ShardId from "effect/cluster/ShardId";
import * as Sharding from "effect/cluster/Sharding";
import * as ShardingConfig from "effect/cluster/ShardingConfig";
import * as Singleton from "effect/cluster/Singleton";
import { SqlClient } from "effect/sql/SqlClient";
import type { SqlError } from "effect/sql/SqlError";
import * as NodeClusterSocket from "@effect/platform-node/NodeClusterSocket";
import * as PgClient from "@effect/sql-pg/PgClient";
import * as Reactivity from "effect/reactivity/Reactivity";
import type { SchedulerLike } from "rxjs";
import { isDeviceId } from "@wattstream/core";
import type { DeviceId } from "@wattstream/core";
import type { DeviceStreamOptions, EnergyStreamOptions } from "@wattstream/rx";
import { InvalidStoreUrlError, openStore, parseStoreUrl, StoreUnavailableError } from "@wattstream/store";
import type { SchemaTooNewError, StoreSink } from "@wattstream/store";
import { makeClient } from "@wattstream/transport";
import type { WattwatchersClient } from "@wattstream/transport";
import { BudgetOwner, DeviceWatcher } from "./protocol.js";
import { grant, makeLedger, release } from "./internal/ledger.js";
import type { LeaseGrant } from "./internal/ledger.js";
import { makeLeasedPacer } from "./internal/leasedPacer.js";
import type { LeaseView } from "./internal/leasedPacer.js";
import { pollDevice } from "./internal/poll.js";
import { ensureClusterTables, readBudgetRow, writeBudgetRow, writeRunnerStats } from "./internal/tables.js";

/**
 * Options of {@link runnerLayer}. Every runner of one cluster must use the same `postgres`, `apiKey`, `lease` and
 * `sharding.shardsPerGroup`.
 *
 * @category models
 */
export interface RunnerOptions {
  /** The PostgreSQL database of the cluster (its shards and messages) and of the energy store. */
  readonly postgres: string;
  /** The Wattwatchers API key whose devices the cluster watches. */
  readonly apiKey: string;
  /** The API's base URL. @default the production API */
  readonly baseUrl?: string | undefined;
  /** Where this runner listens for the other runners, and the address it is known by. @default 127.0.0.1:34431 */
  readonly listen?:
    | {
        /** Host name or IP address (also what the other runners connect to). */
        readonly host: string;
        /** TCP port. */
        readonly port: number;
      }
    | undefined;
  /** Timers of the rx streams (a `scaledScheduler` against a sped-up simulator). @default asyncScheduler */
  readonly scheduler?: SchedulerLike | undefined;
  /** Options of every device's energy stream (`checkpoints` and `scheduler` are the runner's). */
  readonly energy?: Omit<EnergyStreamOptions, "checkpoints" | "scheduler"> | undefined;
  /** Options of every device's state stream. */
  readonly device?: Omit<DeviceStreamOptions, "scheduler"> | undefined;
  /** How often the fleet supervisor lists the key's devices, ms. @default 60000 */
  readonly listEveryMs?: number | undefined;
  /**
   * The shared budget: a lease lasts `termMs` (default 3000) and is renewed every `renewEveryMs` (1000); capacity
   * taken back is leased again after `cooldownMs` (2000); daily requests are handed out `dailyBatch` (600) at a time.
   */
  readonly lease?:
    | {
        /** How long a lease lasts unless renewed, ms. @default 3000 */
        readonly termMs?: number | undefined;
        /** How often a runner renews its lease, ms. @default 1000 */
        readonly renewEveryMs?: number | undefined;
        /** How long capacity taken back waits before it is leased again, ms. @default 2000 */
        readonly cooldownMs?: number | undefined;
        /** Daily requests asked for at a time. @default 600 */
        readonly dailyBatch?: number | undefined;
      }
    | undefined;
  /** Effect Cluster settings (see `ShardingConfig`); the runner's defaults detect a dead runner within seconds. */
  readonly sharding?: Partial<ShardingConfig.ShardingConfig["Service"]> | undefined;
  /** Store handles (each its own connections and commit order); devices are spread over them. @default 4 */
  readonly storeConnections?: number | undefined;
  /** Called with each device this runner starts or stops watching (logs, tests). */
  readonly onWatch?: ((event: { readonly deviceId: DeviceId; readonly watching: boolean }) => void) | undefined;
}

/** What every entity of this runner shares. */
interface RunnerRuntimeShape {
  readonly keyId: string;
  readonly runner: string;
  readonly client: WattwatchersClient;
  /** The store sink a device writes through (always the same one for a device). */
  readonly sinkOf: (id: DeviceId) => StoreSink;
  readonly options: RunnerOptions;
  readonly watching: Set<DeviceId>;
  readonly lease: () => LeaseView;
  readonly requests: () => number;
}

const RunnerRuntime = Context.Service<RunnerRuntimeShape>("@wattstream/cluster/RunnerRuntime");

/**
 * The fingerprint of an API key that names its budget owner and fleet supervisor (and appears in tables and
 * `cluster status`): 16 hex digits of its SHA-256, never the key itself.
 *
 * @example
 * ```ts
 * import { keyFingerprint } from "@wattstream/cluster";
 * keyFingerprint("my-api-key"); // "1a2b…" (16 hex digits)
 * ```
 * @category constructors
 */
export const keyFingerprint = (apiKey: string): string => createHash("sha256").update(apiKey).digest("hex").slice(0, 16);

/**
 * The Effect Cluster settings a runner uses unless told otherwise: a dead runner is noticed within seconds.
 *
 * @category models
 */
export const DEFAULT_SHARDING: Partial<ShardingConfig.ShardingConfig["Service"]> = {
  // A runner that stops heartbeating (SIGKILL, a lost machine) leaves the runner list after shardLockExpiration
  // and its shards go to the others; Effect's defaults (10 s / 35 s) make that ~35 s.
  shardLockRefreshInterval: Duration.seconds(3),
  shardLockExpiration: Duration.seconds(12),
  runnerHealthCheckInterval: Duration.seconds(2),
  entityMessagePollInterval: Duration.seconds(1),
  refreshAssignmentsInterval: Duration.seconds(1),
  entityMaxIdleTime: Duration.minutes(10),
  entityTerminationTimeout: Duration.seconds(5),
};

const leaseDefaults = (options: RunnerOptions) => ({
  termMs: options.lease?.termMs ?? 3000,
  renewEveryMs: options.lease?.renewEveryMs ?? 1000,
  cooldownMs: options.lease?.cooldownMs ?? 2000,
  dailyBatch: options.lease?.dailyBatch ?? 600,
});

const nullable = (n: number | undefined): number | null => (n === undefined ? null : n);

/** The entity of one device: `Watch` starts its polling (once), `Unwatch` stops it and completes every `Watch`. */
const deviceLayer = DeviceWatcher.toLayer(
  Effect.gen(function* () {
    const rt = yield* RunnerRuntime;
    const address = yield* Entity.CurrentAddress;
    const scope = yield* Scope.Scope;
    const raw = address.entityId;
    let stopped = yield* Deferred.make<void>();
    let fiber: Fiber.Fiber<void> | undefined;
    const poll = (id: DeviceId) =>
      pollDevice(
        { client: rt.client, sink: rt.sinkOf(id), scheduler: rt.options.scheduler, energy: rt.options.energy, device: rt.options.device },
        id,
      ).pipe(
        Effect.tapError((e) => Effect.logWarning(e.message)),
        Effect.retry({
          while: (e) => !e.gone,
          schedule: Schedule.min([Schedule.exponential(Duration.seconds(1)), Schedule.spaced(Duration.minutes(5))]),
        }),
        Effect.catch((e) => Effect.logWarning(`${e.message}; the device is no longer watched here`)),
        Effect.ensuring(
          Effect.sync(() => {
            rt.watching.delete(id);
            rt.options.onWatch?.({ deviceId: id, watching: false });
          }),
        ),
      );
    const start = Effect.suspend(() => {
      if (fiber !== undefined || !isDeviceId(raw)) return Effect.void;
      rt.watching.add(raw);
      rt.options.onWatch?.({ deviceId: raw, watching: true });
      return Effect.forkIn(poll(raw), scope).pipe(
        Effect.map((f) => {
          fiber = f;
        }),
      );
    });
    return DeviceWatcher.of({
      Watch: () =>
        Effect.andThen(
          start,
          Effect.suspend(() => Deferred.await(stopped)),
        ),
      Unwatch: () =>
        Effect.gen(function* () {
          const f = fiber;
          fiber = undefined;
          if (f !== undefined) yield* Fiber.interrupt(f);
          yield* Deferred.succeed(stopped, undefined);
          stopped = yield* Deferred.make<void>();
        }),
    });
  }),
  { concurrency: "unbounded" },
);

/** The budget owner of one key: the ledger in memory, the day's grants in PostgreSQL for the next owner. */
const budgetLayer = BudgetOwner.toLayer(
  Effect.gen(function* () {
    const rt = yield* RunnerRuntime;
    const sql = yield* SqlClient;
    const keyId = (yield* Entity.CurrentAddress).entityId;
    const { termMs, cooldownMs } = leaseDefaults(rt.options);
    const now = yield* Clock.currentTimeMillis;
    const stored = yield* readBudgetRow(sql, keyId).pipe(Effect.orDie);
    const ledger = makeLedger({ termMs, cooldownMs }, now, stored);
    // Before this owner, another may have leased: wait its leases out (nothing is granted before openAt), but
    // only if it granted anything recently.
    const open = stored === undefined ? now : Math.min(ledger.openAt, stored.lastGrantAt + termMs + cooldownMs);
    const book = { ...ledger, openAt: Math.max(now, open) };
    if (stored !== undefined) {
      book.tpsLimit = stored.tpsLimit ?? undefined;
      book.tpdLimit = stored.tpdLimit ?? undefined;
    }
    const save = (at: number) => writeBudgetRow(sql, keyId, book, at).pipe(Effect.orDie);
    return BudgetOwner.of({
      Lease: ({ payload }) =>
        Effect.gen(function* () {
          const at = yield* Clock.currentTimeMillis;
          const g: LeaseGrant = grant(
            book,
            {
              runner: payload.runner,
              wantDaily: payload.wantDaily,
              observed: { tpsLimit: payload.tpsLimit ?? undefined, tpdLimit: payload.tpdLimit ?? undefined },
            },
            at,
          );
          yield* save(at);
          return { ...g, tpdLimit: nullable(g.tpdLimit), tpdLeft: nullable(g.tpdLeft) };
        }),
      Release: ({ payload }) =>
        Effect.flatMap(Clock.currentTimeMillis, (at) => Effect.andThen(Effect.sync(() => release(book, payload.runner, at)), save(at))),
      Usage: () =>
        Effect.map(Clock.currentTimeMillis, (at) => ({
          tpsLimit: nullable(book.tpsLimit),
          tpdLimit: nullable(book.tpdLimit),
          grantedToday: book.grantedToday,
          leases: [...book.leases].map(([runner, l]) => ({ runner, tps: l.tps, expiresInMs: l.expiresAt - at })),
          cooling: book.cooling.reduce((n, c) => n + c.tps, 0),
        })),
    });
  }),
  { maxIdleTime: Duration.hours(1) },
);

/** The fleet supervisor of one key: lists the key's devices and sends `Watch` to those that joined, `Unwatch` to those that left. */
const supervisorLayer = (keyId: string, listEveryMs: number) =>
  Singleton.make(
    `wattstream-fleet-${keyId}`,
    Effect.gen(function* () {
      const rt = yield* RunnerRuntime;
      const devices = yield* DeviceWatcher.client;
      let known = new Set<string>();
      const round = Effect.gen(function* () {
        const listed = new Set<string>(yield* rt.client.listDevices());
        const joined = [...listed].filter((id) => !known.has(id));
        const left = [...known].filter((id) => !listed.has(id));
        yield* Effect.forEach(joined, (id) => devices(id).Watch({ key: keyId }, { discard: true }), { concurrency: 32, discard: true });
        yield* Effect.forEach(left, (id) => devices(id).Unwatch(undefined, { discard: true }), { concurrency: 32, discard: true });
        known = listed;
        if (joined.length + left.length > 0) yield* Effect.logInfo(`fleet ${keyId}: ${listed.size} devices (+${joined.length} −${left.length})`);
      });
      yield* round.pipe(
        Effect.catchCause((cause: Cause.Cause<unknown>) => Effect.logWarning("fleet supervisor: listing devices failed; trying again", cause)),
        Effect.andThen(Effect.sleep(Duration.millis(listEveryMs))),
        Effect.forever,
      );
    }),
  );

/** Each runner's figures in PostgreSQL every second, for `cluster status`. */
const statsLayer = Layer.effectDiscard(
  Effect.gen(function* () {
    const rt = yield* RunnerRuntime;
    const sql = yield* SqlClient;
    const sharding = yield* Sharding.Sharding;
    const perGroup = rt.options.sharding?.shardsPerGroup ?? ShardingConfig.defaults.shardsPerGroup;
    const groups = rt.options.sharding?.assignedShardGroups ?? ShardingConfig.defaults.assignedShardGroups;
    const shards = () => {
      let n = 0;
      for (const group of groups) for (let i = 1; i <= perGroup; i++) if (sharding.hasShardId(ShardId.make(group, i))) n++;
      return n;
    };
    yield* Effect.flatMap(Clock.currentTimeMillis, (at) => writeRunnerStats(sql, rt, shards(), at)).pipe(
      Effect.catchCause((cause) => Effect.logWarning("writing the runner's figures failed", cause)),
      Effect.andThen(Effect.sleep(Duration.seconds(1))),
      Effect.forever,
      Effect.forkScoped,
    );
  }),
);

/** Errors that stop a runner from starting. @category errors */
export type RunnerStartError =
  | InvalidStoreUrlError
  | StoreUnavailableError
  | SchemaTooNewError
  | SqlError
  | SocketServer.SocketServerError
  | Config.ConfigError;

const runtimeLayer = (options: RunnerOptions, keyId: string, runner: string) =>
  Layer.effect(
    RunnerRuntime,
    Effect.gen(function* () {
      const sql = yield* SqlClient;
      yield* ensureClusterTables(sql);
      const budget = yield* BudgetOwner.client;
      const lease = leaseDefaults(options);
      let requests = 0;
      const leased = yield* makeLeasedPacer({
        runner,
        dailyBatch: lease.dailyBatch,
        renewEveryMs: lease.renewEveryMs,
        lease: (req) =>
          budget(keyId)
            .Lease({
              runner: req.runner,
              wantDaily: req.wantDaily,
              tpsLimit: nullable(req.observed?.tpsLimit),
              tpdLimit: nullable(req.observed?.tpdLimit),
            })
            .pipe(
              Effect.timeout(Duration.millis(lease.termMs)),
              Effect.map((g) => ({ ...g, tpdLimit: g.tpdLimit ?? undefined, tpdLeft: g.tpdLeft ?? undefined })),
            ),
      });
      const pacing = {
        ...leased.pacer,
        pace: <A, E, R>(effect: Effect.Effect<A, E, R>, request?: Parameters<typeof leased.pacer.pace>[1]) =>
          leased.pacer.pace(
            Effect.suspend(() => {
              requests++;
              return effect;
            }),
            request,
          ),
      };
      const client = makeClient({ apiKey: options.apiKey, ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }), pacing });
      // A store handle commits its writes one after the other (so a checkpoint never overtakes its data), and each
      // energy request ends in a checkpoint commit: several handles, each device on one of them, keep the
      // database's round trips from bounding the request rate.
      const stores = yield* Effect.forEach(Array.from({ length: Math.max(1, options.storeConnections ?? 4) }), () =>
        Effect.acquireRelease(
          // openStore rejects only with the store's typed errors (InvalidStoreUrlError, StoreUnavailableError,
          // SchemaTooNewError), all members of RunnerStartError.
          Effect.tryPromise({ try: () => openStore(options.postgres), catch: (e) => e as RunnerStartError }),
          (s) => Effect.promise(() => s.close()),
        ),
      );
      const [first, ...rest] = stores.map((s) => s.sink());
      if (first === undefined) return yield* Effect.die(new RangeError("storeConnections must be at least 1"));
      const sinks = [first, ...rest];
      yield* Effect.addFinalizer(() =>
        Effect.andThen(
          Effect.promise(() => Promise.all(sinks.map((s) => s.flush().catch(() => undefined)))),
          budget(keyId).Release({ runner }).pipe(Effect.timeout(Duration.seconds(1)), Effect.ignore),
        ),
      );
      const sinkOf = (id: DeviceId): StoreSink => {
        let h = 0;
        for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) | 0;
        return sinks[Math.abs(h) % sinks.length] ?? first;
      };
      return { keyId, runner, client, sinkOf, options, watching: new Set<DeviceId>(), lease: leased.view, requests: () => requests };
    }),
  );

/**
 * A cluster runner as a layer: joins the cluster in `options.postgres` (Effect Cluster's shard locks, runner list
 * and persisted messages), listens on `options.listen` for the other runners, and hosts its share of the device
 * entities, the key's budget owner and fleet supervisor when assigned here. `Layer.launch` it to run until
 * interrupted; interruption hands its shards and its budget lease back.
 *
 * @example
 * ```ts
 * import { Effect, Layer } from "effect";
 * import { runnerLayer } from "@wattstream/cluster";
 * Effect.runFork(Layer.launch(runnerLayer({ postgres: "postgres://localhost/energy", apiKey: process.env.WW_API_KEY!, listen: { host: "10.0.0.5", port: 34431 } })));
 * ```
 * @category constructors
 */
export const runnerLayer = (options: RunnerOptions): Layer.Layer<never, RunnerStartError> => {
  const keyId = keyFingerprint(options.apiKey);
  const listen = options.listen ?? { host: "127.0.0.1", port: 34431 };
  const runner = `${listen.host}:${listen.port}`;
  const app = Layer.mergeAll(deviceLayer, budgetLayer, supervisorLayer(keyId, options.listEveryMs ?? 60_000), statsLayer).pipe(
    Layer.provide(runtimeLayer(options, keyId, runner)),
  );
  const cluster = NodeClusterSocket.layer({
    storage: "sql",
    shardingConfig: {
      ...DEFAULT_SHARDING,
      ...options.sharding,
      runnerAddress: Option.some(RunnerAddress.make(listen.host, listen.port)),
    },
  });
  // Connect (and fail with the store's one-line error, password hidden) before Effect Cluster's storage would die
  // on an unreachable database.
  const pg: Layer.Layer<SqlClient, InvalidStoreUrlError | StoreUnavailableError> = Layer.effect(
    SqlClient,
    Effect.gen(function* () {
      const location = yield* parseStoreUrl(options.postgres);
      if (location.dialect !== "postgres")
        return yield* Effect.fail(new InvalidStoreUrlError({ url: location.url, rule: "a cluster needs PostgreSQL: postgres://user:password@host:5432/db" }));
      const unavailable = (e: SqlError) => new StoreUnavailableError({ url: location.url, reason: e.message, cause: e });
      const sql = yield* PgClient.make({ url: location.connection, applicationName: "@wattstream/cluster", connectTimeout: Duration.seconds(10) }).pipe(
        Effect.provide(Reactivity.layer),
        Effect.mapError(unavailable),
      );
      yield* sql`select 1`.pipe(Effect.mapError(unavailable));
      return sql;
    }),
  );
  return app.pipe(Layer.provide(cluster), Layer.provide(pg));
};
