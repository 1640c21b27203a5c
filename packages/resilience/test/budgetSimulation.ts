// A fleet of runners sharing one key through a BudgetLedger, in virtual time: each runner is a leased pacer over a
// lessor with a simulated RPC delay, driving busy workers whose requests the "service" counts at a random instant
// between sending and answering. Runners can die (SIGKILL: no give-back, no report, requests already sent are still
// counted) and the owner can die (a new ledger takes over, knowing nothing). The service's count is what the
// properties are checked against.
import { Clock, Deferred, Effect, Exit, Fiber, Scope } from "effect";
import { TestClock } from "effect/testing";
import { BudgetUnavailable, classify, isWattwatchersError, lessorOf, makeBudgetLedger, makeLeasedPacer, makePacer } from "../src/index.js";
import type { BudgetLedger, BudgetLessor, OpenLease, Pacer, RateLimitState } from "../src/index.js";

export interface Scenario {
  readonly tps: number;
  readonly tpd: number;
  readonly runners: number;
  /** Concurrent requests each runner keeps going. */
  readonly workers: number;
  readonly leaseSize: number;
  readonly prefetchAt?: number | undefined;
  /** Runners' `partSlots` (cooled slots handed back together while their lease is held); their default if absent. */
  readonly partSlots?: number | undefined;
  /** Runners' `reuseSlots` (send again on a cooled slot of a held lease); their default if absent. */
  readonly reuseSlots?: boolean | undefined;
  /** Runners' `retryUnreachable`, ms (how soon they ask a new owner after the old one died). */
  readonly retryUnreachableMs?: number | undefined;
  /** One-way delay of each call to the owner, ms. */
  readonly rpcMs: number;
  /** Request latency range, ms (each request draws from it); never above `maxLatencyMs`. */
  readonly latencyMs: readonly [number, number];
  readonly maxLatencyMs: number;
  /** Pause of each worker between its requests, ms (paced demand rather than a busy loop). */
  readonly thinkMs?: readonly [number, number] | undefined;
  readonly leaseTtlMs: number;
  /** When each runner dies (ms from the start), if it does. */
  readonly deaths?: ReadonlyArray<number | undefined> | undefined;
  /** When the owner dies and a new one takes over (ms from the start), if it does. */
  readonly ownerDiesAt?: number | undefined;
  /**
   * The owner stores its books after every grant, before answering (as the cluster's owner does in PostgreSQL),
   * and the new owner starts from them (`previous` with `outstanding`) instead of knowing nothing.
   */
  readonly ownerStores?: boolean | undefined;
  /**
   * A worker refused because the day is spent waits as a real client does (rx's streams, `watch`): until the
   * day's reset it was told, instead of a second.
   */
  readonly waitForReset?: boolean | undefined;
  readonly durationMs: number;
  readonly seed: number;
  /** Answers report the service's `TpsRemaining` (fixed clock seconds), which the pacers also obey. */
  readonly tpsRemaining?: boolean | undefined;
  /** Answers report the day's budget (`X-RateLimit-Tpd*`); without them the ledger's own count stands alone. */
  readonly tpdHeaders?: boolean | undefined;
}

export interface Outcome {
  /** Instants (ms from the start) at which the service counted a request, sorted. */
  readonly counted: ReadonlyArray<number>;
  /** Most requests counted in any one-second window, sliding (hence also any fixed clock second). */
  readonly maxPerSecond: number;
  /** Lease calls made by all runners. */
  readonly leaseCalls: number;
  readonly giveBacks: number;
  /** Parts of leases handed back while held (`giveBackPart` calls). */
  readonly parts: number;
  /** The ledger in charge at the end (the new owner after a failover). */
  readonly ledger: BudgetLedger;
  /** The virtual clock's time at the start, ms. */
  readonly startedAt: number;
}

/** A small deterministic PRNG (mulberry32), so a scenario replays exactly. */
export const prng = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

export const maxInAnySecond = (sorted: ReadonlyArray<number>): number => {
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while ((sorted[hi] ?? 0) - (sorted[lo] ?? 0) >= 1000) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
};

