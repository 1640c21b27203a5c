import { Clock, Duration, Effect, Ref, Semaphore } from "effect";
import { GrantLog } from "./internal/GrantLog.js";
import { secondsUntilUtcMidnight } from "./RateLimit.js";
import type { RateLimitState } from "./RateLimit.js";
import { isWattwatchersError, RateLimited } from "./WattwatchersError.js";
import type { RequestContext } from "./WattwatchersError.js";

/**
 * Options of {@link makePacer}. Defaults:
 *
 * | option | default | meaning |
 * |---|---|---|
 * | `tps` | none | per-second budget until headers say otherwise (no TPS pacing while unknown) |
 * | `tpd` | none | daily budget until headers say otherwise (no daily accounting while unknown) |
 * | `safetyMargin` | 50 ms | added to the one-second window, to absorb network jitter between client and server clocks |
 * | `waitForDailyReset` | `false` | when the daily budget is spent, wait for 00:00 UTC instead of failing |
 *
 * @example
 * ```ts
 * import { makePacer } from "@wattstream/resilience"
 * const pacer = makePacer({ tps: 5, tpd: 10_000 })
 * ```
 * @category models
 */
export interface PacerOptions {
  /**
   * Transactions per second the key may use, before any response has reported `X-RateLimit-TpsLimit`.
   * @default undefined (no TPS pacing until the headers arrive)
   */
  readonly tps?: number | undefined;
  /**
   * Transactions per UTC day the key may use, before any response has reported `X-RateLimit-TpdLimit`.
   * @default undefined (no daily accounting until the headers arrive)
   */
  readonly tpd?: number | undefined;
  /**
   * Extra time added to the one-second TPS window, so requests granted a window apart do not land in the same
   * server second when latency varies.
   * @default "50 millis"
   */
  readonly safetyMargin?: Duration.Input | undefined;
  /**
   * When the daily budget is spent, sleep until 00:00 UTC instead of failing with `RateLimited` (scope `tpd`).
   * @default false
   */
  readonly waitForDailyReset?: boolean | undefined;
}

/**
 * What the pacer currently believes, for diagnostics and tests.
 *
 * @category models
 */
export interface PacerSnapshot {
  /** The per-second budget in force, if known. */
  readonly tpsLimit: number | undefined;
  /** Grants within the current one-second window. */
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
   * Waits until `cost` more requests fit the TPS budget and takes them from the daily budget; fails with
   * `RateLimited` (scope `tpd`) without sending when the daily budget is spent (unless `waitForDailyReset`).
   */
  readonly take: (cost?: number, request?: RequestContext) => Effect.Effect<void, RateLimited>;
  /** Adopts the budgets a response reported (`parseRateLimit`): limits rise or fall, exhaustion blocks. */
  readonly update: (state: RateLimitState | undefined) => Effect.Effect<void>;
  /** Learns from a failure: a TPS or edge 429 blocks until its `Retry-After`, a TPD 429 spends the day. */
  readonly observe: (error: unknown) => Effect.Effect<void>;
  /** Runs `effect` after {@link Pacer.take}, and lets the pacer observe its failure. */
  readonly pace: <A, E, R>(
    effect: Effect.Effect<A, E, R>,
    request?: RequestContext,
  ) => Effect.Effect<A, E | RateLimited, R>;
  /** The pacer's current view of the budgets. */
  readonly snapshot: Effect.Effect<PacerSnapshot>;
}

interface State {
  readonly tpsLimit: number | undefined;
  readonly blockedUntil: number;
  readonly tpdLimit: number | undefined;
  readonly tpdRemaining: number | undefined;
  readonly tpdResetAt: number | undefined;
}

const WINDOW_MS = 1000;
const MAX_TRACKED = 10_000;
const positive = (n: number | undefined): number | undefined =>
  n !== undefined && Number.isFinite(n) && n > 0 ? n : undefined;
const nextMidnight = (nowMs: number): number => nowMs + secondsUntilUtcMidnight(nowMs) * 1000 - (nowMs % 1000);

type Decision =
  | { readonly _tag: "granted" }
  | { readonly _tag: "wait"; readonly ms: number }
  | { readonly _tag: "spent"; readonly resetAt: number };
const GRANTED: Decision = { _tag: "granted" };

