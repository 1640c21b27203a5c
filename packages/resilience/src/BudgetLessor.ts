/**
 * The contract between a runner and the owner of one key's request budget, when several processes share the key.
 *
 * - The **owner** (one per key: a cluster singleton) keeps a {@link BudgetLedger}. It hands out **leases**: batches
 *   of request slots. A slot carries one request at a time: it counts against the key's TPS from the grant until
 *   the lease is given back (or, for a runner that vanished, until the lease expired plus one second and the margin).
 *   A runner that asks to `reuse` slots sends on a slot again once its last answer is one second (plus the margin)
 *   old, up to the lease's `uses`, which the day's TPD is charged at the grant (the unsent ones come back).
 * - Each **runner** paces its requests with `makeLeasedPacer(lessor)`, a `Pacer` that takes slots from its current
 *   lease, asks for the next batch before running dry, and gives a lease back once every slot it used has been
 *   answered for one second (plus the margin) — the single-process pacer's slot rule, stretched over processes.
 * - The {@link BudgetLessor} is the runner's view of the owner: three calls, all plain data, every payload and error
 *   an Effect `Schema`, so a cluster can carry them over RPC as they are (`lessorOf(ledger, runnerId)` is the
 *   in-process one, also the handler an RPC server calls).
 *
 * Times cross the wire as durations (`…Ms`), never as instants: runners' clocks need not agree with the owner's.
 *
 * @module
 */
import { Schema } from "effect";
import type { Effect } from "effect";
import type { RateLimitState } from "./RateLimit.js";

/**
 * The name under which a cluster registers its {@link BudgetLessor} (its RPC group or service key), so the runner
 * side and the owner side agree on one spelling.
 *
 * @example
 * ```ts
 * import { BUDGET_LESSOR } from "@wattstream/resilience"
 * console.log(BUDGET_LESSOR) // "@wattstream/resilience/BudgetLessor"
 * ```
 * @category services
 */
export const BUDGET_LESSOR = "@wattstream/resilience/BudgetLessor" as const;

const Count = Schema.Number.check(Schema.isInt(), Schema.isGreaterThanOrEqualTo(0));
const Millis = Schema.Number.check(Schema.isGreaterThanOrEqualTo(0));
const Budget = Schema.Struct({ limit: Schema.Number, remaining: Schema.Number, resetSeconds: Schema.Number });

/**
 * The schema of a `RateLimitState` (what `parseRateLimit` read from an answer's headers), so runners can forward
 * it to the owner over RPC.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { RateLimitStateSchema } from "@wattstream/resilience"
 * const state = Schema.decodeUnknownSync(RateLimitStateSchema)({ tps: { limit: 5, remaining: 4, resetSeconds: 0.5 } })
 * ```
 * @category models
 */
export const RateLimitStateSchema: Schema.Codec<RateLimitState> = Schema.Struct({
  tps: Schema.optionalKey(Budget),
  tpd: Schema.optionalKey(Budget),
  unscoped: Schema.optionalKey(Schema.Struct({ limit: Schema.Number, remaining: Schema.Number })),
});

/**
 * A runner's request for slots: how many it wants, and the latest rate-limit headers it saw since its last call
 * (an empty object when an answer carried none), which the owner adopts before deciding.
 *
 * @example
 * ```ts
 * import type { LeaseRequest } from "@wattstream/resilience"
 * const request: LeaseRequest = { wanted: 10 }
 * ```
 * @category models
 */
export const LeaseRequest = Schema.Struct({
  /** Slots wanted (≥ 1); the owner may grant fewer, never more. */
  wanted: Count,
  /** The newest rate-limit headers the runner saw since its last call to the owner. */
  rateLimit: Schema.optionalKey(RateLimitStateSchema),
  /**
   * The runner still has slots in hand and asks ahead: the owner grants only slots that are free now and answers
   * `busy` at once instead of queueing the call, so runners that have run dry are served first.
   */
  prefetch: Schema.optionalKey(Schema.Boolean),
  /**
   * The runner sends again on a slot of the lease once that slot's last answer is one second (plus the margin) old,
   * while the lease is usable: the owner then grants {@link Lease} `uses` (an owner that does not know this field
   * grants one-shot slots, which the runner then uses once each).
   */
  reuse: Schema.optionalKey(Schema.Boolean),
});
/** @category models */
export type LeaseRequest = typeof LeaseRequest.Type;

/**
 * A batch of one-shot request slots granted to one runner.
 *
 * @example
 * ```ts
 * import type { Lease } from "@wattstream/resilience"
 * const lease: Lease = { id: "l1-7", slots: 10, ttlMs: 30_000, maxLatencyMs: 10_000 }
 * ```
 * @category models
 */
export const Lease = Schema.Struct({
  /** Names the lease in {@link LeaseReturn}. */
  id: Schema.String,
  /** How many requests may be under way under it at once (≥ 1): each slot carries one request at a time. */
  slots: Count,
  /**
   * How many requests may be sent under it in all, when the runner asked to `reuse` slots: a slot carries a next
   * request once its last answer is one second (plus the margin) old. Taken from the day's budget at the grant; the
   * ones never sent come back with the lease. Absent: `slots`, each slot used once.
   */
  uses: Schema.optionalKey(Count),
  /**
   * How long, counted on the runner's clock from the moment it *asked* for the lease, it may start requests under
   * it. Afterwards the owner takes the slots back on its own (the runner gives back what is left anyway).
   */
  ttlMs: Millis,
  /**
   * The latency the owner's guarantee assumes: a request is counted by the service within this long of being sent
   * (the runner's request timeout must not exceed it). The owner reclaims an unreturned lease only after
   * `ttlMs + maxLatencyMs` plus one second and the margin.
   */
  maxLatencyMs: Millis,
});
/** @category models */
export type Lease = typeof Lease.Type;

