import type { Effect } from "effect";
import type { Observable, SchedulerAction, SchedulerLike, Subscriber, Subscription, Unsubscribable } from "rxjs";
import { runEffect } from "./runEffect.js";
import type { Outcome } from "./runEffect.js";
import { timerDelay } from "./timerDelay.js";

/** Fires a poller's timer: one module-level function for every poller and timer (no closure per device). */
function fire(this: SchedulerAction<Poller<unknown>>, poller?: Poller<unknown>): void {
  poller?.fire();
}

/** Several subscribers (an array), not one (`Array.isArray` does not narrow a readonly array). */
const isMany = <T>(subs: Subscriber<T> | ReadonlyArray<Subscriber<T>> | undefined): subs is ReadonlyArray<Subscriber<T>> => Array.isArray(subs);

/** One subscriber's place in a poller: unsubscribing it leaves (a small object instead of a closure per subscription). */
class Membership<T> implements Unsubscribable {
  readonly #poller: Poller<T>;
  readonly #subscriber: Subscriber<T>;

  constructor(poller: Poller<T>, subscriber: Subscriber<T>) {
    this.#poller = poller;
    this.#subscriber = subscriber;
  }

  unsubscribe(): void {
    this.#poller.leave(this.#subscriber);
  }
}

/** Where a poller is registered while it runs (a `PollerCache`), told when the poller stops. */
export interface PollerHome {
  drop(key: string, poller: Poller<unknown>): void;
}

/**
 * One shared poller as a plain object with fields: the per-resource state machine behind `device$` and the energy
 * streams, in place of a chain of rxjs operators (each operator keeps closures, contexts and subscribers per
 * resource; a fleet of 10,000 devices paid ~10 KB per device for them). It multicasts to its subscribers (like
 * `share()`: started by the first, stopped when the last leaves, and over for everyone after an error), and runs the
 * poll loop `pollLoop` runs: one timer or one poll at a time on the rxjs scheduler (so `TestScheduler` drives it),
 * pausing with `active$` (cancelling the timer and the poll in flight, which commits nothing; resuming polls at once
 * if a poll fell due meanwhile), and a subclass's {@link poll} ending with {@link settle}, {@link fail} or
 * {@link end}. Timers run one module-level function with the poller as state; async steps ({@link call},
 * {@link wait}) are tokened, so an abandoned step's late answer is ignored.
 */
export abstract class Poller<T> {
  /** One subscriber as itself (the common case: no array), several in an exact-size array, none as `undefined`. */
  #subscribers: Subscriber<T> | ReadonlyArray<Subscriber<T>> | undefined;
  #timer: Subscription | undefined;
  #activeSub: Subscription | undefined;
  #active = true;
  #dueAt = 0;
  /** From the timer firing until the poll settles. */
  #running = false;
  /** Stopped for good: unsubscribed by the last subscriber, failed or ended. */
  protected stopped = false;
  /** The token of the async step in flight: a step whose token is no longer current is ignored. */
  #flight = 0;
  #cancelFlight: (() => void) | undefined;
  #home: PollerHome | undefined;
  #key = "";
  readonly #active$: Observable<boolean> | undefined;

  constructor(
    protected readonly scheduler: SchedulerLike,
    active$: Observable<boolean> | undefined,
  ) {
    this.#active$ = active$;
  }

  /** Registers the poller in `home` under `key` until it stops. */
  register(home: PollerHome, key: string): void {
    this.#home = home;
    this.#key = key;
  }

  /** Adds a subscriber (the first starts the poller); what it returns leaves again. */
  join(subscriber: Subscriber<T>): Unsubscribable {
    const subs = this.#subscribers;
    const first = subs === undefined;
    if (!first) this.greet(subscriber);
    // Copy on write, exact size (an array grown by `push` keeps 17 slots): `emit` iterates a list nobody changes.
    this.#subscribers = subs === undefined ? subscriber : isMany(subs) ? [...subs, subscriber] : [subs, subscriber];
    if (first) this.start();
    return new Membership(this, subscriber);
  }

