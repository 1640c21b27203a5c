import { asyncScheduler, catchError, defer, finalize, map, of, share, startWith, throwError } from "rxjs";
import type { Observable, SchedulerLike } from "rxjs";
import type { DeviceId } from "@wattstream/core";
import { isWattwatchersError } from "@wattstream/resilience";
import type { WattwatchersError } from "@wattstream/resilience";
import type { WattwatchersClient } from "@wattstream/transport";
import { fromEffect } from "./fromEffect.js";
import { pollLoop } from "./internal/pollLoop.js";
import type { Step } from "./internal/pollLoop.js";
import { defaultCache } from "./internal/sharedBy.js";
import type { OptionKeys, PollerCache } from "./internal/sharedBy.js";
import { Health, verdictOf } from "./internal/verdict.js";
import type { FleetStatusEvent } from "./StatusEvent.js";

/**
 * The device list after a poll that changed it: the current set plus what was added and removed (a device
 * removed from the key disappears from `GET /devices`).
 *
 * @category models
 */
export interface FleetChange {
  readonly type: "fleet";
  readonly devices: ReadonlyArray<DeviceId>;
  readonly added: ReadonlyArray<DeviceId>;
  readonly removed: ReadonlyArray<DeviceId>;
}

/**
 * What {@link fleet$} emits: device-list changes and the list poller's health (a fleet-level status); `E` is the
 * client's error type (see `StreamStatus`).
 *
 * @category models
 */
export type FleetUpdate<E extends WattwatchersError = WattwatchersError> = FleetChange | FleetStatusEvent<E>;

/** Options of {@link fleet$}. @category models */
export interface FleetStreamOptions {
  /** Poll period of `GET /devices`, ms. @default 300000 */
  readonly every?: number;
  /** Polls only while the latest value is `true` (see `pauseController`). @default always active */
  readonly active$?: Observable<boolean>;
  /** @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/** Every fleet-stream option is part of the shared poller's key (see `OptionKeys`). */
const FLEET_OPTION_KEYS: OptionKeys<FleetStreamOptions> = { every: "key", active$: "key", scheduler: "key" };

/**
 * Polls the key's device list and emits a {@link FleetChange} whenever it changes (the first one lists every
 * device as added). One shared poller per client. A device ID the answer repeats is listed once. The standalone
 * form of a stream owner's `fleet$` (`makeStreams`), sharing pollers with the other standalone calls for this client.
 *
 * @example
 * ```ts
 * import { fleet$ } from "@wattstream/rx";
 * fleet$(client).subscribe((u) => u.type === "fleet" && console.log(u.added, u.removed));
 * ```
 * @category streams
 */
export const fleet$ = (client: FleetClient, options: FleetStreamOptions = {}): Observable<FleetUpdate> =>
  sharedFleet$(defaultCache(client), client, options);

/** The client operation {@link fleet$} calls: transport's `WattwatchersClient`, narrowed with `Pick`. @category services */
export type FleetClient = Pick<WattwatchersClient, "listDevices">;

/** {@link fleet$} with its shared poller kept in `cache` (a stream owner's, or the client's default one). */
export const sharedFleet$ = (cache: PollerCache, client: FleetClient, options: FleetStreamOptions): Observable<FleetUpdate> =>
  cache.shared(cache.key(FLEET_OPTION_KEYS, ["fleet"], options), () => {
    const scheduler = options.scheduler ?? asyncScheduler;
    const every = options.every ?? 300_000;
    let latest: FleetChange | undefined;
    const connection = defer(() => {
      let current = new Set<DeviceId>();
      let first = true;
      const health = new Health(Math.min(every, 5_000), every);
      const tick = (): Observable<Step<FleetUpdate>> =>
        // `retry: false`: the poller's back-off is the only retry layer for polls.
        fromEffect(client.listDevices({ retry: false })).pipe(
          map((answer): Step<FleetUpdate> => {
            // An answer listing a device twice names one device: one entry, one poller downstream.
            const next = new Set(answer);
            const added = [...next].filter((id) => !current.has(id));
            const removed = [...current].filter((id) => !next.has(id));
            current = next;
            const out: Array<FleetUpdate> = [];
            const ok = health.ok();
            if (ok) out.push({ type: "status", scope: "fleet", status: ok });
            if (first || added.length > 0 || removed.length > 0) {
              first = false;
              out.push((latest = { type: "fleet", devices: [...next], added, removed }));
            }
            return { events: out, next: every };
          }),
          catchError((error: unknown) => {
            if (!isWattwatchersError(error)) return throwError(() => error);
            const verdict = verdictOf(error, scheduler.now());
            if (verdict.kind === "fatal" || verdict.kind === "split") return throwError(() => error);
            const { status, delayMs } = health.fail(verdict);
            return of<Step<FleetUpdate>>({
              events: [{ type: "status", scope: "fleet", status, error, attempt: health.failures, retryAt: scheduler.now() + delayMs }],
              next: delayMs,
            });
          }),
        );
      return pollLoop(tick, { scheduler, active$: options.active$ });
    });
    const shared = connection.pipe(
      finalize(() => {
        latest = undefined;
      }),
      share({ resetOnRefCountZero: true }),
    );
    // A late subscriber first sees the current set, as if all of it had just been added.
    return defer(() =>
      latest === undefined
        ? shared
        : shared.pipe(startWith<FleetUpdate>({ type: "fleet", devices: latest.devices, added: latest.devices, removed: [] })),
    );
  });
