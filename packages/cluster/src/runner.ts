import { createHash } from "node:crypto";
import { Clock, Context, Data, Deferred, Duration, Effect, Fiber, Layer, Option, Schedule, Scope } from "effect";
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
import { connectionPool } from "@wattstream/transport/node";
import type { ClientOptions, WattwatchersClient } from "@wattstream/transport";
import { BudgetUnavailable, makeBudgetLedger, makeLeasedPacer } from "@wattstream/resilience";
import type { BudgetLessor, PacerSnapshot } from "@wattstream/resilience";
import { BudgetOwner, DeviceWatcher } from "./protocol.js";
import { groupCommit } from "./internal/groupCommit.js";
import { pollDevice } from "./internal/poll.js";
import { awaitRunners } from "./internal/startGate.js";
import { ensureClusterTables, readBudgetRow, writeBudgetRow, writeRunnerStats } from "./internal/tables.js";
import type { LeaseFigures } from "./internal/tables.js";

/**
 * Options of {@link runnerLayer}. Every runner of one cluster must use the same `postgres`, `apiKey`, `lease` and
 * `sharding.shardsPerGroup`.
 *
 * @category models
 */
export interface RunnerOptions {
  /** The PostgreSQL database of the cluster (its shards and messages) and of the energy store. */
  readonly postgres: string;
  /** The Wattwatchers API key whose devices the cluster watches (one of `apiKey` / `apiKeys` at least). */
  readonly apiKey?: string | undefined;
  /**
   * Several API keys watched by one cluster: each key gets its own fleet supervisor and budget owner (singletons
   * named by its {@link keyFingerprint}), its own client and leased pacer in every runner, and its devices are
   * entities keyed by (fingerprint, `DeviceId`). Joined with `apiKey`; duplicates count once.
   */
  readonly apiKeys?: ReadonlyArray<string> | undefined;
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
   * Runners started together: the fleet supervisor sends its first `Watch`es only once this many runners hold the
   * cluster's shards between them (each some, all of them taken; read from the runners' figures), or after
   * `startTimeoutMs`. A cluster of N runners started at once then gives every device and the budget owner its place
   * once, instead of starting them all on the first runner up and handing two thirds of them off as the others join.
   * @default 1 (start at once)
   */
  readonly startWithRunners?: number | undefined;
  /** The longest the fleet supervisor waits for `startWithRunners`, ms. @default 30000 */
  readonly startTimeoutMs?: number | undefined;
  /**
   * The shared budget (`@wattstream/resilience`'s `makeBudgetLedger` in the owner, `makeLeasedPacer` in each
   * runner): a lease is `size` one-shot request slots (default 20), usable for `ttlMs` (3000) after it was asked
   * for; a runner that dies leaves its slots out until `ttlMs + maxLatencyMs + 1 s + 50 ms` after the grant, and
   * a new owner waits that long after the previous owner's last grant. `maxLatencyMs` (10000) must not be below the
   * transport's request timeout (10 s).
   */
  readonly lease?:
    | {
        /** Most slots in one lease. @default 20 */
        readonly size?: number | undefined;
        /** How long a runner may start requests under a lease, ms. @default 3000 */
        readonly ttlMs?: number | undefined;
        /** The longest a request takes to be counted by the service after its sending, ms. @default 10000 */
        readonly maxLatencyMs?: number | undefined;
        /**
         * Cooled slots a runner hands back together while it still holds their lease (`makeLeasedPacer`'s
         * `partSlots`): each slot is free again about a second after its own answer. `Infinity`: with the lease.
         * @default a quarter of `size`
         */
        readonly partSlots?: number | undefined;
      }
    | undefined;
  /** Effect Cluster settings (see `ShardingConfig`); the runner's defaults detect a dead runner within seconds. */
  readonly sharding?: Partial<ShardingConfig.ShardingConfig["Service"]> | undefined;
  /** Store handles (each its own connections and commit order); devices are spread over them. @default 4 */
  readonly storeConnections?: number | undefined;
  /**
   * HTTP connections to the API kept open and reused between polls, shared by every key of this runner (transport's
   * `connectionPool`, 1–1,024; an out-of-range value is a defect at start).
   * @default 32
   */
  readonly httpConnections?: number | undefined;
  /** Called with each device this runner starts or stops watching, and the fingerprint of the key it is watched under (logs, tests). */
  readonly onWatch?: ((event: { readonly deviceId: DeviceId; readonly keyId: string; readonly watching: boolean }) => void) | undefined;
}

