import { Clock, Deferred, Duration, Effect, Random, Semaphore } from "effect";
import { BudgetUnavailable } from "./BudgetLessor.js";
import type { BudgetLessor, BudgetReport, Lease, LeasePart, LeaseRequest, LeaseReturn } from "./BudgetLessor.js";
import { millisOf, slotHoldMs } from "./internal/slotHold.js";
import { withNow } from "./internal/withNow.js";
import { secondsUntilUtcMidnight } from "./RateLimit.js";
import type { RateLimitState } from "./RateLimit.js";
import { clampDelayMs, WAIT_LIMITS } from "./waitLimits.js";

/**
 * Options of {@link makeBudgetLedger}. Defaults:
 *
 * | option | default | meaning |
 * |---|---|---|
 * | `tps` | none | the key's per-second budget until a runner reports `X-RateLimit-TpsLimit` (one slot at a time until then) |
 * | `tpd` | none | the key's daily budget until a runner reports `X-RateLimit-TpdLimit` |
 * | `leaseSize` | 10 | most slots in one lease |
 * | `leaseTtl` | 30 s | how long a runner may start requests under a lease |
 * | `maxLatency` | 10 s | how soon after its sending the service counts a request (runners' request timeout) |
 * | `safetyMargin` | 50 ms | added to the second a slot stays held after its request was counted |
 * | `takeover` | `true` | start as if a previous owner's leases were still out: no grants for one lease lifetime |
 * | `previous` | none | a previous owner's stored last grant (and day's remainder): shortens the takeover pause |
 *
 * @example
 * ```ts
 * import type { BudgetLedgerOptions } from "@wattstream/resilience"
 * const options: BudgetLedgerOptions = { tps: 200, tpd: 2_000_000, leaseSize: 10, leaseTtl: "30 seconds" }
 * ```
 * @category models
 */
export interface BudgetLedgerOptions {
  /**
   * Transactions per second the key allows, before any runner has reported `X-RateLimit-TpsLimit`.
   * @default undefined (one slot at a time until a report states the budget, or shows there is none)
   */
  readonly tps?: number | undefined;
  /**
   * Transactions per UTC day the key allows, before any runner has reported `X-RateLimit-TpdLimit`.
   * @default undefined (no daily accounting until a report states it)
   */
  readonly tpd?: number | undefined;
  /**
   * Most slots granted in one lease: larger leases mean fewer calls to the owner, but more slots sitting idle in
   * one runner while another waits.
   * @default 10
   */
  readonly leaseSize?: number | undefined;
  /**
   * How long after asking a runner may start requests under a lease (`Lease.ttlMs`).
   * @default "30 seconds"
   */
  readonly leaseTtl?: Duration.Input | undefined;
  /**
   * The longest time between a request's sending and the service counting it, which the guarantee assumes for a
   * runner that vanished (a live runner gives its lease back only after its answers). Runners' request timeouts
   * must not exceed it; `@wattstream/transport`'s default timeout is 10 s.
   * @default "10 seconds"
   */
  readonly maxLatency?: Duration.Input | undefined;
  /**
   * Extra time a slot stays held beyond the one second after its request was counted (as in `makePacer`).
   * @default "50 millis"
   */
  readonly safetyMargin?: Duration.Input | undefined;
  /**
   * Start as if a previous owner had just died with every slot leased: grant nothing for one lease lifetime
   * (`leaseTtl + maxLatency + 1 s + safetyMargin`), then hand out single-slot leases until a runner reports the
   * day's remaining budget. `false` only where no other owner can have run (tests, a single process).
   * @default true
   */
  readonly takeover?: boolean | undefined;
  /**
   * What a previous owner of the key stored durably (say in a database, on every grant), to shorten `takeover`:
   * its pause ends one lease lifetime after `lastGrantAt` (Unix ms of that owner's last grant; never later than one
   * lifetime after the start), and, when `tpdRemaining` was stored in the same UTC day, the day's budget is known
   * at once (no single-slot probing for it). Ignored without `takeover`.
   * @default undefined (a full pause, and probing until a runner reports the day's remaining budget)
   */
  readonly previous?:
    | {
        /** Unix ms of the previous owner's last grant. */
        readonly lastGrantAt: number;
        /** What was left of the day after that grant (every slot out counted as spent), if known. */
        readonly tpdRemaining?: number | undefined;
        /**
         * Every lease the previous owner had answered and not yet taken back, as stored with `lastGrantAt`
         * (`BudgetSnapshot.openLeases`, saved before each lease was answered). With them there is no pause: the
         * new owner holds these slots until their leases are given back to it (by id) or reclaimed at their
         * `reclaimAt`, and grants the rest at once.
         * @default undefined (the pause)
         */
        readonly outstanding?: ReadonlyArray<OpenLease> | undefined;
      }
    | undefined;
}

