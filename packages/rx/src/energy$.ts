import { asyncScheduler, catchError, concat, defaultIfEmpty, defer, EMPTY, finalize, from, map, mergeMap, Observable, of, ReplaySubject, share, take, throwError } from "rxjs";
import type { SchedulerLike } from "rxjs";
import type { DeviceId, LongEnergyPoint, ModbusPoint, ShortEnergyPoint } from "@wattstream/core";
import { isWattwatchersError } from "@wattstream/resilience";
import type { NoData, WattwatchersClient } from "@wattstream/transport";
import { CheckpointCorrupt, checkpointKey, decodeCheckpoint } from "./CheckpointStore.js";
import type { CheckpointStore, EnergyCheckpoint } from "./CheckpointStore.js";
import type { DeviceUpdate } from "./device$.js";
import type { ChannelLayout, EnergyEvent, EnergyPlanOptions, EnergyPointOf, EnergyStreamKind } from "./EnergyEvent.js";
import { fromEffect } from "./fromEffect.js";
import { pollLoop } from "./internal/pollLoop.js";
import type { Step } from "./internal/pollLoop.js";
import { defaultCache } from "./internal/sharedBy.js";
import type { OptionKeys, PollerCache } from "./internal/sharedBy.js";
import * as EnergyPlanner from "./planner/EnergyPlanner.js";

export type { AnyEnergyPoint, ChannelLayout, EnergyEvent, EnergyPlanOptions, EnergyPointOf, EnergyStreamKind } from "./EnergyEvent.js";

/**
 * Options of the energy streams: how reads are planned ({@link EnergyPlanOptions}) and what the rx shell around
 * the planner adds (checkpoint store, layout, heartbeat, pausing, scheduler); every duration is in seconds unless
 * named `…Ms`.
 *
 * @category models
 */
export interface EnergyStreamOptions extends EnergyPlanOptions {
  /**
   * Persist watermark and fingerprints so a restart loses nothing: exactly-once across a clean stop
   * (unsubscribe saves once more), at-least-once across a hard crash, repeating at most what was emitted since
   * the last save (see {@link CheckpointStore}).
   *
   * @example
   * ```ts
   * import { shortEnergy$ } from "@wattstream/rx";
   * import { fileCheckpointStore } from "@wattstream/rx/node";
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
   * import { shortEnergy$ } from "@wattstream/rx";
   * import { fileCheckpointStore } from "@wattstream/rx/node";
   * const checkpoints = fileCheckpointStore(".checkpoints");
   * shortEnergy$(client, id, { checkpoints, restartFrom: Math.floor(Date.now() / 1000) - 3600 });
   * ```
   */
  readonly restartFrom?: number;
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
   * The device's own stream (`device$`), standing for both {@link layout$} (its snapshots' channels) and
   * {@link heartbeat$} (their `comms.lastHeardAt`) through one subscription instead of two chains of operators:
   * the lean way to wire a device's state into its energy, as `wattstream watch` does. A `layout$` or `heartbeat$`
   * given as well takes that part over. Its error ends the energy stream too (a device that left the key). Subscribed
   * at once (before a checkpoint loads), so a `share()` of the device's stream works too.
   *
   * @example
   * ```ts
   * import { parseDeviceId } from "@wattstream/core";
   * import { device$, shortEnergy$ } from "@wattstream/rx";
   * const id = parseDeviceId("D123456789012");
   * shortEnergy$(client, id, { device$: device$(client, id) }).subscribe(console.log);
   * ```
   */
  readonly device$?: Observable<DeviceUpdate>;
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

/**
 * The range and `latest` reads of one kind, answering what transport answers (points, a point, or `NoData`), as
 * the planner takes it.
 */
interface Reader<K extends EnergyStreamKind> {
  read(fromTs: number, toTs: number): Observable<ReadonlyArray<EnergyPointOf<K>> | NoData>;
  latestTimestamp(): Observable<{ readonly timestamp: number } | NoData>;
}

