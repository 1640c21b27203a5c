/**
 * The energy streams' decisions as pure functions over plain data: what to read next and when, and what an answer
 * means (intervals, revisions, gaps, anomalies, status, checkpoint progress). No rxjs, no timers, no Effect
 * runtime: the rx streams (`shortEnergy$`, `longEnergy$`, `modbus$`) are one driver of it; an Effect entity, an
 * Effect stream or a worker can be another.
 *
 * A driver keeps one {@link EnergyPlan} per device and stream and loops: {@link next} says what to request (or how
 * long to wait first), the driver calls the client, {@link onResult} folds the answer in and says what to emit and
 * how long to sleep. Times are epoch milliseconds of the driver's clock (`scheduler.now()`,
 * `Clock.currentTimeMillis`); delays are milliseconds; window bounds and points are Unix seconds, like the API.
 *
 * @example
 * ```ts
 * import { parseDeviceId } from "@wattstream/core";
 * import type { WattwatchersError } from "@wattstream/resilience";
 * import { EnergyPlanner } from "@wattstream/rx/planner";
 * import type { EnergyRequest, EnergyResult } from "@wattstream/rx/planner";
 * import { makeClient } from "@wattstream/transport";
 * import { Effect } from "effect";
 *
 * const client = makeClient({ apiKey: process.env.WATTSTREAM_API_KEY!, baseUrl: process.env.WATTSTREAM_API_URL });
 * const id = parseDeviceId("D123456789012");
 * // The driver stops when `stop` aborts (here after 3 s); a sleep ends early then.
 * const stop = AbortSignal.timeout(3_000);
 * const sleep = (ms: number) =>
 *   new Promise<void>((resolve) => {
 *     const timer = setTimeout(resolve, ms);
 *     stop.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
 *   });
 * const read = (request: EnergyRequest): Effect.Effect<EnergyResult<"short">, WattwatchersError> =>
 *   request.kind === "latest"
 *     ? client.getLatestShortEnergyData(id, { fields: ["timestamp"], retry: false })
 *     : client.getShortEnergyData(id, { fromTs: request.fromTs, toTs: request.toTs, retry: false });
 * // The answer or the failure, as a value: the planner decides what it means (and is the only retry layer).
 * const call = (request: EnergyRequest) => Effect.runPromise(Effect.catch(read(request), Effect.succeed));
 *
 * let state = EnergyPlanner.initialState({ kind: "short", deviceId: id }, Date.now());
 * while (!stop.aborted) {
 *   const next = EnergyPlanner.next(state, Date.now());
 *   if (next.kind === "wait") {
 *     await sleep(next.delay);
 *     continue;
 *   }
 *   const step = EnergyPlanner.onResult(next.state, Date.now(), await call(next.request));
 *   state = step.state;
 *   for (const event of step.events) console.log(event);
 *   if (step.fatal !== undefined) throw step.fatal;
 *   // if (step.checkpoint) await store.save(key, step.checkpoint);
 *   await sleep(step.delay);
 * }
 * ```
 * @module
 */
import { maxWindow } from "@wattstream/core";
import type { DeviceId } from "@wattstream/core";
import { backoffDelay, isWattwatchersError } from "@wattstream/resilience";
import type { WattwatchersError } from "@wattstream/resilience";
import type { NoData } from "@wattstream/transport";
import type { EnergyCheckpoint } from "../CheckpointStore.js";
import type { ChannelLayout, EnergyEvent, EnergyPlanOptions, EnergyPointOf, EnergyStreamKind } from "../EnergyEvent.js";
import { EnergyLedger, fingerprint } from "../internal/EnergyLedger.js";
import type { LedgerData, LedgerEvent } from "../internal/EnergyLedger.js";
import { healthFail, healthOk, HEALTHY, verdictOf } from "../internal/verdict.js";
import type { HealthState } from "../internal/verdict.js";

/** Per-kind defaults: the interval, and the largest window core allows (a window over it is a 422, api-facts). */
const DEFAULTS = {
  short: { interval: 30, maxWindow: maxWindow("short") },
  long: { interval: 300, maxWindow: maxWindow("long", "5m") },
  modbus: { interval: 300, maxWindow: maxWindow("modbus") },
} as const;

/** Empty polls that wait the base step before the wait doubles: they measure the reporting lag to within one step. */
const LINEAR_MISSES = 8;