/**
 * A lease not yet given back nor reclaimed, as an owner can store it for the next owner.
 *
 * @category models
 */
export interface OpenLease {
  /** The lease's id (what the runner gives back). */
  readonly id: string;
  readonly runnerId: string;
  readonly slots: number;
  /** Requests it was granted in all (reused slots; the day's count of its unsent ones comes back with it). @default slots */
  readonly uses?: number | undefined;
  /** Unix ms when its slots come back if it is not given back. */
  readonly reclaimAt: number;
}

/**
 * The ledger's books, for diagnostics (`wattstream cluster status`) and tests.
 *
 * @category models
 */
export interface BudgetSnapshot {
  /** The per-second budget in force, if known. */
  readonly tpsLimit: number | undefined;
  /** Slots in all: the budget, 1 while probing, `Infinity` when the key has none. */
  readonly slots: number;
  /** Slots of leases not yet given back nor reclaimed. */
  readonly held: number;
  /** Leases not yet given back nor reclaimed. */
  readonly leases: number;
  /** Held slots per runner. */
  readonly runners: ReadonlyArray<{ readonly runnerId: string; readonly leases: number; readonly slots: number }>;
  /** Every open lease, oldest grant first: what a next owner needs to start without a pause (`previous.outstanding`). */
  readonly openLeases: ReadonlyArray<OpenLease>;
  /** Unix ms before which nothing is granted (after a 429 or `TpsRemaining: 0`). */
  readonly blockedUntil: number;
  /** Unix ms before which nothing is granted because a previous owner's leases may still be out. */
  readonly takeoverUntil: number;
  /** One slot at a time: the TPS budget, or after a takeover the day's remaining budget, is not known yet. */
  readonly probing: boolean;
  readonly tpdLimit: number | undefined;
  /** What is left of the day once every outstanding lease is spent, if known. */
  readonly tpdRemaining: number | undefined;
  readonly tpdResetAt: number | undefined;
  /** Leases granted, given back, and reclaimed after expiry since the ledger started. */
  readonly granted: number;
  readonly returned: number;
  readonly reclaimed: number;
}

/**
 * The owner's side of a key's shared budget: grants leases of request slots so that all runners together
 * stay within the key's TPS and TPD. Pure bookkeeping on Effect's `Clock`: a cluster wraps it in a singleton.
 *
 * @category services
 */
export interface BudgetLedger {
  /** Decides at once: a lease of 1…`wanted` slots, or `BudgetUnavailable` (`busy` with a hint, or `spent`). */
  readonly grant: (runnerId: string, request: LeaseRequest) => Effect.Effect<Lease, BudgetUnavailable>;
  /**
   * Like `grant`, but waits (first come, first served) while the budget is busy; fails only when the day is spent.
   * A `prefetch` request does not wait: it is answered like `grant`.
   */
  readonly acquire: (runnerId: string, request: LeaseRequest) => Effect.Effect<Lease, BudgetUnavailable>;
  /** Ends a lease: its slots are free again and its unused ones go back to the day. Unknown ids are ignored. */
  readonly giveBack: (done: LeaseReturn) => Effect.Effect<void>;
  /**
   * Frees part of a lease that stays out: `slots` of its used slots (never more than it still holds), free again
   * at once; the day's budget keeps them (they were spent). Unknown or ended leases are ignored.
   */
  readonly giveBackPart: (part: LeasePart) => Effect.Effect<void>;
  /** Adopts what a runner reported: a 429 blocks every grant until it has passed, headers update the budgets. */
  readonly adopt: (report: BudgetReport) => Effect.Effect<void>;
  /** The current books. */
  readonly snapshot: Effect.Effect<BudgetSnapshot>;
}

