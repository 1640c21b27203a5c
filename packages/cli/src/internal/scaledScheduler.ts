import { asyncScheduler } from "rxjs";
import type { SchedulerAction, SchedulerLike, Subscription } from "rxjs";

/**
 * An rxjs scheduler on the simulator's clock: `now()` reads the simulated time and delays are divided by the
 * speed, so a stream that polls "just after the next 30 s interval is due" polls at the right *simulated*
 * moment when the embedded simulator runs 10× faster than real time (rx takes every timer from a scheduler,
 * which is what makes this possible).
 */
export const scaledScheduler = (nowMs: () => number, speed: number): SchedulerLike => {
  const scale = (delay: number | undefined): number => Math.max(0, (delay ?? 0) / speed);
  // rxjs re-schedules periodic work through the action's own `schedule`: scale that delay too.
  const proxy = <T>(real: SchedulerAction<T>): SchedulerAction<T> =>
    ({
      schedule: (s?: T, delay?: number): Subscription => real.schedule(s, scale(delay)),
      unsubscribe: (): void => real.unsubscribe(),
      add: (t: Parameters<Subscription["add"]>[0]): void => real.add(t),
      remove: (t: Parameters<Subscription["remove"]>[0]): void => real.remove(t),
      get closed(): boolean {
        return real.closed;
      },
    }) as unknown as SchedulerAction<T>;
  const wrap = <T>(work: (this: SchedulerAction<T>, state?: T) => void) =>
    function (this: SchedulerAction<T>, state?: T): void {
      work.call(proxy(this), state);
    };
  return {
    now: nowMs,
    schedule: <T>(work: (this: SchedulerAction<T>, state?: T) => void, delay?: number, state?: T): Subscription =>
      asyncScheduler.schedule(wrap(work), scale(delay), state as T),
  };
};