/** The service: counts each request at a random instant within its latency, and reports fixed-second headers. */
const makeService = (s: Scenario, t0: number, serverScope: Scope.Scope, random: () => number) => {
  const counted: Array<number> = [];
  const headers = (now: number): RateLimitState => {
    const second = Math.floor(now / 1000) * 1000;
    let inSecond = 0;
    for (let i = counted.length - 1; i >= 0 && (counted[i] ?? 0) >= second - t0; i--) inSecond++;
    return {
      // Without `tpsRemaining` the answers tell the limit only, so the runners cannot lean on the service's own
      // count: what is checked is the ledger's guarantee alone.
      tps: {
        limit: s.tps,
        remaining: s.tpsRemaining === true ? Math.max(0, s.tps - inSecond) : s.tps,
        resetSeconds: (second + 1000 - now) / 1000,
      },
      ...(s.tpdHeaders === false
        ? {}
        : { tpd: { limit: s.tpd, remaining: Math.max(0, s.tpd - counted.length), resetSeconds: 86_400 - now / 1000 } }),
    };
  };
    const request = (pacer: Pacer): Effect.Effect<void, unknown> =>
    pacer.pace(
      Effect.gen(function* () {
        const [lo, hi] = s.latencyMs;
        const latency = Math.min(s.maxLatencyMs, lo + Math.floor(random() * (hi - lo + 1)));
        const countAfter = Math.floor(random() * (latency + 1));
        // The service counts the request even if its runner dies meanwhile.
        yield* Effect.forkIn(
          Effect.andThen(
            Effect.sleep(countAfter),
            Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.sync(() => counted.push(now - t0))),
          ),
          serverScope,
        );
        yield* Effect.sleep(latency);
        yield* pacer.update(headers(yield* Clock.currentTimeMillis));
      }),
    );
  const think = (): Effect.Effect<void> => {
    if (s.thinkMs === undefined) return Effect.void;
    const [lo, hi] = s.thinkMs;
    return Effect.sleep(lo + Math.floor(random() * (hi - lo + 1)));
  };
  /** One worker: requests forever (a refused one waits a second), with the scenario's pause between them. */
  const worker = (pacer: Pacer): Effect.Effect<never> =>
    Effect.forever(
      Effect.andThen(
        Effect.catch(request(pacer), (e) =>
          Effect.flatMap(Clock.currentTimeMillis, (now) => {
            const c = s.waitForReset === true && isWattwatchersError(e) ? classify(e, { now }) : undefined;
            return Effect.sleep(c !== undefined && c.kind === "rateLimited" && c.scope === "tpd" ? c.waitMs : 1000);
          }),
        ),
        Effect.suspend(think),
      ),
    );
  return { counted, worker };
};

