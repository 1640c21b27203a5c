import { asyncScheduler, catchError, concat, defaultIfEmpty, defer, EMPTY, from, map, mergeMap, Observable, of, ReplaySubject, share, switchMap, take, throwError } from "rxjs";
import type { SchedulerLike } from "rxjs";
import { maxWindow } from "@wattstream/core";
import type { Channel, DeviceId, LongEnergyPoint, ModbusPoint, ShortEnergyPoint } from "@wattstream/core";
import { isWattwatchersError } from "@wattstream/resilience";
import type { WattwatchersClient } from "@wattstream/transport";
import { CheckpointCorrupt, checkpointKey, decodeCheckpoint } from "./CheckpointStore.js";
import type { CheckpointStore, EnergyCheckpoint } from "./CheckpointStore.js";
import type { AnomalyReason } from "./EnergyAnomaly.js";
import { fromEffect } from "./fromEffect.js";
import { EnergyLedger, fingerprint } from "./internal/EnergyLedger.js";
import type { LedgerEvent } from "./internal/EnergyLedger.js";
import { pollLoop } from "./internal/pollLoop.js";
import type { Step } from "./internal/pollLoop.js";
import { optionKey, sharedBy } from "./internal/sharedBy.js";
import type { OptionKeys } from "./internal/sharedBy.js";
import { Health, verdictOf } from "./internal/verdict.js";
import type { StatusEvent } from "./StatusEvent.js";

/** Which energy data a stream follows. @category models */
export type EnergyStreamKind = "short" | "long" | "modbus";

/** A device's channels in array order: energy arrays are positional (api-facts), so this labels them. @category models */
export type ChannelLayout = ReadonlyArray<Channel>;

/**
 * The decoded point an energy stream of kind `K` carries: core's `ShortEnergyPoint`, `LongEnergyPoint` or
 * `ModbusPoint` (rx reads without `convert`, so points keep the API's raw units).
 *
 * @category models
 */
export type EnergyPointOf<K extends EnergyStreamKind> = { short: ShortEnergyPoint; long: LongEnergyPoint; modbus: ModbusPoint }[K];

/** Any point an energy stream carries. @category models */
export type AnyEnergyPoint = ShortEnergyPoint | LongEnergyPoint | ModbusPoint;

/**
 * What an energy stream emits. `interval`: a new interval, once, in timestamp order (except intervals that
 * back-fill a hole after later ones were emitted); `revised`: an already-emitted interval came back with other
 * values; `gap`: intervals still missing after the settle period; `anomaly`: a point the server sent that cannot
 * be trusted (see {@link AnomalyReason}; it moved nothing, the stream goes on); `status`: the stream's health.
 *
 * @category models
 */
export type EnergyEvent<P extends AnyEnergyPoint = AnyEnergyPoint> =
  | {
      readonly type: "interval" | "revised";
      readonly deviceId: DeviceId;
      readonly stream: EnergyStreamKind;
      readonly point: P;
      /** The device's channel layout when the point was read, for `zipChannels`. */
      readonly channels: ChannelLayout;
    }
  | {
      readonly type: "gap";
      readonly deviceId: DeviceId;
      readonly stream: EnergyStreamKind;
      readonly fromTs: number;
      readonly toTs: number;
    }
  | {
      readonly type: "anomaly";
      readonly deviceId: DeviceId;
      readonly stream: EnergyStreamKind;
      /** The point as the server sent it (after decoding). */
      readonly point: P;
      readonly reason: AnomalyReason;
    }
  | {
      /** The stored checkpoint was corrupt and `restartFrom` was given: the stream starts over from `fromTs`. */
      readonly type: "checkpointReset";
      readonly deviceId: DeviceId;
      readonly stream: EnergyStreamKind;
      readonly error: CheckpointCorrupt;
      readonly fromTs: number;
    }
  | StatusEvent;

