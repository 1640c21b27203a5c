import type { DeviceId, LongEnergyPoint, ModbusPoint, ShortEnergyPoint, SwitchId, SwitchState } from "@wattstream/core";
import type { WattwatchersError } from "@wattstream/resilience";
import type { WattwatchersClient } from "@wattstream/transport";
import type { Effect } from "effect";
import { connect, concat, defer, EMPTY, merge, NEVER, of, Subject, takeUntil } from "rxjs";
import type { Observable, SchedulerLike } from "rxjs";
import type { CheckpointStore } from "./CheckpointStore.js";
import { changesOf, sharedDevice$ } from "./device$.js";
import type { DeviceClient, DeviceStreamOptions, DeviceUpdate } from "./device$.js";
import type { DeviceEvent } from "./diffDevice.js";
import { energy$ } from "./energy$.js";
import type { EnergyClient, EnergyEvent, EnergyStreamOptions } from "./energy$.js";
import { sharedFleet$ } from "./fleet$.js";
import type { FleetChange, FleetClient, FleetStreamOptions, FleetUpdate } from "./fleet$.js";
import { PollerCache } from "./internal/sharedBy.js";
import { perDevice } from "./perDevice.js";
import type { DeviceLost } from "./perDevice.js";
import type { StatusEvent } from "./StatusEvent.js";
import { readingsOf, setSwitch } from "./switch.js";
import type { SetSwitchOptions, SwitchConfirmed, SwitchReading } from "./switch.js";

/**
 * The client operations a stream owner may call: transport's `WattwatchersClient` (or a `Pick` of these nine
 * operations, e.g. a test stub), whose Effects' error type becomes the owner's `E`.
 *
 * @category services
 */
export type StreamsClient = DeviceClient &
  FleetClient &
  EnergyClient<"short"> &
  EnergyClient<"long"> &
  EnergyClient<"modbus"> &
  Pick<WattwatchersClient, "updateDevice">;

/**
 * The error the client's calls fail with: the union of the error channels of its operations (resilience's
 * `WattwatchersError` for transport's client, narrower for a client typed to fail with less).
 *
 * @example
 * ```ts
 * import type { WattwatchersClient } from "@wattstream/transport";
 * import type { StreamsErrorOf } from "@wattstream/rx";
 * type E = StreamsErrorOf<WattwatchersClient>; // WattwatchersError
 * ```
 * @category models
 */
export type StreamsErrorOf<C extends StreamsClient> = {
  readonly [K in keyof StreamsClient]: C[K] extends (...args: never) => infer R ? Effect.Error<R> : never;
}[keyof StreamsClient];

/**
 * An energy event whose `status` errors are `E`: exactly `EnergyEvent<P>` for the full `WattwatchersError` union.
 *
 * @example
 * ```ts
 * import type { ShortEnergyPoint } from "@wattstream/core";
 * import type { NotFound, ServerError } from "@wattstream/resilience";
 * import type { EnergyEventOf } from "@wattstream/rx";
 * const onEvent = (e: EnergyEventOf<ShortEnergyPoint, NotFound | ServerError>) => e.type === "status" && console.log(e.error?._tag);
 * ```
 * @category models
 */
export type EnergyEventOf<P extends ShortEnergyPoint | LongEnergyPoint | ModbusPoint, E extends WattwatchersError = WattwatchersError> = [
  WattwatchersError,
] extends [E]
  ? EnergyEvent<P>
  : Exclude<EnergyEvent<P>, StatusEvent> | StatusEvent<E>;

/**
 * Defaults per stream family, applied under each call's own options (a call's option always wins).
 *
 * @category models
 */
export interface StreamDefaults {
  /** Defaults of `fleet$` (and of the device-list poller of `eachDevice$`). @default {} */
  readonly fleet?: FleetStreamOptions;
  /** Defaults of `device$`, `deviceEvents$` and `switchState$`. @default {} */
  readonly device?: DeviceStreamOptions;
  /** Defaults of `shortEnergy$`, `longEnergy$` and `modbus$`. @default {} */
  readonly energy?: EnergyStreamOptions;
  /** Defaults of `setSwitch`. @default {} */
  readonly setSwitch?: SetSwitchOptions;
}