/**
 * What {@link initialState} needs: the stream (device and kind), how to plan ({@link EnergyPlanOptions}), and the
 * channel layout to label intervals with (see {@link withChannels}).
 *
 * @category models
 */
export interface EnergyPlannerOptions<K extends EnergyStreamKind = EnergyStreamKind> extends EnergyPlanOptions {
  readonly kind: K;
  readonly deviceId: DeviceId;
  /** The device's channels, attached to `interval` and `revised` events. @default [] until {@link withChannels} */
  readonly channels?: ChannelLayout | undefined;
}

/**
 * The planning options with every default filled in (seconds, except `…Ms`).
 *
 * @category models
 */
export interface EnergyPlanSettings {
  readonly interval: number;
  readonly settle: number;
  readonly recheckEvery: number;
  readonly promptRecheckEvery: number;
  readonly maxBackoffMs: number;
  readonly maxLookBack: number;
  /** Polls go this long (s) after an interval is due, so they do not race its arrival. */
  readonly margin: number;
  /** The option `phase` (fraction of the margin), when given; else one derived from the device ID. */
  readonly phase?: number | undefined;
  /** First wait after an empty poll, ms (resilience's `backoffDelay`, flat for the first 8 polls). */
  readonly missBaseMs: number;
  /** First wait after a failed poll, ms (resilience's `backoffDelay`). */
  readonly failureBaseMs: number;
}

/**
 * What to ask the client: `range` is the kind's range read (`getShortEnergyData(id, { fromTs, toTs })`, …) over
 * `[fromTs, toTs)`; `latest` is the kind's cheap "is there anything new?" read
 * (`getLatestShortEnergyData(id, { fields: ["timestamp"] })`, …), asked after a poll came up empty.
 *
 * @category models
 */
export type EnergyRequest = { readonly kind: "range"; readonly fromTs: number; readonly toTs: number } | { readonly kind: "latest" };

/**
 * The client's answer to an {@link EnergyRequest}, as transport gives it: the points of a range read, the point (at
 * least its `timestamp`) of a `latest` read, `NoData` (204: nothing reported), or the typed failure.
 *
 * @category models
 */
export type EnergyResult<K extends EnergyStreamKind = EnergyStreamKind> =
  | ReadonlyArray<EnergyPointOf<K>>
  | { readonly timestamp: number }
  | NoData
  | WattwatchersError;

/**
 * The read in flight between {@link next} and {@link onResult} (part of the state; a driver never builds one).
 *
 * @category models
 */
export interface InFlight<K extends EnergyStreamKind> {
  readonly request: EnergyRequest;
  /** The range the poll reads (after a `latest` probe that found something new, too). */
  readonly fromTs: number;
  readonly toTs: number;
  /** The poll asked for a window that ends before now: more to read at once. */
  readonly catchingUp: boolean;
  /** When the poll began, Unix seconds: the time its findings are dated with. */
  readonly startedAt: number;
  /** Gaps whose deadline passed when the poll began: emitted with its result. */
  readonly expired: ReadonlyArray<EnergyEvent<EnergyPointOf<K>>>;
}

/**
 * Everything one energy stream knows between polls, as plain immutable data (numbers, strings, arrays: it survives
 * `JSON.stringify`/`JSON.parse`, so an Effect entity can persist it). Build it with {@link initialState}; only the
 * planner's functions change it, each returning a new one.
 *
 * @category models
 */
export interface EnergyPlan<K extends EnergyStreamKind = EnergyStreamKind> {
  readonly kind: K;
  readonly deviceId: DeviceId;
  readonly settings: EnergyPlanSettings;
  /** Watermark, fingerprints of emitted intervals inside the settle window, holes, reported anomalies. */
  readonly ledger: LedgerData;
  /** The label of `interval`/`revised` events. */
  readonly channels: ChannelLayout;
  /** Largest window to ask for, s: halved after each 422. */
  readonly windowLimit: number;
  /** When the settle window was last re-checked, Unix seconds. */
  readonly lastRecheck: number;
  /** Until when (Unix seconds) the settle window is re-checked promptly (after an outage). */
  readonly promptUntil: number;
  /** Start of the next window while catching up, else `undefined` (read from the watermark). */
  readonly cursor: number | undefined;
  /** Empty polls in a row. */
  readonly misses: number;
  /** Lower bound of the reporting lag, s, learned from polls that came too early. */
  readonly lag: number;
  /** How late after its interval's end the last empty poll came, s. */
  readonly lastMissLate: number;
  /** Failed polls in a row and the status last reported. */
  readonly health: HealthState;
  /** The device's `lastHeardAt` was more than three intervals old at the last heartbeat. */
  readonly silent: boolean;
  /** When the next poll is due, epoch ms. */
  readonly dueAt: number;
  readonly inFlight: InFlight<K> | undefined;
}

