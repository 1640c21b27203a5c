import { asyncScheduler, config, Observable, Subscriber } from "rxjs";
import type { SchedulerLike, Subscription } from "rxjs";
import type { Effect } from "effect";
import type { DeviceId, LongEnergyPoint, ModbusPoint, ShortEnergyPoint } from "@wattstream/core";
import { isWattwatchersError } from "@wattstream/resilience";
import type { WattwatchersError } from "@wattstream/resilience";
import type { NoData, WattwatchersClient } from "@wattstream/transport";
import { CheckpointCorrupt, checkpointKey, decodeCheckpoint } from "./CheckpointStore.js";
import type { CheckpointKey, CheckpointStore, EnergyCheckpoint } from "./CheckpointStore.js";
import type { DeviceUpdate } from "./device$.js";
import type { ChannelLayout, EnergyEvent, EnergyPlanOptions, EnergyPointOf, EnergyStreamKind } from "./EnergyEvent.js";
import { Poller } from "./internal/Poller.js";
import type { Outcome } from "./internal/runEffect.js";
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
  read(fromTs: number, toTs: number): Effect.Effect<ReadonlyArray<EnergyPointOf<K>> | NoData, WattwatchersError>;
  latestTimestamp(): Effect.Effect<{ readonly timestamp: number } | NoData, WattwatchersError>;
}

const readers: { readonly [K in EnergyStreamKind]: (client: EnergyClient<K>, id: DeviceId) => Reader<K> } = {
  short: (client, id) => ({
    read: (fromTs, toTs) => client.getShortEnergyData(id, { fromTs, toTs, ...POLL }),
    // `fields[energy]=timestamp`: the cheap way to ask "is there anything new?" (api-facts).
    latestTimestamp: () => client.getLatestShortEnergyData(id, { fields: ["timestamp"], ...POLL }),
  }),
  long: (client, id) => ({
    read: (fromTs, toTs) => client.getLongEnergyData(id, { fromTs, toTs, ...POLL }),
    latestTimestamp: () => client.getLatestLongEnergyData(id, { fields: ["timestamp"], ...POLL }),
  }),
  modbus: (client, id) => ({
    read: (fromTs, toTs) => client.getModbusData(id, { fromTs, toTs, ...POLL }),
    latestTimestamp: () => client.getLatestModbusData(id, { fields: ["timestamp"], ...POLL }),
  }),
};

/** The planner's settings of every energy stream, one object per distinct value (a fleet's streams mostly share one). */
const settingsSeen = new Map<string, EnergyPlanner.EnergyPlanSettings>();

const sharedSettings = (settings: EnergyPlanner.EnergyPlanSettings): EnergyPlanner.EnergyPlanSettings => {
  const key = JSON.stringify(settings);
  const found = settingsSeen.get(key);
  if (found !== undefined) return found;
  // Bounded like any cache of caller-made values (a `phase` per device makes every stream's settings its own).
  if (settingsSeen.size >= 1_000) settingsSeen.clear();
  settingsSeen.set(key, settings);
  return settings;
};

/** A heartbeat as it arrived: when (epoch ms) and the device's `lastHeardAt`. */
type Heard = readonly [number, number | undefined];

/** What an energy poller's layout and heartbeat sources feed (see {@link Feed}). */
interface FeedTarget {
  onDevice(u: DeviceUpdate): void;
  onLayout(layout: ChannelLayout): void;
  onHeard(lastHeardAt: number | undefined): void;
  layoutEnded(end: { readonly error: unknown } | true): void;
}

/**
 * An energy poller's subscription to one of its layout and heartbeat sources: a `Subscriber` itself, so subscribing
 * wraps nothing (no safe subscriber, observer object and closures per device). A source that stands for the layout
 * (`endsLayout`) ends it with its completion or error; another's error is reported as rxjs reports an unhandled one.
 */
abstract class Feed<T> extends Subscriber<T> {
  readonly #endsLayout: boolean;

  constructor(
    protected readonly target: FeedTarget,
    endsLayout: boolean,
  ) {
    super();
    this.#endsLayout = endsLayout;
  }

