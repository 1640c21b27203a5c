import { asyncScheduler, defer, filter, map, of, switchMap, timer } from "rxjs";
import type { OperatorFunction, SchedulerLike } from "rxjs";
import { timerDelay } from "../internal/timerDelay.js";
import type { Alert } from "./threshold.js";

/**
 * Lets a `raised` alert through only once it has held for `durationMs` without a `cleared`, and its `cleared`
 * only if the raise was let through: a brief spike raises nothing.
 *
 * @example
 * ```ts
 * import { sustained, threshold } from "@wattstream/rx";
 * readings$.pipe(threshold({ value: (r) => r.watts, above: 5000 }), sustained(10 * 60_000)).subscribe(console.log);
 * ```
 * @category operators
 */
export const sustained =
  <A extends Pick<Alert<unknown>, "type">>(durationMs: number, scheduler: SchedulerLike = asyncScheduler): OperatorFunction<A, A> =>
  (source) =>
    // `defer`: whether a raise is open is state of one subscription; kept per `pipe()`, a second subscriber
    // would inherit the first one's open raise and never see its own `raised`.
    defer(() => {
      let open = false;
      return source.pipe(
        switchMap((alert) => (alert.type === "raised" ? timer(timerDelay(durationMs), scheduler).pipe(map(() => alert)) : of(alert))),
        filter((alert) => {
          if (alert.type === "raised" ? open : !open) return false;
          open = alert.type === "raised";
          return true;
        }),
      );
    });
