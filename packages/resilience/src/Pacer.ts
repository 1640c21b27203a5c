import { Clock, Deferred, Duration, Effect } from "effect";
import { ReleaseLog } from "./internal/ReleaseLog.js";
import { TurnQueue } from "./internal/TurnQueue.js";
import { secondsUntilUtcMidnight } from "./RateLimit.js";
import { clampDelayMs, WAIT_LIMITS } from "./waitLimits.js";
import type { RateLimitState } from "./RateLimit.js";
import { classify } from "./classify.js";
import { isWattwatchersError, RateLimited } from "./WattwatchersError.js";
import type { RequestContext } from "./WattwatchersError.js";

/**
 * Options of {@link makePacer}. Defaults:
 *
 * | option | default | meaning |
 * |---|---|---|
 * | `tps` | none | per-second budget until headers say otherwise (one request at a time until the first answer) |
 * | `tpd` | none | daily budget until headers say otherwise (no daily accounting while unknown) |
 * | `safetyMargin` | 50 ms | added to the second a slot is held after its answer (timer and clock granularity) |
 * | `waitForDailyReset` | `false` | when the daily budget is spent, wait for 00:00 UTC instead of failing |
 * | `maxInFlight` | none | most requests sent through `pace` and not answered yet; more wait for an answer first |
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { makePacer } from "@wattstream/resilience"
 * // makePacer is an Effect (it reads the Clock): run it, or yield it inside Effect.gen.
 * const pacer = Effect.runSync(makePacer({ tps: 5, tpd: 10_000 }))
 * ```
 * @category models
 */
export interface PacerOptions {
  /**
   * Transactions per second the key may use, before any response has reported `X-RateLimit-TpsLimit`.
   * @default undefined (one request at a time until an answer reports the budget, or shows there is none)
   */
  readonly tps?: number | undefined;
  /**
   * Transactions per UTC day the key may use, before any response has reported `X-RateLimit-TpdLimit`.
   * @default undefined (no daily accounting until the headers arrive)
   */
  readonly tpd?: number | undefined;
  /**
   * Extra time a TPS slot is held beyond the one second after its answer, so timer and clock granularity cannot
   * put two slot holders in one server second. (Latency needs no margin: the second starts at the answer.)
   * @default "50 millis"
   */
  readonly safetyMargin?: Duration.Input | undefined;
  /**
   * When the daily budget is spent, sleep until 00:00 UTC instead of failing with `RateLimited` (scope `tpd`).
   * @default false
   */
  readonly waitForDailyReset?: boolean | undefined;
  /**
   * The most requests sent through {@link Pacer.pace} and not answered yet; a further request waits (in arrival
   * order, holding no TPS slot) until one is answered. Set it to what the transport can carry at once — e.g. the
   * connection pool's size, or twice it — so a burst the TPS budget allows waits here, as a cheap queued fiber,
   * instead of as thousands of built HTTP requests queued for a connection (each holding a TPS slot, its request
   * objects surviving into the old generation, and all of them built in one event-loop turn). A fraction rounds
   * up; zero, a negative number, `NaN` or `Infinity` means no limit.
   * @default undefined (no limit besides the TPS budget)
   */
  readonly maxInFlight?: number | undefined;
}

/**
 * What the pacer currently believes, for diagnostics and tests.
 *
 * @category models
 */
export interface PacerSnapshot {
  /** The per-second budget in force, if known. */
  readonly tpsLimit: number | undefined;
  /** TPS slots: the budget, 1 while no budget is known yet, `Infinity` when the key has none. */
  readonly tpsSlots: number;
  /** Slots held by requests sent through `pace` and not answered yet. */
  readonly inFlight: number;
  /** Slots still held after their answer (or their bare `take`), within the last second plus the margin. */
  readonly recentGrants: number;
  /** Unix ms before which nothing is granted (after a 429 or `TpsRemaining: 0`). */
  readonly blockedUntil: number;
  /** The daily budget in force, if known. */
  readonly tpdLimit: number | undefined;
  /** What is left of the daily budget, if known. */
  readonly tpdRemaining: number | undefined;
  /** Unix ms of the next daily reset, if known. */
  readonly tpdResetAt: number | undefined;
}

