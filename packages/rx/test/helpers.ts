import { Effect } from "effect";
import type { Observable } from "rxjs";

/** An Effect backed by an Observable (e.g. a TestScheduler timer), interrupted by unsubscribing it. */
export const effectFrom = <A>(source: Observable<A>, onInterrupt?: () => void): Effect.Effect<A, unknown> =>
  Effect.callback<A, unknown>((resume) => {
    let done = false;
    const sub = source.subscribe({
      next: (v) => {
        done = true;
        resume(Effect.succeed(v));
      },
      error: (e: unknown) => {
        done = true;
        resume(Effect.fail(e));
      },
    });
    return Effect.sync(() => {
      if (!done) onInterrupt?.();
      sub.unsubscribe();
    });
  });

/** A tagged error value shaped like transport's. */
export const tagged = (tag: string, extra: Record<string, unknown> = {}): { readonly _tag: string } => ({ _tag: tag, ...extra });
