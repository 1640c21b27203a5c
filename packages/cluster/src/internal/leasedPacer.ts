// The runner's side of the shared budget: a `Pacer` (what the transport client takes as `pacing`) that sends
// only while it holds a lease from the key's budget owner. TPS: a local pacer of `lease.tps` slots (the key's
// headers never raise it: they report the whole key's budget, not this runner's share). TPD: a local allowance,
// topped up in batches, so the owner is asked about once per `renewEveryMs`, not once per request.
import { Clock, Deferred, Duration, Effect } from "effect";
import type { Scope } from "effect";
import { makePacer, RateLimited } from "@wattstream/resilience";
import type { Pacer, RateLimitState, RequestContext } from "@wattstream/resilience";
import type { LeaseGrant, LeaseRequest } from "./ledger.js";

export interface LeasedPacerOptions<E> {
  readonly runner: string;
  /** Asks the owner for a lease (an RPC in the cluster; a function call in tests). */
  readonly lease: (request: LeaseRequest) => Effect.Effect<LeaseGrant, E>;
  /** Daily requests asked for at a time. @default 600 */
  readonly dailyBatch?: number | undefined;
  /** How often the lease is renewed, ms (well inside the owner's term). @default 1000 */
  readonly renewEveryMs?: number | undefined;
}

/** What a runner holds right now (for `cluster status` and tests). */
export interface LeaseView {
  readonly tps: number;
  readonly allowance: number;
  readonly expiresAt: number;
  readonly renewals: number;
  readonly failedRenewals: number;
  readonly tpdLeft: number | undefined;
}

const CONTEXT: RequestContext = { operation: "lease", method: "-", path: "-" };

export const makeLeasedPacer = <E>(
  options: LeasedPacerOptions<E>,
): Effect.Effect<{ readonly pacer: Pacer; readonly view: () => LeaseView }, never, Scope.Scope> =>
  Effect.gen(function* () {
    const dailyBatch = options.dailyBatch ?? 600;
    const renewEveryMs = options.renewEveryMs ?? 1000;
    const inner = yield* makePacer({ tps: 1 });
    let tps = 0;
    let expiresAt = 0;
    let allowance = 0;
    let tpdLeft: number | undefined;
    let renewals = 0;
    let failedRenewals = 0;
    let failing = 0;
    let observed: { tpsLimit?: number | undefined; tpdLimit?: number | undefined } | undefined;
    let changed = Deferred.makeUnsafe<void>();
    let wantNow = Deferred.makeUnsafe<void>();
    const notify = (): void => {
      Deferred.doneUnsafe(changed, Effect.void);
      changed = Deferred.makeUnsafe<void>();
    };

    const renew = Effect.gen(function* () {
      const sentAt = yield* Clock.currentTimeMillis;
      const want = allowance < dailyBatch / 2 ? dailyBatch - allowance : 0;
      const granted = yield* Effect.result(options.lease({ runner: options.runner, wantDaily: want, observed }));
      if (granted._tag === "Failure") {
        // One line per streak of failures (an owner moving to another runner fails a few renewals in a row).
        if (failing === 0) yield* Effect.logWarning("renewing the budget lease failed; retrying every renewal", granted.failure);
        failedRenewals++;
        failing++;
        return;
      }
      const g = granted.success;
      renewals++;
      failing = 0;
      // The lease runs from when it was asked for, not from the answer: never past the owner's own expiry.
      expiresAt = sentAt + g.termMs;
      allowance += g.daily;
      tpdLeft = g.tpdLeft;
      if (g.tps !== tps && g.tps > 0) yield* inner.update({ tps: { limit: g.tps, remaining: g.tps, resetSeconds: 1 } });
      tps = g.tps;
      notify();
    });
    // Renew on a schedule, or at once when a request waits for capacity or allowance.
    yield* renew.pipe(
      Effect.andThen(
        Effect.raceFirst(Effect.sleep(Duration.millis(renewEveryMs)), Effect.suspend(() => Deferred.await(wantNow))),
      ),
      Effect.andThen(
        Effect.sync(() => {
          wantNow = Deferred.makeUnsafe<void>();
        }),
      ),
      Effect.forever,
      Effect.forkScoped,
    );

    const acquire = (cost: number, request: RequestContext): Effect.Effect<void, RateLimited> =>
      Effect.gen(function* () {
        for (;;) {
          const now = yield* Clock.currentTimeMillis;
          if (tps > 0 && now < expiresAt && allowance >= cost) {
            allowance -= cost;
            return;
          }
          if (allowance < cost && tpdLeft === 0)
            return yield* Effect.fail(
              new RateLimited({
                ...request,
                scope: "tpd",
                code: "TOO_MANY_REQUESTS_TPD",
                serverMessage: "refused client-side: the cluster's share of the daily request budget is spent",
              }),
            );
          const wait = changed;
          Deferred.doneUnsafe(wantNow, Effect.void);
          yield* Deferred.await(wait);
        }
      });

    const adopt = (state: RateLimitState | undefined): RateLimitState | undefined => {
      if (state?.tps !== undefined || state?.tpd !== undefined)
        observed = { tpsLimit: state.tps?.limit ?? observed?.tpsLimit, tpdLimit: state.tpd?.limit ?? observed?.tpdLimit };
      // This runner's share, never the key's whole budget, is what the local pacer may use.
      return state?.tps === undefined ? state : { ...state, tps: { ...state.tps, limit: Math.max(1, tps) } };
    };

    const pacer: Pacer = {
      take: (cost = 1, request = CONTEXT) => Effect.andThen(acquire(cost, request), inner.take(cost, request)),
      update: (state) => inner.update(adopt(state)),
      // A 429's headers report the key's whole budget: put this runner's share back after the pacer learned from it.
      observe: (error) =>
        Effect.andThen(
          inner.observe(error),
          Effect.suspend(() => (tps > 0 ? inner.update({ tps: { limit: tps, remaining: 1, resetSeconds: 1 } }) : Effect.void)),
        ),
      pace: (effect, request = CONTEXT) => Effect.andThen(acquire(1, request), inner.pace(effect, request)),
      snapshot: inner.snapshot,
    };
    const view = (): LeaseView => ({ tps, allowance, expiresAt, renewals, failedRenewals, tpdLeft });
    return { pacer, view };
  });