/** Options of the energy streams; every duration is in seconds unless named `…Ms`. @category models */
export interface EnergyStreamOptions {
  /** First interval to emit (Unix seconds). Ignored when a checkpoint exists. @default the latest complete interval */
  readonly fromTs?: number;
  /** Interval length, seconds. @default 30 (short), 300 (long and Modbus); a point's own `duration` wins */
  readonly interval?: number;
  /** How long intervals may still back-fill or change: the re-checked trailing window and the gap deadline. @default 21600 */
  readonly settle?: number;
  /** Re-check period of the settle window in steady state. @default 3600 */
  readonly recheckEvery?: number;
  /** Re-check period for one settle period after an outage (a hole, or data resuming after misses). @default 300 */
  readonly promptRecheckEvery?: number;
  /** Starting estimate of the reporting lag (data due = interval end + lag); learned from arrivals. @default 0 */
  readonly lag?: number;
  /** Longest wait between polls while no new data arrives, ms. @default 300000 */
  readonly maxBackoffMs?: number;
  /** Largest window one request may ask for. @default 43200 (short: 12 h), 604800 (long 5m, Modbus: 7 days) */
  readonly maxWindow?: number;
  /**
   * Persist watermark and fingerprints so a restart loses nothing: exactly-once across a clean stop
   * (unsubscribe saves once more), at-least-once across a hard crash, repeating at most what was emitted since
   * the last save (see {@link CheckpointStore}).
   *
   * @example
   * ```ts
   * shortEnergy$(client, id, { checkpoints: fileCheckpointStore(".checkpoints") });
   * ```
   */
  readonly checkpoints?: CheckpointStore;
  /**
   * Save the checkpoint at most this often, ms, and once more on unsubscribe. The save runs after the emit, so a
   * hard crash (no unsubscribe) may repeat up to this much of the stream on restart, never lose it.
   * @default 0 (save after every emitted batch: a crash repeats at most one batch)
   */
  readonly checkpointEvery?: number;
  /**
   * What to do with a stored checkpoint that cannot be used (`CheckpointCorrupt`: empty, truncated, garbage,
   * wrongly typed, a watermark in the future or older than `maxLookBack`). Without it the stream fails with the
   * error, naming the file and the problem (nothing is guessed); with it the stream emits a `checkpointReset`
   * event and starts over from this time (Unix seconds), overwriting the bad checkpoint at its first save.
   * @default undefined (fail)
   * @example
   * ```ts
   * shortEnergy$(client, id, { checkpoints, restartFrom: Math.floor(Date.now() / 1000) - 3600 });
   * ```
   */
  readonly restartFrom?: number;
  /**
   * The oldest watermark a checkpoint may hold, as seconds before now; an older one (e.g. a zeroed file's 1970)
   * is rejected as corrupt rather than followed through years of empty reads.
   * @default 31622400 (366 days)
   */
  readonly maxLookBack?: number;
  /**
   * The channel layout to attach to events (e.g. from `device$`). Nothing is emitted before its first value, so
   * no interval goes out unlabelled. Without it, the layout is read once with `getDevice` (and again when the
   * energy arrays stop matching it).
   */
  readonly layout$?: Observable<ChannelLayout>;
  /**
   * The device's `comms.lastHeardAt` (e.g. from `device$`). When it jumps after a silence of more than three
   * intervals, the device has just reconnected and will back-fill: the settle window is re-checked at the next
   * poll and promptly for one settle period.
   */
  readonly heartbeat$?: Observable<number | undefined>;
  /**
   * Polls only while the latest value is `true` (e.g. page visibility, or `pauseController().active$`); pausing
   * cancels the timer and the request in flight and keeps the watermark, so resuming loses nothing and polls at
   * once if a poll fell due meanwhile. @default always active
   */
  readonly active$?: Observable<boolean>;
  /** The clock and timers of the stream; rxjs `TestScheduler` or `scaledScheduler` in tests and simulations. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/**
 * The client operations an energy stream of kind `K` calls: transport's `WattwatchersClient`, narrowed with `Pick`
 * to what the stream reads (the device, for its channel layout; the kind's range and `latest` reads).
 *
 * @category services
 */
export type EnergyClient<K extends EnergyStreamKind> = Pick<
  WattwatchersClient,
  "getDevice" | { short: "getShortEnergyData" | "getLatestShortEnergyData"; long: "getLongEnergyData" | "getLatestLongEnergyData"; modbus: "getModbusData" | "getLatestModbusData" }[K]
>;

/**
 * Poll reads pass `retry: false`: the stream's own back-off (status events, `retryAt`, pausing) is the only retry
 * layer for polls, so a failure is reported at once instead of after transport's retries.
 */
const POLL = { retry: false } as const;

// Window limits come from core (api-facts: a window over the maximum is a 422, so never ask for more).
/** Retries after an empty poll that step linearly before backing off exponentially. */
const LINEAR_MISSES = 8;

/**
 * Why a decoded checkpoint cannot be followed at `nowS`, or `undefined`: a watermark in the future would
 * silently emit nothing, an absurdly old one would read years of nothing.
 */
const implausible = (c: EnergyCheckpoint, nowS: number, interval: number, maxLookBack: number): string | undefined => {
  // A little slack for clock skew between this machine and the service.
  if (c.watermark > nowS + Math.max(2 * interval, 600)) return `has a watermark in the future (${c.watermark}, now ${Math.floor(nowS)})`;
  if (c.watermark < nowS - maxLookBack) return `has a watermark older than the ${maxLookBack}-s look-back (${c.watermark}, now ${Math.floor(nowS)})`;
  return undefined;
};

const DEFAULTS = {
  short: { interval: 30, maxWindow: maxWindow("short") },
  long: { interval: 300, maxWindow: maxWindow("long", "5m") },
  modbus: { interval: 300, maxWindow: maxWindow("modbus") },
} as const;

/**
 * The range and `latest` reads of one kind. A 204 (`NoData`: never reported) reads as no points; rx tells it apart
 * by its type (an array or not, a `_tag` or not), as transport's result union allows.
 */
interface Reader<P> {
  read(fromTs: number, toTs: number): Observable<ReadonlyArray<P>>;
  latestTimestamp(): Observable<number | undefined>;
}

const points = <P>(r: ReadonlyArray<P> | { readonly _tag: "NoData" }): ReadonlyArray<P> => (Array.isArray(r) ? r : []);
const stamp = (r: { readonly timestamp: number } | { readonly _tag: "NoData" }): number | undefined => ("_tag" in r ? undefined : r.timestamp);

const readers: { readonly [K in EnergyStreamKind]: (client: EnergyClient<K>, id: DeviceId) => Reader<EnergyPointOf<K>> } = {
  short: (client, id) => ({
    read: (fromTs, toTs) => fromEffect(client.getShortEnergyData(id, { fromTs, toTs, ...POLL })).pipe(map(points)),
    // `fields[energy]=timestamp`: the cheap way to ask "is there anything new?" (api-facts).
    latestTimestamp: () => fromEffect(client.getLatestShortEnergyData(id, { fields: ["timestamp"], ...POLL })).pipe(map(stamp)),
  }),
  long: (client, id) => ({
    read: (fromTs, toTs) => fromEffect(client.getLongEnergyData(id, { fromTs, toTs, ...POLL })).pipe(map(points)),
    latestTimestamp: () => fromEffect(client.getLatestLongEnergyData(id, { fields: ["timestamp"], ...POLL })).pipe(map(stamp)),
  }),
  modbus: (client, id) => ({
    read: (fromTs, toTs) => fromEffect(client.getModbusData(id, { fromTs, toTs, ...POLL })).pipe(map(points)),
    latestTimestamp: () => fromEffect(client.getLatestModbusData(id, { fields: ["timestamp"], ...POLL })).pipe(map(stamp)),
  }),
};

const makeEnergy$ = <K extends EnergyStreamKind>(
  client: EnergyClient<K>,
  id: DeviceId,
  kind: K,
  io: Reader<EnergyPointOf<K>>,
  options: EnergyStreamOptions,
): Observable<EnergyEvent<EnergyPointOf<K>>> => {
  type P = EnergyPointOf<K>;
  const scheduler = options.scheduler ?? asyncScheduler;
  const interval = options.interval ?? DEFAULTS[kind].interval;
  const settle = options.settle ?? 6 * 3600;
  const recheckEvery = options.recheckEvery ?? 3600;
  const promptRecheckEvery = options.promptRecheckEvery ?? 300;
  const maxBackoffMs = options.maxBackoffMs ?? 300_000;
  const key = { deviceId: id, stream: kind };
  const nowS = (): number => scheduler.now() / 1000;

  const maxLookBack = options.maxLookBack ?? 366 * 86_400;
  /** The stored checkpoint, decoded and checked (checkpoints are input too), or the policy's answer to a bad one. */
  const loadCheckpoint = (store: CheckpointStore): Observable<{ checkpoint?: EnergyCheckpoint; reset?: CheckpointCorrupt }> =>
    from(store.load(key)).pipe(
      map((raw) => {
        if (raw === undefined) return {};
        const location = `${checkpointKey(key)}`;
        const checkpoint = decodeCheckpoint(raw, location);
        const problem = implausible(checkpoint, nowS(), interval, maxLookBack);
        if (problem !== undefined) throw new CheckpointCorrupt({ location, problem, message: `checkpoint ${location} ${problem}` });
        return { checkpoint };
      }),
      catchError((error: unknown) => {
        if (!(error instanceof CheckpointCorrupt) || options.restartFrom === undefined) return throwError(() => error);
        return of({ reset: error });
      }),
    );

  return defer(() => (options.checkpoints ? loadCheckpoint(options.checkpoints) : of({}))).pipe(
    switchMap(({ checkpoint, reset }: { checkpoint?: EnergyCheckpoint; reset?: CheckpointCorrupt }) => {
      const start = (reset === undefined ? options.fromTs : options.restartFrom) ?? Math.floor(nowS() / interval) * interval - interval;
      const ledger = new EnergyLedger(start, interval, settle, checkpoint);
      const health = new Health(Math.max(1_000, (interval * 1000) / 15), maxBackoffMs);
      let windowLimit = options.maxWindow ?? DEFAULTS[kind].maxWindow;
      let layout: ChannelLayout | undefined;
      let layoutStale = false;
      let lastRecheck = nowS();
      let promptUntil = checkpoint === undefined ? -Infinity : nowS() + settle;
      let cursor: number | undefined;
      let misses = 0;
      // Lower bound of the reporting lag, learned from polls that came too early.
      let lagLow = options.lag ?? ledger.lag;
      let lastMissLate = 0;
      const margin = Math.min(1, interval / 10);
      // A fleet's devices share the interval grid: without a per-device phase, every device whose lag was learned
      // to the same step polls in the same millisecond, and thousands of polls run back to back in one event-loop
      // turn. A fixed phase in [0, margin) from the device ID keeps each device at its own instant.
      const phase = (fingerprint(id) % 1000) / 1000 * margin;
      // First retry after a poll came up empty: short enough to keep data fresh, doubling while it stays empty.
      const missBaseMs = Math.max(500, (interval * 1000) / 30);

      // The latest layout$ value, replayed to a tick that must wait for the first one.
      const layoutSeen = new ReplaySubject<ChannelLayout>(1);
      const layoutSub = options.layout$?.subscribe({
        next: (l) => {
          layout = l;
          layoutSeen.next(l);
        },
        error: (e: unknown) => layoutSeen.error(e),
        // A layout$ that ends without a value gives no layout: read the device instead of waiting for ever.
        complete: () => layoutSeen.complete(),
      });
      let silent = false;
      const heartbeatSub = options.heartbeat$?.subscribe((h) => {
        if (h === undefined) return;
        const quiet = nowS() - h > 3 * interval;
        if (silent && !quiet) {
          // lastHeardAt jumped after a silence: an outage just ended (api-facts: devices back-fill on
          // reconnect), so re-check the settle window now and promptly for a while.
          promptUntil = nowS() + settle;
          lastRecheck = -Infinity;
        }
        silent = quiet;
      });

      const toEvents = (found: ReadonlyArray<LedgerEvent<P>>): Array<EnergyEvent<P>> => {
        // Only reached with a layout (refreshLayout runs first).
        const channels = layout ?? [];
        return found.map((e): EnergyEvent<P> => {
          switch (e.kind) {
            case "gap":
              return { type: "gap", deviceId: id, stream: kind, fromTs: e.fromTs, toTs: e.toTs };
            case "anomaly":
              return { type: "anomaly", deviceId: id, stream: kind, point: e.point, reason: e.reason };
            default:
              return { type: e.kind, deviceId: id, stream: kind, point: e.point, channels };
          }
        });
      };

      const checkpointEvery = options.checkpointEvery ?? 0;
      let lastSave = -Infinity;
      let dirty = false;
      const save = (): Observable<never> => {
        dirty = true;
        if (!options.checkpoints || scheduler.now() - lastSave < checkpointEvery) return EMPTY;
        lastSave = scheduler.now();
        dirty = false;
        return from(options.checkpoints.save(key, { ...ledger.checkpoint(), lag: lagLow })).pipe(mergeMap(() => EMPTY));
      };

      /**
       * Makes sure a layout is at hand before anything is emitted: energy arrays are positional (api-facts), so an
       * interval without its layout cannot be labelled. With a `layout$`, wait for its first value (no extra
       * request); otherwise read the device when there is no layout yet or it went stale.
       */
      const readLayout = (): Observable<unknown> =>
        layoutStale || layout === undefined
          ? fromEffect(client.getDevice(id, POLL)).pipe(
              map((d) => {
                layout = d.channels ?? [];
                layoutStale = false;
              }),
            )
          : of(undefined);
      const refreshLayout = (): Observable<unknown> =>
        layout === undefined && options.layout$ !== undefined
          ? layoutSeen.pipe(take(1), defaultIfEmpty(undefined), mergeMap(readLayout))
          : readLayout();

      /** Next poll: just after the next interval is due (interval end + learned lag), never a blind timer. */
      const dueDelay = (): number => Math.max(0, (ledger.watermark + interval + lagLow + margin + phase - nowS()) * 1000);

      const tick = (): Observable<Step<EnergyEvent<P>>> => {
        const now = nowS();
        const expired = toEvents(ledger.expire(now));
        const recheckDue = cursor === undefined && now - lastRecheck >= (now < promptUntil ? promptRecheckEvery : recheckEvery);
        let fromTs = cursor ?? ledger.watermark;
        if (recheckDue) {
          fromTs = Math.min(ledger.watermark, Math.floor(now - settle), ledger.oldestHole ?? Infinity);
          lastRecheck = now;
        }
        const toTs = Math.min(fromTs + windowLimit, Math.floor(now) + 1);
        const catchingUp = toTs <= Math.floor(now);
        // After a miss, ask for the latest timestamp before paying for a full read.
        const probe =
          misses > 0 && cursor === undefined && !recheckDue
            ? io.latestTimestamp().pipe(map((ts) => ts !== undefined && ts >= ledger.watermark))
            : of(true);
        const work = probe.pipe(
          mergeMap((worth) => (worth ? io.read(fromTs, toTs) : of<ReadonlyArray<P>>([]))),
          mergeMap((points) => {
            const first = points[0];
            const eReal = first !== undefined && "eReal" in first ? first.eReal : undefined;
            // A stale layout silently mislabels data (api-facts): on a length mismatch, read the device's
            // channels again before emitting anything.
            if (layout !== undefined && Array.isArray(eReal) && eReal.length !== layout.length && options.layout$ === undefined)
              layoutStale = true;
            return refreshLayout().pipe(map(() => points));
          }),
          mergeMap((points) => {
            const wm = ledger.watermark;
            // Modbus reads carry no duration (they take the interval); short and long points must.
            const applied = ledger.apply(points, now, { fromTs, toTs }, kind !== "modbus");
            cursor = catchingUp ? toTs : undefined;
            let next: number;
            if (applied.advanced) {
              // Found after polls that came too early: the lag lies between the last miss and now. Within a
              // few intervals that is reporting lag, learned; beyond, the device was offline (an outage) and
              // back-fill is coming, so re-check the settle window promptly.
              const upper = now - (wm + interval);
              if (misses > 0 && upper < 4 * interval) lagLow = Math.max(lagLow, lastMissLate, upper - margin);
              if ((misses > 0 && upper >= 4 * interval) || applied.holeOpened) promptUntil = now + settle;
              misses = 0;
              lagLow *= 0.9995; // slowly forget, so a device whose lag shrinks is polled earlier again
              next = cursor !== undefined ? 0 : dueDelay();
            } else if (cursor !== undefined) {
              next = 0;
            } else {
              // Too early, or the device is offline: learn the lag, then back off.
              const late = now - (wm + interval);
              if (late >= 0) lastMissLate = late;
              misses++;
              // Linear steps first (they measure the lag to within one step), then exponential back-off:
              // by then the device is more likely offline than slow.
              next = Math.min(maxBackoffMs, misses <= LINEAR_MISSES ? missBaseMs : missBaseMs * 2 ** (misses - LINEAR_MISSES));
            }
            const events: Array<EnergyEvent<P>> = [...expired];
            const ok = health.ok();
            if (ok) events.push({ type: "status", deviceId: id, status: ok });
            events.push(...toEvents(applied.events));
            const step: Step<EnergyEvent<P>> = { events, next };
            const changed = events.length > 0 || ledger.watermark !== wm;
            // The save starts only after the step's events went out (`defer`): a checkpoint never runs ahead of the
            // events it covers (a store that writes both in one transaction sees the data first).
            return concat(of(step), changed ? defer(save) : EMPTY);
          }),
        );
        return concat(refreshLayout().pipe(mergeMap(() => EMPTY)), work).pipe(
          catchError((error: unknown) => {
            // Not a client failure (a defect, a checkpoint store's error): not a poll verdict, the stream ends.
            if (!isWattwatchersError(error)) return throwError(() => error);
            const verdict = verdictOf(error, scheduler.now());
            if (verdict.kind === "fatal") return throwError(() => error);
            if (verdict.kind === "split" && toTs - fromTs > interval) {
              windowLimit = Math.max(interval, Math.floor((toTs - fromTs) / 2));
              cursor = fromTs;
              return of<Step<EnergyEvent<P>>>({ events: expired, next: 0 });
            }
            const { status, delayMs } = health.fail(verdict);
            const ev: StatusEvent = { type: "status", deviceId: id, status, error, attempt: health.failures, retryAt: scheduler.now() + delayMs };
            return of<Step<EnergyEvent<P>>>({ events: [...expired, ev], next: delayMs });
          }),
        );
      };
      return new Observable<EnergyEvent<P>>((subscriber) => {
        // The first poll waits until the interval after the watermark is due (now, when catching up).
        if (reset !== undefined) {
          subscriber.next({ type: "checkpointReset", deviceId: id, stream: kind, error: reset, fromTs: ledger.watermark });
          // The bad checkpoint is replaced at the first save.
          dirty = true;
        }
        const sub = pollLoop(tick, { scheduler, active$: options.active$, initialDelay: dueDelay() }).subscribe(subscriber);
        return () => {
          sub.unsubscribe();
          layoutSub?.unsubscribe();
          heartbeatSub?.unsubscribe();
          // Stopping is a checkpoint too. Nobody is subscribed any more to hear of a failure; the store's
          // earlier checkpoint still stands (at worst the restart repeats some intervals).
          if (dirty && options.checkpoints) options.checkpoints.save(key, { ...ledger.checkpoint(), lag: lagLow }).catch(() => undefined);
        };
      });
    }),
  );
};

/** Every energy-stream option is part of the shared poller's key (see `OptionKeys`). */
const ENERGY_OPTION_KEYS: OptionKeys<EnergyStreamOptions> = {
  fromTs: "key",
  interval: "key",
  settle: "key",
  recheckEvery: "key",
  promptRecheckEvery: "key",
  lag: "key",
  maxBackoffMs: "key",
  maxWindow: "key",
  checkpoints: "key",
  checkpointEvery: "key",
  restartFrom: "key",
  maxLookBack: "key",
  layout$: "key",
  heartbeat$: "key",
  active$: "key",
  scheduler: "key",
};

const energy$ = <K extends EnergyStreamKind>(kind: K) => {
  const name = `${kind}Energy$`;
  const reader: (client: EnergyClient<K>, id: DeviceId) => Reader<EnergyPointOf<K>> = readers[kind];
  return (client: EnergyClient<K>, id: DeviceId, options: EnergyStreamOptions = {}): Observable<EnergyEvent<EnergyPointOf<K>>> =>
    sharedBy(
      client,
      optionKey(ENERGY_OPTION_KEYS, [name, id], options),
      () => makeEnergy$(client, id, kind, reader(client, id), options).pipe(share({ resetOnRefCountZero: true })),
    );
};

/**
 * Short-energy intervals (30 s) of one device, each exactly once, then revisions and gaps, driven by a
 * watermark: catches up forward in windows of at most 12 h after outages of any length, re-checks the trailing
 * settle window (6 h) slowly in steady state and promptly after an outage, polls just after data is due, and
 * asks `/latest?fields[energy]=timestamp` before a full read once a poll came up empty.
 *
 * @example
 * ```ts
 * import { parseDeviceId } from "@wattstream/core";
 * import { shortEnergy$ } from "@wattstream/rx";
 * shortEnergy$(client, parseDeviceId("D123456789012")).subscribe((e) => {
 *   if (e.type === "interval") console.log(e.point.timestamp, e.point);
 * });
 * ```
 * @category streams
 */
export const shortEnergy$: (
  client: EnergyClient<"short">,
  id: DeviceId,
  options?: EnergyStreamOptions,
) => Observable<EnergyEvent<ShortEnergyPoint>> = energy$("short");

/**
 * Long-energy intervals (5 min) of one device with the same guarantees as {@link shortEnergy$}; windows of at
 * most 7 days.
 *
 * @example
 * ```ts
 * import { parseDeviceId } from "@wattstream/core";
 * import { longEnergy$ } from "@wattstream/rx";
 * longEnergy$(client, parseDeviceId("D123456789012"), { fromTs: 1_700_000_000 }).subscribe(console.log);
 * ```
 * @category streams
 */
export const longEnergy$: (
  client: EnergyClient<"long">,
  id: DeviceId,
  options?: EnergyStreamOptions,
) => Observable<EnergyEvent<LongEnergyPoint>> = energy$("long");

/**
 * Modbus meter reads of one device with the same guarantees as {@link shortEnergy$}; windows of at most 7 days.
 *
 * @example
 * ```ts
 * import { parseDeviceId } from "@wattstream/core";
 * import { modbus$ } from "@wattstream/rx";
 * modbus$(client, parseDeviceId("D123456789012")).subscribe(console.log);
 * ```
 * @category streams
 */
export const modbus$: (
  client: EnergyClient<"modbus">,
  id: DeviceId,
  options?: EnergyStreamOptions,
) => Observable<EnergyEvent<ModbusPoint>> = energy$("modbus");