/**
 * A client-side limiter shared by every request of one client, so a fleet poller stays inside the key's budgets
 * instead of provoking 429s. Time comes from Effect's `Clock`, so `TestClock` drives it.
 *
 * @category services
 */
export interface Pacer {
  /**
   * Waits until `cost` TPS slots are free, holds them for one second (plus the margin) from now, and takes `cost`
   * from the daily budget; fails with `RateLimited` (scope `tpd`) without sending when the daily budget is spent
   * (unless `waitForDailyReset`). The second counts from the grant, as if the answer were immediate: prefer
   * {@link Pacer.pace}, which counts it from the answer.
   */
  readonly take: (cost?: number, request?: RequestContext) => Effect.Effect<void, RateLimited>;
  /**
   * Adopts the budgets an answer reported (`parseRateLimit`'s result, `undefined` included): limits rise or fall,
   * exhaustion blocks. The first call ends the one-slot probe; when it reports no TPS budget, none is enforced.
   */
  readonly update: (state: RateLimitState | undefined) => Effect.Effect<void>;
  /** Learns from a failure: a TPS or edge 429 blocks until its `Retry-After`, a TPD 429 spends the day. */
  readonly observe: (error: unknown) => Effect.Effect<void>;
  /**
   * Runs `effect` holding one TPS slot from before it starts until one second (plus the margin) after it ends,
   * takes one from the daily budget, and lets the pacer observe its failure. Interruption gives the slot back.
   */
  readonly pace: <A, E, R>(
    effect: Effect.Effect<A, E, R>,
    request?: RequestContext,
  ) => Effect.Effect<A, E | RateLimited, R>;
  /** The pacer's current view of the budgets. */
  readonly snapshot: Effect.Effect<PacerSnapshot>;
}

/** The pacer's books; only ever changed inside one synchronous step, so no fiber sees them half-updated. */
interface Books {
  /** The per-second budget in force (options, then headers); `undefined` = the key has none. */
  tpsLimit: number | undefined;
  /** No budget known yet, from options or from any answer: one slot, so a first burst cannot overshoot. */
  probing: boolean;
  /** Requests sent through `pace` whose answer has not arrived: each holds a slot. */
  inFlight: number;
  blockedUntil: number;
  tpdLimit: number | undefined;
  tpdRemaining: number | undefined;
  tpdResetAt: number | undefined;
}

const WINDOW_MS = 1000;
/** A per-second budget above this is treated as none (no real key has one); it also bounds the release log. */
const MAX_TPS = 10_000;
const positive = (n: number | undefined): number | undefined =>
  n !== undefined && Number.isFinite(n) && n > 0 ? n : undefined;
const nextMidnight = (nowMs: number): number => nowMs + secondsUntilUtcMidnight(nowMs) * 1000 - (nowMs % 1000);

type Decision =
  | { readonly _tag: "granted" }
  /** Wait `ms` (or, when undefined, until an answer or an update changes the books) and decide again. */
  | { readonly _tag: "wait"; readonly ms: number | undefined }
  | { readonly _tag: "spent"; readonly resetAt: number };
const GRANTED: Decision = { _tag: "granted" };
const WAIT_FOR_ANSWER: Decision = { _tag: "wait", ms: undefined };

const PACER_CONTEXT: RequestContext = { operation: "pacer", method: "-", path: "-" };

/** How a granted request holds its slot: until its answer (`pace`), or from the grant (`take`). */
interface Ticket {
  readonly hold: boolean;
  /** Set to the slots taken, in the same synchronous step as the booking. */
  held: number;
}

