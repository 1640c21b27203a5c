// Group commit for the budget owner's books: one write at a time, and saves asked for while one is being written
// share the next write instead of queueing one write each.
import { Effect, Semaphore } from "effect";

/**
 * Wraps `write` (which stores the state as it is when the write starts) so that the returned effect ends only after
 * a write that started after it was called has ended — the state it must see is then stored — while callers that
 * arrive during a write all share the one next write.
 */
export const groupCommit = <E, R>(write: Effect.Effect<void, E, R>): Effect.Effect<Effect.Effect<void, E, R>> =>
  Effect.map(Semaphore.make(1), (one) => {
    let asked = 0;
    let written = 0;
    const next = Effect.suspend(() => {
      const upTo = asked;
      return Effect.andThen(
        write,
        Effect.sync(() => {
          written = Math.max(written, upTo);
        }),
      );
    });
    return Effect.suspend(() => {
      const mine = ++asked;
      return one.withPermit(Effect.suspend(() => (written >= mine ? Effect.void : next)));
    });
  });