const PACER_CONTEXT: RequestContext = { operation: "pacer", method: "-", path: "-" };

/**
 * Creates a {@link Pacer}: a sliding one-second window for the TPS budget (never more than the limit within any
 * window, so neither a fixed nor a sliding server window overflows) and a counter for the TPD budget, seeded from
 * `options` and then driven by the live headers through `update`. Grants are first come, first served.
 * Create one per client; nothing is shared between pacers.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { makePacer } from "@wattstream/resilience"
 * const program = Effect.gen(function* () {
 *   const pacer = yield* makePacer({ tps: 5 })
 *   // Ten calls: five now, five a second (plus the margin) later.
 *   yield* Effect.forEach(Array.from({ length: 10 }), () => pacer.take(), { concurrency: "unbounded" })
 * })
 * ```
 * @category constructors
 */
export const makePacer = (options: PacerOptions = {}): Effect.Effect<Pacer> =>
  Effect.gen(function* () {
    const windowMs =
      WINDOW_MS +
      (options.safetyMargin === undefined ? 50 : Duration.toMillis(Duration.fromInputUnsafe(options.safetyMargin)));
    const waitForDailyReset = options.waitForDailyReset ?? false;
    const start = yield* Clock.currentTimeMillis;
    const tpd = positive(options.tpd);
    const state = yield* Ref.make<State>({
      tpsLimit: positive(options.tps),
      blockedUntil: 0,
      tpdLimit: tpd,
      tpdRemaining: tpd,
      tpdResetAt: tpd === undefined ? undefined : nextMidnight(start),
    });
    // Waiting takers go one at a time, in arrival order: the lock is held while waiting, so a later `update` is
    // seen by the waiting taker when it wakes and re-checks.
    const lock = yield* Semaphore.make(1);
    // Only changed inside `decide`'s atomic `Ref.modify` (and read by `snapshot`), so a plain mutable queue will do.
    const grants = new GrantLog();
    // Only the newest `limit` grants can ever decide a wait; keep a floor for a limit learned or raised later, and
    // a ceiling: a budget above MAX_TRACKED per second (no real key has one) is effectively not paced.
    const keepFor = (limit: number | undefined) => Math.min(Math.max(limit ?? 0, 64), MAX_TRACKED);

    // At 00:00 UTC the daily budget refills; an unknown limit means no daily accounting until headers tell it.
    const rollDay = (s: State, now: number): State =>
      s.tpdResetAt !== undefined && now >= s.tpdResetAt
        ? { ...s, tpdRemaining: s.tpdLimit, tpdResetAt: s.tpdLimit === undefined ? undefined : nextMidnight(now) }
        : s;

    // One decision at `now`: grant (and book it), or say how long to wait, or that the day's budget is spent.
    // Synchronous inside `Ref.modify`, so a decision and its booking cannot interleave with another fiber.
    const decide = (now: number, cost: number) =>
      Ref.modify(state, (s0): [Decision, State] => {
        const s = rollDay(s0, now);
        grants.prune(now - windowMs, keepFor(s.tpsLimit));
        if (s.tpdRemaining !== undefined && s.tpdRemaining < cost) {
          return [{ _tag: "spent", resetAt: s.tpdResetAt ?? nextMidnight(now) }, s];
        }
        let readyAt = Math.max(now, s.blockedUntil);
        if (s.tpsLimit !== undefined) {
          const excess = grants.size + Math.min(cost, s.tpsLimit) - s.tpsLimit;
          // The oldest `excess` grants must leave the window first.
          if (excess > 0) readyAt = Math.max(readyAt, (grants.at(excess - 1) ?? now) + windowMs);
        }
        if (readyAt > now) return [{ _tag: "wait", ms: readyAt - now }, s];
        grants.push(now, cost);
        return [GRANTED, s.tpdRemaining === undefined ? s : { ...s, tpdRemaining: s.tpdRemaining - cost }];
      });

    const spent = (request: RequestContext, resetAt: number) =>
      new RateLimited({
        ...request,
        scope: "tpd",
        code: "TOO_MANY_REQUESTS_TPD",
        serverMessage: "refused client-side: the daily request budget is spent",
        resetAt: Math.ceil(resetAt / 1000),
      });

    // Takers that had to wait queue on the lock in arrival order; while any are queued, newcomers queue too.
    let queued = 0;
    const waitTurn = (cost: number, request: RequestContext): Effect.Effect<void, RateLimited> =>
      Effect.suspend(() => {
        queued++;
        const loop: Effect.Effect<void, RateLimited> = Effect.flatMap(Clock.currentTimeMillis, (now) =>
          Effect.flatMap(decide(now, cost), (d) => {
            if (d._tag === "granted") return Effect.void;
            if (d._tag === "wait") return Effect.andThen(Effect.sleep(Duration.millis(d.ms)), loop);
            if (!waitForDailyReset) return Effect.fail(spent(request, d.resetAt));
            return Effect.andThen(Effect.sleep(Duration.millis(Math.max(1, d.resetAt - now))), loop);
          }),
        );
        return lock.withPermit(loop).pipe(Effect.ensuring(Effect.sync(() => queued--)));
      });

    const take = (cost = 1, request: RequestContext = PACER_CONTEXT): Effect.Effect<void, RateLimited> =>
      cost <= 0
        ? Effect.void
        : Effect.suspend(() =>
            queued > 0
              ? waitTurn(cost, request)
              : // Fast path: nobody is waiting, so a request that fits right now needs no lock.
                Effect.flatMap(Clock.currentTimeMillis, (now) =>
                  Effect.flatMap(decide(now, cost), (d) =>
                    d._tag === "granted"
                      ? Effect.void
                      : d._tag === "spent" && !waitForDailyReset
                        ? Effect.fail(spent(request, d.resetAt))
                        : waitTurn(cost, request),
                  ),
                ),
          );

    const update = (rateLimit: RateLimitState | undefined): Effect.Effect<void> =>
      rateLimit === undefined
        ? Effect.void
        : Effect.flatMap(Clock.currentTimeMillis, (now) =>
            Ref.update(state, (s0) => {
              let s = rollDay(s0, now);
              const { tps, tpd } = rateLimit;
              if (tps !== undefined) {
                s = { ...s, tpsLimit: positive(tps.limit) ?? s.tpsLimit };
                if (tps.remaining <= 0) {
                  s = { ...s, blockedUntil: Math.max(s.blockedUntil, now + Math.ceil(tps.resetSeconds * 1000)) };
                }
              }
              if (tpd !== undefined) {
                // The server's count is the truth (other processes may share the key); it reflects every request
                // answered so far, so adopting it can only err by the requests still in flight.
                s = {
                  ...s,
                  tpdLimit: positive(tpd.limit) ?? s.tpdLimit,
                  tpdRemaining: Math.max(0, tpd.remaining),
                  tpdResetAt: now + Math.ceil(tpd.resetSeconds * 1000),
                };
              }
              return s;
            }),
          );

    const observe = (error: unknown): Effect.Effect<void> => {
      if (!isWattwatchersError(error) || error._tag !== "RateLimited") return Effect.void;
      return Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.andThen(
          update(error.rateLimit),
          Ref.update(state, (s) => {
            if (error.scope === "tpd") {
              const resetAt = error.resetAt === undefined ? nextMidnight(now) : error.resetAt * 1000;
              return { ...s, tpdRemaining: 0, tpdResetAt: resetAt };
            }
            const seconds = error.retryAfter ?? error.rateLimit?.tps?.resetSeconds ?? 1;
            return { ...s, blockedUntil: Math.max(s.blockedUntil, now + Math.ceil(seconds * 1000)) };
          }),
        ),
      );
    };

    const pace = <A, E, R>(effect: Effect.Effect<A, E, R>, request?: RequestContext) =>
      Effect.andThen(take(1, request), Effect.tapError(effect, observe));

    const snapshot = Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Effect.map(Ref.get(state), (s0): PacerSnapshot => {
        const s = rollDay(s0, now);
        let recentGrants = 0;
        for (let i = 0; i < grants.size; i++) if ((grants.at(i) ?? 0) > now - windowMs) recentGrants++;
        return {
          tpsLimit: s.tpsLimit,
          recentGrants,
          blockedUntil: s.blockedUntil,
          tpdLimit: s.tpdLimit,
          tpdRemaining: s.tpdRemaining,
          tpdResetAt: s.tpdResetAt,
        };
      }),
    );

    return { take, update, observe, pace, snapshot } satisfies Pacer;
  });