  /** Removes a subscriber; the last one leaving stops the poller. */
  leave(subscriber: Subscriber<T>): void {
    const subs = this.#subscribers;
    if (subs === subscriber) this.#subscribers = undefined;
    else if (isMany(subs) && subs.includes(subscriber)) {
      const rest = subs.filter((s) => s !== subscriber);
      this.#subscribers = rest.length === 1 ? rest[0] : rest;
    } else return;
    if (this.#subscribers === undefined) this.#shutdown();
  }

  /** What a subscriber joining a running poller gets first (nothing, unless a subclass replays its state). */
  protected greet(_subscriber: Subscriber<T>): void {
    return;
  }

  /** Starts the work (the first subscriber joined): usually {@link begin}. */
  protected abstract start(): void;

  /** One poll, ended by {@link settle}, {@link fail} or {@link end}. */
  protected abstract poll(): void;

  /** Cleans up when the poller stops for good (after its timer and step in flight were cancelled). */
  protected stop(): void {
    return;
  }

  /** The poll in flight was cancelled (paused): nothing of it was committed. */
  protected abandoned(): void {
    return;
  }

  /** Emits to every subscriber (the list as it is now: one that leaves meanwhile is closed and ignores it). */
  protected emit(value: T): void {
    const subs = this.#subscribers;
    if (isMany(subs)) for (const s of subs) s.next(value);
    else subs?.next(value);
  }

  /** Ends every subscriber with `error`; the poller is over (the next subscriber gets a new one). */
  protected fail(error: unknown): void {
    if (this.stopped) return;
    const subs = this.#all();
    this.#subscribers = undefined;
    this.#shutdown();
    for (const s of subs) s.error(error);
  }

  /** Completes every subscriber; the poller is over. */
  protected end(): void {
    if (this.stopped) return;
    const subs = this.#all();
    this.#subscribers = undefined;
    this.#shutdown();
    for (const s of subs) s.complete();
  }

  #all(): ReadonlyArray<Subscriber<T>> {
    const subs = this.#subscribers;
    return subs === undefined ? [] : isMany(subs) ? subs : [subs];
  }

  #shutdown(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.#timer?.unsubscribe();
    this.#timer = undefined;
    this.#cancel();
    this.#activeSub?.unsubscribe();
    this.#activeSub = undefined;
    this.#home?.drop(this.#key, this);
    this.stop();
  }

  /** Starts the poll loop: the first poll in `initialDelay` ms (at once by default), while active. */
  protected begin(initialDelay?: number): void {
    this.#dueAt = this.scheduler.now() + timerDelay(initialDelay);
    this.#active = this.#active$ === undefined;
    if (this.#active$ !== undefined) {
      const sub = this.#active$.subscribe({ next: (on) => this.#onActive(on), error: (error: unknown) => this.fail(error) });
      if (this.stopped) sub.unsubscribe();
      else this.#activeSub = sub;
    }
    this.#arm();
  }

  #arm(): void {
    this.#timer?.unsubscribe();
    this.#timer = undefined;
    if (!this.#active || this.#running || this.stopped) return;
    // Never a delay a timer cannot hold (a server hint of weeks, NaN): clamped, then re-evaluated when it fires.
    this.#timer = this.scheduler.schedule(fire, timerDelay(this.#dueAt - this.scheduler.now()), this);
  }

  /** The timer fired: poll (public for the module's timer function only). */
  fire(): void {
    this.#timer = undefined;
    if (this.stopped) return;
    this.#running = true;
    this.#guard(() => this.poll());
  }

  /**
   * Runs a step of the poller; what it throws (a defect, an answer no decoder should have let by) ends the stream with
   * that error, as an operator chain's `map` did, instead of escaping into a timer or an Effect fiber's observer.
   */
  #guard(step: () => void): void {
    try {
      step();
    } catch (error) {
      this.fail(error);
    }
  }

  /** The poll is over: poll again in `next` ms (clamped to what a timer can hold). */
  protected settle(next: number): void {
    this.#running = false;
    this.#cancelFlight = undefined;
    if (this.stopped) return;
    this.#dueAt = this.scheduler.now() + timerDelay(next);
    this.#arm();
  }

  #onActive(on: boolean): void {
    if (on === this.#active) return;
    this.#active = on;
    if (on) return this.#arm();
    this.#timer?.unsubscribe();
    this.#timer = undefined;
    // Cancelling the poll in flight aborts its HTTP request; its result was not committed, so the poll simply runs
    // again on resume.
    if (this.#running) {
      this.#cancel();
      this.#running = false;
      this.abandoned();
      this.#dueAt = Math.min(this.#dueAt, this.scheduler.now());
    }
  }

  #cancel(): void {
    this.#flight++;
    const cancel = this.#cancelFlight;
    this.#cancelFlight = undefined;
    cancel?.();
  }

  /** Runs `effect` as the poller's step in flight; `then` gets its outcome unless the step was cancelled meanwhile. */
  protected call<A, E>(effect: Effect.Effect<A, E>, then: (outcome: Outcome<A>) => void): void {
    const token = ++this.#flight;
    const cancel = runEffect(effect, (outcome) => {
      if (token !== this.#flight) return;
      this.#cancelFlight = undefined;
      this.#flight++;
      this.#guard(() => then(outcome));
    });
    if (token === this.#flight) this.#cancelFlight = cancel;
  }

  /** Waits for `promise` as the poller's step in flight (a checkpoint load or save), like {@link call}. */
  protected wait<A>(promise: PromiseLike<A>, then: (outcome: Exclude<Outcome<A>, undefined>) => void): void {
    const token = ++this.#flight;
    const settled = (outcome: Exclude<Outcome<A>, undefined>): void => {
      if (token !== this.#flight) return;
      this.#flight++;
      this.#guard(() => then(outcome));
    };
    promise.then(
      (value) => settled({ ok: true, value }),
      (error: unknown) => settled({ ok: false, error }),
    );
  }
}