  protected override _error(error: unknown): void {
    this.unsubscribe();
    if (this.#endsLayout) return this.target.layoutEnded({ error });
    // What rxjs does with an error nobody handles (as a plain `subscribe(next)` did here before): reported
    // asynchronously, to `config.onUnhandledError` when set.
    setTimeout(() => {
      if (config.onUnhandledError === null) throw error;
      config.onUnhandledError(error);
    });
  }

  protected override _complete(): void {
    this.unsubscribe();
    if (this.#endsLayout) this.target.layoutEnded(true);
  }
}

class DeviceFeed extends Feed<DeviceUpdate> {
  protected override _next(u: DeviceUpdate): void {
    this.target.onDevice(u);
  }
}

class LayoutFeed extends Feed<ChannelLayout> {
  protected override _next(layout: ChannelLayout): void {
    this.target.onLayout(layout);
  }
}

class HeartbeatFeed extends Feed<number | undefined> {
  protected override _next(lastHeardAt: number | undefined): void {
    this.target.onHeard(lastHeardAt);
  }
}

/**
 * The shared poller of one energy stream (see `Poller`), the rx driver of {@link EnergyPlanner} as one object with
 * fields: loads the checkpoint, keeps the layout and heartbeats from the layout sources, asks the planner what to
 * read, calls the client, folds the answer in, emits and saves. One request (or layout read, or save) at a time.
 */
class EnergyPoller<K extends EnergyStreamKind> extends Poller<EnergyEvent<EnergyPointOf<K>>> implements FeedTarget {
  /** The planner's state; `undefined` until the checkpoint is loaded. */
  #plan: EnergyPlanner.EnergyPlan<K> | undefined;
  /** The state of the request in flight (what `next` returned), handed to `onResult` with the answer. */
  #planned: EnergyPlanner.EnergyPlan<K> | undefined;
  #layout: ChannelLayout | undefined;
  #layoutStale = false;
  /** The layout source ended (`true`), or failed (the error), before giving a layout. */
  #layoutEnd: { readonly error: unknown } | true | undefined;
  /** A poll waiting for the layout source's first value goes on with this. */
  #waiting: (() => void) | undefined;
  /** The latest heartbeat before the plan exists. */
  #heardEarly: Heard | undefined;
  /** Heartbeats that arrived while a request was in flight: applied again to the state the request commits. */
  #heardInFlight: Array<Heard> | undefined;
  /** When the checkpoint was last saved (`undefined`: never; a number field, not a boxed -Infinity). */
  #lastSave: number | undefined;
  #dirty = false;
  #deviceFeed: Subscription | undefined;
  #layoutFeed: Subscription | undefined;
  #heartbeatFeed: Subscription | undefined;

  readonly #client: EnergyClient<K>;
  readonly #id: DeviceId;
  readonly #kind: K;
  readonly #options: EnergyStreamOptions;

  constructor(
    client: EnergyClient<K>,
    id: DeviceId,
    kind: K,
    options: EnergyStreamOptions,
  ) {
    super(options.scheduler ?? asyncScheduler, options.active$);
    this.#client = client;
    this.#id = id;
    this.#kind = kind;
    this.#options = options;
  }

  /** Where the layout comes from without reading the device: `layout$`, else `device$`'s snapshots. */
  get #layoutGiven(): boolean {
    return this.#options.layout$ !== undefined || this.#options.device$ !== undefined;
  }

  get #storeKey(): CheckpointKey {
    return { deviceId: this.#id, stream: this.#kind };
  }

  protected start(): void {
    // The layout and heartbeat sources are subscribed at once, before the checkpoint loads: a device stream shared
    // with other subscribers may emit its first snapshot meanwhile, and would not repeat it.
    const { layout$, heartbeat$, device$, checkpoints } = this.#options;
    // One subscription to the device's stream feeds both (what `layout$` and `heartbeat$` do not already); its end
    // ends the layout when there is no `layout$`.
    if (device$ !== undefined) this.#deviceFeed = device$.subscribe(new DeviceFeed(this, layout$ === undefined));
    if (layout$ !== undefined) this.#layoutFeed = layout$.subscribe(new LayoutFeed(this, true));
    if (heartbeat$ !== undefined) this.#heartbeatFeed = heartbeat$.subscribe(new HeartbeatFeed(this, false));
    if (this.stopped) this.#unfeed();
    if (this.stopped) return;
    if (checkpoints === undefined) return this.#started(undefined, undefined);
    let loading: Promise<EnergyCheckpoint | undefined>;
    try {
      loading = checkpoints.load(this.#storeKey);
    } catch (error) {
      return this.fail(error);
    }
    this.wait(loading, (outcome) => {
      if (!outcome.ok) return this.fail(outcome.error);
      try {
        this.#loaded(outcome.value);
      } catch (error) {
        // A bad checkpoint: the policy's answer (start over from `restartFrom`), or the stream fails with it.
        if (!(error instanceof CheckpointCorrupt) || this.#options.restartFrom === undefined) return this.fail(error);
        this.#started(undefined, error);
      }
    });
  }

  /** The stored checkpoint, decoded and checked (checkpoints are input too). */
  #loaded(raw: EnergyCheckpoint | undefined): void {
    if (raw === undefined) return this.#started(undefined, undefined);
    const location = checkpointKey(this.#storeKey);
    const checkpoint = decodeCheckpoint(raw, location);
    const problem = EnergyPlanner.checkpointProblem(this.#kind, this.#options, checkpoint, this.scheduler.now());
    if (problem !== undefined) throw new CheckpointCorrupt({ location, problem, message: `checkpoint ${location} ${problem}` });
    this.#started(checkpoint, undefined);
  }

  #started(checkpoint: EnergyCheckpoint | undefined, reset: CheckpointCorrupt | undefined): void {
    const options = this.#options;
    const kind = this.#kind;
    const id = this.#id;
    const fromTs = reset === undefined ? options.fromTs : options.restartFrom;
    let plan = EnergyPlanner.initialState({ ...options, kind, deviceId: id, ...(fromTs === undefined ? {} : { fromTs }) }, this.scheduler.now(), checkpoint);
    // Streams planned alike share one settings object (the planner's states are spread copies: it stays shared).
    plan = { ...plan, settings: sharedSettings(plan.settings) };
    if (this.#heardEarly !== undefined) plan = EnergyPlanner.onHeartbeat(plan, ...this.#heardEarly);
    this.#heardEarly = undefined;
    this.#plan = plan;
    if (reset !== undefined) {
      this.emit({ type: "checkpointReset", deviceId: id, stream: kind, error: reset, fromTs: plan.ledger.watermark });
      // The bad checkpoint is replaced at the first save.
      this.#dirty = true;
      if (this.stopped) return;
    }
    // The first poll waits until the interval after the watermark is due (now, when catching up).
    this.begin(plan.dueAt - this.scheduler.now());
  }

  /** A device update from the `device$` option: its snapshots' channels and heartbeat, where no other source gives them. */
  onDevice(u: DeviceUpdate): void {
    if (u.type !== "snapshot") return;
    if (this.#options.layout$ === undefined) this.onLayout(u.device.channels ?? []);
    if (this.#options.heartbeat$ === undefined) this.onHeard(u.device.comms?.lastHeardAt);
  }

  onLayout(layout: ChannelLayout): void {
    this.#layout = layout;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.();
  }

  /** The layout source ended: a poll waiting for its first value reads the device instead, or fails with its error. */
  layoutEnded(end: { readonly error: unknown } | true): void {
    if (this.#layoutEnd !== undefined) return;
    this.#layoutEnd = end;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting === undefined) return;
    if (end === true) this.#readLayout(waiting);
    else this.#failed(end.error);
  }

  /** Applies a heartbeat to the plan once there is one; until then the latest is kept. */
  onHeard(lastHeardAt: number | undefined): void {
    const heard: Heard = [this.scheduler.now(), lastHeardAt];
    if (this.#plan === undefined) {
      this.#heardEarly = heard;
      return;
    }
    if (this.#planned !== undefined) (this.#heardInFlight ??= []).push(heard);
    this.#plan = EnergyPlanner.onHeartbeat(this.#plan, ...heard);
  }

  /** One poll: the planner's request, the client's answer (a failure as a value), the planner's step. */
  protected poll(): void {
    if (this.#plan === undefined) return this.settle(0);
    const planned = EnergyPlanner.next(this.#plan, this.scheduler.now());
    if (planned.kind === "wait") return this.settle(planned.delay);
    this.#planned = planned.state;
    const { request } = planned;
    this.#refreshLayout(() => {
      const io = readers[this.#kind](this.#client, this.#id);
      if (request.kind === "latest") return this.call(io.latestTimestamp(), (outcome) => this.#answered(outcome));
      this.call(io.read(request.fromTs, request.toTs), (outcome) => {
        if (outcome === undefined || !outcome.ok) return this.#answered(outcome);
        const answer = outcome.value;
        // A stale layout silently mislabels data (api-facts): on a length mismatch, read the device's channels
        // again before emitting anything.
        if (this.#layout !== undefined && !this.#layoutGiven && Array.isArray(answer) && EnergyPlanner.channelsMismatch(this.#layout, answer))
          this.#layoutStale = true;
        this.#refreshLayout(() => this.#step(answer));
      });
    });
  }

  /**
   * Makes sure a layout is at hand before anything is emitted: energy arrays are positional (api-facts), so an
   * interval without its layout cannot be labelled. With a layout source, wait for its first value (no extra
   * request); otherwise read the device when there is no layout yet or it went stale.
   */
  #refreshLayout(then: () => void): void {
    if (this.#layout === undefined && this.#layoutGiven) {
      const end = this.#layoutEnd;
      if (end === undefined) {
        this.#waiting = then;
        return;
      }
      if (end !== true) return this.#failed(end.error);
    }
    this.#readLayout(then);
  }

  #readLayout(then: () => void): void {
    if (!this.#layoutStale && this.#layout !== undefined) return then();
    this.call(this.#client.getDevice(this.#id, POLL), (outcome) => {
      if (outcome === undefined || !outcome.ok) return this.#answered(outcome);
      this.#layout = outcome.value.channels ?? [];
      this.#layoutStale = false;
      then();
    });
  }

  /** A client call of the poll ended: interrupted (poll again at once, nothing committed), failed, or answered. */
  #answered(outcome: Outcome<EnergyPlanner.EnergyResult<K>>): void {
    if (outcome === undefined) {
      this.#planned = undefined;
      this.#heardInFlight = undefined;
      return this.settle(0);
    }
    if (!outcome.ok) return this.#failed(outcome.error);
    this.#step(outcome.value);
  }

  /** Not a client failure (a defect, a checkpoint store's error): not a poll verdict, the stream ends. */
  #failed(error: unknown): void {
    if (isWattwatchersError(error)) this.#step(error);
    else this.fail(error);
  }

  #step(answer: EnergyPlanner.EnergyResult<K>): void {
    const planned = this.#planned;
    if (planned === undefined) return this.settle(0);
    // Only reached with a layout (refreshLayout ran first), or with a failure (which labels nothing).
    const step = EnergyPlanner.onResult(EnergyPlanner.withChannels(planned, this.#layout ?? []), this.scheduler.now(), answer);
    let plan = step.state;
    for (const heard of this.#heardInFlight ?? []) plan = EnergyPlanner.onHeartbeat(plan, ...heard);
    this.#plan = plan;
    this.#planned = undefined;
    this.#heardInFlight = undefined;
    for (const e of step.events) {
      this.emit(e);
      if (this.stopped) return;
    }
    if (step.fatal !== undefined) return this.fail(step.fatal);
    // The save starts only after the step's events went out: a checkpoint never runs ahead of the events it covers
    // (a store that writes both in one transaction sees the data first). Without a store there is nothing to build.
    if (this.#options.checkpoints === undefined || step.checkpoint === undefined) return this.settle(step.delay);
    this.#save(step.delay);
  }

  #save(delay: number): void {
    const store = this.#options.checkpoints;
    const plan = this.#plan;
    this.#dirty = true;
    const now = this.scheduler.now();
    if (store === undefined || plan === undefined || this.#lastSave !== undefined && now - this.#lastSave < (this.#options.checkpointEvery ?? 0)) return this.settle(delay);
    this.#lastSave = now;
    this.#dirty = false;
    let saving: Promise<void>;
    try {
      saving = store.save(this.#storeKey, EnergyPlanner.checkpointOf(plan));
    } catch (error) {
      return this.fail(error);
    }
    this.wait(saving, (outcome) => (outcome.ok ? this.settle(delay) : this.fail(outcome.error)));
  }

  protected override abandoned(): void {
    this.#planned = undefined;
    this.#heardInFlight = undefined;
    this.#waiting = undefined;
  }

  protected override stop(): void {
    this.abandoned();
    // Stopping is a checkpoint too. Nobody is subscribed any more to hear of a failure; the store's earlier
    // checkpoint still stands (at worst the restart repeats some intervals).
    const store = this.#options.checkpoints;
    if (this.#dirty && store !== undefined && this.#plan !== undefined) store.save(this.#storeKey, EnergyPlanner.checkpointOf(this.#plan)).catch(() => undefined);
    this.#unfeed();
  }

  #unfeed(): void {
    this.#deviceFeed?.unsubscribe();
    this.#layoutFeed?.unsubscribe();
    this.#heartbeatFeed?.unsubscribe();
    this.#deviceFeed = this.#layoutFeed = this.#heartbeatFeed = undefined;
  }
}

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
  return (client: EnergyClient<K>, id: DeviceId, options: EnergyStreamOptions = {}, cache: PollerCache = defaultCache(client)): Observable<EnergyEvent<EnergyPointOf<K>>> =>
    new Observable<EnergyEvent<EnergyPointOf<K>>>((subscriber) =>
      cache.join(cache.key(ENERGY_OPTION_KEYS, [name, id], options), () => new EnergyPoller(client, id, kind, options), subscriber),
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
