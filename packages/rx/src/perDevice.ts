import type { DeviceId } from "@wattstream/core";
import { asyncScheduler, Observable } from "rxjs";
import type { OperatorFunction, SchedulerLike, Subscription } from "rxjs";
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
 * Options of {@link perDevice}: how fast device streams start. Starts follow a token bucket: up to `burst` at once,
 * then `startsPerSecond`, so a fleet of thousands does not open thousands of pollers (and their first requests) in
 * one event-loop turn.
 *
 * @category models
 */
export interface PerDeviceOptions {
  /**
   * Device streams started per second once the burst is spent.
   * @default 200
   * @example
   * ```ts
   * import { device$, fleet$, perDevice } from "@wattstream/rx";
   * import { take } from "rxjs";
   * // A fleet of thousands starts 50 device streams a second once the first 100 have started.
   * fleet$(client).pipe(perDevice((id) => device$(client, id), { startsPerSecond: 50 }), take(3)).subscribe(console.log);
   * ```
   */
  readonly startsPerSecond?: number;
  /**
   * Device streams started at once before the rate applies (a small fleet starts without waiting).
   * @default 100
   */
  readonly burst?: number;
  /** Time source of the start timer. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

const positive = (name: string, value: number): number => {
  if (!(value > 0)) throw new RangeError(`perDevice: ${name} must be a positive number, got ${value}`);
  return value;
};

/**
 * Runs one stream per device of a {@link fleet$}: started when the device is added, stopped when it is removed.
 * A device stream's error becomes a {@link DeviceLost} event instead of ending the fleet's stream, so the other
 * devices carry on; a device that comes back is watched again. Starts are spread out (see
 * {@link PerDeviceOptions}): the first `burst` devices start at once, the rest at `startsPerSecond`, in the order
 * the fleet listed them; a device removed before its turn is never started.
 *
 * @example
 * ```ts
 * import { fleet$, perDevice, shortEnergy$ } from "@wattstream/rx";
 * fleet$(client)
 *   .pipe(perDevice((id) => shortEnergy$(client, id), { startsPerSecond: 100 }))
 *   .subscribe((e) => (e.type === "deviceLost" ? console.warn(e.deviceId, e.error) : console.log(e)));
 * ```
 * @category operators
 */
export const perDevice =
  <T>(project: (deviceId: DeviceId) => Observable<T>, options: PerDeviceOptions = {}): OperatorFunction<FleetUpdate, T | DeviceLost> => {
    const rate = positive("startsPerSecond", options.startsPerSecond ?? 200);
    const burst = positive("burst", options.burst ?? 100);
    const scheduler = options.scheduler ?? asyncScheduler;
    return (source) =>
      new Observable<T | DeviceLost>((subscriber) => {
        const running = new Map<string, Subscription>();
        // Devices waiting for their turn, in the order they were added (a Set keeps insertion order).
        const waiting = new Set<DeviceId>();
        let tokens = burst;
        let filledAt = scheduler.now();
        let timer: Subscription | undefined;
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
        const drain = (): void => {
          timer = undefined;
          const now = scheduler.now();
          tokens = Math.min(burst, tokens + ((now - filledAt) * rate) / 1000);
          filledAt = now;
          for (const id of waiting) {
            if (tokens < 1 || subscriber.closed) break;
            tokens--;
            waiting.delete(id);
            start(id);
          }
          if (waiting.size > 0 && !subscriber.closed) timer = scheduler.schedule(drain, Math.ceil(((1 - tokens) * 1000) / rate));
        };
        const outer = source.subscribe({
          next: (update) => {
            if (update.type !== "fleet") return;
            for (const id of update.removed) {
              waiting.delete(id);
              running.get(id)?.unsubscribe();
              running.delete(id);
            }
            // `running` and `waiting` hold each device once: an update naming a device twice (or one already
            // running or queued) never starts a second poller.
            for (const id of update.added) if (!running.has(id)) waiting.add(id);
            if (timer === undefined) drain();
          },
          error: (error: unknown) => subscriber.error(error),
          complete: () => subscriber.complete(),
        });
        return () => {
          outer.unsubscribe();
          timer?.unsubscribe();
          waiting.clear();
          for (const sub of running.values()) sub.unsubscribe();
          running.clear();
        };
      });
  };