/**
 * Creates a {@link Pacer}. Its TPS model is a set of slots, as many as the key's per-second budget: a request
 * takes a slot before it is sent and gives it back one second (plus `safetyMargin`) after its answer arrived.
 * The service counts a request at some instant between its sending and its answer, so every request it counts
 * in one of its one-second windows held a slot at one common instant (the latest of their grants), and there are
 * only `limit` slots: no server second can overflow, fixed or sliding, whatever the latency. (A window over grant
 * times alone cannot promise that: a fast request granted after a slow one can land in the slow one's second.)
 * Until any budget is known — from `options.tps` or from the first answer's headers — there is one slot; an
 * answer that reports no TPS budget means the key has none. The slot count follows every reported
 * `X-RateLimit-TpsLimit` (an answer without one changes nothing). The TPD budget is a counter, driven by the
 * headers the same way. Grants are first come, first served. Create one per client (or share one between
 * clients of the same key); nothing is shared between pacers.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { makePacer } from "@wattstream/resilience"
 * const program = Effect.gen(function* () {
 *   const pacer = yield* makePacer({ tps: 5 })
 *   // Ten requests: five now, five once the first five have been answered for a second (plus the margin).
 *   yield* Effect.forEach(Array.from({ length: 10 }), () => pacer.pace(Effect.sleep("100 millis")), {
 *     concurrency: "unbounded",
 *   })
 * })
 * ```
 * @category constructors
 */
