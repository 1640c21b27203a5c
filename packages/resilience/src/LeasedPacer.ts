import { Clock, Deferred, Duration, Effect, Semaphore } from "effect";
import type { Scope } from "effect";
import type { BudgetLessor, BudgetUnavailable, Lease } from "./BudgetLessor.js";
import { classify } from "./classify.js";
import { millisOf, slotHoldMs } from "./internal/slotHold.js";
import { withNow } from "./internal/withNow.js";
import type { Pacer, PacerSnapshot } from "./Pacer.js";
import type { RateLimitState } from "./RateLimit.js";
import { clampDelayMs, WAIT_LIMITS } from "./waitLimits.js";
import { isWattwatchersError, RateLimited } from "./WattwatchersError.js";
import type { RequestContext } from "./WattwatchersError.js";

/**
 * Options of {@link makeLeasedPacer}. Defaults:
 *
 * | option | default | meaning |
 * |---|---|---|
 * | `leaseSize` | 10 | slots asked for in one call to the owner |
 * | `prefetchAt` | half of `leaseSize` | ask for the next lease when this many slots are left |
 * | `safetyMargin` | 50 ms | added to the second a slot is held after its answer, before its lease goes back |
 * | `idleGiveBack` | 1 s | give a lease back once the pacer has granted nothing for this long |
 * | `partSlots` | a quarter of `leaseSize` | hand back this many cooled slots of a lease still held, together |
 * | `reuseSlots` | `true` | send again on a cooled slot of a usable lease when a request is waiting for one |
 * | `retryUnreachable` | 1 s | wait before asking again when the owner could not be reached |
 * | `waitForDailyReset` | `false` | when the day's budget is spent, wait for the reset instead of failing |
 *
 * @example
 * ```ts
 * import type { LeasedPacerOptions } from "@wattstream/resilience"
 * const options: LeasedPacerOptions = { leaseSize: 20, prefetchAt: 10 }
 * ```
 * @category models
 */
export interface LeasedPacerOptions {
  /**
   * Slots asked for in one call to the owner (it may grant fewer): one call per this many requests. When more
   * requests are waiting than that, the call asks for all of them (the owner caps every lease at its own size).
   * @default 10
   */
  readonly leaseSize?: number | undefined;
  /**
   * When this many slots (or fewer) are left in hand, the next lease is asked for in the background, so a busy
   * runner rarely waits for the owner. (When more were used during the last call to the owner, that many.)
   * @default Math.ceil(leaseSize / 2)
   */
  readonly prefetchAt?: number | undefined;
  /**
   * Extra time a slot is held beyond the one second after its answer: a lease goes back only when every used slot
   * has been held that long. Use the owner's `safetyMargin`.
   * @default "50 millis"
   */
  readonly safetyMargin?: Duration.Input | undefined;
  /**
   * A lease is given back (its unused slots to other runners) once the pacer has granted nothing for this long.
   * @default "1 second"
   */
  readonly idleGiveBack?: Duration.Input | undefined;
  /**
   * Cooled slots (used, answered one second plus the margin ago) handed back together while their lease is still
   * held, so a slot is free for every runner one second after its own answer, not after its lease's slowest one.
   * Fewer means each slot back sooner, more means fewer calls to the owner. Only with a lessor that has
   * `giveBackPart`; `Infinity` turns it off (slots come back with their lease).
   * @default Math.ceil(leaseSize / 4)
   */
  readonly partSlots?: number | undefined;
  /**
   * Ask the owner for reusable slots (`LeaseRequest.reuse`): a request waiting for a slot takes a cooled one of a
   * lease still usable (its previous answer a second and the margin old) instead of waiting for the owner, so a
   * busy runner's slots carry requests back to back as with `makePacer`, and its calls to the owner are one per
   * lease rather than one per part. Cooled slots no request here is waiting for still go back in parts.
   * @default true
   */
  readonly reuseSlots?: boolean | undefined;
  /**
   * How long to wait before asking again after the owner could not be reached (`BudgetUnavailable` `unreachable`
   * with a shorter hint).
   * @default "1 second"
   */
  readonly retryUnreachable?: Duration.Input | undefined;
  /**
   * When the owner says the day's budget is spent, sleep until it resets instead of failing with `RateLimited`
   * (scope `tpd`).
   * @default false
   */
  readonly waitForDailyReset?: boolean | undefined;
}