/**
 * What {@link next} says: wait `delay` ms (then ask again), or send `request` now and hand its answer to
 * {@link onResult} together with `state`.
 *
 * @category models
 */
export type EnergyNext<K extends EnergyStreamKind = EnergyStreamKind> =
  | { readonly kind: "wait"; readonly delay: number }
  | { readonly kind: "request"; readonly request: EnergyRequest; readonly state: EnergyPlan<K> };

/**
 * What {@link onResult} decided: the new state, the events to emit (the energy streams' {@link EnergyEvent}s), how
 * long to wait before the next poll, the checkpoint to save if this step moved anything, and a fatal failure the
 * stream must end with (after emitting `events`).
 *
 * @category models
 */
export interface EnergyStep<K extends EnergyStreamKind = EnergyStreamKind> {
  readonly state: EnergyPlan<K>;
  readonly events: ReadonlyArray<EnergyEvent<EnergyPointOf<K>>>;
  /** Milliseconds until the next poll is due (0: at once, e.g. while catching up). */
  readonly delay: number;
  /** The checkpoint to save when this step emitted something or moved the watermark, else `undefined`. */
  readonly checkpoint: EnergyCheckpoint | undefined;
  /** A failure no poll can get past (`Unauthorized`, `NotFound`, …): the stream ends with it. */
  readonly fatal: WattwatchersError | undefined;
}

/**
 * The planning options with every default filled in for stream kind `kind`.
 *
 * @example
 * ```ts
 * import { EnergyPlanner } from "@wattstream/rx/planner";
 * EnergyPlanner.settingsOf("long", {}).interval; // 300
 * ```
 * @category constructors
 */
export const settingsOf = (kind: EnergyStreamKind, options: EnergyPlanOptions): EnergyPlanSettings => {
  const interval = options.interval ?? DEFAULTS[kind].interval;
  return {
    interval,
    settle: options.settle ?? 6 * 3600,
    recheckEvery: options.recheckEvery ?? 3600,
    promptRecheckEvery: options.promptRecheckEvery ?? 300,
    maxBackoffMs: options.maxBackoffMs ?? 300_000,
    maxLookBack: options.maxLookBack ?? 366 * 86_400,
    margin: Math.min(1, interval / 10),
    ...(options.phase !== undefined && Number.isFinite(options.phase) ? { phase: Math.min(Math.max(options.phase, 0), 0.999) } : {}),
    // Short enough to keep data fresh, doubling once the linear steps are used up.
    missBaseMs: Math.max(500, (interval * 1000) / 30),
    failureBaseMs: Math.max(1_000, (interval * 1000) / 15),
  };
};

/**
 * Why a decoded checkpoint cannot be followed at `now` (epoch ms), or `undefined`: a watermark in the future would
 * silently emit nothing, one older than `maxLookBack` would read years of nothing. The rx streams turn the answer
 * into a `CheckpointCorrupt`.
 *
 * @example
 * ```ts
 * import { EnergyPlanner } from "@wattstream/rx/planner";
 * EnergyPlanner.checkpointProblem("short", {}, { watermark: 0, seen: [], holes: [], lag: 0 }, Date.now());
 * // "has a watermark older than the 31622400-s look-back (0, now …)"
 * ```
 * @category constructors
 */
export const checkpointProblem = (kind: EnergyStreamKind, options: EnergyPlanOptions, checkpoint: EnergyCheckpoint, now: number): string | undefined => {
  const { interval, maxLookBack } = settingsOf(kind, options);
  const nowS = now / 1000;
  // A little slack for clock skew between this machine and the service.
  if (checkpoint.watermark > nowS + Math.max(2 * interval, 600))
    return `has a watermark in the future (${checkpoint.watermark}, now ${Math.floor(nowS)})`;
  if (checkpoint.watermark < nowS - maxLookBack)
    return `has a watermark older than the ${maxLookBack}-s look-back (${checkpoint.watermark}, now ${Math.floor(nowS)})`;
  return undefined;
};

