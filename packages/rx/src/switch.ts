import { parseSubEntityId, parseSwitchId } from "@wattstream/core";
import type { Device, DeviceId, SwitchId, SwitchState } from "@wattstream/core";
import type { WattwatchersClient } from "@wattstream/transport";
import { Data } from "effect";
import {
  asyncScheduler,
  catchError,
  concatMap,
  defer,
  distinctUntilChanged,
  filter,
  map,
  of,
  throwError,
  timeout,
} from "rxjs";
import type { Observable, SchedulerLike } from "rxjs";
import { device$ } from "./device$.js";
import type { DeviceStreamOptions, DeviceUpdate } from "./device$.js";
import { fromEffect } from "./fromEffect.js";
import { pollLoop } from "./internal/pollLoop.js";
import type { Step } from "./internal/pollLoop.js";
import { isTransient, isWattwatchersError } from "@wattstream/resilience";
import { verdictOf } from "./internal/verdict.js";

/**
 * A switch's live state and, while a write waits for the device, the requested one (core's `SwitchState`s).
 *
 * @category models
 */
export interface SwitchReading {
  readonly switchId: SwitchId;
  readonly state: SwitchState | undefined;
  /** The requested state while it sits under `pending` (api-facts: writes are eventually consistent). */
  readonly pending: SwitchState | undefined;
}

/**
 * `setSwitch` gave up: no read showed the requested state with `pending` cleared within the timeout.
 *
 * @example
 * ```ts
 * import { parseSwitchId } from "@wattstream/core";
 * import { setSwitch, SwitchTimeout } from "@wattstream/rx";
 * setSwitch(client, parseSwitchId("D123456789012_S1"), "open", { timeout: 60_000 }).subscribe({
 *   error: (e) => {
 *     if (e instanceof SwitchTimeout) console.error(`still not ${e.requested} after ${e.timeoutMs} ms: read the device`);
 *   },
 * });
 * ```
 * @category errors
 */
export class SwitchTimeout extends Data.TaggedError("SwitchTimeout")<{
  readonly switchId: SwitchId;
  readonly requested: SwitchState;
  readonly timeoutMs: number;
  readonly message: string;
}> {}

/** The device of a switch ID (`D123456789012_S1` → `D123456789012`); throws core's `InvalidIdError` otherwise. */
// `parseSwitchId` first: a plain string that reached here at run time gets the typed "not a switch" error.
const deviceOf = (subId: SwitchId): DeviceId => parseSubEntityId(parseSwitchId(subId)).deviceId;

const asPosition = (u: unknown): SwitchState | undefined => (u === "open" || u === "closed" ? u : undefined);

/**
 * Reads a switch's live and pending state from a device record (pending entries matched by `id`).
 *
 * @example
 * ```ts
 * import { parseSwitchId } from "@wattstream/core";
 * import { readSwitch } from "@wattstream/rx";
 * const { state, pending } = readSwitch(device, parseSwitchId("D123456789012_S1"));
 * ```
 * @category models
 */
export const readSwitch = (device: Device, switchId: SwitchId): SwitchReading => {
  const live = device.switches?.find((s) => s.id === switchId);
  // Core's model puts a requested state under the switch's own `pending`; accept the device-level
  // `pending.switches[]` spelling too, matched by `id`.
  const own = live?.pending?.state;
  const listed = (device.pending as { readonly switches?: unknown } | null | undefined)?.switches;
  const entry = Array.isArray(listed)
    ? (listed as ReadonlyArray<{ readonly id?: unknown; readonly state?: unknown }>).find((s) => s.id === switchId)
    : undefined;
  return { switchId, state: asPosition(live?.state), pending: asPosition(own ?? entry?.state) };
};

/**
 * The state of one switch over time, from the device's shared poller; emits when the live or pending state
 * changes.
 *
 * @example
 * ```ts
 * import { parseSwitchId } from "@wattstream/core";
 * import { switchState$ } from "@wattstream/rx";
 * switchState$(client, parseSwitchId("D123456789012_S1")).subscribe((s) => console.log(s.state, s.pending));
 * ```
 * @category streams
 */
export const switchState$ = (
  client: Pick<WattwatchersClient, "getDevice">,
  switchId: SwitchId,
  options: DeviceStreamOptions = {},
): Observable<SwitchReading> => readingsOf((deviceId) => device$(client, deviceId, options), switchId);