interface Entry {
  readonly id: string;
  readonly runnerId: string;
  /** Slots it still holds (fewer once parts of it came back). */
  slots: number;
  /**
   * Requests it may still send, taken from the day at its grant (the unsent ones come back with it): fewer once
   * parts came back, each of whose slots carried a request at least once.
   */
  uses: number;
  /** When the owner takes the slots back if the lease was not given back. */
  readonly reclaimAt: number;
  open: boolean;
}

/** A per-second budget above this is treated as none, as in `makePacer`. */
const MAX_TPS = 10_000;
/** How often a waiting `grant` caller is told to ask again when only a give-back can free a slot. */
const BUSY_POLL_MS = 100;
/** A daily report whose reset lies within this of the last rollover is from the previous day: ignored. */
const STALE_DAY_MS = 12 * 3_600_000;
const DAY_MS = 86_400_000;
const positive = (n: number | undefined): number | undefined =>
  n !== undefined && Number.isFinite(n) && n > 0 ? n : undefined;
const nextMidnight = (nowMs: number): number => nowMs + secondsUntilUtcMidnight(nowMs) * 1000 - (nowMs % 1000);

const spentError = (ms: number) =>
  new BudgetUnavailable({ reason: "spent", retryAfterMs: ms, detail: "the day's budget is spent" });

type Decision =
  | { readonly _tag: "granted"; readonly lease: Lease }
  | { readonly _tag: "busy"; readonly ms: number | undefined; readonly why: string }
  | { readonly _tag: "spent"; readonly ms: number };

/**
 * Creates a {@link BudgetLedger}: the owner of one key's request budget, shared by any number of runners.
 *
 * **Guarantee.** Every slot carries one request at a time. The ledger never has more slots out than the key's per-second budget:
 * a slot counts from its grant until its lease is given back — which a runner does only once every request it
 * sent under the lease was answered at least one second (plus `safetyMargin`) ago — or until it comes back in a part
 * (`giveBackPart`: used slots whose own answer is at least that old) — or, when a runner vanished,
 * until `leaseTtl + maxLatency + 1 s + safetyMargin` after the grant (the runner stops sending `leaseTtl` after it
 * asked, and the service counts a request within `maxLatency` of its sending). Every request the service counts
 * in one of its seconds therefore held its slot at one common instant, whatever the latencies: no server second,
 * fixed or sliding, sees more than the budget. A runner that asked to `reuse` slots sends on a slot again only once
 * its previous answer is that old, which is a part handed back and granted again, without the round trip. Each
 * grant takes its requests from the day's budget — its slots, or with `reuse` as many as they can carry in the ttl
 * (`slots × (1 + ⌊leaseTtl ÷ (1 s + safetyMargin)⌋)`, at most what is left of the day) — the unsent ones come back
 * with the lease (a reclaimed lease counts as fully used), and the day's count follows the lowest the runners
 * report, so the day is never overdrawn either.
 *
 * **When the owner dies**, its books die with it; a new owner cannot know which leases are still out. With
 * `takeover` (the default) it grants nothing for one lease lifetime — by then every old lease has expired and
 * every request sent under one has been counted — and then probes with single-slot leases until a runner reports
 * the day's remaining budget from the service's headers. Persisting the books instead would cost a database write
 * per lease and still need fencing against a zombie owner; a pause of about 40 s (the defaults) per owner failover
 * is cheaper and cannot be wrong. An owner that stores its last grant time anyway passes it as `previous`, which
 * ends the pause one lifetime after that grant; one that stores its open leases too (`snapshot.openLeases`, before
 * answering each lease) passes them as `previous.outstanding` and there is no pause: they are held until given
 * back or reclaimed, the rest is granted at once.
 *
 * **At the end of the day**, a runner is told `spent` only when no lease is out; before, `busy`, so the unused
 * slots other runners return are granted again and the whole day can be spent.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { makeBudgetLedger } from "@wattstream/resilience"
 * const program = Effect.gen(function* () {
 *   const ledger = yield* makeBudgetLedger({ tps: 5, tpd: 10_000, leaseSize: 2, takeover: false })
 *   const a = yield* ledger.grant("runner-a", { wanted: 10 }) // 2 slots: leaseSize caps it
 *   const b = yield* ledger.grant("runner-b", { wanted: 10 }) // 2 slots
 *   const c = yield* ledger.grant("runner-c", { wanted: 10 }) // 1 slot: only 5 in all
 *   yield* ledger.giveBack({ leaseId: a.id, unused: 2 }) // back to the pool and to the day
 * })
 * ```
 * @category constructors
 */
