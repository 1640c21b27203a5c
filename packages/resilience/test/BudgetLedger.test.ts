import { describe, expect, it } from "@effect/vitest";
import { Effect, Fiber } from "effect";
import { TestClock } from "effect/testing";
import { makeBudgetLedger } from "../src/index.js";
import type { BudgetLedger, BudgetUnavailable } from "../src/index.js";

const fresh = { takeover: false, leaseTtl: 10_000, maxLatency: 2000 } as const;
// A lease not given back is reclaimed after ttl + maxLatency + 1 s + the default 50 ms margin.
const LIFETIME = 10_000 + 2000 + 1050;

const failure = (ledger: BudgetLedger, wanted = 1) => Effect.flip(ledger.grant("r", { wanted }));

describe("makeBudgetLedger: TPS", () => {
  it.effect("grants up to leaseSize and never more than the budget in all; a give-back frees the slots", () =>
    Effect.gen(function* () {
      const ledger = yield* makeBudgetLedger({ ...fresh, tps: 5, leaseSize: 2 });
      const a = yield* ledger.grant("a", { wanted: 10 });
      const b = yield* ledger.grant("b", { wanted: 10 });
      const c = yield* ledger.grant("c", { wanted: 10 });
      expect([a.slots, b.slots, c.slots]).toEqual([2, 2, 1]);
      expect(a).toMatchObject({ ttlMs: 10_000, maxLatencyMs: 2000 });
      const busy = yield* failure(ledger);
      expect(busy.reason).toBe("busy");
      // Only a give-back or the first lease's expiry can free a slot: the hint is that expiry.
      expect(busy.retryAfterMs).toBe(LIFETIME);
      yield* ledger.giveBack({ leaseId: b.id, unused: 0 });
      expect((yield* ledger.grant("d", { wanted: 10 })).slots).toBe(2);
      const snapshot = yield* ledger.snapshot;
      expect(snapshot).toMatchObject({ held: 5, leases: 3, granted: 4, returned: 1, reclaimed: 0 });
      expect(snapshot.runners).toEqual([
        { runnerId: "a", leases: 1, slots: 2 },
        { runnerId: "c", leases: 1, slots: 1 },
        { runnerId: "d", leases: 1, slots: 2 },
      ]);
    }),
  );

  it.effect("a part given back frees those slots at once, keeps the rest out and the day spent; unknown ids are ignored", () =>
    Effect.gen(function* () {
      const ledger = yield* makeBudgetLedger({ ...fresh, tps: 5, tpd: 100, leaseSize: 5 });
      const a = yield* ledger.grant("a", { wanted: 5 });
      const waiting = yield* Effect.forkChild(ledger.acquire("b", { wanted: 5 }));
      yield* ledger.giveBackPart({ leaseId: a.id, slots: 2 });
      // The waiting caller is woken and gets exactly the two freed slots.
      expect((yield* Fiber.join(waiting)).slots).toBe(2);
      expect(yield* ledger.snapshot).toMatchObject({ held: 5, leases: 2, tpdRemaining: 93 });
      // More than the lease still holds frees only what it holds; an unknown lease frees nothing.
      yield* ledger.giveBackPart({ leaseId: a.id, slots: 9 });
      yield* ledger.giveBackPart({ leaseId: "unknown", slots: 3 });
      expect(yield* ledger.snapshot).toMatchObject({ held: 2, leases: 2 });
      // Ending a lease with nothing left in it counts no unused slot back to the day.
      yield* ledger.giveBack({ leaseId: a.id, unused: 3 });
      expect(yield* ledger.snapshot).toMatchObject({ held: 2, leases: 1, tpdRemaining: 93, returned: 1 });
    }),
  );

  it.effect("reclaims a lease nobody gave back exactly one lease lifetime after its grant, not before", () =>
    Effect.gen(function* () {
      const ledger = yield* makeBudgetLedger({ ...fresh, tps: 3 });
      yield* ledger.grant("dead", { wanted: 3 });
      yield* TestClock.adjust(LIFETIME - 1);
      expect((yield* failure(ledger)).reason).toBe("busy");
      yield* TestClock.adjust(1);
      expect((yield* ledger.grant("alive", { wanted: 3 })).slots).toBe(3);
      expect((yield* ledger.snapshot).reclaimed).toBe(1);
      // A late give-back of the reclaimed lease changes nothing.
      yield* ledger.giveBack({ leaseId: "unknown", unused: 3 });
      expect((yield* ledger.snapshot).held).toBe(3);
    }),
  );

  it.effect("acquire waits its turn and is woken by a give-back", () =>
    Effect.gen(function* () {
      const ledger = yield* makeBudgetLedger({ ...fresh, tps: 2 });
      const first = yield* ledger.acquire("a", { wanted: 2 });
      const waiting = yield* Effect.forkChild(ledger.acquire("b", { wanted: 2 }));
      const second = yield* Effect.forkChild(ledger.acquire("c", { wanted: 1 }));
      yield* TestClock.adjust(500);
      expect(waiting.pollUnsafe()).toBeUndefined();
      yield* ledger.giveBack({ leaseId: first.id, unused: 2 });
      yield* TestClock.adjust(1);
      // First come, first served: b gets both slots, c waits on.
      expect((yield* Fiber.join(waiting)).slots).toBe(2);
      expect(second.pollUnsafe()).toBeUndefined();
      yield* Fiber.interrupt(second);
    }),
  );

  it.effect("a 429 reported by any runner blocks every grant until its Retry-After", () =>
    Effect.gen(function* () {
      const ledger = yield* makeBudgetLedger({ ...fresh, tps: 10 });
      yield* ledger.adopt({ _tag: "TooManyRequests", scope: "tps", retryAfterMs: 3000 });
      const blocked = yield* failure(ledger);
      expect(blocked).toMatchObject({ reason: "busy", retryAfterMs: 3000 });
      expect(blocked.detail).toContain("429");
      yield* TestClock.adjust(3000);
      expect((yield* ledger.grant("r", { wanted: 1 })).slots).toBe(1);
      // Headers saying the second is used up block too, for their reset.
      yield* ledger.adopt({ _tag: "RateLimitHeaders", rateLimit: { tps: { limit: 10, remaining: 0, resetSeconds: 0.4 } } });
      expect((yield* failure(ledger)).retryAfterMs).toBe(400);
    }),
  );

  it.effect("follows the TPS limit the runners report, and probes with one slot while none is known", () =>
    Effect.gen(function* () {
      const ledger = yield* makeBudgetLedger({ ...fresh });
      expect((yield* ledger.grant("r", { wanted: 5 })).slots).toBe(1);
      expect((yield* failure(ledger)).reason).toBe("busy");
      // The headers ride on the next call.
      const lease = yield* ledger.grant("r", {
        wanted: 10,
        rateLimit: { tps: { limit: 4, remaining: 3, resetSeconds: 1 } },
      });
      expect(lease.slots).toBe(3);
      expect((yield* ledger.snapshot).probing).toBe(false);
    }),
  );
});

