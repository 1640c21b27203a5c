import { Cause, Effect, Exit } from "effect";

/** How an Effect run by {@link runEffect} ended: its value, its typed failure (or defect), or interrupted (`undefined`). */
export type Outcome<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly error: unknown } | undefined;

/**
 * Runs `effect` in its own fiber and hands its outcome to `done` (at once if it ends synchronously); the returned
 * function stops listening and interrupts the fiber if it still runs, which aborts the in-flight HTTP request of a
 * transport call. The one place rx turns an Effect into a callback (`fromEffect` and the pollers use it).
 */
export const runEffect = <A, E>(effect: Effect.Effect<A, E>, done: (outcome: Outcome<A>) => void): (() => void) => {
  const fiber = Effect.runFork(effect);
  const detach = fiber.addObserver((exit) => {
    if (Exit.isSuccess(exit)) return done({ ok: true, value: exit.value });
    // Interrupted from elsewhere: nothing was produced, and there is no typed error to report.
    if (Cause.hasInterruptsOnly(exit.cause)) return done(undefined);
    const failure = exit.cause.reasons.find(Cause.isFailReason);
    done({ ok: false, error: failure !== undefined ? failure.error : Cause.squash(exit.cause) });
  });
  return () => {
    detach();
    if (fiber.pollUnsafe() === undefined) fiber.interruptUnsafe();
  };
};