/** The readings of one switch from the device stream `updates` gives for its device (a stream owner's, or the default). */
export const readingsOf = (updates: (deviceId: DeviceId) => Observable<DeviceUpdate>, switchId: SwitchId): Observable<SwitchReading> =>
  defer(() => updates(deviceOf(switchId))).pipe(
    filter((u) => u.type === "snapshot"),
    map((u) => readSwitch(u.device, switchId)),
    distinctUntilChanged((a, b) => a.state === b.state && a.pending === b.pending),
  );

/** Options of {@link setSwitch}. @category models */
export interface SetSwitchOptions {
  /** Give up after this many ms without confirmation. @default 300000 */
  readonly timeout?: number;
  /** Read period while waiting, ms. @default 5000 */
  readonly every?: number;
  /** @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/** What {@link setSwitch} emits once, before completing. @category models */
export interface SwitchConfirmed {
  readonly type: "switchConfirmed";
  readonly switchId: SwitchId;
  readonly state: SwitchState;
  readonly device: Device;
}

/**
 * Requests a switch state and completes only when a later read shows it live with `pending` cleared; the
 * PATCH's 200 only means "accepted" (api-facts). Errors with {@link SwitchTimeout} after the timeout. A switch
 * drives a real circuit: confirm with the user before calling this.
 *
 * @example
 * ```ts
 * import { parseSwitchId } from "@wattstream/core";
 * import { setSwitch } from "@wattstream/rx";
 * setSwitch(client, parseSwitchId("D123456789012_S1"), "open", { timeout: 120_000 }).subscribe({
 *   next: () => console.log("switch is open"),
 *   error: (e) => console.error(e._tag),
 * });
 * ```
 * @category streams
 */
export const setSwitch = (
  client: Pick<WattwatchersClient, "getDevice" | "updateDevice">,
  switchId: SwitchId,
  state: SwitchState,
  options: SetSwitchOptions = {},
): Observable<SwitchConfirmed> => {
  const scheduler = options.scheduler ?? asyncScheduler;
  const every = options.every ?? 5_000;
  const timeoutMs = options.timeout ?? 300_000;
  let deviceId: DeviceId | undefined;
  const target = (): DeviceId => (deviceId ??= deviceOf(switchId));
  // The write keeps transport's default retry (it reads back before any re-send); confirming reads are polls,
  // paced by `every`, so they do not retry underneath.
  const patch = (): Observable<Device> => fromEffect(client.updateDevice(target(), { switches: [{ id: switchId, state }] }));
  const read = (retry?: false): Observable<Device> => fromEffect(client.getDevice(target(), { retry }));
  const requested = (d: Device): boolean => {
    const s = readSwitch(d, switchId);
    return s.pending === state || s.state === state;
  };
  // There is no idempotency key: after an ambiguous PATCH failure, read first and re-send only if the device
  // shows no trace of the request (api-facts: never retry a PATCH blindly after a timeout).
  // Deferred: the device ID is parsed when the stream is subscribed, so the PATCH must be built then too.
  const write = defer(patch).pipe(
    catchError((error: unknown) => {
      // Only a transient failure (resilience's `isTransient`: 5xx, timeout, network, TPS 429) leaves the PATCH's
      // fate open or worth another try; anything else is the answer.
      if (!isTransient(error)) return throwError(() => error);
      return read().pipe(concatMap((d) => (requested(d) ? of(d) : patch())));
    }),
  );
  const confirm = (d: Device): SwitchConfirmed | undefined => {
    const s = readSwitch(d, switchId);
    return s.state === state && s.pending === undefined ? { type: "switchConfirmed", switchId, state, device: d } : undefined;
  };
  const wait = pollLoop<SwitchConfirmed>(
    () =>
      read(false).pipe(
        map((d): Step<SwitchConfirmed> => {
          const done = confirm(d);
          return done ? { events: [done], next: undefined } : { events: [], next: every };
        }),
        catchError((error: unknown) =>
          // Waiting goes on through transient failures and rate limits (the timeout bounds it); the rest ends it.
          isWattwatchersError(error) && ["retry", "rateLimited"].includes(verdictOf(error, scheduler.now()).kind)
            ? of<Step<SwitchConfirmed>>({ events: [], next: every })
            : throwError(() => error),
        ),
      ),
    { scheduler, initialDelay: every },
  );
  return defer(() => {
    target();
    return write.pipe(concatMap(() => wait));
  }).pipe(
    timeout({
      first: timeoutMs,
      scheduler,
      with: () =>
        throwError(
          () =>
            new SwitchTimeout({
              switchId,
              requested: state,
              timeoutMs,
              message: `switch ${switchId} did not reach "${state}" within ${timeoutMs} ms`,
            }),
        ),
    }),
  );
};
