import { asyncScheduler, Subscription } from "rxjs";
import type { SchedulerAction, SchedulerLike } from "rxjs";
import { timerDelay } from "./internal/timerDelay.js";

/** Options of {@link scaledScheduler}. @category models */
export interface ScaledSchedulerOptions {
  /**
   * The scaled clock in epoch milliseconds, e.g. a simulator's `() => sim.clock.now() * 1000`.
   *
   * @example
   * ```ts
   * import { startSimulator } from "@wattstream/simulator";
   * const sim = await startSimulator({ clock: "real", speed: 60 });
   * const now = () => sim.clock.now() * 1000;
   * await sim.close();
   * ```
   */
  readonly now: () => number;
  /** The scheduler that runs the (shortened) real delays. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/**
 * The action a scaled work function sees as `this`: every member rxjs calls (`schedule`, `unsubscribe`, `add`,
 * `remove`, `closed`) is the real action's, except that `schedule` scales its delay. A `Subscription` subclass,
 * because rxjs types `SchedulerAction` as its `Subscription` class (private members included).
 */
class ScaledAction<T> extends Subscription implements SchedulerAction<T> {
  readonly #real: SchedulerAction<T>;
  readonly #scale: (delay: number | undefined) => number;
  constructor(real: SchedulerAction<T>, scale: (delay: number | undefined) => number) {
    super();
    this.#real = real;
    this.#scale = scale;
    // `closed` is a field of Subscription: read the real action's instead of keeping a copy in step.
    Object.defineProperty(this, "closed", { get: () => real.closed, configurable: true });
  }
  schedule(state?: T, delay?: number): Subscription {
    return this.#real.schedule(state, this.#scale(delay));
  }
  override unsubscribe(): void {
    this.#real.unsubscribe();
  }
  override add(teardown: Parameters<Subscription["add"]>[0]): void {
    this.#real.add(teardown);
  }
  override remove(teardown: Parameters<Subscription["remove"]>[0]): void {
    this.#real.remove(teardown);
  }
}

/**
 * An rxjs scheduler on a clock that runs `speed` times faster than the wall (a simulator started with
 * `clock: "real", speed`): `now()` reads the scaled clock and every delay, given in scaled milliseconds, waits
 * `delay / speed` real ones — including delays of actions that reschedule themselves. Every rx stream takes its
 * time from its scheduler, so "poll just after the next interval is due" holds in simulated time.
 *
 * @example
 * ```ts
 * import { parseDeviceId } from "@wattstream/core";
 * import { device$, scaledScheduler } from "@wattstream/rx";
 * import { startSimulator } from "@wattstream/simulator";
 * import { makeClient } from "@wattstream/transport";
 * const sim = await startSimulator({ clock: "real", speed: 60 });
 * const client = makeClient({ apiKey: sim.demoKey, baseUrl: sim.baseUrl });
 * const scheduler = scaledScheduler(60, { now: () => sim.clock.now() * 1000 });
 * device$(client, parseDeviceId("D123456789012"), { scheduler }).subscribe(console.log);
 * ```
 * @category constructors
 */
export const scaledScheduler = (speed: number, options: ScaledSchedulerOptions): SchedulerLike => {
  if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`scaledScheduler: speed must be a positive finite number, got ${speed}`);
  const base = options.scheduler ?? asyncScheduler;
  const scale = (delay: number | undefined): number => timerDelay((delay ?? 0) / speed);
  // rxjs re-schedules periodic work through the action's own `schedule`: scale that delay too.
  const proxy = <T>(real: SchedulerAction<T>): SchedulerAction<T> => new ScaledAction(real, scale);
  const wrap = <T>(work: (this: SchedulerAction<T>, state?: T) => void) =>
    function (this: SchedulerAction<T>, state?: T): void {
      work.call(proxy(this), state);
    };
  return {
    now: options.now,
    schedule: <T>(work: (this: SchedulerAction<T>, state?: T) => void, delay?: number, state?: T): Subscription =>
      base.schedule(wrap(work), scale(delay), state as T),
  };
};
