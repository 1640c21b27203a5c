import { Deferred, Effect } from "effect";

interface Waiter {
  readonly go: Deferred.Deferred<void>;
  /** Its turn was handed to it (it must pass the turn on, even if interrupted before running). */
  granted: boolean;
  /** Interrupted while waiting: skipped when its turn comes. */
  cancelled: boolean;
}

/**
 * A first-come, first-served lock whose every step is O(1): the pacer's waiting takers queue here. Effect's
 * `Semaphore` wakes waiters by copying and scanning its whole waiter set on every release (and on every waiter
 * that leaves), which is quadratic in the queue: with thousands of requests queued behind a TPS budget (a fleet's
 * first polls) it cost seconds of event-loop time (bench/runner.bench.ts in @wattstream/rx). An interrupted
 * waiter is marked and skipped rather than searched for, so leaving is O(1) too.
 */
export class TurnQueue {
  private busy = false;
  private waiters: Array<Waiter> = [];
  private head = 0;
  private handing = false;
  private endedMeanwhile = false;

  /** Waiters still queued (cancelled ones included until their turn is skipped). */
  get size(): number {
    return this.waiters.length - this.head;
  }

  /** Runs `effect` when every earlier caller's turn has ended; interruption while waiting leaves the queue. */
  withTurn<A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> {
    return Effect.uninterruptibleMask((restore) =>
      Effect.suspend(() => {
        // Handed on in a task of the fiber's scheduler (as Effect's Semaphore does), not inline: the next waiter
        // then runs after this fiber's own continuation, and a long queue never runs as one synchronous block.
        const passOn = Effect.withFiber((fiber) => {
          fiber.currentDispatcher.scheduleTask(() => this.passOn(), 0);
          return Effect.void;
        });
        if (!this.busy) {
          this.busy = true;
          return Effect.ensuring(restore(effect), passOn);
        }
        const waiter: Waiter = { go: Deferred.makeUnsafe<void>(), granted: false, cancelled: false };
        this.waiters.push(waiter);
        return restore(Deferred.await(waiter.go)).pipe(
          Effect.onInterrupt(() =>
            Effect.suspend(() => {
              if (waiter.granted) return passOn;
              waiter.cancelled = true;
              return Effect.void;
            }),
          ),
          Effect.andThen(Effect.ensuring(restore(effect), passOn)),
        );
      }),
    );
  }

  /**
   * The current turn ended: hand it to the next waiter still waiting, or free the lock. A waiter resumed here may
   * run its whole turn synchronously and end it inside this call; that re-entry only raises a flag and the loop
   * here hands the next turn, so thousands of short turns do not nest thousands of calls deep.
   */
  private passOn(): void {
    if (this.handing) {
      this.endedMeanwhile = true;
      return;
    }
    this.handing = true;
    try {
      do {
        this.endedMeanwhile = false;
        this.handNext();
      } while (this.endedMeanwhile);
    } finally {
      this.handing = false;
    }
  }

  private handNext(): void {
    while (this.head < this.waiters.length) {
      const next = this.waiters[this.head++];
      if (next === undefined || next.cancelled) continue;
      this.compact();
      next.granted = true;
      Deferred.doneUnsafe(next.go, Effect.void);
      return;
    }
    this.waiters = [];
    this.head = 0;
    this.busy = false;
  }

  /** Drops the served prefix once it dominates, so memory stays proportional to the queue. */
  private compact(): void {
    if (this.head > 64 && this.head * 2 > this.waiters.length) {
      this.waiters = this.waiters.slice(this.head);
      this.head = 0;
    }
  }
}
