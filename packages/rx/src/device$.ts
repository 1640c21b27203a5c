// "Is this device online" is core's rule, shared with the CLI.
import { isOnline, OFFLINE_AFTER_SECONDS } from "@wattstream/core";
import type { Device, DeviceId } from "@wattstream/core";
import { isWattwatchersError } from "@wattstream/resilience";
import type { WattwatchersError } from "@wattstream/resilience";
import type { WattwatchersClient } from "@wattstream/transport";
import { asyncScheduler, mergeMap, Observable } from "rxjs";
import type { SchedulerLike, Subscriber } from "rxjs";
import { diffDevice } from "./diffDevice.js";
import type { DeviceEvent } from "./diffDevice.js";
import { Poller } from "./internal/Poller.js";
import { shareStrings } from "./internal/shareStrings.js";
import { defaultCache } from "./internal/sharedBy.js";
import type { OptionKeys, PollerCache } from "./internal/sharedBy.js";
import { healthFail, healthOk, HEALTHY, verdictOf } from "./internal/verdict.js";
import type { HealthState } from "./internal/verdict.js";
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

/** Poll reads pass `retry: false`: the poller's back-off is the only retry layer for polls. */
const POLL = { retry: false } as const;

/**
 * The shared poller of one device (see `Poller`): the device's latest record, whether it is online, the adaptive
 * period and the health, as fields; each poll diffs the fresh record against the kept one (structural sharing, so
 * the kept record is the previous one wherever nothing changed) and emits the snapshot with its change events.
 * A subscriber joining a running poller first gets the current snapshot with no events.
 */
class DevicePoller extends Poller<DeviceUpdate> {
  #current: Device | undefined;
  #online = false;
  #period: number;
  #health: HealthState = HEALTHY;
  readonly #options: DeviceStreamOptions;

  readonly #client: DeviceClient;
  readonly #id: DeviceId;

  constructor(
    client: DeviceClient,
    id: DeviceId,
    options: DeviceStreamOptions,
  ) {
    super(options.scheduler ?? asyncScheduler, options.active$);
    this.#client = client;
    this.#id = id;
    this.#options = options;
    this.#period = this.#every;
  }

  /** The options, defaults filled in when read (fields of their own would cost every device 8 bytes each). */
  get #every(): number {
    return this.#options.every ?? 300_000;
  }

  protected override greet(subscriber: Subscriber<DeviceUpdate>): void {
    if (this.#current !== undefined)
      subscriber.next({ type: "snapshot", deviceId: this.#id, device: this.#current, previous: undefined, events: [], online: this.#online });
  }

  protected start(): void {
    this.begin();
  }

  protected poll(): void {
    this.call(this.#client.getDevice(this.#id, POLL), (outcome) => {
      if (outcome === undefined) return this.settle(0);
      if (outcome.ok) this.#polled(outcome.value);
      else this.#failed(outcome.error);
    });
  }

  #polled(fresh: Device): void {
    const id = this.#id;
    const every = this.#every;
    const now = this.scheduler.now();
    const previous = this.#current;
    // The kept record holds one copy of each string a fleet repeats (see `shareStrings`).
    const { snapshot, events } = diffDevice(previous, shareStrings(fresh, id));
    const o = this.#options;
    const nowOnline = isOnline(snapshot, now / 1000, o.offlineAfter ?? OFFLINE_AFTER_SECONDS);
    const all: Array<DeviceEvent> = [...events];
    const heard = snapshot.comms?.lastHeardAt;
    if (previous !== undefined && nowOnline !== this.#online)
      all.push({ type: nowOnline ? "cameOnline" : "wentOffline", deviceId: id, lastHeardAt: heard });
    // Update state before `next` (style guide), so re-entrant subscribers see the new snapshot.
    this.#current = snapshot;
    this.#online = nowOnline;
    // Adapt: fast while a write converges, back to base on change, slower while nothing changes.
    this.#period = hasPending(snapshot)
      ? hasPending(previous ?? snapshot) && all.length === 0 && previous !== undefined
        ? Math.min(every, this.#period * 1.5)
        : (o.pendingEvery ?? 15_000)
      : all.length > 0 || previous === undefined
        ? every
        : Math.min(Math.max(every, o.maxEvery ?? 600_000), this.#period * 1.5);
    const ok = healthOk(this.#health);
    this.#health = ok.health;
    if (ok.status) this.emit({ type: "status", deviceId: id, status: ok.status });
    if (previous === undefined || all.length > 0 || previous !== snapshot)
      this.emit({ type: "snapshot", deviceId: id, device: snapshot, previous, events: all, online: nowOnline });
    this.settle(this.#period);
  }

  #failed(error: unknown): void {
    if (!isWattwatchersError(error)) return this.fail(error);
    const now = this.scheduler.now();
    const verdict = verdictOf(error, now);
    // A device that left the key (NotFound) or a bad key ends this device's stream with the typed error.
    if (verdict.kind === "fatal" || verdict.kind === "split") return this.fail(error);
    const { health, status, delayMs } = healthFail(this.#health, verdict, Math.min(this.#every, 5_000), this.#every);
    this.#health = health;
    this.emit({ type: "status", deviceId: this.#id, status, error, attempt: health.failures, retryAt: now + delayMs });
    this.settle(delayMs);
  }
}

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
  new Observable<DeviceUpdate>((subscriber) =>
    cache.join(cache.key(DEVICE_OPTION_KEYS, ["device", id], options), () => new DevicePoller(client, id, options), subscriber),
  );

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
