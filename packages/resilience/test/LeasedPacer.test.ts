import { describe, expect, it } from "@effect/vitest";
import { Clock, Effect, Exit, Fiber, Scope } from "effect";
import { TestClock } from "effect/testing";
import { BudgetUnavailable, lessorOf, makeBudgetLedger, makeLeasedPacer, RateLimited } from "../src/index.js";
import type { BudgetLedger, BudgetLessor, BudgetReport, LeaseRequest, LeaseReturn } from "../src/index.js";

const get = { operation: "getDevice", method: "GET", path: "/devices/D123456789012" };

/** An in-process lessor that records every call, so the tests can count RPCs and read what was forwarded. */
const recording = (ledger: BudgetLedger, runnerId = "r") => {
  const inner = lessorOf(ledger, runnerId);
  const calls = {
    leases: [] as Array<{ readonly at: number; readonly request: LeaseRequest }>,
    giveBacks: [] as Array<{ readonly at: number; readonly done: LeaseReturn }>,
    reports: [] as Array<BudgetReport>,
  };
  const now = Clock.currentTimeMillis;
  const lessor: BudgetLessor = {
    lease: (request) =>
      Effect.flatMap(now, (at) => {
        calls.leases.push({ at, request });
        return inner.lease(request);
      }),
    giveBack: (done) =>
      Effect.flatMap(now, (at) => {
        calls.giveBacks.push({ at, done });
        return inner.giveBack(done);
      }),
    report: (report) => Effect.andThen(Effect.sync(() => calls.reports.push(report)), inner.report(report)),
  };
  return { lessor, calls };
};

/** `lessor` with `giveBackPart` on `ledger`, recording when each part came back and how many slots it had. */
const recordingParts = (ledger: BudgetLedger, lessor: BudgetLessor) => {
  const parts: Array<{ readonly at: number; readonly slots: number }> = [];
  const withParts: BudgetLessor = {
    ...lessor,
    giveBackPart: (part) =>
      Effect.flatMap(Clock.currentTimeMillis, (at) => {
        parts.push({ at, slots: part.slots });
        return ledger.giveBackPart(part);
      }),
  };
  return { withParts, parts };
};

const fresh = { takeover: false, leaseTtl: 10_000, maxLatency: 2000 } as const;

/**
 * Starts `effect` 1 ms from now, in a fiber. TestClock lets every fiber a woken sleep resumes or forks settle before
 * it moves on, but work started by the test fiber itself gets a single scheduler turn: starting from a sleep puts the
 * whole chain (lock hand-overs, forked lease calls) under that guarantee.
 */
const soon = <A, E>(effect: Effect.Effect<A, E>) => Effect.forkChild(Effect.andThen(Effect.sleep(1), effect));

/** `n` requests of `latency` ms each, all at once, 1 ms from now; resolves to their send times. */
const burst = (pacer: { pace: <A, E, R>(e: Effect.Effect<A, E, R>) => Effect.Effect<A, unknown, R> }, n: number, latency = 100) =>
  soon(
    Effect.forEach(
      Array.from({ length: n }),
      () => pacer.pace(Effect.andThen(Clock.currentTimeMillis, (t) => Effect.as(Effect.sleep(latency), t))),
      { concurrency: "unbounded" },
    ),
  );