/**
 * A runner giving a lease back: it will send nothing more under it, `unused` of its slots were never sent, and
 * every request it did send was answered at least one second (plus the margin) ago.
 *
 * @example
 * ```ts
 * import type { LeaseReturn } from "@wattstream/resilience"
 * const done: LeaseReturn = { leaseId: "l1-7", unused: 3 }
 * ```
 * @category models
 */
export const LeaseReturn = Schema.Struct({
  leaseId: Schema.String,
  /** Requests the lease allowed (its `uses`, else its `slots`) that were never sent: they go back to the day's budget. */
  unused: Count,
  /** The newest rate-limit headers the runner saw since its last call to the owner. */
  rateLimit: Schema.optionalKey(RateLimitStateSchema),
});
/** @category models */
export type LeaseReturn = typeof LeaseReturn.Type;

/**
 * A runner handing back part of a lease it keeps: `slots` of its slots, each already used and answered at least one
 * second (plus the margin) ago, so the owner may grant them again at once (the rest of the lease stays out).
 *
 * @example
 * ```ts
 * import type { LeasePart } from "@wattstream/resilience"
 * const part: LeasePart = { leaseId: "l1-7", slots: 5 }
 * ```
 * @category models
 */
export const LeasePart = Schema.Struct({
  leaseId: Schema.String,
  /** Used slots whose second (plus the margin) has passed since their answers. */
  slots: Count,
});
/** @category models */
export type LeasePart = typeof LeasePart.Type;

/**
 * What a runner tells the owner at once, outside lease calls: a 429 (scope and how long it lasts, from
 * `classify`), which stops every runner's grants until it has passed.
 *
 * @example
 * ```ts
 * import type { BudgetReport } from "@wattstream/resilience"
 * const report: BudgetReport = { _tag: "TooManyRequests", scope: "tps", retryAfterMs: 1000 }
 * ```
 * @category models
 */
export const BudgetReport = Schema.Union([
  Schema.TaggedStruct("TooManyRequests", {
    scope: Schema.Literals(["tps", "tpd", "edge"]),
    /** How long the 429 lasts from when it was answered (`classify(error).waitMs`). */
    retryAfterMs: Millis,
    rateLimit: Schema.optionalKey(RateLimitStateSchema),
  }),
  Schema.TaggedStruct("RateLimitHeaders", { rateLimit: RateLimitStateSchema }),
]);
/** @category models */
export type BudgetReport = typeof BudgetReport.Type;

/**
 * The owner could not grant a lease now: `reason` `spent` (the day's budget is used up; `retryAfterMs` runs to the
 * daily reset), `busy` (every slot is leased or the key is blocked after a 429; ask again after `retryAfterMs`) or
 * `unreachable` (the call to the owner failed: the cluster maps its transport failures here).
 *
 * @example
 * ```ts
 * import { BudgetUnavailable } from "@wattstream/resilience"
 * const e = new BudgetUnavailable({ reason: "busy", retryAfterMs: 250, detail: "every slot is leased" })
 * ```
 * @category errors
 */
export class BudgetUnavailable extends Schema.TaggedError<BudgetUnavailable>()("BudgetUnavailable", {
  reason: Schema.Literals(["spent", "busy", "unreachable"]),
  retryAfterMs: Millis,
  detail: Schema.String,
}) {
  override get message(): string {
    return `request budget unavailable (${this.reason}): ${this.detail}; ask again in ${Math.ceil(this.retryAfterMs)} ms`;
  }
}

/**
 * A runner's handle on the owner of the key's budget: implemented in-process by `lessorOf(ledger, runnerId)`, and by
 * a cluster over RPC. Keep implementations thin: every rule lives in the ledger.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { lessorOf, makeBudgetLedger } from "@wattstream/resilience"
 * const program = Effect.gen(function* () {
 *   const ledger = yield* makeBudgetLedger({ tps: 5, tpd: 10_000, takeover: false })
 *   const lessor = lessorOf(ledger, "runner-1")
 *   const lease = yield* lessor.lease({ wanted: 3 })
 *   yield* lessor.giveBack({ leaseId: lease.id, unused: lease.slots })
 * })
 * ```
 * @category services
 */
export interface BudgetLessor {
  /**
   * Grants up to `wanted` slots. May wait on the owner's side (an in-process lessor waits until slots are free);
   * fails with `BudgetUnavailable` when none can be had now (`busy`: the runner asks again after `retryAfterMs`),
   * the day is spent (`spent`), or the owner cannot be reached (`unreachable`).
   */
  readonly lease: (request: LeaseRequest) => Effect.Effect<Lease, BudgetUnavailable>;
  /**
   * Ends a lease. Cannot fail: a give-back that is lost only keeps the slots out of use until the lease expires, so
   * an implementation over RPC logs and swallows its transport errors.
   */
  readonly giveBack: (done: LeaseReturn) => Effect.Effect<void>;
  /**
   * Hands back cooled slots of a lease still held (`giveBack` ends it later), so each slot is free one second after
   * its own answer rather than after the lease's last. Optional: without it, slots come back with their lease.
   * Cannot fail, like `giveBack`.
   */
  readonly giveBackPart?: ((part: LeasePart) => Effect.Effect<void>) | undefined;
  /** Tells the owner about a 429 (or fresh headers) at once; failures are swallowed like `giveBack`'s. */
  readonly report: (report: BudgetReport) => Effect.Effect<void>;
}