/**
 * A device's fixed phase in [0, margin) s. A fleet's devices share the interval grid and learn their lag in the same
 * steps: without a phase, every device polls in the same millisecond and thousands of polls run back to back in one
 * event-loop turn.
 */
const phaseOf = (deviceId: DeviceId, s: EnergyPlanSettings): number =>
  (s.phase ?? (fingerprint(deviceId) % 1000) / 1000) * s.margin;

/** Next poll: just after the next interval is due (interval end + learned lag + the device's phase), never a blind timer. */
const dueDelay = (deviceId: DeviceId, watermark: number, lag: number, s: EnergyPlanSettings, now: number): number =>
  Math.max(0, (watermark + s.interval + lag + s.margin + phaseOf(deviceId, s) - now / 1000) * 1000);

/**
 * The state of a stream that starts at `now` (epoch ms): from `checkpoint` when there is one (and then re-checking
 * the settle window promptly, since the stream was down), else from `options.fromTs`, else from the latest
 * complete interval. Check a stored checkpoint with {@link checkpointProblem} first.
 *
 * @example
 * ```ts
 * import { parseDeviceId } from "@wattstream/core";
 * import { EnergyPlanner } from "@wattstream/rx/planner";
 * const plan = EnergyPlanner.initialState({ kind: "short", deviceId: parseDeviceId("D123456789012"), fromTs: 1_700_000_000 }, 1_700_000_100_000);
 * plan.ledger.watermark; // 1700000010 (the next interval start on the 30-s grid)
 * ```
 * @category constructors
 */
export const initialState = <K extends EnergyStreamKind>(options: EnergyPlannerOptions<K>, now: number, checkpoint?: EnergyCheckpoint): EnergyPlan<K> => {
  const settings = settingsOf(options.kind, options);
  const nowS = now / 1000;
  const start = options.fromTs ?? Math.floor(nowS / settings.interval) * settings.interval - settings.interval;
  const ledger = new EnergyLedger(start, settings.interval, settings.settle, checkpoint);
  const lag = options.lag ?? ledger.lag;
  return {
    kind: options.kind,
    deviceId: options.deviceId,
    settings,
    ledger: ledger.toData(),
    channels: options.channels ?? [],
    windowLimit: options.maxWindow ?? DEFAULTS[options.kind].maxWindow,
    lastRecheck: nowS,
    // 0 (1970) stands for "never": plain JSON-safe numbers, no -Infinity.
    promptUntil: checkpoint === undefined ? 0 : nowS + settings.settle,
    cursor: undefined,
    misses: 0,
    lag,
    lastMissLate: 0,
    health: HEALTHY,
    silent: false,
    // The first poll waits until the interval after the watermark is due (now, when catching up).
    dueAt: now + dueDelay(options.deviceId, ledger.watermark, lag, settings, now),
    inFlight: undefined,
  };
};

/**
 * The state with another channel layout: the label of the `interval` and `revised` events from now on (e.g. after
 * the device's channels were read again).
 *
 * @example
 * ```ts
 * import { EnergyPlanner } from "@wattstream/rx/planner";
 * // `id` and `device` stand for a device and its record.
 * const plan = EnergyPlanner.initialState({ kind: "short", deviceId: id }, Date.now());
 * const labelled = EnergyPlanner.withChannels(plan, device.channels ?? []);
 * ```
 * @category combinators
 */
export const withChannels = <K extends EnergyStreamKind>(state: EnergyPlan<K>, channels: ChannelLayout): EnergyPlan<K> =>
  state.channels === channels ? state : { ...state, channels };

/**
 * Whether `points` no longer match the channel layout (their energy arrays have another length): a stale layout
 * silently mislabels data (api-facts), so the driver should read the device's channels again before
 * {@link onResult} (and pass them with {@link withChannels}).
 *
 * @example
 * ```ts
 * import { EnergyPlanner } from "@wattstream/rx/planner";
 * EnergyPlanner.channelsMismatch([], [{ timestamp: 0, eReal: [1, 2] }]); // true
 * ```
 * @category predicates
 */
