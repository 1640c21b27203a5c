import { Observable } from "rxjs";
import type { SchedulerLike, Subscription } from "rxjs";
import { timerDelay } from "./timerDelay.js";

/** What one poll produced: events to emit now, and when to poll next (`undefined` = the stream is done). */
export interface Step<E> {
  readonly events: ReadonlyArray<E>;
  /** Milliseconds until the next poll; `undefined` completes the stream after these events. */
  readonly next: number | undefined;
}

export interface LoopOptions {
  readonly scheduler: SchedulerLike;
  readonly active$?: Observable<boolean> | undefined;
  readonly initialDelay?: number;
}

/**
 * The heart of every poller: run `tick`, emit its events, wait the delay it asked for, repeat. One timer or one
 * in-flight tick at a time; pausing (`active$` false) cancels both without touching the state the ticks keep,
 * so nothing is lost (a tick commits its state only when it emits). Resuming polls at once if a poll fell due
 * while paused. A tick's error ends the stream: ticks turn transient failures into steps themselves.
 */
export const pollLoop = <E>(tick: () => Observable<Step<E>>, options: LoopOptions): Observable<E> =>
  new Observable<E>((subscriber) => {
    const { scheduler } = options;
    let active = options.active$ === undefined;
    let dueAt = scheduler.now() + timerDelay(options.initialDelay);
    let timer: Subscription | undefined;
    let inflight: Subscription | undefined;
    let running = false;
    let done = false;

    const arm = (): void => {
      timer?.unsubscribe();
      timer = undefined;
      if (!active || running || done) return;
      // Never a delay a timer cannot hold (a server hint of weeks, NaN): clamped, then re-evaluated when it fires.
      timer = scheduler.schedule(run, timerDelay(dueAt - scheduler.now()));
    };

    const run = (): void => {
      timer = undefined;
      running = true;
      let next: number | undefined = 0;
      const sub = tick().subscribe({
        next: (step) => {
          next = step.next;
          for (const e of step.events) subscriber.next(e);
        },
        error: (err: unknown) => {
          running = false;
          done = true;
          subscriber.error(err);
        },
        complete: () => {
          running = false;
          inflight = undefined;
          if (next === undefined) {
            done = true;
            subscriber.complete();
            return;
          }
          dueAt = scheduler.now() + timerDelay(next);
          arm();
        },
      });
      if (running) inflight = sub;
    };

    const activeSub = options.active$?.subscribe({
      next: (on) => {
        if (on === active) return;
        active = on;
        if (!on) {
          timer?.unsubscribe();
          timer = undefined;
          // Cancelling the in-flight poll aborts its HTTP request; its result was not committed, so the
          // poll simply runs again on resume.
          if (inflight) {
            inflight.unsubscribe();
            inflight = undefined;
            running = false;
            dueAt = Math.min(dueAt, scheduler.now());
          }
        } else arm();
      },
      error: (err: unknown) => subscriber.error(err),
    });
    arm();
    return () => {
      done = true;
      timer?.unsubscribe();
      inflight?.unsubscribe();
      activeSub?.unsubscribe();
    };
  });