describe("makeBudgetLedger: TPD", () => {
  it.effect("takes each grant from the day, gives unused slots back, and says when the day is spent", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.UTC(2026, 11, 2, 23, 0, 0));
      // Leases that outlive the hour to midnight.
      const ledger = yield* makeBudgetLedger({ ...fresh, tps: 100, tpd: 12, leaseSize: 10, leaseTtl: "2 hours" });
      const a = yield* ledger.grant("a", { wanted: 10 });
      const b = yield* ledger.grant("b", { wanted: 10 });
      expect(b.slots).toBe(2); // what is left of the day
      // Not "spent" while leases are out: their unused slots may come back to the day.
      expect((yield* failure(ledger)).reason).toBe("busy");
      yield* ledger.giveBack({ leaseId: a.id, unused: 4 });
      expect((yield* ledger.snapshot).tpdRemaining).toBe(4);
      const c = yield* ledger.grant("c", { wanted: 10 });
      expect(c.slots).toBe(4);
      yield* ledger.giveBack({ leaseId: c.id, unused: 0 });
      expect((yield* failure(ledger)).reason).toBe("busy");
      // At midnight the day refills, less the slots still out (they may be spent in the new day).
      yield* TestClock.adjust(3_600_000);
      expect((yield* ledger.snapshot).tpdRemaining).toBe(12 - 2);
      yield* ledger.giveBack({ leaseId: b.id, unused: 2 });
      expect((yield* ledger.snapshot).tpdRemaining).toBe(12);
      // Every slot of the day used and every lease back: spent until the next midnight.
      const d = yield* ledger.grant("a", { wanted: 10 });
      const e = yield* ledger.grant("b", { wanted: 10 });
      yield* ledger.giveBack({ leaseId: d.id, unused: 0 });
      yield* ledger.giveBack({ leaseId: e.id, unused: 0 });
      const spent: BudgetUnavailable = yield* failure(ledger);
      expect(spent.reason).toBe("spent");
      expect(spent.retryAfterMs).toBe(86_400_000); // to the next 00:00 UTC
    }),
  );

  it.effect("a TPD 429 spends the day until the reset it carries", () =>
    Effect.gen(function* () {
      const ledger = yield* makeBudgetLedger({ ...fresh, tps: 10, tpd: 1000 });
      yield* ledger.adopt({ _tag: "TooManyRequests", scope: "tpd", retryAfterMs: 60_000 });
      expect(yield* failure(ledger)).toMatchObject({ reason: "spent", retryAfterMs: 60_000 });
      yield* TestClock.adjust(60_000);
      expect((yield* ledger.snapshot).tpdRemaining).toBe(1000);
    }),
  );

  it.effect("reports only ever lower the day's count (late headers cannot undo later grants); a larger limit adds its growth", () =>
    Effect.gen(function* () {
      const ledger = yield* makeBudgetLedger({ ...fresh, tps: 10, tpd: 1000, leaseSize: 5 });
      yield* ledger.grant("a", { wanted: 5 });
      const day = (remaining: number, limit = 1000, resetSeconds = 3600) => ({
        _tag: "RateLimitHeaders" as const,
        rateLimit: { tpd: { limit, remaining, resetSeconds } },
      });
      // The service's 900 less the 5 slots still out.
      yield* ledger.adopt(day(900));
      expect((yield* ledger.snapshot).tpdRemaining).toBe(895);
      yield* ledger.adopt(day(990)); // an older answer, forwarded late
      expect((yield* ledger.snapshot).tpdRemaining).toBe(895);
      yield* ledger.adopt(day(890, 1100)); // devices were added to the key
      expect((yield* ledger.snapshot)).toMatchObject({ tpdLimit: 1100, tpdRemaining: 885 });
      // After midnight, a report from before it (forwarded late: its reset lies at the rollover) is ignored.
      yield* TestClock.adjust(86_400_000);
      const afterReset = (yield* ledger.snapshot).tpdRemaining;
      expect(afterReset).toBe(1100);
      yield* ledger.adopt({ _tag: "RateLimitHeaders", rateLimit: { tpd: { limit: 1100, remaining: 3, resetSeconds: 5 } } });
      expect((yield* ledger.snapshot).tpdRemaining).toBe(1100);
      yield* ledger.adopt(day(1000, 1100, 86_000));
      expect((yield* ledger.snapshot).tpdRemaining).toBe(1000);
    }),
  );
});

