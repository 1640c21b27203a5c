import type { Effect } from "effect";
import { Observable } from "rxjs";
import { runEffect } from "./internal/runEffect.js";

/**
 * Turns an Effect into a cold Observable: each subscription runs the Effect in its own fiber, emits its value
 * and completes, or errors with the Effect's typed failure; unsubscribing interrupts the fiber, which aborts
 * the in-flight HTTP request of a transport call.
 *
 * @example
 * ```ts
 * import { fromEffect } from "@wattstream/rx";
 * const sub = fromEffect(client.getDevice("D123456789012")).subscribe(console.log);
 * sub.unsubscribe(); // aborts the request
 * ```
 * @category constructors
 */
export const fromEffect = <A, E>(effect: Effect.Effect<A, E>): Observable<A> =>
  new Observable<A>((subscriber) =>
    runEffect(effect, (outcome) => {
      if (outcome === undefined) return subscriber.complete();
      if (!outcome.ok) return subscriber.error(outcome.error);
      subscriber.next(outcome.value);
      subscriber.complete();
    }),
  );