/** One lease in the runner's hands, from its arrival until it is given back. */
interface Held {
  readonly id: string;
  /** Slots never used yet. */
  unused: number;
  /** Requests it may still send (its `uses`, or one per slot): what is left of it goes back to the day. */
  sendsLeft: number;
  /** Requests sent under it through `pace` and not answered yet. */
  inFlight: number;
  /** Local time after which nothing may be sent under it. */
  readonly usableUntil: number;
  readonly receivedAt: number;
  /** When the last used slot has been held one second (plus the margin) after its answer. */
  coolUntil: number;
  /** When each used slot has cooled (answer + one second + margin), in that order. */
  readonly cool: Array<number>;
  /** Entries of `cool` done with (the slot sent on again, or handed back by `giveBackPart`): its first `consumed`. */
  consumed: number;
  /** Nothing more is taken from it (spent, expired or idle); it goes back once its used slots have cooled. */
  closed: boolean;
  /** Wakes its give-back fiber (closed, its last request ended, or a part can be handed back). */
  signal: Deferred.Deferred<void> | undefined;
}

interface Ticket {
  readonly hold: boolean;
  lease: Held | undefined;
}

/** Why no lease can be had now, until when (local ms). */
interface Unavailable {
  readonly reason: BudgetUnavailable["reason"];
  readonly until: number;
}

const PACER_CONTEXT: RequestContext = { operation: "pacer", method: "-", path: "-" };
/** How soon a give-back fiber looks again at cooled slots it left to requests waiting here. */
const WAITERS_RECHECK_MS = 10;
const wakeUnsafe = (d: Deferred.Deferred<void> | undefined): void => {
  if (d !== undefined) Deferred.doneUnsafe(d, Effect.void);
};

/**
 * Creates a {@link Pacer} that paces one runner's requests with slots leased from the owner of the key's shared
 * budget (a `BudgetLedger`, through `lessor`), so that every runner together stays within the key's TPS and TPD.
 * Each request takes one slot of its current lease — an unused one, or (`reuseSlots`) one whose last answer is one
 * second (plus the margin) old; the next lease is asked for in the background when `prefetchAt` slots are left; used
 * slots no request is waiting for go back in parts of `partSlots` as each one's answer turns one second (plus the
 * margin) old (when the lessor has `giveBackPart`); a lease goes back — with its unsent requests and the newest
 * rate-limit headers — once it is spent, expired or idle and every request sent under it was answered one second
 * (plus the margin) ago. A 429 is reported to the owner at once, which stops every runner's grants until it has passed.
 * Give the transport client this pacer through its `pacing` option. Its background fibers live in the `Scope`:
 * closing it gives back the leases whose slots have cooled (the owner reclaims the others when they expire).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { lessorOf, makeBudgetLedger, makeLeasedPacer } from "@wattstream/resilience"
 * const program = Effect.scoped(
 *   Effect.gen(function* () {
 *     const ledger = yield* makeBudgetLedger({ tps: 5, tpd: 10_000, takeover: false })
 *     // Two runners sharing one key: together at most 5 requests in any second.
 *     const a = yield* makeLeasedPacer(lessorOf(ledger, "a"), { leaseSize: 2 })
 *     const b = yield* makeLeasedPacer(lessorOf(ledger, "b"), { leaseSize: 2 })
 *     yield* Effect.all([a.pace(Effect.succeed(1)), b.pace(Effect.succeed(2))], { concurrency: "unbounded" })
 *   }),
 * )
 * ```
 * @category constructors
 */
