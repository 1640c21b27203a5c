import { Cause, Effect, Exit } from "effect";
import { Observable } from "rxjs";

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
  new Observable<A>((subscriber) => {
    const fiber = Effect.runFork(effect);
    const detach = fiber.addObserver((exit) => {
      if (Exit.isSuccess(exit)) {
        subscriber.next(exit.value);
        subscriber.complete();
        return;
      }
      if (Cause.hasInterruptsOnly(exit.cause)) {
        // Interrupted from elsewhere: nothing was produced, and there is no typed error to report.
        subscriber.complete();
        return;
      }
      const failure = exit.cause.reasons.find(Cause.isFailReason);
      subscriber.error(failure !== undefined ? failure.error : Cause.squash(exit.cause));
    });
    return () => {
      detach();
      if (fiber.pollUnsafe() === undefined) fiber.interruptUnsafe();
    };
  });