export const channelsMismatch = (channels: ChannelLayout, points: ReadonlyArray<object>): boolean => {
  const first = points[0];
  const eReal: unknown = first !== undefined && "eReal" in first ? first.eReal : undefined;
  return Array.isArray(eReal) && eReal.length !== channels.length;
};

/**
 * The device's `comms.lastHeardAt` (Unix seconds, e.g. from `device$`) at `now` (epoch ms): when it jumps after a
 * silence of more than three intervals, the device has just reconnected and will back-fill (api-facts), so the
 * settle window is re-checked at the next poll and promptly for one settle period.
 *
 * @example
 * ```ts
 * import { EnergyPlanner } from "@wattstream/rx/planner";
 * const plan = EnergyPlanner.initialState({ kind: "short", deviceId: id }, Date.now()); // `id`: a DeviceId
 * const updated = EnergyPlanner.onHeartbeat(plan, Date.now(), 1_700_000_000);
 * ```
 * @category combinators
 */
export const onHeartbeat = <K extends EnergyStreamKind>(state: EnergyPlan<K>, now: number, lastHeardAt: number | undefined): EnergyPlan<K> => {
  if (lastHeardAt === undefined) return state;
  const nowS = now / 1000;
  const quiet = nowS - lastHeardAt > 3 * state.settings.interval;
  if (state.silent && !quiet) return { ...state, silent: quiet, promptUntil: nowS + state.settings.settle, lastRecheck: 0 };
  return state.silent === quiet ? state : { ...state, silent: quiet };
};

/**
 * The checkpoint of `state` (watermark, fingerprints, holes, learned lag): what to save to resume after a restart,
 * e.g. when the stream stops.
 *
 * @example
 * ```ts
 * import { EnergyPlanner } from "@wattstream/rx/planner";
 * const plan = EnergyPlanner.initialState({ kind: "short", deviceId: id }, Date.now()); // `id`: a DeviceId
 * JSON.stringify(EnergyPlanner.checkpointOf(plan));
 * ```
 * @category getters
 */
export const checkpointOf = (state: EnergyPlan): EnergyCheckpoint => ({
  watermark: state.ledger.watermark,
  seen: EnergyLedger.seen(state.ledger, state.settings.interval),
  holes: state.ledger.holes,
  lag: state.lag,
});

const toEvents = <K extends EnergyStreamKind>(state: EnergyPlan<K>, found: ReadonlyArray<LedgerEvent<EnergyPointOf<K>>>): Array<EnergyEvent<EnergyPointOf<K>>> =>
  found.map((e): EnergyEvent<EnergyPointOf<K>> => {
    const stream = { deviceId: state.deviceId, stream: state.kind };
    switch (e.kind) {
      case "gap":
        return { type: "gap", ...stream, fromTs: e.fromTs, toTs: e.toTs };
      case "anomaly":
        return { type: "anomaly", ...stream, point: e.point, reason: e.reason };
      default:
        return { type: e.kind, ...stream, point: e.point, channels: state.channels };
    }
  });

/**
 * What to do at `now` (epoch ms): wait (the next poll is not due yet), or send a request. The request's `state`
 * (which reports gaps whose settle period ran out with the answer) goes to {@link onResult} with the answer; if
 * the request is abandoned (the driver paused, the request was cancelled), drop it and keep the state you had: no
 * decision was committed.
 *
 * A poll reads forward from the watermark, in windows of at most `maxWindow` while catching up; re-reads the
 * settle window every `recheckEvery` (every `promptRecheckEvery` after an outage); after an empty poll it first asks
 * `latest` for the newest timestamp and reads the range only if there is something new.
 *
 * @example
 * ```ts
 * import { EnergyPlanner } from "@wattstream/rx/planner";
 * const plan = EnergyPlanner.initialState({ kind: "short", deviceId: id }, Date.now()); // `id`: a DeviceId
 * const next = EnergyPlanner.next(plan, Date.now());
 * if (next.kind === "request" && next.request.kind === "range") console.log(next.request.fromTs, next.request.toTs);
 * ```
 * @category planning
 */