/**
 * Options of {@link makeStreams}: what every stream of the owner shares, then per-family defaults. Precedence, from
 * weakest: these shared options, then `defaults.<family>`, then the call's own options.
 *
 * @example
 * ```ts
 * import { makeStreams, pauseController } from "@wattstream/rx";
 * import type { StreamsOptions } from "@wattstream/rx";
 * const visible = pauseController();
 * const options: StreamsOptions = { active$: visible.active$, defaults: { device: { every: 60_000 }, energy: { settle: 3 * 3600 } } };
 * const streams = makeStreams(client, options);
 * streams.device$(id); // every 60 s; streams.device$(id, { every: 15_000 }) overrides it for that call
 * ```
 * @category models
 */
export interface StreamsOptions {
  /**
   * The clock and timers of every stream (and `setSwitch`'s timeout): rxjs `TestScheduler` or `scaledScheduler`
   * in tests and simulations.
   * @default asyncScheduler
   */
  readonly scheduler?: SchedulerLike;
  /**
   * Every poller polls only while the latest value is `true` (e.g. page visibility through `pauseController`).
   * @default always active
   */
  readonly active$?: Observable<boolean>;
  /** Where every energy stream keeps its watermark, so a restart neither repeats nor loses an interval. @default none */
  readonly checkpoints?: CheckpointStore;
  /** Per-family defaults. @default {} */
  readonly defaults?: StreamDefaults;
}

/**
 * Options of {@link Streams.eachDevice$}: the fleet poller's options, or a fixed set of devices.
 *
 * @category models
 */
export interface EachDeviceOptions extends FleetStreamOptions {
  /**
   * Follow only these devices (no `GET /devices` polling, no fleet updates emitted); an ID named twice runs once.
   * @default every device on the key, following additions and removals
   */
  readonly ids?: ReadonlyArray<DeviceId>;
}

/**
 * A stream owner: one client's shared pollers and stream defaults, in the spirit of TanStack Query's
 * `QueryClient`. Two calls for the same resource with the same options (after defaults) share one poller; a
 * call that differs in any option gets its own. `E` is the client's error type, carried by `status` events.
 *
 * @category services
 */
export interface Streams<E extends WattwatchersError = WattwatchersError> {
  /** The key's device list (`fleet$`), with the owner's defaults. */
  fleet$(options?: FleetStreamOptions): Observable<FleetUpdate<E>>;
  /** One device's snapshots and change events (`device$`), with the owner's defaults. */
  device$(id: DeviceId, options?: DeviceStreamOptions): Observable<DeviceUpdate<E>>;
  /** Only the change events of {@link Streams.device$}, flattened (`deviceEvents$`). */
  deviceEvents$(id: DeviceId, options?: DeviceStreamOptions): Observable<DeviceEvent>;
  /** Short-energy intervals of one device (`shortEnergy$`), with the owner's checkpoints and defaults. */
  shortEnergy$(id: DeviceId, options?: EnergyStreamOptions): Observable<EnergyEventOf<ShortEnergyPoint, E>>;
  /** Long-energy intervals of one device (`longEnergy$`), with the owner's checkpoints and defaults. */
  longEnergy$(id: DeviceId, options?: EnergyStreamOptions): Observable<EnergyEventOf<LongEnergyPoint, E>>;
  /** Modbus reads of one device (`modbus$`), with the owner's checkpoints and defaults. */
  modbus$(id: DeviceId, options?: EnergyStreamOptions): Observable<EnergyEventOf<ModbusPoint, E>>;
  /** One switch's live and pending state, from its device's shared poller (`switchState$`). */
  switchState$(switchId: SwitchId, options?: DeviceStreamOptions): Observable<SwitchReading>;
  /** Requests a switch state and completes once a read confirms it (`setSwitch`); ends too when the owner is disposed. */
  setSwitch(switchId: SwitchId, state: SwitchState, options?: SetSwitchOptions): Observable<SwitchConfirmed>;
  /**
   * The fleet's updates, and `project`'s stream for every device while it is on the key (rx's `perDevice`): a
   * device's stream is started when it is added and stopped when it is removed, and its error becomes a
   * `deviceLost` event while the others carry on. With `ids`, those devices only, and no fleet updates.
   */
  eachDevice$<T>(project: (id: DeviceId) => Observable<T>, options?: EachDeviceOptions): Observable<FleetUpdate<E> | T | DeviceLost>;
  /** How many shared pollers are running now (each counted once however many subscribers it has). */
  readonly pollers: number;
  /**
   * Stops every poller of this owner: every stream it made completes (energy streams save their checkpoints
   * once more, as on unsubscribe), and any stream asked for afterwards completes at once without polling.
   */
  dispose(): void;
}