/** One API key in this runner: its client (paced by leases from the key's budget owner) and its figures. */
interface KeyRuntime {
  readonly keyId: string;
  readonly client: WattwatchersClient;
  /** Device entities of this key watched here. */
  readonly watching: Set<DeviceId>;
  /** The key's pacer's books (slots it holds). */
  readonly pacing: () => PacerSnapshot | undefined;
  /** Its calls to the key's budget owner. */
  readonly leaseFigures: LeaseFigures;
  readonly requests: () => number;
}

/** What every entity of this runner shares. */
interface RunnerRuntimeShape {
  readonly runner: string;
  /** The runner's keys by fingerprint. */
  readonly keys: ReadonlyMap<string, KeyRuntime>;
  /** The store sink a device writes through (always the same one for a device). */
  readonly sinkOf: (id: DeviceId) => StoreSink;
  readonly options: RunnerOptions;
}

const RunnerRuntime = Context.Service<RunnerRuntimeShape>("@wattstream/cluster/RunnerRuntime");

/** The budget owner's own PostgreSQL connection (its books' reads and writes), apart from Effect Cluster's pool. */
const BooksSql = Context.Service<SqlClient>("@wattstream/cluster/BooksSql");

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
  size: options.lease?.size ?? 20,
  ttlMs: options.lease?.ttlMs ?? 3000,
  maxLatencyMs: options.lease?.maxLatencyMs ?? 10_000,
});

/**
 * The longest an owner tells a runner to wait before asking again while every slot is out. The ledger's own hint
 * is when the oldest lease would be reclaimed (up to a lease lifetime), but give-backs free slots much sooner.
 */
const BUSY_RETRY_MS = 250;

/**
 * How long the owner holds a lease call open while every slot is out (woken by the next give-back, so a freed
 * slot is granted at once rather than at the runner's next poll): a third of the lease ttl, at most 1 s, well
 * inside the runner's own timeout (the ttl), so the answer is not lost.
 */
const holdMs = (ttlMs: number): number => Math.min(1000, Math.floor(ttlMs / 3));

const DAY_MS = 86_400_000;

/**
 * `Watch`es the fleet supervisor has under way at once (each a persisted message: a write to PostgreSQL and a call to
 * the device's runner). At 32, 600 devices took 4.5 s to be watched, so a starting back-fill ran below the key's TPS
 * for seconds; at 200, 1.4 s (the bench: the first second at 165 instead of 80 requests).
 */
const WATCH_CONCURRENCY = 200;

/**
 * The entity ID of a device watched under a key: the key's fingerprint and the `DeviceId`, joined by `/` (a device
 * seen by two keys is two entities, each polling under its own key's budget).
 *
 * @example
 * ```ts
 * import { deviceEntityId, keyFingerprint } from "@wattstream/cluster";
 * import { parseDeviceId } from "@wattstream/core";
 * deviceEntityId(keyFingerprint("my-api-key"), parseDeviceId("D123456789012")); // "1a2b…/D123456789012"
 * ```
 * @category constructors
 */
export const deviceEntityId = (keyId: string, deviceId: DeviceId): string => `${keyId}/${deviceId}`;

/** The key fingerprint and device of an entity ID, or `undefined` for one this version does not name (an older cluster's bare `DeviceId`). */
const parseEntityId = (raw: string): { readonly keyId: string; readonly deviceId: DeviceId } | undefined => {
  const slash = raw.indexOf("/");
  const deviceId = raw.slice(slash + 1);
  return slash <= 0 || !isDeviceId(deviceId) ? undefined : { keyId: raw.slice(0, slash), deviceId };
};