describe("makeLeasedPacer", () => {
  it.effect("one call to the owner per lease, the next asked for before the current one runs dry", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const ledger = yield* makeBudgetLedger({ ...fresh, tps: 100 });
        const { lessor, calls } = recording(ledger);
        const pacer = yield* makeLeasedPacer(lessor, { leaseSize: 10, prefetchAt: 4 });
        // 30 requests one after another: three leases, and nobody ever waits for the owner after the first.
        const sends: Array<number> = [];
        const fiber = yield* Effect.forkChild(
          Effect.forEach(Array.from({ length: 30 }), () =>
            pacer.pace(Effect.andThen(Clock.currentTimeMillis, (t) => Effect.andThen(Effect.sync(() => sends.push(t)), Effect.sleep(10)))),
          ),
        );
        yield* TestClock.adjust(400);
        yield* Fiber.join(fiber);
        expect(sends).toEqual(Array.from({ length: 30 }, (_, i) => i * 10));
        expect(calls.leases.map((c) => c.at)).toEqual([0, 50, 150, 250]);
        expect(calls.leases.every((c) => c.request.wanted === 10)).toBe(true);
      }),
    ),
  );

  it.effect("a burst asks for every waiting request in one call (the owner caps it), not one call per leaseSize", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const ledger = yield* makeBudgetLedger({ ...fresh, tps: 100, leaseSize: 25 });
        const { lessor, calls } = recording(ledger);
        const pacer = yield* makeLeasedPacer(lessor, { leaseSize: 5 });
        const fiber = yield* burst(pacer, 40, 10);
        yield* TestClock.adjust(100);
        expect(yield* Fiber.join(fiber)).toEqual(Array.from({ length: 40 }, () => 1));
        // The first call finds 40 waiting (granted 25), the next asks for the rest ahead of need.
        expect(calls.leases.map((c) => c.request.wanted).slice(0, 1)).toEqual([40]);
        expect(calls.leases.length).toBeLessThanOrEqual(3);
      }),
    ),
  );

  it.effect("gives a spent lease back once its last answer is a second and the margin old, with the newest headers", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const ledger = yield* makeBudgetLedger({ ...fresh, tps: 100 });
        const { lessor, calls } = recording(ledger);
        const pacer = yield* makeLeasedPacer(lessor, { leaseSize: 3, prefetchAt: 0, idleGiveBack: "1 hour", reuseSlots: false });
        const headers = { tpd: { limit: 1000, remaining: 997, resetSeconds: 3600 } };
        const fiber = yield* soon(
          Effect.forEach(
            [100, 300, 200],
            (latency) => pacer.pace(Effect.andThen(Effect.sleep(latency), pacer.update(headers))),
            { concurrency: "unbounded" },
          ),
        );
        yield* TestClock.adjust(1 + 300 + 1049);
        // (The lease asked for when the first ran dry sits unused: nothing idles for an hour here.)
        expect(calls.giveBacks).toEqual([]);
        expect((yield* pacer.snapshot).recentGrants).toBe(3);
        yield* TestClock.adjust(1);
        yield* Fiber.join(fiber);
        expect(calls.giveBacks).toEqual([{ at: 1351, done: { leaseId: calls.giveBacks[0]?.done.leaseId, unused: 0, rateLimit: headers } }]);
        // Only the lease asked ahead when the first ran dry is still out.
        expect((yield* ledger.snapshot).leases).toBe(1);
      }),
    ),
  );

  it.effect("hands cooled slots back in parts of partSlots while the lease is out, the rest with the lease", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const ledger = yield* makeBudgetLedger({ ...fresh, tps: 100 });
        const { lessor, calls } = recording(ledger);
        const { withParts, parts } = recordingParts(ledger, lessor);
        const pacer = yield* makeLeasedPacer(withParts, { leaseSize: 5, prefetchAt: 0, partSlots: 2, idleGiveBack: "1 hour", reuseSlots: false });
        // Answers at 101, 401, 201, 501 and 301: cooled at 1151, 1251, … 1551.
        const fiber = yield* soon(
          Effect.forEach([100, 400, 200, 500, 300], (latency) => pacer.pace(Effect.sleep(latency)), { concurrency: "unbounded" }),
        );
        yield* TestClock.adjust(1250);
        expect(parts).toEqual([]);
        // The oldest open lease is the one the five requests were sent under.
        const id = (yield* ledger.snapshot).openLeases[0]?.id;
        yield* TestClock.adjust(1);
        expect(parts).toEqual([{ at: 1251, slots: 2 }]);
        expect((yield* ledger.snapshot).openLeases.find((l) => l.id === id)?.slots).toBe(3);
        yield* TestClock.adjust(199);
        expect(parts).toHaveLength(1);
        yield* TestClock.adjust(1);
        expect(parts).toEqual([{ at: 1251, slots: 2 }, { at: 1451, slots: 2 }]);
        expect((yield* pacer.snapshot).recentGrants).toBe(1);
        // The last slot comes back with its lease, once its own answer is a second and the margin old.
        yield* TestClock.adjust(99);
        expect(calls.giveBacks).toEqual([]);
        yield* TestClock.adjust(1);
        yield* Fiber.join(fiber);
        expect(calls.giveBacks.map((g) => ({ at: g.at, leaseId: g.done.leaseId, unused: g.done.unused }))).toEqual([{ at: 1551, leaseId: id, unused: 0 }]);
        expect((yield* ledger.snapshot).openLeases.find((l) => l.id === id)).toBeUndefined();
      }),
    ),
  );

  it.effect("a waiting request takes a cooled slot of its runner's lease at once, without the owner's round trip", () =>
    Effect.gen(function* () {
      // Each call to the owner takes 20 ms each way; the key has 2 slots and one runner wants 4 requests sent.
      const sendTimes = (reuseSlots: boolean) =>
        Effect.scoped(
          Effect.gen(function* () {
            const ledger = yield* makeBudgetLedger({ ...fresh, tps: 2, tpd: 1000 });
            const inner = lessorOf(ledger, "r");
            const rpc = <A, E>(e: Effect.Effect<A, E>) => Effect.andThen(Effect.sleep(20), Effect.tap(e, () => Effect.sleep(20)));
            let leaseCalls = 0;
            const lessor: BudgetLessor = {
              lease: (request) => rpc(Effect.andThen(Effect.sync(() => leaseCalls++), inner.lease(request))),
              // (Not delayed: closing the scope gives the leases back, and nothing moves the clock then.)
              giveBack: inner.giveBack,
              giveBackPart: (part) => rpc(ledger.giveBackPart(part)),
              report: (report) => rpc(inner.report(report)),
            };
            const pacer = yield* makeLeasedPacer(lessor, { leaseSize: 2, prefetchAt: 0, partSlots: 1, idleGiveBack: "1 hour", reuseSlots });
            const t0 = yield* Clock.currentTimeMillis;
            const fiber = yield* burst(pacer, 4, 100);
            yield* TestClock.adjust(3000);
            const sends = (yield* Fiber.join(fiber)).map((t) => t - t0).sort((a, b) => a - b);
            return { sends, leaseCalls };
          }),
        );
      // The lease arrives at 41; its answers at 141 cool at 1191 (a second and the margin), when the two waiting
      // requests go out on the same slots. One-shot slots go back to the owner then, and the waiting lease call's
      // answer takes its trip back: 20 ms later (a part handed back over RPC would add another trip).
      const reused = yield* sendTimes(true);
      expect(reused.sends).toEqual([41, 41, 1191, 1191]);
      expect(reused.leaseCalls).toBe(3);
      const oneShot = yield* sendTimes(false);
      expect(oneShot.sends).toEqual([41, 41, 1211, 1211]);
    }),
  );

  it.effect("cooled slots no request here waits for still go back in parts; the unsent requests with the lease", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const ledger = yield* makeBudgetLedger({ ...fresh, tps: 4, tpd: 1000 });
        const { lessor, calls } = recording(ledger);
        const { withParts, parts } = recordingParts(ledger, lessor);
        const pacer = yield* makeLeasedPacer(withParts, { leaseSize: 4, prefetchAt: 0, partSlots: 2, idleGiveBack: "2 seconds" });
        // Answers at 101, 201, 301 and 401: cooled at 1151 … 1451, and nothing else is sent.
        const fiber = yield* soon(
          Effect.forEach([100, 200, 300, 400], (latency) => pacer.pace(Effect.sleep(latency)), { concurrency: "unbounded" }),
        );
        yield* TestClock.adjust(1451);
        yield* Fiber.join(fiber);
        expect(parts).toEqual([{ at: 1251, slots: 2 }, { at: 1451, slots: 2 }]);
        // Idle for 2 s after the last take (at 1): the lease goes back with the 36 requests its 4 slots did not send.
        yield* TestClock.adjust(1000);
        expect(calls.giveBacks.map((g) => ({ at: g.at, unused: g.done.unused }))).toEqual([{ at: 2001, unused: 36 }]);
        expect((yield* ledger.snapshot).tpdRemaining).toBe(996);
      }),
    ),
  );

  it.effect("gives an idle lease back with its unused slots after idleGiveBack", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const ledger = yield* makeBudgetLedger({ ...fresh, tps: 100, tpd: 1000 });
        const { lessor, calls } = recording(ledger);
        const pacer = yield* makeLeasedPacer(lessor, { leaseSize: 10, idleGiveBack: "2 seconds" });
        yield* pacer.pace(Effect.void);
        yield* TestClock.adjust(1999);
        expect(calls.giveBacks).toEqual([]);
        yield* TestClock.adjust(1);
        // Ten reusable slots, each good for ten requests in the ttl of 10 s: all but the one sent came back.
        expect(calls.giveBacks.map((g) => g.done.unused)).toEqual([99]);
        // One request spent from the day; the 99 unsent came back.
        expect((yield* ledger.snapshot).tpdRemaining).toBe(999);
      }),
    ),
  );

  it.effect("starts nothing under a lease after its ttl (counted from asking), and asks for a new one", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const ledger = yield* makeBudgetLedger({ takeover: false, tps: 100, leaseTtl: 3000, maxLatency: 500 });
        const { lessor, calls } = recording(ledger);
        const pacer = yield* makeLeasedPacer(lessor, { leaseSize: 10, idleGiveBack: "1 hour" });
        yield* pacer.pace(Effect.void);
        yield* TestClock.adjust(3000);
        yield* pacer.pace(Effect.void);
        expect(calls.leases.map((c) => c.at)).toEqual([0, 3000]);
        // Ten slots, each good for three requests in 3 s: all but the one sent.
        expect(calls.giveBacks.map((g) => g.done.unused)).toEqual([29]);
      }),
    ),
  );

  it.effect("shares the budget: two runners together never hold more slots than the key's TPS", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const ledger = yield* makeBudgetLedger({ ...fresh, tps: 4 });
        const a = yield* makeLeasedPacer(lessorOf(ledger, "a"), { leaseSize: 2, safetyMargin: 0 });
        const b = yield* makeLeasedPacer(lessorOf(ledger, "b"), { leaseSize: 2, safetyMargin: 0 });
        const fa = yield* burst(a, 4);
        const fb = yield* burst(b, 4);
        yield* TestClock.adjust(5000);
        const sends = [...(yield* Fiber.join(fa)), ...(yield* Fiber.join(fb))].sort((x, y) => x - y);
        // Four at once, the other four once those leases came back (answer at 100 + 1 s).
        expect(sends).toEqual([1, 1, 1, 1, 1101, 1101, 1101, 1101]);
      }),
    ),
  );

  it.effect("reports a 429 to the owner at once and waits it out locally", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const ledger = yield* makeBudgetLedger({ ...fresh, tps: 10 });
        const { lessor, calls } = recording(ledger);
        const pacer = yield* makeLeasedPacer(lessor, { leaseSize: 5 });
        const limited = new RateLimited({ ...get, scope: "tps", retryAfter: 2 });
        const exit = yield* Effect.exit(pacer.pace(Effect.fail(limited)));
        expect(Exit.isFailure(exit)).toBe(true);
        expect(calls.reports).toEqual([{ _tag: "TooManyRequests", scope: "tps", retryAfterMs: 2000 }]);
        expect((yield* ledger.snapshot).blockedUntil).toBe(2000);
        const next = yield* burst(pacer, 1, 0);
        yield* TestClock.adjust(1999);
        expect(next.pollUnsafe()).toBeUndefined();
        yield* TestClock.adjust(1);
        expect(yield* Fiber.join(next)).toEqual([2000]);
      }),
    ),
  );

  it.effect("fails with RateLimited (tpd) without running the request when the owner says the day is spent", () =>
    Effect.scoped(
      Effect.gen(function* () {
        yield* TestClock.setTime(Date.UTC(2026, 11, 2, 22, 0, 0));
        const ledger = yield* makeBudgetLedger({ ...fresh, tps: 10, tpd: 2 });
        const pacer = yield* makeLeasedPacer(lessorOf(ledger, "r"), { leaseSize: 5 });
        yield* pacer.pace(Effect.void);
        yield* pacer.pace(Effect.void);
        let ran = false;
        // The owner says "busy" while the spent lease is out (its unused slots could come back), "spent" once it
        // is back, a second and the margin after its last answer.
        const third = yield* Effect.forkChild(Effect.flip(pacer.pace(Effect.sync(() => (ran = true)))));
        yield* TestClock.adjust(2000);
        const error = yield* Fiber.join(third);
        expect(ran).toBe(false);
        expect(error).toBeInstanceOf(RateLimited);
        expect(error).toMatchObject({ scope: "tpd", resetAt: Date.UTC(2026, 11, 3) / 1000 });
        expect((yield* pacer.snapshot).tpdRemaining).toBe(0);
      }),
    ),
  );

  it.effect("waits for the daily reset instead, with waitForDailyReset", () =>
    Effect.scoped(
      Effect.gen(function* () {
        yield* TestClock.setTime(Date.UTC(2026, 11, 2, 23, 0, 0));
        const ledger = yield* makeBudgetLedger({ ...fresh, tps: 10, tpd: 1 });
        const pacer = yield* makeLeasedPacer(lessorOf(ledger, "r"), { leaseSize: 5, waitForDailyReset: true });
        yield* pacer.pace(Effect.void);
        const next = yield* burst(pacer, 1, 0);
        yield* TestClock.adjust(3_600_000 - 1);
        expect(next.pollUnsafe()).toBeUndefined();
        yield* TestClock.adjust(1);
        expect(yield* Fiber.join(next)).toEqual([Date.UTC(2026, 11, 3)]);
      }),
    ),
  );

  it.effect("asks again after retryUnreachable when the owner cannot be reached", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const ledger = yield* makeBudgetLedger({ ...fresh, tps: 10 });
        let down = true;
        const attempts: Array<number> = [];
        const inner = lessorOf(ledger, "r");
        const lessor: BudgetLessor = {
          ...inner,
          lease: (request) =>
            Effect.flatMap(Clock.currentTimeMillis, (at) => {
              attempts.push(at);
              return down
                ? Effect.fail(new BudgetUnavailable({ reason: "unreachable", retryAfterMs: 0, detail: "no owner" }))
                : inner.lease(request);
            }),
        };
        const pacer = yield* makeLeasedPacer(lessor, { retryUnreachable: "500 millis" });
        const fiber = yield* burst(pacer, 1, 0);
        yield* TestClock.adjust(1000);
        down = false;
        yield* TestClock.adjust(500);
        expect(yield* Fiber.join(fiber)).toEqual([1001]);
        expect(attempts).toEqual([1, 501, 1001]);
      }),
    ),
  );

  it.effect("an interrupted waiter takes nothing; closing the scope gives cooled leases back", () =>
    Effect.gen(function* () {
      const ledger = yield* makeBudgetLedger({ ...fresh, tps: 1 });
      const scope = yield* Scope.make();
      const { lessor, calls } = recording(ledger);
      const pacer = yield* Scope.provide(scope)(makeLeasedPacer(lessor, { leaseSize: 1, idleGiveBack: "1 hour", reuseSlots: false }));
      yield* pacer.pace(Effect.void);
      const waiting = yield* burst(pacer, 1, 0);
      yield* TestClock.adjust(500);
      yield* Fiber.interrupt(waiting);
      expect((yield* pacer.snapshot).inFlight).toBe(0);
      yield* TestClock.adjust(600);
      // The first lease was spent and given back after cooling; the waiter's lease call got one since.
      expect(calls.giveBacks).toHaveLength(1);
      yield* Scope.close(scope, Exit.void);
      expect(calls.giveBacks.map((g) => g.done.unused)).toEqual([0, 1]);
      expect((yield* ledger.snapshot).held).toBe(0);
    }),
  );
});