export const next = <K extends EnergyStreamKind>(state: EnergyPlan<K>, now: number): EnergyNext<K> => {
  // A probe found something new: the range read follows at once, within the same poll.
  if (state.inFlight !== undefined) return { kind: "request", request: state.inFlight.request, state };
  if (now < state.dueAt) return { kind: "wait", delay: state.dueAt - now };
  const s = state.settings;
  const nowS = now / 1000;
  // Only holes and reported anomalies can expire here. Without either (a stream keeping up), the ledger is left as
  // it is: rebuilding it would unroll the settle window's timestamps (720 for 6 h of 30-s intervals) and copy them
  // back on every poll, garbage the collector pays for at every device's every interval.
  let ledger = state.ledger;
  let expired: Array<EnergyEvent<EnergyPointOf<K>>> = [];
  if (ledger.holes.length + ledger.reported.length > 0) {
    const l = EnergyLedger.fromData(ledger, s.interval, s.settle);
    // Fingerprints are forgotten in `onResult`, right before the answer is applied: one copy of them per poll.
    expired = toEvents(state, l.expireHoles<EnergyPointOf<K>>(nowS));
    ledger = l.toData();
  }
  const recheckDue = state.cursor === undefined && nowS - state.lastRecheck >= (nowS < state.promptUntil ? s.promptRecheckEvery : s.recheckEvery);
  let fromTs = state.cursor ?? ledger.watermark;
  if (recheckDue) fromTs = Math.min(ledger.watermark, Math.floor(nowS - s.settle), ledger.holes[0]?.[0] ?? Infinity);
  const toTs = Math.min(fromTs + state.windowLimit, Math.floor(nowS) + 1);
  // After a miss, ask for the latest timestamp before paying for a full read.
  const probe = state.misses > 0 && state.cursor === undefined && !recheckDue;
  const request: EnergyRequest = probe ? { kind: "latest" } : { kind: "range", fromTs, toTs };
  const inFlight: InFlight<K> = { request, fromTs, toTs, catchingUp: toTs <= Math.floor(nowS), startedAt: nowS, expired };
  return {
    kind: "request",
    request,
    state: { ...state, ledger, lastRecheck: recheckDue ? nowS : state.lastRecheck, inFlight },
  };
};

// Told apart by shape, as transport's result union allows (rx depends on transport for types only: no run-time import).
const isNoData = (r: EnergyResult): r is NoData => "_tag" in r && r._tag === "NoData";
const isPoints = <K extends EnergyStreamKind>(r: EnergyResult<K>): r is ReadonlyArray<EnergyPointOf<K>> => Array.isArray(r);

/**
 * Folds the client's answer to the request {@link next} returned (with the state it returned) in, at `now` (epoch
 * ms, when the answer arrived): new intervals in timestamp order, `revised` for changed values, `gap` for holes
 * whose settle period ran out, `anomaly` for points that cannot be trusted, `status` when the stream's health
 * changes; then when to poll next:
 *
 * - new data: just after the next interval is due (interval end + the learned reporting lag); at once while
 *   catching up. Data found after empty polls teaches the lag (within four intervals) or marks an outage (beyond:
 *   re-check the settle window promptly for one settle period).
 * - nothing new: `missBaseMs` for eight polls, then doubling up to `maxBackoffMs` (resilience's `backoffDelay`).
 * - a 422 (window too large): halve the window and read again at once.
 * - a transient failure: `status` `retrying` (`degraded` from the third in a row) and resilience's back-off; a 429:
 *   `rateLimited` until its `retryAt`; a bad response: `degraded` at once. A fatal failure comes back in `fatal`.
 *
 * @example
 * ```ts
 * import { EnergyPlanner } from "@wattstream/rx/planner";
 * import { NoData } from "@wattstream/transport";
 * const plan = EnergyPlanner.initialState({ kind: "short", deviceId: id }, Date.now()); // `id`: a DeviceId
 * const next = EnergyPlanner.next(plan, Date.now());
 * if (next.kind === "request") {
 *   const step = EnergyPlanner.onResult(next.state, Date.now(), NoData);
 *   step.delay; // ms until the next poll
 * }
 * ```
 * @category planning
 */