/** The entity of one device under one key: `Watch` starts its polling (once), `Unwatch` stops it and completes every `Watch`. */
const deviceLayer = DeviceWatcher.toLayer(
  Effect.gen(function* () {
    const rt = yield* RunnerRuntime;
    const address = yield* Entity.CurrentAddress;
    const scope = yield* Scope.Scope;
    const raw = address.entityId;
    const named = parseEntityId(raw);
    const key = named === undefined ? undefined : rt.keys.get(named.keyId);
    let stopped = yield* Deferred.make<void>();
    let fiber: Fiber.Fiber<void> | undefined;
    const poll = (k: KeyRuntime, id: DeviceId) =>
      pollDevice(
        { client: k.client, sink: rt.sinkOf(id), scheduler: rt.options.scheduler, energy: rt.options.energy, device: rt.options.device },
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
            k.watching.delete(id);
            rt.options.onWatch?.({ deviceId: id, keyId: k.keyId, watching: false });
          }),
        ),
      );
    const start = Effect.suspend(() => {
      if (fiber !== undefined || named === undefined || key === undefined) return Effect.void;
      key.watching.add(named.deviceId);
      rt.options.onWatch?.({ deviceId: named.deviceId, keyId: key.keyId, watching: true });
      return Effect.forkIn(poll(key, named.deviceId), scope).pipe(
        Effect.map((f) => {
          fiber = f;
        }),
      );
    });
    // An entity ID without a key (an older cluster's bare DeviceId): its Watch is answered at once, so the message
    // counts as processed; the key's supervisor sends the device's Watch again under its new ID.
    if (named === undefined) {
      yield* Effect.logInfo(`entity ${raw} is not named by a key fingerprint and a device ID: not watched (the key's supervisor watches it under its new ID)`);
      return DeviceWatcher.of({ Watch: () => Effect.void, Unwatch: () => Effect.void });
    }
    // A key another runner has and this one lacks: the Watch waits here (the shard may move to a runner that has
    // the key); every runner of a cluster must be given the same keys.
    if (key === undefined)
      yield* Effect.logError(`device ${named.deviceId} is watched under key ${named.keyId}, which this runner was not given: every runner of a cluster needs the same keys`);
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

/**
 * The budget owner of one key: resilience's ledger in memory; after every grant, the day's grants and the time of
 * the grant in PostgreSQL, so the next owner (after this runner died) waits only until this owner's leases can be
 * reclaimed and knows the day's budget at once.
 */
const budgetLayer = BudgetOwner.toLayer(
  Effect.gen(function* () {
    const rt = yield* RunnerRuntime;
    const sql = yield* BooksSql;
    const keyId = (yield* Entity.CurrentAddress).entityId;
    const { size, ttlMs, maxLatencyMs } = leaseDefaults(rt.options);
    const stored = yield* readBudgetRow(sql, keyId).pipe(Effect.orDie);
    const tpsLimit = stored?.tpsLimit ?? undefined;
    const tpdLimit = stored?.tpdLimit ?? undefined;
    const ledger = yield* makeBudgetLedger({
      tps: tpsLimit,
      tpd: tpdLimit,
      leaseSize: size,
      leaseTtl: Duration.millis(ttlMs),
      maxLatency: Duration.millis(maxLatencyMs),
      // No row: no owner of this key ever granted anything, so no lease can be out.
      takeover: stored !== undefined,
      previous:
        stored === undefined
          ? undefined
          : {
              lastGrantAt: stored.lastGrantAt,
              tpdRemaining: tpdLimit === undefined ? undefined : tpdLimit - stored.grantedToday,
              // The predecessor's open leases (saved before each was answered): held until given back here or
              // reclaimed, and the rest of the TPS granted at once — no pause.
              outstanding: stored.openLeases,
            },
    });
    const startedAt = yield* Clock.currentTimeMillis;
    let firstGrant = true;
    yield* Effect.logInfo(
      `budget owner of key ${keyId} starts on ${rt.runner}` +
        (stored === undefined ? "" : stored.openLeases === undefined ? " (pausing one lease lifetime after the last owner's last grant)" : ` (adopting ${stored.openLeases.length} open leases)`),
    );
    const write = Effect.gen(function* () {
      const at = yield* Clock.currentTimeMillis;
      const books = yield* ledger.snapshot;
      const grantedToday = books.tpdLimit === undefined || books.tpdRemaining === undefined ? 0 : books.tpdLimit - books.tpdRemaining;
      yield* writeBudgetRow(
        sql,
        keyId,
        { day: Math.floor(at / DAY_MS), grantedToday, tpsLimit: books.tpsLimit, tpdLimit: books.tpdLimit, runners: books.runners, openLeases: books.openLeases },
        at,
      );
      if (firstGrant) {
        firstGrant = false;
        yield* Effect.logInfo(`budget owner of key ${keyId}: first lease ${at - startedAt} ms after it started (at=${at})`);
      }
    });
    // One write at a time, each with the books as they are when it starts: the last row written always holds every
    // lease answered so far (the entity handles its messages concurrently). Group commit: saves asked for while one
    // is being written share the next write — a lease's slots count from its grant, so the time it waits for its
    // save is budget nobody spends, and one write per lease queued up to a second behind PostgreSQL under load.
    const save = (yield* groupCommit(write)).pipe(Effect.orDie);
    const hold = Duration.millis(holdMs(ttlMs));
    return BudgetOwner.of({
      // Held open while every slot is out (the ledger's `acquire`, first come first served, woken by give-backs),
      // but answered "busy" well before the runner's timeout, so a lease is never answered to nobody; a call asking
      // ahead (`prefetch`) is answered at once. The lease is stored before it is answered, so a next owner knows
      // of it.
      Lease: ({ payload }) =>
        ledger.acquire(payload.runner, payload.request).pipe(
          Effect.timeoutOrElse({
            duration: hold,
            orElse: () => Effect.fail(new BudgetUnavailable({ reason: "busy", retryAfterMs: 0, detail: "every slot is leased" })),
          }),
          Effect.tap(() => save),
          Effect.mapError((e) => (e.reason === "busy" && e.retryAfterMs > BUSY_RETRY_MS ? new BudgetUnavailable({ ...e, retryAfterMs: BUSY_RETRY_MS }) : e)),
        ),
      GiveBack: ({ payload }) => ledger.giveBack(payload),
      // Not stored: a next owner holding these slots until the lease comes back only under-uses the budget.
      GiveBackPart: ({ payload }) => ledger.giveBackPart(payload),
      Report: ({ payload }) => ledger.adopt(payload),
    });
  }),
  // Lease calls wait inside the ledger while give-backs and reports must get through: unbounded concurrency.
  { maxIdleTime: Duration.hours(1), concurrency: "unbounded" },
);