export const makeLeasedPacer = (
  lessor: BudgetLessor,
  options: LeasedPacerOptions = {},
): Effect.Effect<Pacer, never, Scope.Scope> =>
  Effect.gen(function* () {
    const scope = yield* Effect.scope;
    const leaseSize = Math.max(1, Math.floor(options.leaseSize ?? 10));
    const prefetchAt = Math.max(0, Math.floor(options.prefetchAt ?? Math.ceil(leaseSize / 2)));
    const windowMs = slotHoldMs(options.safetyMargin);
    const idleMs = millisOf(options.idleGiveBack, 1000);
    const unreachableMs = millisOf(options.retryUnreachable, 1000);
    const waitForDailyReset = options.waitForDailyReset ?? false;
    const giveBackPart = lessor.giveBackPart;
    const partSlots =
      giveBackPart === undefined ? Infinity : Math.max(1, Math.floor(options.partSlots ?? Math.ceil(leaseSize / 4)));
    const reuse = options.reuseSlots ?? true;

    const leases: Array<Held> = [];
    // Takers that had to wait go one at a time, in arrival order; while any wait, newcomers queue too.
    const lock = Semaphore.makeUnsafe(1);
    let queued = 0;
    let lastTake = 0;
    /**
     * Slots asked for (taken or waited for) while the current call to the owner was under way, and while the last
     * successful one was: the demand one round trip has to cover.
     */
    let askedDuringCall = 0;
    let perRoundTrip = 0;
    let blockedUntil = 0;
    /** After asking ahead found nothing free, no asking ahead before this (local ms). */
    let noPrefetchUntil = 0;
    let unavailable: Unavailable | undefined;
    /** The lease call in flight, if any: done (whatever its outcome) when it ends. */
    let call: Deferred.Deferred<void> | undefined;
    /** The newest headers, until they have been forwarded to the owner. */
    let unsent: RateLimitState | undefined;
    let latest: { readonly state: RateLimitState; readonly at: number } | undefined;

    const takeUnsent = (): { readonly rateLimit?: RateLimitState } => {
      const state = unsent;
      unsent = undefined;
      return state === undefined ? {} : { rateLimit: state };
    };
    const signal = (lease: Held): void => {
      const s = lease.signal;
      lease.signal = undefined;
      wakeUnsafe(s);
    };
    const close = (lease: Held): void => {
      lease.closed = true;
      signal(lease);
    };
    // A used slot's cooling time; its give-back fiber is woken when it can now hand back a part it had no timer for.
    /** Wakes requests waiting with no slot cooling anywhere (they then wait for this one's time too). */
    let cooling: Deferred.Deferred<void> | undefined;
    const markCooling = (lease: Held, at: number): void => {
      lease.coolUntil = Math.max(lease.coolUntil, at);
      lease.cool.push(at);
      if (lease.cool.length - lease.consumed === partSlots) signal(lease);
      if (cooling !== undefined) {
        const c = cooling;
        cooling = undefined;
        wakeUnsafe(c);
      }
    };
    const usable = (lease: Held, now: number): boolean => !lease.closed && lease.unused > 0 && now < lease.usableUntil;
    /** Whether a request may still be sent on a used slot of `lease` once one has cooled. */
    const reusable = (lease: Held, now: number): boolean =>
      !lease.closed && now < lease.usableUntil && lease.sendsLeft > lease.unused;
    /** When the oldest cooling slot of `lease` can carry a request again, if it can before the lease's end. */
    const reusableAt = (lease: Held, now: number): number | undefined => {
      const at = lease.cool[lease.consumed];
      return at !== undefined && at < lease.usableUntil && reusable(lease, now) ? Math.max(at, now) : undefined;
    };
    const spentAt = (now: number): number | undefined =>
      unavailable !== undefined && unavailable.reason === "spent" && now < unavailable.until
        ? unavailable.until
        : undefined;

    // Hands cooled slots of `lease` back in parts of `partSlots` while it is held, and gives it back once it is
    // closed (spent, expired or idle) and its used slots have cooled.
    const settle = (lease: Held): Effect.Effect<void> =>
      Effect.suspend(function loop(): Effect.Effect<void> {
        return Effect.flatMap(
          withNow((now): Effect.Effect<void> | number | undefined => {
            // The earliest time something is due (Infinity: only a signal can change anything).
            let at = Infinity;
            if (!lease.closed) {
              const deadline = Math.min(lease.usableUntil, Math.max(lastTake, lease.receivedAt) + idleMs);
              if (now < deadline) at = deadline;
              else close(lease);
            }
            if (lease.closed && lease.inFlight === 0) {
              if (now >= lease.coolUntil) {
                const i = leases.indexOf(lease);
                if (i >= 0) leases.splice(i, 1);
                return lessor.giveBack({ leaseId: lease.id, unused: lease.sendsLeft, ...takeUnsent() });
              }
              at = Math.min(at, lease.coolUntil);
            }
            if (giveBackPart !== undefined) {
              let n = 0;
              while ((lease.cool[lease.consumed + n] ?? Infinity) <= now) n++;
              if (n >= partSlots) {
                // Requests waiting here take cooled slots of a usable lease themselves (sooner than the owner could
                // grant them back); only slots nobody here is waiting for go back.
                if (!(reuse && queued > 0 && blockedUntil <= now && reusable(lease, now))) {
                  lease.consumed += n;
                  return Effect.andThen(giveBackPart({ leaseId: lease.id, slots: n }), Effect.suspend(loop));
                }
                at = Math.min(at, now + WAITERS_RECHECK_MS);
              } else {
                const next = lease.cool[lease.consumed + partSlots - 1];
                if (next !== undefined) at = Math.min(at, next);
              }
            }
            // The signal is armed in the same synchronous step as the decision, so no wake-up can slip between.
            lease.signal ??= Deferred.makeUnsafe<void>();
            return at === Infinity ? undefined : at - now;
          }),
          (next) => {
            if (Effect.isEffect(next)) return next;
            const woken = lease.signal === undefined ? Effect.void : Deferred.await(lease.signal);
            return Effect.andThen(
              next === undefined ? woken : Effect.raceFirst(Effect.sleep(Duration.millis(clampDelayMs(next))), woken),
              Effect.suspend(loop),
            );
          },
        );
      });

    const arrived = (lease: Lease, askedAt: number, now: number): Held => {
      const held: Held = {
        id: lease.id,
        unused: lease.slots,
        // An owner that grants no reuse (or an older one) sends no `uses`: each slot once.
        sendsLeft: Math.max(lease.slots, Math.floor(lease.uses ?? lease.slots)),
        inFlight: 0,
        // The owner's clock may differ from ours: the lease's time is counted from when we asked, which is
        // before the owner granted it, so we stop sending no later than the owner expects.
        usableUntil: askedAt + lease.ttlMs,
        receivedAt: now,
        coolUntil: 0,
        cool: [],
        consumed: 0,
        closed: lease.slots < 1,
        signal: undefined,
      };
      leases.push(held);
      return held;
    };

    // One call to the owner at a time; everybody who needs a lease waits for its outcome.
    const leaseCall = (done: Deferred.Deferred<void>, prefetch: boolean): Effect.Effect<void> =>
      Effect.flatMap(Clock.currentTimeMillis, (askedAt) =>
        // Ask for enough to last two round trips at the current pace, and for every request already waiting (the
        // owner caps it at its own leaseSize): a burst costs one call, not one per `leaseSize` requests.
        lessor.lease({ wanted: Math.max(leaseSize, queued, 2 * perRoundTrip), ...takeUnsent(), ...(prefetch ? { prefetch } : {}), ...(reuse ? { reuse } : {}) }).pipe(
          Effect.matchEffect({
            onSuccess: (lease) =>
              Effect.flatMap(
                withNow((now) => {
                  unavailable = undefined;
                  perRoundTrip = askedDuringCall;
                  return arrived(lease, askedAt, now);
                }),
                (held) => Effect.asVoid(Effect.forkIn(settle(held), scope)),
              ),
            onFailure: (error) =>
              withNow((now) => {
                // Asking ahead found nothing free: whoever runs dry asks again, and waits its turn then.
                // Slots come back on a cycle of about a second: asking ahead again sooner would only cost calls.
                if (prefetch && error.reason === "busy") {
                  noPrefetchUntil = now + windowMs;
                  return;
                }
                const floor = error.reason === "unreachable" ? unreachableMs : 0;
                unavailable = { reason: error.reason, until: now + Math.max(floor, error.retryAfterMs) };
              }),
          }),
          Effect.ensuring(
            Effect.sync(() => {
              call = undefined;
              wakeUnsafe(done);
            }),
          ),
        ),
      );
    const ensureCall = (prefetch: boolean): Effect.Effect<Deferred.Deferred<void>> =>
      Effect.suspend(() => {
        if (call !== undefined) return Effect.succeed(call);
        const done = Deferred.makeUnsafe<void>();
        call = done;
        askedDuringCall = 0;
        return Effect.as(Effect.forkIn(leaseCall(done, prefetch), scope), done);
      });

    type Step =
      | { readonly _tag: "taken"; readonly prefetch: boolean }
      | { readonly _tag: "wait"; readonly ms: number }
      /** No slot in hand: ask the owner, and take the first cooled slot of a held lease meanwhile (`inMs`). */
      | { readonly _tag: "ask"; readonly inMs: number | undefined }
      | { readonly _tag: "spent"; readonly until: number };

    // One synchronous decision: take a slot (booked on the ticket), or say what to wait for.
    const step = (now: number, ticket: Ticket): Step => {
      const spent = spentAt(now);
      if (spent !== undefined) return { _tag: "spent", until: spent };
      if (blockedUntil > now) return { _tag: "wait", ms: blockedUntil - now };
      let left = 0;
      let taken: Held | undefined;
      let cooledAt = Infinity;
      for (const lease of leases) {
        const fresh = usable(lease, now);
        const again = fresh || !reuse ? undefined : reusableAt(lease, now);
        if (!fresh && again !== now) {
          if (again !== undefined) cooledAt = Math.min(cooledAt, again);
          continue;
        }
        if (taken === undefined) {
          taken = lease;
          if (fresh) lease.unused--;
          else lease.consumed++;
          lease.sendsLeft--;
          if (ticket.hold) lease.inFlight++;
          else markCooling(lease, now + windowMs);
          if (lease.sendsLeft === 0) close(lease);
        }
        left += lease.unused;
      }
      if (taken === undefined) {
        if (unavailable !== undefined && now < unavailable.until)
          return { _tag: "wait", ms: Math.min(unavailable.until, cooledAt) - now };
        return { _tag: "ask", inMs: cooledAt === Infinity ? undefined : cooledAt - now };
      }
      ticket.lease = taken;
      lastTake = now;
      const asking =
        call !== undefined || now < noPrefetchUntil || (unavailable !== undefined && now < unavailable.until);
      // Ask ahead early enough that the next lease arrives before this one runs dry, at the pace of the last call.
      return { _tag: "taken", prefetch: left <= Math.max(prefetchAt, perRoundTrip) && !asking };
    };

    const spentError = (request: RequestContext, until: number) =>
      new RateLimited({
        ...request,
        scope: "tpd",
        code: "TOO_MANY_REQUESTS_TPD",
        serverMessage: "refused client-side: the key's shared daily request budget is spent",
        resetAt: Math.ceil(until / 1000),
      });

    const react = (
      s: Step,
      now: number,
      request: RequestContext,
      again: Effect.Effect<void, RateLimited>,
    ): Effect.Effect<void, RateLimited> => {
      switch (s._tag) {
        case "taken":
          return s.prefetch ? Effect.asVoid(ensureCall(true)) : Effect.void;
        case "wait":
          return Effect.andThen(Effect.sleep(Duration.millis(clampDelayMs(s.ms))), again);
        case "ask": {
          const inMs = s.inMs;
          // Whichever comes first: the owner's answer, or a slot of ours cooling (the earliest one known, or with
          // none cooling yet, the next answer's).
          const reused = !reuse
            ? undefined
            : inMs === undefined
              ? Deferred.await((cooling ??= Deferred.makeUnsafe<void>()))
              : Effect.sleep(Duration.millis(clampDelayMs(inMs)));
          return Effect.andThen(
            Effect.flatMap(ensureCall(false), (done) =>
              reused === undefined ? Deferred.await(done) : Effect.raceFirst(Deferred.await(done), reused),
            ),
            again,
          );
        }
        case "spent":
          return waitForDailyReset
            ? Effect.andThen(Effect.sleep(Duration.millis(Math.max(1, clampDelayMs(s.until - now)))), again)
            : Effect.fail(spentError(request, s.until));
      }
    };
    const waitTurn = (request: RequestContext, ticket: Ticket): Effect.Effect<void, RateLimited> =>
      Effect.suspend(() => {
        queued++;
        const loop: Effect.Effect<void, RateLimited> = Effect.flatMap(Clock.currentTimeMillis, (now) =>
          react(step(now, ticket), now, request, Effect.suspend(() => loop)),
        );
        return lock.withPermit(loop).pipe(Effect.ensuring(Effect.sync(() => queued--)));
      });
    const acquire = (request: RequestContext, ticket: Ticket): Effect.Effect<void, RateLimited> =>
      Effect.suspend(() => {
        askedDuringCall++;
        return queued > 0
          ? waitTurn(request, ticket)
          : // Fast path: nobody is waiting and a slot is in hand: no lock.
            Effect.flatMap(Clock.currentTimeMillis, (now) => {
              const s = step(now, ticket);
              return s._tag === "taken" || s._tag === "spent"
                ? react(s, now, request, Effect.void)
                : waitTurn(request, ticket);
            });
      });

    const release = (ticket: Ticket): Effect.Effect<void> => {
      const lease = ticket.lease;
      if (lease === undefined || !ticket.hold) return Effect.void;
      ticket.lease = undefined;
      return withNow((now) => {
        lease.inFlight--;
        markCooling(lease, now + windowMs);
        // Only the last answer of a closed lease concerns its give-back fiber (waking it per answer costs a timer),
        // besides the one completing a part (`markCooling`).
        if (lease.closed && lease.inFlight === 0) signal(lease);
      });
    };

    const take = (cost = 1, request: RequestContext = PACER_CONTEXT): Effect.Effect<void, RateLimited> =>
      Effect.suspend(function more(): Effect.Effect<void, RateLimited> {
        return cost-- <= 0 ? Effect.void : Effect.andThen(acquire(request, { hold: false, lease: undefined }), more);
      });

    const update = (rateLimit: RateLimitState | undefined): Effect.Effect<void> =>
      Effect.flatMap(
        withNow((now) => {
          // An answer without headers is news too: the key has no budget the service reports.
          const state = rateLimit ?? {};
          const first = latest === undefined;
          unsent = first ? undefined : state;
          latest = { state, at: now };
          const tps = state.tps;
          if (tps !== undefined && tps.remaining <= 0) {
            const block = clampDelayMs(Math.ceil(tps.resetSeconds * 1000), WAIT_LIMITS.maxTpsResetMs);
            blockedUntil = Math.max(blockedUntil, now + block);
          }
          const tpd = state.tpd;
          if (tpd !== undefined && tpd.remaining <= 0) {
            const reset = clampDelayMs(Math.ceil(tpd.resetSeconds * 1000), WAIT_LIMITS.maxDailyResetMs);
            unavailable = { reason: "spent", until: now + reset };
          }
          return first ? state : undefined;
        }),
        // This runner's first answer goes to the owner at once: an owner that does not know the key's budget yet
        // grants one slot at a time until a runner tells it, and this runner's lease call may be waiting there.
        (first) =>
          first === undefined
            ? Effect.void
            : Effect.asVoid(Effect.forkIn(lessor.report({ _tag: "RateLimitHeaders", rateLimit: first }), scope)),
      );

    const observe = (error: unknown): Effect.Effect<void> => {
      if (!isWattwatchersError(error) || error._tag !== "RateLimited") return Effect.void;
      return Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const c = classify(error, { now });
        if (c.kind !== "rateLimited") return Effect.void;
        if (c.scope === "tpd") unavailable = { reason: "spent", until: now + c.waitMs };
        else blockedUntil = Math.max(blockedUntil, now + Math.ceil(c.waitMs));
        return lessor.report({
          _tag: "TooManyRequests",
          scope: c.scope,
          retryAfterMs: c.waitMs,
          ...(error.rateLimit === undefined ? {} : { rateLimit: error.rateLimit }),
        });
      });
    };

    const pace = <A, E, R>(effect: Effect.Effect<A, E, R>, request: RequestContext = PACER_CONTEXT) =>
      Effect.suspend(() => {
        const ticket: Ticket = { hold: true, lease: undefined };
        return Effect.onExit(Effect.andThen(acquire(request, ticket), Effect.tapError(effect, observe)), () =>
          release(ticket),
        );
      });

    const snapshot = withNow((now): PacerSnapshot => {
      let slots = 0;
      let inFlight = 0;
      let cooling = 0;
      for (const lease of leases) {
        if (usable(lease, now)) slots += lease.unused;
        inFlight += lease.inFlight;
        // A cooled slot a request could take now is free here, not cooling.
        const again = reuse && reusable(lease, now);
        let free = 0;
        for (let i = lease.consumed; i < lease.cool.length && again && free < lease.sendsLeft - lease.unused; i++) {
          if ((lease.cool[i] ?? Infinity) > now) break;
          free++;
        }
        slots += free;
        cooling += lease.cool.length - lease.consumed - free;
      }
      const state = latest?.state;
      const at = latest?.at ?? now;
      const spent = spentAt(now);
      return {
        tpsLimit: state?.tps?.limit,
        tpsSlots: slots + inFlight + cooling,
        inFlight,
        recentGrants: cooling,
        blockedUntil,
        tpdLimit: state?.tpd?.limit,
        tpdRemaining: spent === undefined ? state?.tpd?.remaining : 0,
        tpdResetAt: spent ?? (state?.tpd === undefined ? undefined : at + state.tpd.resetSeconds * 1000),
      };
    });

    // On close, leases with nothing in flight and nothing cooling go back at once; the owner reclaims the rest.
    yield* Effect.addFinalizer(() =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.forEach(
          leases.splice(0).filter((lease) => lease.inFlight === 0 && lease.coolUntil <= now),
          (lease) => lessor.giveBack({ leaseId: lease.id, unused: lease.sendsLeft }),
          { discard: true },
        ),
      ),
    );

    return { take, update, observe, pace, snapshot } satisfies Pacer;
  });
