import type { DeviceId } from "@wattstream/core";
import { Observable } from "rxjs";
import type { OperatorFunction, Subscription } from "rxjs";
import type { FleetUpdate } from "./fleet$.js";

/**
 * A device's stream ended with an error (e.g. `NotFound`: it left the key); the fleet carries on without it.
 *
 * @category models
 */
export interface DeviceLost {
  readonly type: "deviceLost";
  readonly deviceId: DeviceId;
  readonly error: unknown;
}

/**
 * Runs one stream per device of a {@link fleet$}: started when the device is added, stopped when it is removed.
 * A device stream's error becomes a {@link DeviceLost} event instead of ending the fleet's stream, so the other
 * devices carry on; a device that comes back is watched again.
 *
 * @example
 * ```ts
 * import { fleet$, perDevice, shortEnergy$ } from "@wattstream/rx";
 * fleet$(client)
 *   .pipe(perDevice((id) => shortEnergy$(client, id)))
 *   .subscribe((e) => (e.type === "deviceLost" ? console.warn(e.deviceId, e.error) : console.log(e)));
 * ```
 * @category operators
 */
export const perDevice =
  <T>(project: (deviceId: DeviceId) => Observable<T>): OperatorFunction<FleetUpdate, T | DeviceLost> =>
  (source) =>
    new Observable<T | DeviceLost>((subscriber) => {
      const running = new Map<string, Subscription>();
      const start = (deviceId: DeviceId): void => {
        let ended = false;
        const sub = project(deviceId).subscribe({
          next: (value) => subscriber.next(value),
          error: (error: unknown) => {
            ended = true;
            running.delete(deviceId);
            subscriber.next({ type: "deviceLost", deviceId, error });
          },
          complete: () => {
            ended = true;
            running.delete(deviceId);
          },
        });
        if (!ended) running.set(deviceId, sub);
      };
      const outer = source.subscribe({
        next: (update) => {
          if (update.type !== "fleet") return;
          for (const id of update.removed) {
            running.get(id)?.unsubscribe();
            running.delete(id);
          }
          // `running` holds one stream per device: an update naming a device twice (or one already running)
          // never starts a second poller.
          for (const id of update.added) if (!running.has(id)) start(id);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        outer.unsubscribe();
        for (const sub of running.values()) sub.unsubscribe();
        running.clear();
      };
    });
