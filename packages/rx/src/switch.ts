import { parseSubEntityId, parseSwitchId } from "@wattstream/core";
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
import type { DeviceStreamOptions } from "./device$.js";
import type { DeviceLike } from "./diffDevice.js";
import { fromEffect } from "./fromEffect.js";
import { pollLoop } from "./internal/pollLoop.js";
import type { Step } from "./internal/pollLoop.js";
import { isTransient } from "@wattstream/resilience";
import { verdictOf } from "./internal/verdict.js";
import type { RxClient } from "./RxClient.js";

/** A switch position. @category models */
export type SwitchPosition = "open" | "closed";

/**
 * A switch's live state and, while a write waits for the device, the requested one.
 *
 * @category models
 */
export interface SwitchState {
  readonly switchId: string;
  readonly state: SwitchPosition | undefined;
  /** The requested state while it sits under `pending` (api-facts: writes are eventually consistent). */
  readonly pending: SwitchPosition | undefined;
}

/**
 * `setSwitch` gave up: no read showed the requested state with `pending` cleared within the timeout.
 *
 * @example
 * ```ts
 * import { setSwitch, SwitchTimeout } from "@wattstream/rx";
 * setSwitch(client, "D123456789012_S1", "open", { timeout: 60_000 }).subscribe({
 *   error: (e) => {
 *     if (e instanceof SwitchTimeout) console.error(`still not ${e.requested} after ${e.timeoutMs} ms: read the device`);
 *   },
 * });
 * ```
 * @category errors
 */
export class SwitchTimeout extends Data.TaggedError("SwitchTimeout")<{
  readonly switchId: string;
  readonly requested: SwitchPosition;
  readonly timeoutMs: number;
  readonly message: string;
}> {}

/** The device of a switch ID (`D123456789012_S1` → `D123456789012`); throws core's `InvalidIdError` otherwise. */
const deviceOf = (subId: string): string => parseSwitchDevice(subId);
const parseSwitchDevice = (id: string): string => {
  const parsed = parseSubEntityId(id);
  if (parsed.kind !== "switch") return parseSwitchId(id); // throws the typed "not a switch" error
  return parsed.deviceId;
};

const asPosition = (u: unknown): SwitchPosition | undefined => (u === "open" || u === "closed" ? u : undefined);

/**
 * Reads a switch's live and pending state from a device record (pending entries matched by `id`).
 *
 * @example
 * ```ts
 * import { readSwitch } from "@wattstream/rx";
 * const { state, pending } = readSwitch(device, "D123456789012_S1");
 * ```
 * @category models
 */
export const readSwitch = (device: DeviceLike, switchId: string): SwitchState => {
  const live = device.switches?.find((s) => s.id === switchId);
  // Core's model puts a requested state under the switch's own `pending`; accept the device-level
  // `pending.switches[]` spelling too, matched by `id`.
  const own = (live?.pending as { readonly state?: unknown } | undefined)?.state;
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
 * import { switchState$ } from "@wattstream/rx";
 * switchState$(client, "D123456789012_S1").subscribe((s) => console.log(s.state, s.pending));
 * ```
 * @category streams
 */
export const switchState$ = (
  client: Pick<RxClient, "getDevice">,
  switchId: string,
  options: DeviceStreamOptions = {},
): Observable<SwitchState> =>
  defer(() => device$(client, deviceOf(switchId), options)).pipe(
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
  readonly switchId: string;
  readonly state: SwitchPosition;
  readonly device: DeviceLike;
}

/**
 * Requests a switch state and completes only when a later read shows it live with `pending` cleared; the
 * PATCH's 200 only means "accepted" (api-facts). Errors with {@link SwitchTimeout} after the timeout. A switch
 * drives a real circuit: confirm with the user before calling this.
 *
 * @example
 * ```ts
 * import { setSwitch } from "@wattstream/rx";
 * setSwitch(client, "D123456789012_S1", "open", { timeout: 120_000 }).subscribe({
 *   next: () => console.log("switch is open"),
 *   error: (e) => console.error(e._tag),
 * });
 * ```
 * @category streams
 */
export const setSwitch = (
  client: Pick<RxClient, "getDevice" | "updateDevice">,
  switchId: string,
  state: SwitchPosition,
  options: SetSwitchOptions = {},
): Observable<SwitchConfirmed> => {
  const scheduler = options.scheduler ?? asyncScheduler;
  const every = options.every ?? 5_000;
  const timeoutMs = options.timeout ?? 300_000;
  let deviceId = "";
  const patch = (): Observable<DeviceLike> => fromEffect(client.updateDevice(deviceId, { switches: [{ id: switchId, state }] }));
  const read = (): Observable<DeviceLike> => fromEffect(client.getDevice(deviceId));
  const requested = (d: DeviceLike): boolean => {
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
  const confirm = (d: DeviceLike): SwitchConfirmed | undefined => {
    const s = readSwitch(d, switchId);
    return s.state === state && s.pending === undefined ? { type: "switchConfirmed", switchId, state, device: d } : undefined;
  };
  const wait = pollLoop<SwitchConfirmed>(
    () =>
      read().pipe(
        map((d): Step<SwitchConfirmed> => {
          const done = confirm(d);
          return done ? { events: [done], next: undefined } : { events: [], next: every };
        }),
        catchError((error: unknown) =>
          // Waiting goes on through transient failures and rate limits (the timeout bounds it); the rest ends it.
          ["retry", "rateLimited"].includes(verdictOf(error, scheduler.now()).kind)
            ? of<Step<SwitchConfirmed>>({ events: [], next: every })
            : throwError(() => error),
        ),
      ),
    { scheduler, initialDelay: every },
  );
  return defer(() => {
    deviceId = deviceOf(switchId);
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
