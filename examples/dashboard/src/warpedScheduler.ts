import { asyncScheduler } from "rxjs";
import type { SchedulerAction, SchedulerLike, Subscription } from "rxjs";
import type { ClockMapping } from "./config.js";

/**
 * An rxjs scheduler on the API's clock when that clock runs faster than the wall (a simulator started with
 * `clock: "real", speed: N`): `now()` reads API time and every delay is divided by `speed`. The rx streams take
 * their time from the scheduler they are given, so "poll just after the next interval is due" and "offline after
 * 600 s of silence" hold in API time without the streams knowing about the warp.
 *
 * Delays of actions that reschedule themselves (`this.schedule(...)` inside the work) run on the wall clock; the
 * streams do not do that (each poll schedules a fresh action).
 *
 * @example
 * ```ts
 * const scheduler = warpedScheduler({ simStart: 1_767_571_200, wallStart: Date.now(), speed: 30 });
 * device$(client, id, { scheduler });
 * ```
 */
export const warpedScheduler = (clock: ClockMapping, wallNow: () => number = Date.now): SchedulerLike => {
  const { simStart, wallStart, speed } = clock;
  return {
    now: () => simStart * 1000 + (wallNow() - wallStart) * speed,
    schedule: <T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription =>
      asyncScheduler.schedule<T>(work, delay / speed, state),
  };
};