export const makeBudgetLedger = (options: BudgetLedgerOptions = {}): Effect.Effect<BudgetLedger> =>
  Effect.gen(function* () {
    const start = yield* Clock.currentTimeMillis;
    const epoch = (yield* Random.nextInt).toString(36);
    const windowMs = slotHoldMs(options.safetyMargin);
    const ttlMs = millisOf(options.leaseTtl, 30_000);
    const maxLatencyMs = millisOf(options.maxLatency, 10_000);
    const leaseSize = Math.max(1, Math.floor(positive(options.leaseSize) ?? 10));
    const lifetimeMs = ttlMs + maxLatencyMs + windowMs;
    const takeover = options.takeover ?? true;
    const tps = positive(options.tps);
    const tpd = positive(options.tpd);

    let tpsLimit = tps;
    let tpsKnown = tps !== undefined;
    const previous = takeover ? options.previous : undefined;
    // What the previous owner stored of today's budget (a day's count from another day says nothing).
    const storedDay =
      previous?.tpdRemaining !== undefined &&
      Number.isFinite(previous.tpdRemaining) &&
      Math.floor(previous.lastGrantAt / DAY_MS) === Math.floor(start / DAY_MS)
        ? Math.max(0, Math.floor(previous.tpdRemaining))
        : undefined;
    // After a takeover the day's remaining budget is unknown until a runner reports the service's count.
    let dayKnown = !takeover || storedDay !== undefined;
    let blockedUntil = 0;
    // The previous owner's leases are all reclaimable one lifetime after its last grant; when it stored them
    // (`outstanding`), they are adopted below instead and there is no pause.
    const adopted = previous?.outstanding;
    const takeoverUntil = !takeover || adopted !== undefined
      ? 0
      : Math.min(start + lifetimeMs, previous === undefined ? Infinity : previous.lastGrantAt + lifetimeMs);
    let tpdLimit = tpd;
    let tpdRemaining = takeover ? storedDay : tpd;
    let tpdResetAt = tpd === undefined && storedDay === undefined ? undefined : nextMidnight(start);
    /** When the day last rolled over here, if it has. */
    let lastRollover: number | undefined;
    let held = 0;
    let counter = 0;
    let granted = 0;
    let returned = 0;
    let reclaimed = 0;
    // Open leases by id, and the same in grant order: reclaim times only grow, so the queue stays sorted.
    const open = new Map<string, Entry>();
    let queue: Array<Entry> = [];
    let head = 0;
    // The previous owner's open leases, held as if granted here until their own reclaim times (a later one at the
    // head of the queue only delays reclaiming the grants behind it: never early).
    for (const l of [...(adopted ?? [])].sort((a, b) => a.reclaimAt - b.reclaimAt)) {
      const n = Math.max(0, Math.floor(l.slots));
      if (n < 1 || l.reclaimAt <= start || open.has(l.id)) continue;
      const uses = Math.max(n, Math.floor(l.uses ?? n));
      const entry: Entry = { id: l.id, runnerId: l.runnerId, slots: n, uses, reclaimAt: l.reclaimAt, open: true };
      open.set(entry.id, entry);
      queue.push(entry);
      held += n;
    }

    const probing = (): boolean => !tpsKnown || !dayKnown;
    const slots = (): number => {
      if (probing()) return 1;
      return tpsLimit === undefined || tpsLimit > MAX_TPS ? Infinity : Math.max(1, Math.floor(tpsLimit));
    };

    const close = (entry: Entry): void => {
      entry.open = false;
      open.delete(entry.id);
      held -= entry.slots;
    };

    // Reclaims expired leases and rolls the day over; called before every decision, so the books are current.
    const settle = (now: number): void => {
      while (head < queue.length) {
        const entry = queue[head];
        if (entry === undefined || entry.reclaimAt > now) break;
        if (entry.open) {
          close(entry);
          reclaimed++;
        }
        head++;
      }
      if (head > 64 && head * 2 > queue.length) {
        queue = queue.slice(head);
        head = 0;
      }
      if (tpdResetAt !== undefined && now >= tpdResetAt) {
        // Slots still out may be spent in the new day: they are taken from it (unused ones come back with them).
        tpdRemaining = tpdLimit === undefined ? undefined : Math.max(0, tpdLimit - held);
        tpdResetAt = tpdLimit === undefined ? undefined : nextMidnight(now);
        lastRollover = now;
      }
    };

    const adoptState = (state: RateLimitState, now: number): void => {
      settle(now);
      // Any answer ends the TPS probe: it either reported the key's budget or showed there is none.
      tpsKnown = true;
      const tpsBudget = state.tps;
      if (tpsBudget !== undefined) {
        tpsLimit = positive(tpsBudget.limit) ?? tpsLimit;
        if (tpsBudget.remaining <= 0) {
          const block = clampDelayMs(Math.ceil(tpsBudget.resetSeconds * 1000), WAIT_LIMITS.maxTpsResetMs);
          blockedUntil = Math.max(blockedUntil, now + block);
        }
      }
      const day = state.tpd;
      if (day !== undefined) {
        const resetAt = now + clampDelayMs(Math.ceil(day.resetSeconds * 1000), WAIT_LIMITS.maxDailyResetMs);
        // A report from before the last daily reset (runners forward headers late) says nothing about today: its
        // reset lies at that rollover (plus the forwarding delay), where a current one's lies about a day later.
        if (lastRollover !== undefined && resetAt - lastRollover < STALE_DAY_MS) return;
        const limit = positive(day.limit) ?? tpdLimit;
        // The limit grows with the devices on the key: the growth is new budget for today too.
        if (limit !== undefined && tpdLimit !== undefined && limit > tpdLimit && tpdRemaining !== undefined) {
          tpdRemaining += limit - tpdLimit;
        }
        tpdLimit = limit;
        // The service's count lags the slots still out (some may not be sent yet): subtract them all, and only
        // ever lower the books with a report, so a late report cannot undo grants made after it.
        const fromService = Math.max(0, day.remaining - held);
        tpdRemaining = tpdRemaining === undefined || !dayKnown ? fromService : Math.min(tpdRemaining, fromService);
        tpdResetAt = resetAt;
      }
      if (!dayKnown) {
        dayKnown = true;
        tpdRemaining ??= tpdLimit === undefined ? undefined : Math.max(0, tpdLimit - held);
        if (tpdRemaining !== undefined) tpdResetAt ??= nextMidnight(now);
      }
    };

    const adoptReport = (report: BudgetReport, now: number): void => {
      if (report.rateLimit !== undefined) adoptState(report.rateLimit, now);
      if (report._tag === "RateLimitHeaders") return;
      if (report.scope === "tpd") {
        tpdRemaining = 0;
        tpdResetAt = now + clampDelayMs(report.retryAfterMs, WAIT_LIMITS.maxDailyResetMs);
      } else {
        blockedUntil = Math.max(blockedUntil, now + clampDelayMs(report.retryAfterMs, WAIT_LIMITS.maxRetryAfterMs));
      }
    };

    // A reused slot carries a request at most once per `windowMs` (it waits a second and the margin after each
    // answer), so within its lease's ttl it can carry this many.
    const usesPerSlot = 1 + Math.floor(ttlMs / windowMs);

    const decide = (now: number, runnerId: string, wanted: number, reuse: boolean): Decision => {
      settle(now);
      if (tpdRemaining !== undefined && tpdRemaining < 1) {
        // Leases still out may bring unused slots back to the day: "busy" until they are in (a runner told
        // "spent" stops until the reset, leaving those slots unused while others hold none).
        if (held > 0) {
          const next = queue[head];
          return { _tag: "busy", ms: next === undefined ? undefined : next.reclaimAt - now, why: "the day's last slots are out in leases" };
        }
        return { _tag: "spent", ms: Math.max(0, (tpdResetAt ?? nextMidnight(now)) - now) };
      }
      if (takeoverUntil > now) {
        return { _tag: "busy", ms: takeoverUntil - now, why: "a previous owner's leases may still be out" };
      }
      if (blockedUntil > now) return { _tag: "busy", ms: blockedUntil - now, why: "the key is blocked after a 429" };
      const free = slots() - held;
      const want = Number.isFinite(wanted) ? Math.max(1, wanted) : 1;
      const n = Math.floor(Math.min(want, leaseSize, free, tpdRemaining ?? Infinity));
      if (n < 1) {
        const next = queue[head];
        return { _tag: "busy", ms: next === undefined ? undefined : next.reclaimAt - now, why: "every slot is leased" };
      }
      // Reused slots: as many requests as they can carry in the ttl, within what is left of the day (never fewer
      // than the slots, which the day has room for).
      const uses = reuse ? Math.floor(Math.min(n * usesPerSlot, tpdRemaining ?? Infinity)) : n;
      const entry: Entry = { id: `${epoch}-${++counter}`, runnerId, slots: n, uses, reclaimAt: now + lifetimeMs, open: true };
      open.set(entry.id, entry);
      queue.push(entry);
      held += n;
      granted++;
      if (tpdRemaining !== undefined) tpdRemaining -= uses;
      return { _tag: "granted", lease: reuse ? { id: entry.id, slots: n, uses, ttlMs, maxLatencyMs } : { id: entry.id, slots: n, ttlMs, maxLatencyMs } };
    };

    // Callers of `acquire` queue in arrival order; the head waits for a reclaim time or for `wake` (a give-back or
    // a report changed the books), then decides again.
    const lock = Semaphore.makeUnsafe(1);
    let wake: Deferred.Deferred<void> | undefined;
    const notify = (): void => {
      if (wake === undefined) return;
      const w = wake;
      wake = undefined;
      Deferred.doneUnsafe(w, Effect.void);
    };
    const pause = (ms: number | undefined): Effect.Effect<void> => {
      const w = (wake ??= Deferred.makeUnsafe<void>());
      return ms === undefined
        ? Deferred.await(w)
        : Effect.raceFirst(Effect.sleep(Duration.millis(clampDelayMs(ms))), Deferred.await(w));
    };

    const adoptRequest = (request: LeaseRequest | LeaseReturn, now: number): void => {
      if (request.rateLimit !== undefined) {
        adoptState(request.rateLimit, now);
        notify();
      }
    };

    const grant = (runnerId: string, request: LeaseRequest): Effect.Effect<Lease, BudgetUnavailable> =>
      Effect.flatMap(
        withNow((now) => {
          adoptRequest(request, now);
          return decide(now, runnerId, request.wanted, request.reuse === true);
        }),
        (d) =>
          d._tag === "granted"
            ? Effect.succeed(d.lease)
            : Effect.fail(
                d._tag === "spent"
                  ? spentError(d.ms)
                  : new BudgetUnavailable({ reason: "busy", retryAfterMs: d.ms ?? BUSY_POLL_MS, detail: d.why }),
              ),
      );

    const acquire = (runnerId: string, request: LeaseRequest): Effect.Effect<Lease, BudgetUnavailable> =>
      request.prefetch === true ? grant(runnerId, request) : Effect.andThen(
        withNow((now) => adoptRequest(request, now)),
        lock.withPermit(
          Effect.suspend(function loop(): Effect.Effect<Lease, BudgetUnavailable> {
            return Effect.flatMap(
              withNow((now) => decide(now, runnerId, request.wanted, request.reuse === true)),
              (d): Effect.Effect<Lease, BudgetUnavailable> =>
                d._tag === "granted"
                  ? Effect.succeed(d.lease)
                  : d._tag === "spent"
                    ? Effect.fail(spentError(d.ms))
                    : Effect.andThen(pause(d.ms), Effect.suspend(loop)),
            );
          }),
        ),
      );

    const giveBack = (done: LeaseReturn): Effect.Effect<void> =>
      withNow((now) => {
        const entry = open.get(done.leaseId);
        if (entry !== undefined) {
          close(entry);
          returned++;
          if (tpdRemaining !== undefined) tpdRemaining += Math.min(entry.uses, Math.max(0, Math.floor(done.unused)));
        }
        // After the close: the service's count already includes every request of this lease.
        adoptRequest(done, now);
        notify();
      });

    const giveBackPart = (part: LeasePart): Effect.Effect<void> =>
      Effect.sync(() => {
        const entry = open.get(part.leaseId);
        const n = Math.min(entry?.slots ?? 0, Math.max(0, Math.floor(part.slots)));
        if (entry === undefined || n < 1) return;
        entry.slots -= n;
        entry.uses -= n;
        held -= n;
        notify();
      });

    const adopt = (report: BudgetReport): Effect.Effect<void> =>
      withNow((now) => {
        adoptReport(report, now);
        notify();
      });

    const snapshot = withNow((now): BudgetSnapshot => {
      settle(now);
      const perRunner = new Map<string, { runnerId: string; leases: number; slots: number }>();
      const openLeases: Array<OpenLease> = [];
      for (const entry of open.values()) {
        openLeases.push({ id: entry.id, runnerId: entry.runnerId, slots: entry.slots, uses: entry.uses, reclaimAt: entry.reclaimAt });
        const r = perRunner.get(entry.runnerId) ?? { runnerId: entry.runnerId, leases: 0, slots: 0 };
        r.leases++;
        r.slots += entry.slots;
        perRunner.set(entry.runnerId, r);
      }
      return {
        tpsLimit,
        slots: slots(),
        held,
        leases: open.size,
        runners: [...perRunner.values()],
        openLeases,
        blockedUntil,
        takeoverUntil,
        probing: probing(),
        tpdLimit,
        tpdRemaining,
        tpdResetAt,
        granted,
        returned,
        reclaimed,
      };
    });

    return { grant, acquire, giveBack, giveBackPart, adopt, snapshot } satisfies BudgetLedger;
  });

/**
 * The in-process {@link BudgetLessor} of one runner over a ledger: what a runner uses when the owner lives in the
 * same process, and what an RPC server calls for each runner's request.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { lessorOf, makeBudgetLedger, makeLeasedPacer } from "@wattstream/resilience"
 * const program = Effect.scoped(
 *   Effect.gen(function* () {
 *     const ledger = yield* makeBudgetLedger({ tps: 5, takeover: false })
 *     const pacer = yield* makeLeasedPacer(lessorOf(ledger, "runner-1"))
 *     yield* pacer.pace(Effect.succeed("a request"))
 *   }),
 * )
 * ```
 * @category constructors
 */
export const lessorOf = (ledger: BudgetLedger, runnerId: string): BudgetLessor => ({
  lease: (request) => ledger.acquire(runnerId, request),
  giveBack: ledger.giveBack,
  giveBackPart: ledger.giveBackPart,
  report: ledger.adopt,
});
