import { asyncScheduler } from "rxjs";
import type { SchedulerAction, SchedulerLike, Subscription } from "rxjs";

/**
 * A scheduler on the simulator's sped-up real clock: `now()` is simulated time, and a delay of `d` simulated ms
 * waits `d / speed` real ms. Enough for the timers rx uses (one-shot delays).
 */
export const warpedScheduler = (nowSeconds: () => number, speed: number): SchedulerLike => ({
  now: () => nowSeconds() * 1000,
  schedule: <T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription =>
    asyncScheduler.schedule(work, delay / speed, state),
});
