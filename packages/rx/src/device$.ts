// "Is this device online" is core's rule, shared with the CLI.
import { isOnline, OFFLINE_AFTER_SECONDS } from "@wattstream/core";
import type { Device, DeviceId } from "@wattstream/core";
import { isWattwatchersError } from "@wattstream/resilience";
import type { WattwatchersError } from "@wattstream/resilience";
import type { WattwatchersClient } from "@wattstream/transport";
import { asyncScheduler, catchError, defer, map, mergeMap, of, share, startWith, tap, throwError } from "rxjs";
import type { Observable, SchedulerLike } from "rxjs";
import { diffDevice } from "./diffDevice.js";
import type { DeviceEvent } from "./diffDevice.js";
import { fromEffect } from "./fromEffect.js";
import { pollLoop } from "./internal/pollLoop.js";
import type { Step } from "./internal/pollLoop.js";
import { defaultCache } from "./internal/sharedBy.js";
import type { OptionKeys, PollerCache } from "./internal/sharedBy.js";
import { Health, verdictOf } from "./internal/verdict.js";
import type { StatusEvent } from "./StatusEvent.js";

/**
 * One poll's result for a device: the structurally shared snapshot and the keyed change events since the
 * previous snapshot (none on the first). Late subscribers first get the current snapshot with no events.
 *
 * @category models
 */
export interface DeviceSnapshot {
  readonly type: "snapshot";
  readonly deviceId: DeviceId;
  readonly device: Device;
  readonly previous: Device | undefined;
  readonly events: ReadonlyArray<DeviceEvent>;
  /** Whether `comms.lastHeardAt` is within `offlineAfter` of the scheduler's clock. */
  readonly online: boolean;
}

/**
 * What {@link device$} emits; `E` is the client's error type (see `StreamStatus`).
 *
 * @category models
 */
export type DeviceUpdate<E extends WattwatchersError = WattwatchersError> = DeviceSnapshot | StatusEvent<E>;

/** The client operation the device streams call: transport's `WattwatchersClient`, narrowed with `Pick`. @category services */
export type DeviceClient = Pick<WattwatchersClient, "getDevice">;