export const makePacer = (options: PacerOptions = {}): Effect.Effect<Pacer> =>
  Effect.map(Clock.currentTimeMillis, (start) => {
    const windowMs =
      WINDOW_MS +
      (options.safetyMargin === undefined ? 50 : Duration.toMillis(Duration.fromInputUnsafe(options.safetyMargin)));
    const waitForDailyReset = options.waitForDailyReset ?? false;
    const tps = positive(options.tps);
    // A fraction rounds up (never a cap of 0, which would wait for ever); not a positive number: no cap.
    const maxInFlight = Math.ceil(positive(options.maxInFlight) ?? Infinity);
    const tpd = positive(options.tpd);
    const books: Books = {
      tpsLimit: tps,
      probing: tps === undefined,
      inFlight: 0,
      blockedUntil: 0,
      tpdLimit: tpd,
      tpdRemaining: tpd,
      tpdResetAt: tpd === undefined ? undefined : nextMidnight(start),
    };
    // Slots of answered requests (and of bare `take`s), until their release time.
    const released = new ReleaseLog();
    // Waiting takers go one at a time, in arrival order; the one at the head waits for a release time, or for
    // `wake` (an answer arrived, or an update changed the budgets) and then decides again.
    // An O(1) FIFO lock rather than Effect's Semaphore, whose wake-ups scan every waiter (see TurnQueue).
    const lock = new TurnQueue();
    let wake: Deferred.Deferred<void> | undefined;
    const notify = (): void => {
      if (wake === undefined) return;
      const w = wake;
      wake = undefined;
      Deferred.doneUnsafe(w, Effect.void);
    };

    const slots = (): number => {
      if (books.probing) return 1;
      const limit = books.tpsLimit;
      return limit === undefined || limit > MAX_TPS ? Infinity : Math.max(1, Math.floor(limit));
    };

    // At 00:00 UTC the daily budget refills; an unknown limit means no daily accounting until headers tell it.
    const rollDay = (now: number): void => {
      if (books.tpdResetAt !== undefined && now >= books.tpdResetAt) {
        books.tpdRemaining = books.tpdLimit;
        books.tpdResetAt = books.tpdLimit === undefined ? undefined : nextMidnight(now);
      }
    };

    // One decision at `now`: grant (and book it), or say how long to wait, or that the day's budget is spent.
    // Synchronous, so a decision and its booking cannot interleave with another fiber.
    const decide = (now: number, cost: number, ticket: Ticket): Decision => {
      rollDay(now);
      released.expire(now);
      if (books.tpdRemaining !== undefined && books.tpdRemaining < cost) {
        return { _tag: "spent", resetAt: books.tpdResetAt ?? nextMidnight(now) };
      }
      const readyAt = Math.max(now, books.blockedUntil);
      const n = slots();
      const take = Math.min(cost, n);
      const excess = books.inFlight + released.size + take - n;
      if (excess > released.size || (ticket.hold && books.inFlight >= maxInFlight)) {
        // Not enough slots even once every answered one is back, or as many paced requests in flight as
        // maxInFlight allows: wait for an answer first (it wakes the head of the queue).
        return readyAt > now ? { _tag: "wait", ms: readyAt - now } : WAIT_FOR_ANSWER;
      }
      const at = excess > 0 ? Math.max(readyAt, released.at(excess - 1) ?? now) : readyAt;
      if (at > now) return { _tag: "wait", ms: at - now };
      // Without a per-second budget a slot is never waited for, so only the in-flight count is kept (should a
      // budget appear, requests answered before it are not counted against it: the next answer's
      // TpsRemaining covers them).
      if (ticket.hold) books.inFlight += take;
      else if (n !== Infinity) released.push(now + windowMs, take);
      ticket.held = take;
      if (books.tpdRemaining !== undefined) books.tpdRemaining -= cost;
      return GRANTED;
    };

    const spent = (request: RequestContext, resetAt: number) =>
      new RateLimited({
        ...request,
        scope: "tpd",
        code: "TOO_MANY_REQUESTS_TPD",
        serverMessage: "refused client-side: the daily request budget is spent",
        resetAt: Math.ceil(resetAt / 1000),
      });

    const pause = (ms: number | undefined): Effect.Effect<void> => {
      const w = (wake ??= Deferred.makeUnsafe<void>());
      return ms === undefined
        ? Deferred.await(w)
        : Effect.raceFirst(Effect.sleep(Duration.millis(clampDelayMs(ms))), Deferred.await(w));
    };

    // Takers that had to wait queue on the lock in arrival order; while any are queued, newcomers queue too.
    let queued = 0;
    const waitTurn = (cost: number, request: RequestContext, ticket: Ticket): Effect.Effect<void, RateLimited> =>
      Effect.suspend(() => {
        queued++;
        const loop: Effect.Effect<void, RateLimited> = Effect.flatMap(Clock.currentTimeMillis, (now) => {
          const d = decide(now, cost, ticket);
          if (d._tag === "granted") return Effect.void;
          if (d._tag === "wait") return Effect.andThen(pause(d.ms), loop);
          if (!waitForDailyReset) return Effect.fail(spent(request, d.resetAt));
          return Effect.andThen(Effect.sleep(Duration.millis(Math.max(1, clampDelayMs(d.resetAt - now)))), loop);
        });
        return lock.withTurn(loop).pipe(Effect.ensuring(Effect.sync(() => queued--)));
      });

    const acquire = (cost: number, request: RequestContext, ticket: Ticket): Effect.Effect<void, RateLimited> =>
      Effect.suspend(() =>
        queued > 0
          ? waitTurn(cost, request, ticket)
          : // Fast path: nobody is waiting, so a request that fits right now needs no lock.
            Effect.flatMap(Clock.currentTimeMillis, (now) => {
              const d = decide(now, cost, ticket);
              return d._tag === "granted"
                ? Effect.void
                : d._tag === "spent" && !waitForDailyReset
                  ? Effect.fail(spent(request, d.resetAt))
                  : waitTurn(cost, request, ticket);
            }),
      );

    const take = (cost = 1, request: RequestContext = PACER_CONTEXT): Effect.Effect<void, RateLimited> =>
      cost <= 0 ? Effect.void : acquire(cost, request, { hold: false, held: 0 });

    // The answer is in (or the attempt ended some other way, and may still have been counted): the slot is
    // given back one window from now.
    const giveBack = (ticket: Ticket, now: number | undefined): void => {
      books.inFlight -= ticket.held;
      if (now !== undefined) released.push(now + windowMs, ticket.held);
      ticket.held = 0;
      notify();
    };
    const release = (ticket: Ticket): Effect.Effect<void> =>
      ticket.held === 0
        ? Effect.void
        : slots() === Infinity
          ? // No per-second budget: nobody waits for this slot's release time, so the clock need not be read.
            Effect.sync(() => giveBack(ticket, undefined))
          : Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.sync(() => giveBack(ticket, now)));

    const adopt = (rateLimit: RateLimitState | undefined, now: number): void => {
      rollDay(now);
      // Any answer ends the probe: it either reported the key's TPS budget or showed there is none.
      books.probing = false;
      const tps = rateLimit?.tps;
      if (tps !== undefined) {
        books.tpsLimit = positive(tps.limit) ?? books.tpsLimit;
        // A per-second window resets within a second; an absurd reset (a day) blocks at most WAIT_LIMITS' 5 s, after
        // which the next answer says again how things stand.
        if (tps.remaining <= 0) {
          const block = clampDelayMs(Math.ceil(tps.resetSeconds * 1000), WAIT_LIMITS.maxTpsResetMs);
          books.blockedUntil = Math.max(books.blockedUntil, now + block);
        }
      }
      const tpdState = rateLimit?.tpd;
      if (tpdState !== undefined) {
        // The server's count is the truth (other processes may share the key); it reflects every request
        // answered so far, so adopting it can only err by the requests still in flight.
        books.tpdLimit = positive(tpdState.limit) ?? books.tpdLimit;
        books.tpdRemaining = Math.max(0, tpdState.remaining);
        books.tpdResetAt = now + clampDelayMs(Math.ceil(tpdState.resetSeconds * 1000), WAIT_LIMITS.maxDailyResetMs);
      }
      notify();
    };

    const update = (rateLimit: RateLimitState | undefined): Effect.Effect<void> =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.sync(() => adopt(rateLimit, now)));

    const observe = (error: unknown): Effect.Effect<void> => {
      if (!isWattwatchersError(error) || error._tag !== "RateLimited") return Effect.void;
      return Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.sync(() => {
          // A 429 without headers (edge throttling) says nothing about the key's budget: the probe goes on.
          if (error.rateLimit !== undefined) adopt(error.rateLimit, now);
          // How long the 429 lasts is classify's answer (capped by WAIT_LIMITS: a Retry-After of a day blocks the
          // other calls 60 s at most, never a day; the call that got it fails fast in withRetry).
          const c = classify(error, { now });
          if (c.kind !== "rateLimited") return;
          if (c.scope === "tpd") {
            books.tpdRemaining = 0;
            books.tpdResetAt = now + c.waitMs;
          } else {
            books.blockedUntil = Math.max(books.blockedUntil, now + Math.ceil(c.waitMs));
          }
          notify();
        }),
      );
    };

    const pace = <A, E, R>(effect: Effect.Effect<A, E, R>, request: RequestContext = PACER_CONTEXT) =>
      Effect.suspend(() => {
        const ticket: Ticket = { hold: true, held: 0 };
        // The release is in place before the slot is asked for, and the slot is booked and `ticket.held` set in
        // one synchronous step: an interruption at any point gives back exactly what was taken (nothing, while
        // still waiting).
        return Effect.onExit(Effect.andThen(acquire(1, request, ticket), Effect.tapError(effect, observe)), () =>
          release(ticket),
        );
      });

    const snapshot = Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Effect.sync((): PacerSnapshot => {
        rollDay(now);
        released.expire(now);
        return {
          tpsLimit: books.tpsLimit,
          tpsSlots: slots(),
          inFlight: books.inFlight,
          recentGrants: released.size,
          blockedUntil: books.blockedUntil,
          tpdLimit: books.tpdLimit,
          tpdRemaining: books.tpdRemaining,
          tpdResetAt: books.tpdResetAt,
        };
      }),
    );

    return { take, update, observe, pace, snapshot } satisfies Pacer;
  });