const readers: { readonly [K in EnergyStreamKind]: (client: EnergyClient<K>, id: DeviceId) => Reader<K> } = {
  short: (client, id) => ({
    read: (fromTs, toTs) => fromEffect(client.getShortEnergyData(id, { fromTs, toTs, ...POLL })),
    // `fields[energy]=timestamp`: the cheap way to ask "is there anything new?" (api-facts).
    latestTimestamp: () => fromEffect(client.getLatestShortEnergyData(id, { fields: ["timestamp"], ...POLL })),
  }),
  long: (client, id) => ({
    read: (fromTs, toTs) => fromEffect(client.getLongEnergyData(id, { fromTs, toTs, ...POLL })),
    latestTimestamp: () => fromEffect(client.getLatestLongEnergyData(id, { fields: ["timestamp"], ...POLL })),
  }),
  modbus: (client, id) => ({
    read: (fromTs, toTs) => fromEffect(client.getModbusData(id, { fromTs, toTs, ...POLL })),
    latestTimestamp: () => fromEffect(client.getLatestModbusData(id, { fields: ["timestamp"], ...POLL })),
  }),
};

/**
 * The rx shell around {@link EnergyPlanner}: the planner decides what to read and when and what it means; this
 * loads the checkpoint, reads the layout, calls the client, waits on the scheduler (`pollLoop`: pausing, one
 * request at a time), emits and saves.
 */