/** The fleet supervisor of one key: lists the key's devices and sends `Watch` to those that joined, `Unwatch` to those that left. */
const supervisorLayer = (key: KeyRuntime, listEveryMs: number, start: Effect.Effect<boolean, never, SqlClient>) =>
  Singleton.make(
    `wattstream-fleet-${key.keyId}`,
    Effect.gen(function* () {
      yield* start;
      const { keyId, client } = key;
      const entities = yield* DeviceWatcher.client;
      const devices = (id: DeviceId) => entities(deviceEntityId(keyId, id));
      let known = new Set<DeviceId>();
      const round = Effect.gen(function* () {
        const listed = new Set<DeviceId>(yield* client.listDevices());
        const joined = [...listed].filter((id) => !known.has(id));
        const left = [...known].filter((id) => !listed.has(id));
        yield* Effect.forEach(joined, (id) => devices(id).Watch({ key: keyId }, { discard: true }), { concurrency: WATCH_CONCURRENCY, discard: true });
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
  | Config.ConfigError
  | NoApiKeyError;

/** One key's client in this runner, paced by leases from the key's budget owner. */
const keyRuntime = (options: RunnerOptions, apiKey: string, keyId: string, runner: string, fetch: ClientOptions["fetch"]) =>
  Effect.gen(function* () {
    const owner = (yield* BudgetOwner.client)(keyId);
    const { size, ttlMs } = leaseDefaults(options);
    const partSlots = options.lease?.partSlots;
    const leaseFigures: LeaseFigures = { calls: 0, totalMs: 0, maxMs: 0, unreachable: 0 };
    // giveBack and report cannot fail (the contract): a lost one only keeps slots out until they are reclaimed.
    const swallow = (what: string) => (effect: Effect.Effect<void, unknown>) =>
      effect.pipe(
        Effect.timeout(Duration.millis(ttlMs)),
        Effect.catchCause((cause) => Effect.logDebug(`${what} to the budget owner of key ${keyId} failed; its slots come back when reclaimed`, cause)),
      );
    const lessor: BudgetLessor = {
      lease: (request) =>
        Effect.gen(function* () {
          const sentAt = yield* Clock.currentTimeMillis;
          const answer = yield* owner.Lease({ runner, request }).pipe(Effect.timeout(Duration.millis(ttlMs)), Effect.result);
          const ms = (yield* Clock.currentTimeMillis) - sentAt;
          leaseFigures.calls++;
          leaseFigures.totalMs += ms;
          leaseFigures.maxMs = Math.max(leaseFigures.maxMs, ms);
          if (answer._tag === "Success") return answer.success;
          const e = answer.failure;
          if (e instanceof BudgetUnavailable) return yield* Effect.fail(e);
          // The owner moving to another runner, a timeout: ask again after the pacer's retryUnreachable.
          leaseFigures.unreachable++;
          return yield* Effect.fail(new BudgetUnavailable({ reason: "unreachable", retryAfterMs: 0, detail: e.message }));
        }),
      giveBack: (done) => swallow("giving a lease back")(owner.GiveBack(done)),
      giveBackPart: (part) => swallow("giving part of a lease back")(owner.GiveBackPart(part)),
      report: (report) => swallow("a report")(owner.Report(report)),
    };
    let requests = 0;
    // The owner unreachable is mostly the owner moving to another runner (one joined or left), which takes about
    // a second: ask again soon (the held leases' slots go on being reused meanwhile).
    const leased = yield* makeLeasedPacer(lessor, { leaseSize: size, partSlots, retryUnreachable: Duration.millis(250) });
    let books: PacerSnapshot | undefined;
    const pacing = {
      ...leased,
      pace: <A, E, R>(effect: Effect.Effect<A, E, R>, request?: Parameters<typeof leased.pace>[1]) =>
        leased.pace(
          Effect.suspend(() => {
            requests++;
            return effect;
          }),
          request,
        ),
    };
    yield* leased.snapshot.pipe(
      Effect.tap((b) => Effect.sync(() => (books = b))),
      Effect.andThen(Effect.sleep(Duration.seconds(1))),
      Effect.forever,
      Effect.forkScoped,
    );
    const client = makeClient({ apiKey, ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }), pacing, fetch });
    const key: KeyRuntime = { keyId, client, watching: new Set<DeviceId>(), pacing: () => books, leaseFigures, requests: () => requests };
    return key;
  });

const runtimeLayer = (options: RunnerOptions, apiKeys: ReadonlyArray<string>, runner: string) =>
  Layer.effect(
    RunnerRuntime,
    Effect.gen(function* () {
      const sql = yield* SqlClient;
      yield* ensureClusterTables(sql);
      // A bounded keep-alive pool: polls falling due together reuse a few connections instead of opening hundreds.
      const pool = yield* Effect.acquireRelease(
        Effect.sync(() => connectionPool({ connections: options.httpConnections })),
        (p) => Effect.promise(() => p.close()),
      );
      const keys = new Map<string, KeyRuntime>();
      for (const apiKey of apiKeys) {
        const keyId = keyFingerprint(apiKey);
        keys.set(keyId, yield* keyRuntime(options, apiKey, keyId, runner, pool.fetch));
      }
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
      yield* Effect.addFinalizer(() => Effect.promise(() => Promise.all(sinks.map((s) => s.flush().catch(() => undefined)))));
      // By device, not by entity: a device seen by two keys writes through one sink, in one commit order.
      const sinkOf = (id: DeviceId): StoreSink => {
        let h = 0;
        for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) | 0;
        return sinks[Math.abs(h) % sinks.length] ?? first;
      };
      const shape: RunnerRuntimeShape = { runner, keys, sinkOf, options };
      return shape;
    }),
  );

/**
 * The API keys of a runner: `apiKey` and `apiKeys` together, each once. Fails with {@link NoApiKeyError} when none
 * is given or one is empty.
 */
const keysOf = (options: RunnerOptions): Effect.Effect<ReadonlyArray<string>, NoApiKeyError> => {
  const all = [...(options.apiKey === undefined ? [] : [options.apiKey]), ...(options.apiKeys ?? [])];
  if (all.length === 0) return Effect.fail(new NoApiKeyError({ rule: "give at least one API key (apiKey or apiKeys)" }));
  const empty = all.findIndex((k) => k.trim() === "");
  if (empty >= 0) return Effect.fail(new NoApiKeyError({ rule: `API key ${empty + 1} is empty` }));
  return Effect.succeed([...new Set(all)]);
};

/**
 * A runner was given no API key, or an empty one (the message never shows a key).
 *
 * @example
 * ```ts
 * import { NoApiKeyError } from "@wattstream/cluster";
 * new NoApiKeyError({ rule: "give at least one API key (apiKey or apiKeys)" }).message;
 * ```
 * @category errors
 */
export class NoApiKeyError extends Data.TaggedError("NoApiKeyError")<{
  /** What is missing. */
  readonly rule: string;
}> {
  /** One line: the rule. */
  override get message(): string {
    return `no usable API key: ${this.rule}`;
  }
}

/**
 * A cluster runner as a layer: joins the cluster in `options.postgres` (Effect Cluster's shard locks, runner list
 * and persisted messages), listens on `options.listen` for the other runners, and hosts its share of the device
 * entities and of each key's budget owner and fleet supervisor. `Layer.launch` it to run until interrupted;
 * interruption hands its shards and its budget leases back.
 *
 * @example
 * ```ts
 * import { Effect, Layer } from "effect";
 * import { runnerLayer } from "@wattstream/cluster";
 * const apiKeys = (process.env.WW_API_KEYS ?? "").split(",");
 * Effect.runFork(Layer.launch(runnerLayer({ postgres: "postgres://localhost/energy", apiKeys, listen: { host: "10.0.0.5", port: 34431 } })));
 * ```
 * @category constructors
 */
export const runnerLayer = (options: RunnerOptions): Layer.Layer<never, RunnerStartError> =>
  Layer.unwrap(
    Effect.map(keysOf(options), (apiKeys) => {
      const listen = options.listen ?? { host: "127.0.0.1", port: 34431 };
      const runner = `${listen.host}:${listen.port}`;
      // One fleet supervisor per key (each its own singleton); the device entities and budget owners are one
      // entity type each, their IDs naming the key.
      const app = Layer.unwrap(
        Effect.gen(function* () {
          const rt = yield* RunnerRuntime;
          const perGroup = options.sharding?.shardsPerGroup ?? ShardingConfig.defaults.shardsPerGroup;
          const groups = options.sharding?.assignedShardGroups ?? ShardingConfig.defaults.assignedShardGroups;
          const start = awaitRunners(options.startWithRunners ?? 1, perGroup * groups.length, options.startTimeoutMs ?? 30_000);
          const supervisors = [...rt.keys.values()].map((k) => supervisorLayer(k, options.listEveryMs ?? 60_000, start));
          return Layer.mergeAll(deviceLayer, budgetLayer, statsLayer, ...supervisors);
        }),
      ).pipe(Layer.provide(runtimeLayer(options, apiKeys, runner)));
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
      const connect = (applicationName: string, maxConnections: number | undefined) =>
        Effect.gen(function* () {
          const location = yield* parseStoreUrl(options.postgres);
          if (location.dialect !== "postgres")
            return yield* Effect.fail(new InvalidStoreUrlError({ url: location.url, rule: "a cluster needs PostgreSQL: postgres://user:password@host:5432/db" }));
          const unavailable = (e: SqlError) => new StoreUnavailableError({ url: location.url, reason: e.message, cause: e });
          const sql = yield* PgClient.make({ url: location.connection, applicationName, connectTimeout: Duration.seconds(10), maxConnections }).pipe(
            Effect.provide(Reactivity.layer),
            Effect.mapError(unavailable),
          );
          yield* sql`select 1`.pipe(Effect.mapError(unavailable));
          return sql;
        });
      const pg: Layer.Layer<SqlClient, InvalidStoreUrlError | StoreUnavailableError> = Layer.effect(SqlClient, connect("@wattstream/cluster", undefined));
      // The budget owner's books over a connection of their own: a lease is answered only after its save, and a burst
      // of cluster messages (600 persisted Watches at the start) on the shared pool queued those saves for 0.5 s.
      const books = Layer.effect(BooksSql, connect("@wattstream/cluster budget", 1));
      return app.pipe(Layer.provide(cluster), Layer.provide(pg), Layer.provide(books));
    }),
  );