describe("makeLeasedPacer: several runners starting together", () => {
  // An owner over RPC answers at once (`grant`) and caps its busy hint, as @wattstream/cluster does: runners that
  // start before any answer told the key's TPS share one probe slot, and none is stuck once the probe's headers
  // arrive with its give-back (divided fairly among three, the probe would be 0 slots for each: a deadlock).
  it.effect("three runners asking before the TPS is known: one probes, then all send", () =>
    Effect.gen(function* () {
      const ledger = yield* makeBudgetLedger({ ...fresh });
      const overRpc = (runnerId: string): BudgetLessor => ({
        lease: (request) =>
          ledger
            .grant(runnerId, request)
            .pipe(
              Effect.mapError((e) =>
                e.reason === "busy" ? new BudgetUnavailable({ ...e, retryAfterMs: Math.min(e.retryAfterMs, 250) }) : e,
              ),
            ),
        giveBack: ledger.giveBack,
        report: ledger.adopt,
      });
      const headers = { tps: { limit: 6, remaining: 5, resetSeconds: 1 } };
      const sent = yield* Effect.forEach(["a", "b", "c"], (runner) =>
        Effect.flatMap(makeLeasedPacer(overRpc(runner), { leaseSize: 2 }), (pacer) =>
          soon(
            pacer.pace(
              Effect.flatMap(Clock.currentTimeMillis, (t) =>
                Effect.as(Effect.andThen(Effect.sleep(50), pacer.update(headers)), t),
              ),
            ),
          ),
        ),
      );
      yield* TestClock.adjust(5000);
      const times = yield* Effect.forEach(sent, Fiber.join);
      // The probe first; the other two once its answer told the owner the key's TPS — reported at once (at 51),
      // not with its slot a second later — at their next ask (250 ms after the busy answer).
      const [first, ...others] = [...times].sort((x, y) => x - y);
      expect(first).toBeLessThan(10);
      for (const t of others) expect(t).toBeGreaterThanOrEqual(51);
      expect(Math.max(...times)).toBeLessThan(300);
      expect((yield* ledger.snapshot).tpsLimit).toBe(6);
    }).pipe(Effect.scoped),
  );
});