/** Runs a scenario to its end in virtual time (the caller's TestClock). */
export const simulate = (s: Scenario): Effect.Effect<Outcome, never, never> =>
  Effect.gen(function* () {
    const random = prng(s.seed);
    const t0 = yield* Clock.currentTimeMillis;
    const serverScope = yield* Scope.make();
    const service = makeService(s, t0, serverScope, random);
    const ledgerOptions = {
      tps: s.tps,
      tpd: s.tpd,
      leaseSize: s.leaseSize,
      leaseTtl: s.leaseTtlMs,
      maxLatency: s.maxLatencyMs,
    };
    let ledger = yield* makeBudgetLedger({ ...ledgerOptions, takeover: false });
    // What the owner stored after its last grant (only with `ownerStores`).
    let stored: { readonly lastGrantAt: number; readonly tpdRemaining: number | undefined; readonly outstanding: ReadonlyArray<OpenLease> } | undefined;
    const store = (owner: BudgetLedger) =>
      Effect.gen(function* () {
        if (s.ownerStores !== true) return;
        const books = yield* owner.snapshot;
        stored = { lastGrantAt: yield* Clock.currentTimeMillis, tpdRemaining: books.tpdRemaining, outstanding: books.openLeases };
      });
    let ownerDied = Deferred.makeUnsafe<void>();
    let leaseCalls = 0;
    let giveBacks = 0;
    let parts = 0;
    // A dead runner's calls never reach the owner: a lease call never answers, the rest do nothing.
    const rpc = <A, E>(alive: () => boolean, dead: Effect.Effect<A, E>, call: () => Effect.Effect<A, E>) =>
      Effect.gen(function* () {
        if (!alive()) return yield* dead;
        yield* Effect.sleep(s.rpcMs);
        if (!alive()) return yield* dead;
        const result = yield* call();
        yield* Effect.sleep(s.rpcMs);
        return result;
      });
    const lessorFor = (id: string, alive: () => boolean): BudgetLessor => ({
      lease: (request) =>
        rpc(alive, Effect.never, () => {
          leaseCalls++;
          // A call waiting on an owner that dies fails as the cluster's RPC would: the owner is unreachable.
          const died = ownerDied;
          const owner = ledger;
          return Effect.raceFirst(
            Effect.tap(lessorOf(owner, id).lease(request), () => store(owner)),
            Effect.andThen(
              Deferred.await(died),
              Effect.fail(new BudgetUnavailable({ reason: "unreachable", retryAfterMs: 0, detail: "owner died" })),
            ),
          );
        }),
      giveBack: (done) =>
        rpc(alive, Effect.void, () => {
          giveBacks++;
          return ledger.giveBack(done);
        }),
      giveBackPart: (part) =>
        rpc(alive, Effect.void, () => {
          parts++;
          return ledger.giveBackPart(part);
        }),
      report: (report) => rpc(alive, Effect.void, () => ledger.adopt(report)),
    });

    const runners = yield* Effect.forEach(Array.from({ length: s.runners }, (_, i) => i), (i) =>
      Effect.gen(function* () {
        const scope = yield* Scope.make();
        let alive = true;
        const pacer = yield* Scope.provide(scope)(
          makeLeasedPacer(lessorFor(`runner-${i}`, () => alive), {
            leaseSize: s.leaseSize,
            prefetchAt: s.prefetchAt,
            partSlots: s.partSlots,
            reuseSlots: s.reuseSlots,
            retryUnreachable: s.retryUnreachableMs,
          }),
        );
        const workers = yield* Effect.forEach(Array.from({ length: s.workers }), () =>
          Effect.forkChild(service.worker(pacer)),
        );
        const dies = s.deaths?.[i];
        const death =
          dies === undefined
            ? undefined
            : yield* Effect.forkChild(
                Effect.andThen(
                  Effect.sleep(dies),
                  Effect.gen(function* () {
                    alive = false;
                    yield* Fiber.interruptAll(workers);
                    yield* Scope.close(scope, Exit.void);
                  }),
                ),
              );
        return { scope, workers, death };
      }),
    );
    const owner =
      s.ownerDiesAt === undefined
        ? undefined
        : yield* Effect.forkChild(
            Effect.andThen(
              Effect.sleep(s.ownerDiesAt),
              // Suspended: the books stored by the time of the death.
              Effect.flatMap(Effect.suspend(() => makeBudgetLedger({ ...ledgerOptions, takeover: true, previous: stored })), (next) =>
                Effect.sync(() => {
                  ledger = next;
                  const died = ownerDied;
                  ownerDied = Deferred.makeUnsafe<void>();
                  Deferred.doneUnsafe(died, Effect.void);
                }),
              ),
            ),
          );

    yield* TestClock.adjust(s.durationMs);
    for (const r of runners) {
      yield* Fiber.interruptAll(r.workers);
      if (r.death !== undefined) yield* Fiber.interrupt(r.death);
    }
    if (owner !== undefined) yield* Fiber.interrupt(owner);
    // Let every request already sent be counted, then stop everything.
    yield* TestClock.adjust(s.maxLatencyMs);
    // Closing a runner gives its cooled leases back, over the (virtual-time) RPC: let the clock run meanwhile.
    const closing = yield* Effect.forkChild(Effect.forEach(runners, (r) => Scope.close(r.scope, Exit.void)));
    yield* TestClock.adjust(10 * s.rpcMs + 1000);
    yield* Fiber.join(closing);
    yield* Scope.close(serverScope, Exit.void);
    const counted = [...service.counted].sort((a, b) => a - b);
    return { counted, maxPerSecond: maxInAnySecond(counted), leaseCalls, giveBacks, parts, ledger, startedAt: t0 };
  });

/** The same fleet of busy workers in one process, through one plain `makePacer`: the single-process yardstick. */
export const simulateSingle = (s: Scenario): Effect.Effect<ReadonlyArray<number>> =>
  Effect.gen(function* () {
    const random = prng(s.seed);
    const t0 = yield* Clock.currentTimeMillis;
    const serverScope = yield* Scope.make();
    const service = makeService(s, t0, serverScope, random);
    const pacer = yield* makePacer({ tps: s.tps, tpd: s.tpd });
    const workers = yield* Effect.forEach(Array.from({ length: s.runners * s.workers }), () =>
      Effect.forkChild(service.worker(pacer)),
    );
    yield* TestClock.adjust(s.durationMs);
    yield* Fiber.interruptAll(workers);
    yield* TestClock.adjust(s.maxLatencyMs);
    yield* Scope.close(serverScope, Exit.void);
    return [...service.counted].sort((a, b) => a - b);
  });
