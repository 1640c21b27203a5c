import { Observable } from "rxjs";
import type { OperatorFunction } from "rxjs";

/**
 * A transition of an alert condition: `raised` when it starts to hold, `cleared` when it stops; `item` is the
 * input that caused the transition.
 *
 * @category models
 */
export interface Alert<T> {
  readonly type: "raised" | "cleared";
  readonly value: number;
  readonly item: T;
}

/** Options of {@link threshold}. @category models */
export type ThresholdOptions<T> = {
  /** The number compared, e.g. a channel's power. */
  readonly value: (item: T) => number;
} & (
  | {
      /** Raise when the value reaches this or more. */
      readonly above: number;
      /** Clear when the value falls below this (hysteresis: `clear` ≤ `above`). @default above */
      readonly clear?: number;
    }
  | {
      /** Raise when the value falls to this or less. */
      readonly below: number;
      /** Clear when the value rises above this (`clear` ≥ `below`). @default below */
      readonly clear?: number;
    }
);

/**
 * Raises an alert when a value crosses a threshold and clears it only once it is back past the `clear` level, so
 * a value hovering at the threshold does not flap. Emits on transitions only; NaN values are ignored.
 *
 * @example
 * ```ts
 * import { threshold } from "@wattstream/rx";
 * readings$.pipe(threshold({ value: (r) => r.watts, above: 5000, clear: 4000 })).subscribe((a) => console.log(a.type));
 * ```
 * @category operators
 */
export const threshold = <T>(options: ThresholdOptions<T>): OperatorFunction<T, Alert<T>> => {
  const high = "above" in options;
  const level = high ? options.above : options.below;
  const clear = options.clear ?? level;
  if (high ? clear > level : clear < level)
    throw new RangeError(`threshold: clear (${clear}) must be on the safe side of ${high ? "above" : "below"} (${level})`);
  return (source) =>
    new Observable<Alert<T>>((subscriber) => {
      let raised = false;
      return source.subscribe({
        next: (item) => {
          const value = options.value(item);
          if (Number.isNaN(value)) return;
          if (!raised && (high ? value >= level : value <= level)) {
            raised = true;
            subscriber.next({ type: "raised", value, item });
          } else if (raised && (high ? value < clear : value > clear)) {
            raised = false;
            subscriber.next({ type: "cleared", value, item });
          }
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
    });
};
