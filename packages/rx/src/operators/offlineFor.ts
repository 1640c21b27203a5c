import { lastHeard } from "@wattstream/core";
import type { DeviceId } from "@wattstream/core";
import { asyncScheduler, EMPTY, filter, map, Observable, switchMap, timer } from "rxjs";
import { timerDelay } from "../internal/timerDelay.js";
import type { OperatorFunction, SchedulerLike } from "rxjs";
import type { DeviceUpdate } from "../device$.js";

/**
 * A device has not been heard from for the given time (`raised`), or has been heard from again (`cleared`).
 *
 * @category models
 */
export interface OfflineAlert {
  readonly type: "raised" | "cleared";
  readonly deviceId: DeviceId;
  /** `comms.lastHeardAt` (or `latestStatus`), Unix seconds. */
  readonly lastHeardAt: number | undefined;
}

/**
 * Raises an alert once a device has stayed silent for `durationMs` (by its `comms.lastHeardAt`, against the
 * scheduler's clock, even between polls), and clears it when a later snapshot shows contact. A device that
 * stops reporting is offline, not at zero watts (api-facts).
 *
 * @example
 * ```ts
 * import { parseDeviceId } from "@wattstream/core";
 * import { device$, offlineFor } from "@wattstream/rx";
 * device$(client, parseDeviceId("D123456789012")).pipe(offlineFor(15 * 60_000)).subscribe((a) => console.log(a.type));
 * ```
 * @category operators
 */
export const offlineFor =
  (durationMs: number, scheduler: SchedulerLike = asyncScheduler): OperatorFunction<DeviceUpdate, OfflineAlert> =>
  (source) =>
    new Observable<OfflineAlert>((subscriber) => {
      let raised = false;
      return source
        .pipe(
          filter((u) => u.type === "snapshot"),
          switchMap((u): Observable<OfflineAlert> => {
            const heard = lastHeard(u.device);
            const deviceId = u.deviceId;
            const dueIn = heard === undefined ? 0 : heard * 1000 + durationMs - scheduler.now();
            if (dueIn > 0 && raised) {
              raised = false;
              subscriber.next({ type: "cleared", deviceId, lastHeardAt: heard });
            }
            if (raised) return EMPTY;
            // Clamped: a lastHeardAt far in the future (bad server data) must not overflow the timer into a 1 ms one.
            return timer(timerDelay(dueIn), scheduler).pipe(
              map((): OfflineAlert => {
                raised = true;
                return { type: "raised", deviceId, lastHeardAt: heard };
              }),
            );
          }),
        )
        .subscribe(subscriber);
    });