describe("makeBudgetLedger: a new owner", () => {
  it.effect("grants nothing for one lease lifetime, then one slot until a runner reports the day, then all", () =>
    Effect.gen(function* () {
      const ledger = yield* makeBudgetLedger({ tps: 10, tpd: 1000, leaseTtl: 10_000, maxLatency: 2000 });
      expect(yield* failure(ledger)).toMatchObject({ reason: "busy", retryAfterMs: LIFETIME });
      yield* TestClock.adjust(LIFETIME);
      const probe = yield* ledger.grant("r", { wanted: 10 });
      expect(probe.slots).toBe(1);
      expect((yield* failure(ledger)).reason).toBe("busy");
      // The probe's answer: the service says 400 are left today (the old owner spent the rest).
      yield* ledger.giveBack({
        leaseId: probe.id,
        unused: 0,
        rateLimit: { tpd: { limit: 1000, remaining: 400, resetSeconds: 3600 } },
      });
      const snapshot = yield* ledger.snapshot;
      expect(snapshot).toMatchObject({ probing: false, tpdRemaining: 400 });
      expect((yield* ledger.grant("r", { wanted: 10 })).slots).toBe(10);
    }),
  );

  it.effect("with what a previous owner stored: pauses only until its leases are reclaimable, knows the day at once", () =>
    Effect.gen(function* () {
      yield* TestClock.adjust(1_000_000);
      // The previous owner granted its last lease 5 s ago and stored 300 left today.
      const ledger = yield* makeBudgetLedger({
        tps: 10,
        tpd: 1000,
        leaseTtl: 10_000,
        maxLatency: 2000,
        previous: { lastGrantAt: 1_000_000 - 5000, tpdRemaining: 300 },
      });
      expect(yield* failure(ledger)).toMatchObject({ reason: "busy", retryAfterMs: LIFETIME - 5000 });
      yield* TestClock.adjust(LIFETIME - 5000);
      // No single-slot probe: the day is known, the TPS too.
      expect((yield* ledger.grant("r", { wanted: 10 })).slots).toBe(10);
      expect(yield* ledger.snapshot).toMatchObject({ probing: false, tpdRemaining: 290, tpdLimit: 1000 });
    }),
  );

  it.effect("a previous owner's last grant long ago means no pause; its day count from another day is ignored", () =>
    Effect.gen(function* () {
      yield* TestClock.adjust(2 * 86_400_000 + 3_600_000);
      const ledger = yield* makeBudgetLedger({
        tps: 10,
        tpd: 1000,
        leaseTtl: 10_000,
        maxLatency: 2000,
        previous: { lastGrantAt: 86_400_000 + 3_600_000, tpdRemaining: 0 },
      });
      const probe = yield* ledger.grant("r", { wanted: 10 });
      // Yesterday's "nothing left" does not spend today: the day is probed as after any takeover.
      expect(probe.slots).toBe(1);
      expect((yield* ledger.snapshot).probing).toBe(true);
      expect((yield* ledger.snapshot).takeoverUntil).toBeLessThanOrEqual(2 * 86_400_000 + 3_600_000);
    }),
  );
});