export const onResult = <K extends EnergyStreamKind>(state: EnergyPlan<K>, now: number, result: EnergyResult<K>): EnergyStep<K> => {
  const flight = state.inFlight;
  if (flight === undefined) throw new Error("EnergyPlanner.onResult: no request in flight (pass next's state)");
  const s = state.settings;
  const settled = { ...state, inFlight: undefined };
  const step = (next: EnergyPlan<K>, events: ReadonlyArray<EnergyEvent<EnergyPointOf<K>>>, delay: number, changed = false, fatal?: WattwatchersError): EnergyStep<K> => {
    const after = { ...next, dueAt: now + delay };
    let checkpoint: EnergyCheckpoint | undefined;
    return {
      state: after,
      events,
      delay,
      // Built when asked for (a driver without a store never pays for it), once.
      get checkpoint() {
        if (changed) checkpoint ??= checkpointOf(after);
        return checkpoint;
      },
      fatal,
    };
  };

  if (isWattwatchersError(result)) {
    const verdict = verdictOf(result, now);
    if (verdict.kind === "fatal") return step(settled, flight.expired, 0, false, result);
    if (verdict.kind === "split" && flight.toTs - flight.fromTs > s.interval)
      // A window over the maximum is a 422, not truncated (api-facts): halve it and read again at once.
      return step({ ...settled, windowLimit: Math.max(s.interval, Math.floor((flight.toTs - flight.fromTs) / 2)), cursor: flight.fromTs }, flight.expired, 0);
    const { health, status, delayMs } = healthFail(state.health, verdict, s.failureBaseMs, s.maxBackoffMs);
    const event: EnergyEvent<EnergyPointOf<K>> = { type: "status", deviceId: state.deviceId, status, error: result, attempt: health.failures, retryAt: now + delayMs };
    return step({ ...settled, health }, [...flight.expired, event], delayMs);
  }

  let points: ReadonlyArray<EnergyPointOf<K>> = [];
  if (isPoints(result)) points = result;
  else if (!isNoData(result)) {
    if (flight.request.kind !== "latest")
      throw new Error("EnergyPlanner.onResult: a range read answers with points or NoData, not one point");
    // The probe: read the range only if the newest timestamp is at or after the watermark.
    if (result.timestamp >= state.ledger.watermark) {
      const request: EnergyRequest = { kind: "range", fromTs: flight.fromTs, toTs: flight.toTs };
      return step({ ...state, inFlight: { ...flight, request } }, [], 0);
    }
  }

  const nowS = flight.startedAt;
  const ledger = EnergyLedger.fromData(state.ledger, s.interval, s.settle);
  ledger.forget(nowS);
  const wm = ledger.watermark;
  // Modbus reads carry no duration (they take the interval); short and long points must.
  const applied = ledger.apply(points, nowS, flight, state.kind !== "modbus");
  const cursor = flight.catchingUp ? flight.toTs : undefined;
  let { lag, misses, promptUntil, lastMissLate } = state;
  let delay: number;
  if (applied.advanced) {
    // Found after polls that came too early: the lag lies between the last miss and now. Within a few intervals
    // that is reporting lag, learned; beyond, the device was offline (an outage) and back-fill is coming, so
    // re-check the settle window promptly.
    const upper = nowS - (wm + s.interval);
    if (misses > 0 && upper < 4 * s.interval) lag = Math.max(lag, lastMissLate, upper - s.margin);
    if ((misses > 0 && upper >= 4 * s.interval) || applied.holeOpened) promptUntil = nowS + s.settle;
    misses = 0;
    lag *= 0.9995; // slowly forget, so a device whose lag shrinks is polled earlier again
    delay = cursor !== undefined ? 0 : dueDelay(state.deviceId, ledger.watermark, lag, s, now);
  } else if (cursor !== undefined) {
    delay = 0;
  } else {
    // Too early, or the device is offline: learn the lag, then back off (linear steps first: they measure the lag
    // to within one step; then exponential: by then the device is more likely offline than slow).
    const late = nowS - (wm + s.interval);
    if (late >= 0) lastMissLate = late;
    misses++;
    delay = backoffDelay(misses, { baseMs: s.missBaseMs, maxMs: s.maxBackoffMs, flatAttempts: LINEAR_MISSES });
  }
  const ok = healthOk(state.health);
  const events: Array<EnergyEvent<EnergyPointOf<K>>> = [...flight.expired];
  if (ok.status) events.push({ type: "status", deviceId: state.deviceId, status: ok.status });
  events.push(...toEvents(state, applied.events));
  ledger.lag = lag;
  const next: EnergyPlan<K> = { ...settled, ledger: ledger.toData(), cursor, lag, misses, promptUntil, lastMissLate, health: ok.health };
  const changed = events.length > 0 || ledger.watermark !== wm;
  return step(next, events, delay, changed);
};
