import { Clock, Effect } from "effect";

/** Runs `f` synchronously with the fiber's Clock time, ms: one decision on the books at one instant. */
export const withNow = <A>(f: (now: number) => A): Effect.Effect<A> =>
  Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.sync(() => f(now)));