const makeEnergy$ = <K extends EnergyStreamKind>(
  client: EnergyClient<K>,
  id: DeviceId,
  kind: K,
  io: Reader<K>,
  options: EnergyStreamOptions,
): Observable<EnergyEvent<EnergyPointOf<K>>> => {
  type P = EnergyPointOf<K>;
  const scheduler = options.scheduler ?? asyncScheduler;
  const key = { deviceId: id, stream: kind };

  /** The stored checkpoint, decoded and checked (checkpoints are input too), or the policy's answer to a bad one. */
  const loadCheckpoint = (store: CheckpointStore): Observable<{ checkpoint?: EnergyCheckpoint; reset?: CheckpointCorrupt }> =>
    from(store.load(key)).pipe(
      map((raw) => {
        if (raw === undefined) return {};
        const location = `${checkpointKey(key)}`;
        const checkpoint = decodeCheckpoint(raw, location);
        const problem = EnergyPlanner.checkpointProblem(kind, options, checkpoint, scheduler.now());
        if (problem !== undefined) throw new CheckpointCorrupt({ location, problem, message: `checkpoint ${location} ${problem}` });
        return { checkpoint };
      }),
      catchError((error: unknown) => {
        if (!(error instanceof CheckpointCorrupt) || options.restartFrom === undefined) return throwError(() => error);
        return of({ reset: error });
      }),
    );

  // The layout and heartbeat sources are subscribed at once, before the checkpoint loads: a device stream shared
  // with other subscribers may emit its first snapshot meanwhile, and would not repeat it.
  return new Observable<EnergyEvent<P>>((outer) => {
    let layout: ChannelLayout | undefined;
    let layoutStale = false;
    /** Applies a heartbeat to the plan once there is one; until then the latest is kept here. */
    let applyHeard: ((at: number, h: number | undefined) => void) | undefined;
    let heardEarly: readonly [number, number | undefined] | undefined;

    const { layout$, heartbeat$, device$ } = options;
    // Where the layout comes from without reading the device: `layout$`, else `device$`'s snapshots.
    const layoutGiven = layout$ !== undefined || device$ !== undefined;
    // The latest layout, replayed to a tick that must wait for the first one.
    const layoutSeen = new ReplaySubject<ChannelLayout>(1);
    const onLayout = (l: ChannelLayout): void => {
      layout = l;
      layoutSeen.next(l);
    };
    const layoutEnds = {
      error: (e: unknown) => layoutSeen.error(e),
      // A layout source that ends without a value gives no layout: read the device instead of waiting for ever.
      complete: () => layoutSeen.complete(),
    };
    const onHeard = (h: number | undefined): void => {
      if (applyHeard === undefined) heardEarly = [scheduler.now(), h];
      else applyHeard(scheduler.now(), h);
    };
    // One subscription to the device's stream feeds both (what `layout$` and `heartbeat$` do not already).
    const deviceSub = device$?.subscribe({
      next: (u) => {
        if (u.type !== "snapshot") return;
        if (layout$ === undefined) onLayout(u.device.channels ?? []);
        if (heartbeat$ === undefined) onHeard(u.device.comms?.lastHeardAt);
      },
      ...(layout$ === undefined ? layoutEnds : {}),
    });
    const layoutSub = layout$?.subscribe({ next: onLayout, ...layoutEnds });
    const heartbeatSub = heartbeat$?.subscribe(onHeard);

    const polling = defer(() => (options.checkpoints ? loadCheckpoint(options.checkpoints) : of({}))).pipe(
      // mergeMap, not switchMap (one value comes, either does): switchMap's inner subscriber keeps the outer value,
      // the loaded checkpoint (up to 720 fingerprint pairs), for the stream's whole life.
      mergeMap(({ checkpoint, reset }: { checkpoint?: EnergyCheckpoint; reset?: CheckpointCorrupt }) => {
        const fromTs = reset === undefined ? options.fromTs : options.restartFrom;
        let plan = EnergyPlanner.initialState({ ...options, kind, deviceId: id, ...(fromTs === undefined ? {} : { fromTs }) }, scheduler.now(), checkpoint);
        if (heardEarly !== undefined) plan = EnergyPlanner.onHeartbeat(plan, ...heardEarly);
        heardEarly = undefined;
        // Heartbeats that arrive while a poll is in flight are applied again to the state the poll commits.
        let inFlight = false;
        const heardInFlight: Array<readonly [number, number | undefined]> = [];
        applyHeard = (at, h) => {
          if (inFlight) heardInFlight.push([at, h]);
          plan = EnergyPlanner.onHeartbeat(plan, at, h);
        };
        const commit = (next: EnergyPlanner.EnergyPlan<K>): void => {
          plan = next;
          for (const [at, h] of heardInFlight) plan = EnergyPlanner.onHeartbeat(plan, at, h);
          heardInFlight.length = 0;
        };

        const checkpointEvery = options.checkpointEvery ?? 0;
        let lastSave = -Infinity;
        let dirty = false;
        const save = (): Observable<never> => {
          dirty = true;
          if (!options.checkpoints || scheduler.now() - lastSave < checkpointEvery) return EMPTY;
          lastSave = scheduler.now();
          dirty = false;
          return from(options.checkpoints.save(key, EnergyPlanner.checkpointOf(plan))).pipe(mergeMap(() => EMPTY));
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
          layout === undefined && layoutGiven
            ? layoutSeen.pipe(take(1), defaultIfEmpty(undefined), mergeMap(readLayout))
            : readLayout();

        /** One poll: the planner's request, the client's answer (a failure as a value), the planner's step. */
        const tick = (): Observable<Step<EnergyEvent<P>>> =>
          defer(() => {
            const planned = EnergyPlanner.next(plan, scheduler.now());
            if (planned.kind === "wait") return of({ events: [], next: planned.delay });
            const { request } = planned;
            inFlight = true;
            const answer$: Observable<EnergyPlanner.EnergyResult<K>> =
              request.kind === "latest"
                ? io.latestTimestamp()
                : io.read(request.fromTs, request.toTs).pipe(
                    mergeMap((answer) => {
                      // A stale layout silently mislabels data (api-facts): on a length mismatch, read the device's
                      // channels again before emitting anything.
                      if (layout !== undefined && !layoutGiven && Array.isArray(answer) && EnergyPlanner.channelsMismatch(layout, answer))
                        layoutStale = true;
                      return refreshLayout().pipe(map(() => answer));
                    }),
                  );
            return concat(refreshLayout().pipe(mergeMap(() => EMPTY)), answer$).pipe(
              // Not a client failure (a defect, a checkpoint store's error): not a poll verdict, the stream ends.
              catchError((error: unknown) => (isWattwatchersError(error) ? of(error) : throwError(() => error))),
              mergeMap((answer) => {
                // Only reached with a layout (refreshLayout ran first), or with a failure (which labels nothing).
                const step = EnergyPlanner.onResult(EnergyPlanner.withChannels(planned.state, layout ?? []), scheduler.now(), answer);
                commit(step.state);
                const out: Step<EnergyEvent<P>> = { events: step.events, next: step.delay };
                if (step.fatal !== undefined) {
                  const fatal = step.fatal;
                  return concat(step.events.length > 0 ? of(out) : EMPTY, throwError(() => fatal));
                }
                // The save starts only after the step's events went out (`defer`): a checkpoint never runs ahead of
                // the events it covers (a store that writes both in one transaction sees the data first).
                return concat(of(out), step.checkpoint !== undefined ? defer(save) : EMPTY);
              }),
              finalize(() => {
                inFlight = false;
                heardInFlight.length = 0;
              }),
            );
          });
        return new Observable<EnergyEvent<P>>((subscriber) => {
          if (reset !== undefined) {
            subscriber.next({ type: "checkpointReset", deviceId: id, stream: kind, error: reset, fromTs: plan.ledger.watermark });
            // The bad checkpoint is replaced at the first save.
            dirty = true;
          }
          // The first poll waits until the interval after the watermark is due (now, when catching up).
          const sub = pollLoop(tick, { scheduler, active$: options.active$, initialDelay: plan.dueAt - scheduler.now() }).subscribe(subscriber);
          return () => {
            sub.unsubscribe();
            applyHeard = undefined;
            // Stopping is a checkpoint too. Nobody is subscribed any more to hear of a failure; the store's
            // earlier checkpoint still stands (at worst the restart repeats some intervals).
            if (dirty && options.checkpoints) options.checkpoints.save(key, EnergyPlanner.checkpointOf(plan)).catch(() => undefined);
          };
        });
      }),
    );
    const sub = polling.subscribe(outer);
    return () => {
      sub.unsubscribe();
      deviceSub?.unsubscribe();
      layoutSub?.unsubscribe();
      heartbeatSub?.unsubscribe();
    };
  });
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
  phase: "key",
  layout$: "key",
  heartbeat$: "key",
  device$: "key",
  active$: "key",
  scheduler: "key",
};

/** The energy stream of kind `K`, its shared poller kept in `cache` (a stream owner's; the client's default one). */
export const energy$ = <K extends EnergyStreamKind>(kind: K) => {
  const name = `${kind}Energy$`;
  const reader: (client: EnergyClient<K>, id: DeviceId) => Reader<K> = readers[kind];
  return (client: EnergyClient<K>, id: DeviceId, options: EnergyStreamOptions = {}, cache: PollerCache = defaultCache(client)): Observable<EnergyEvent<EnergyPointOf<K>>> =>
    cache.shared(
      cache.key(ENERGY_OPTION_KEYS, [name, id], options),
      () => makeEnergy$(client, id, kind, reader(client, id), options).pipe(share({ resetOnRefCountZero: true })),
    );
};

/**
 * Short-energy intervals (30 s) of one device, each exactly once, then revisions and gaps, driven by a
 * watermark: catches up forward in windows of at most 12 h after outages of any length, re-checks the trailing
 * settle window (6 h) slowly in steady state and promptly after an outage, polls just after data is due, and
 * asks `/latest?fields[energy]=timestamp` before a full read once a poll came up empty. Every decision is
 * {@link EnergyPlanner}'s (drive it yourself for another runtime); this stream is its rx driver.
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