/** Options of {@link device$}. @category models */
export interface DeviceStreamOptions {
  /** Poll period while nothing is pending, ms (288 reads per device-day = the status budget). @default 300000 */
  readonly every?: number;
  /** Poll period while a write is pending (converging config or switch), ms. @default 15000 */
  readonly pendingEvery?: number;
  /** Longest period the poller backs off to while nothing changes, ms. @default 600000 */
  readonly maxEvery?: number;
  /** Seconds without `comms.lastHeardAt` moving before the device counts as offline. @default 600 */
  readonly offlineAfter?: number;
  /** Stops polling while `false` (e.g. page visibility); see `pauseController`. */
  readonly active$?: Observable<boolean>;
  /** Time source for every timer. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/** Every device-stream option is part of the shared poller's key (see `OptionKeys`). */
const DEVICE_OPTION_KEYS: OptionKeys<DeviceStreamOptions> = {
  every: "key",
  pendingEvery: "key",
  maxEvery: "key",
  offlineAfter: "key",
  active$: "key",
  scheduler: "key",
};

const nonEmpty = (u: unknown): boolean => u !== undefined && u !== null && typeof u === "object" && Object.keys(u).length > 0;

/** A write is converging: the device's own `pending`, or a switch's or channel's. */
const hasPending = (d: Device): boolean =>
  nonEmpty(d.pending) || (d.switches?.some((s) => nonEmpty(s.pending)) ?? false) || (d.channels?.some((c) => nonEmpty(c["pending"])) ?? false);

const makeDevice$ = (client: DeviceClient, id: DeviceId, options: DeviceStreamOptions): Observable<DeviceUpdate> => {
  const scheduler = options.scheduler ?? asyncScheduler;
  const every = options.every ?? 300_000;
  const pendingEvery = options.pendingEvery ?? 15_000;
  const maxEvery = Math.max(every, options.maxEvery ?? 600_000);
  const offlineAfter = options.offlineAfter ?? OFFLINE_AFTER_SECONDS;
  let latest: DeviceSnapshot | undefined;
  const connection = defer(() => {
    let current: Device | undefined;
    let online: boolean | undefined;
    let period = every;
    const health = new Health(Math.min(every, 5_000), every);
    const tick = (): Observable<Step<DeviceUpdate>> =>
      // `retry: false`: the poller's back-off is the only retry layer for polls.
      fromEffect(client.getDevice(id, { retry: false })).pipe(
        map((fresh): Step<DeviceUpdate> => {
          const now = scheduler.now();
          const { snapshot, events } = diffDevice(current, fresh);
          const nowOnline = isOnline(snapshot, now / 1000, offlineAfter);
          const all: Array<DeviceEvent> = [...events];
          const heard = snapshot.comms?.lastHeardAt;
          if (online !== undefined && nowOnline !== online)
            all.push({ type: nowOnline ? "cameOnline" : "wentOffline", deviceId: id, lastHeardAt: heard });
          const previous = current;
          // Update state before `next` (style guide), so re-entrant subscribers see the new snapshot.
          current = snapshot;
          online = nowOnline;
          // Adapt: fast while a write converges, back to base on change, slower while nothing changes.
          period = hasPending(snapshot)
            ? hasPending(previous ?? snapshot) && all.length === 0 && previous !== undefined
              ? Math.min(every, period * 1.5)
              : pendingEvery
            : all.length > 0 || previous === undefined
              ? every
              : Math.min(maxEvery, period * 1.5);
          const out: Array<DeviceUpdate> = [];
          const ok = health.ok();
          if (ok) out.push({ type: "status", deviceId: id, status: ok });
          if (previous === undefined || all.length > 0 || previous !== snapshot)
            out.push({ type: "snapshot", deviceId: id, device: snapshot, previous, events: all, online: nowOnline });
          return { events: out, next: period };
        }),
        catchError((error: unknown) => {
          if (!isWattwatchersError(error)) return throwError(() => error);
          const verdict = verdictOf(error, scheduler.now());
          // A device that left the key (NotFound) or a bad key ends this device's stream with the typed error.
          if (verdict.kind === "fatal" || verdict.kind === "split") return throwError(() => error);
          const { status, delayMs } = health.fail(verdict);
          const ev: StatusEvent = { type: "status", deviceId: id, status, error, attempt: health.failures, retryAt: scheduler.now() + delayMs };
          return of<Step<DeviceUpdate>>({ events: [ev], next: delayMs });
        }),
      );
    return pollLoop(tick, { scheduler, active$: options.active$ });
  });
  const shared = connection.pipe(
    tap({
      next: (u) => {
        if (u.type === "snapshot") latest = u;
      },
      finalize: () => {
        latest = undefined;
      },
    }),
    share({ resetOnRefCountZero: true, resetOnError: true, resetOnComplete: true }),
  );
  return defer(() =>
    latest === undefined ? shared : shared.pipe(startWith<DeviceUpdate>({ ...latest, previous: undefined, events: [] })),
  );
};

/**
 * Polls one device and emits structurally shared snapshots with keyed change events (`switchChanged`,
 * `pendingSet`, `wentOffline`, ...), plus `status` events for transient failures. One shared poller per client
 * and device however many subscribers; fatal errors (`NotFound` when the device left the key, `Unauthorized`)
 * end the stream with the typed error. The standalone form of a stream owner's `device$` (`makeStreams`): it
 * shares pollers with the other standalone calls for this client, not with an owner's.
 *
 * @example
 * ```ts
 * import { parseDeviceId } from "@wattstream/core";
 * import { device$ } from "@wattstream/rx";
 * device$(client, parseDeviceId("D123456789012")).subscribe((u) => {
 *   if (u.type === "snapshot") for (const e of u.events) console.log(e.type, e);
 * });
 * ```
 * @category streams
 */
export const device$ = (client: DeviceClient, id: DeviceId, options: DeviceStreamOptions = {}): Observable<DeviceUpdate> =>
  sharedDevice$(defaultCache(client), client, id, options);

/** {@link device$} with its shared poller kept in `cache` (a stream owner's, or the client's default one). */
export const sharedDevice$ = (cache: PollerCache, client: DeviceClient, id: DeviceId, options: DeviceStreamOptions): Observable<DeviceUpdate> =>
  cache.shared(cache.key(DEVICE_OPTION_KEYS, ["device", id], options), () => makeDevice$(client, id, options));

/**
 * Only the change events of {@link device$}, flattened.
 *
 * @example
 * ```ts
 * import { parseDeviceId } from "@wattstream/core";
 * import { deviceEvents$ } from "@wattstream/rx";
 * deviceEvents$(client, parseDeviceId("D123456789012")).subscribe((e) => console.log(e.type));
 * ```
 * @category streams
 */
export const deviceEvents$ = (
  client: DeviceClient,
  id: DeviceId,
  options: DeviceStreamOptions = {},
): Observable<DeviceEvent> => changesOf(device$(client, id, options));

/** The change events of a device stream, flattened. */
export const changesOf = (updates: Observable<DeviceUpdate>): Observable<DeviceEvent> =>
  updates.pipe(mergeMap((u) => (u.type === "snapshot" ? u.events : [])));