/**
 * Makes a stream owner for `client`: the streams of this package as methods, with shared options and defaults
 * applied and overridable per call, one shared poller per resource, and `dispose()` to stop them all. The
 * standalone functions (`device$(client, id)`, ...) are the methods of a per-client default owner with no
 * defaults: they share pollers with each other, not with an owner made here.
 *
 * @example
 * ```ts
 * import { makeClient } from "@wattstream/transport";
 * import { makeStreams, memoryCheckpointStore, pauseController } from "@wattstream/rx";
 *
 * const client = makeClient({ apiKey: process.env.WATTSTREAM_API_KEY!, baseUrl: process.env.WATTSTREAM_API_URL });
 * const visible = pauseController();
 * const streams = makeStreams(client, { active$: visible.active$, checkpoints: memoryCheckpointStore(), defaults: { device: { every: 60_000 } } });
 * const sub = streams.eachDevice$((id) => streams.shortEnergy$(id)).subscribe((e) => console.log(e.type));
 * // later: stop every poller at once
 * streams.dispose();
 * ```
 * @category constructors
 */
export const makeStreams = <C extends StreamsClient>(client: C, options: StreamsOptions = {}): Streams<StreamsErrorOf<C>> => {
  const cache = new PollerCache();
  // Disposal completes the subscribers of every stream the owner handed out; the last subscriber of a shared
  // poller leaving stops it and drops its cache entry, as any unsubscribe does.
  const disposed$ = new Subject<void>();
  let disposed = false;
  const own = <T>(source: Observable<T>): Observable<T> => defer(() => (disposed ? EMPTY : source.pipe(takeUntil(disposed$))));
  const { defaults = {} } = options;
  const timing = {
    ...(options.scheduler === undefined ? {} : { scheduler: options.scheduler }),
    ...(options.active$ === undefined ? {} : { active$: options.active$ }),
  };
  const fleetOptions = (o: FleetStreamOptions | undefined): FleetStreamOptions => ({ ...timing, ...defaults.fleet, ...o });
  const deviceOptions = (o: DeviceStreamOptions | undefined): DeviceStreamOptions => ({ ...timing, ...defaults.device, ...o });
  const energyOptions = (o: EnergyStreamOptions | undefined): EnergyStreamOptions => ({
    ...timing,
    ...(options.checkpoints === undefined ? {} : { checkpoints: options.checkpoints }),
    ...defaults.energy,
    ...o,
  });
  const short = energy$("short");
  const long = energy$("long");
  const modbus = energy$("modbus");
  const device = (id: DeviceId, o?: DeviceStreamOptions): Observable<DeviceUpdate> => own(sharedDevice$(cache, client, id, deviceOptions(o)));
  const fleet = (o?: FleetStreamOptions): Observable<FleetUpdate> => own(sharedFleet$(cache, client, fleetOptions(o)));
  const streams: Streams = {
    fleet$: fleet,
    device$: device,
    deviceEvents$: (id, o) => changesOf(device(id, o)),
    shortEnergy$: (id, o) => own(short(client, id, energyOptions(o), cache)),
    longEnergy$: (id, o) => own(long(client, id, energyOptions(o), cache)),
    modbus$: (id, o) => own(modbus(client, id, energyOptions(o), cache)),
    switchState$: (switchId, o) => readingsOf((id) => device(id, o), switchId),
    setSwitch: (switchId, state, o) =>
      own(
        setSwitch(client, switchId, state, {
          ...(options.scheduler === undefined ? {} : { scheduler: options.scheduler }),
          ...defaults.setSwitch,
          ...o,
        }),
      ),
    eachDevice$: <T>(project: (id: DeviceId) => Observable<T>, o: EachDeviceOptions = {}): Observable<FleetUpdate | T | DeviceLost> => {
      const { ids, ...rest } = o;
      if (ids === undefined)
        // The fleet's own updates go out first, then the device streams they start (`connect`: one subscription).
        return fleet(rest).pipe(connect((updates) => merge(updates, updates.pipe(perDevice(project)))));
      const named = [...new Set(ids)];
      const fixed: FleetChange = { type: "fleet", devices: named, added: named, removed: [] };
      // A fixed fleet never ends by itself (perDevice stops its device streams when its source completes).
      return own(concat(of(fixed), NEVER).pipe(perDevice(project)));
    },
    get pollers() {
      return cache.size;
    },
    dispose: () => {
      disposed = true;
      disposed$.next();
    },
  };
  // The one narrowing cast: the errors a status event carries are what the client's calls failed with, and the
  // client's type says those are `StreamsErrorOf<C>` (the implementation above is written once, for the full union).
  return streams as Streams<StreamsErrorOf<C>>;
};
