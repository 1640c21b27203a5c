import { describe, expect, it } from "@effect/vitest";
import { Clock, Effect } from "effect";
import { TestClock } from "effect/testing";
import { makeBudgetLedger } from "../src/index.js";
import { simulate } from "./budgetSimulation.js";

// The owner dies while every slot is out and runners keep asking (paced demand above the budget, leases of 2, a
// new owner asked at once). The new owner cannot know the old leases: without its pause the old leases' requests
// and the new ones share server seconds (17 in one second against a TPS of 10, measured with the pause removed).
/** Five paced runners, leases of 2, the owner dying at `ownerDiesAt`; `ownerStores`: the new owner starts from its books. */
const failover = (ownerDiesAt: number, seed: number, ownerStores: boolean) =>
  simulate({
    tps: 10,
    tpd: 1_000_000,
    runners: 5,
    workers: 1,
    leaseSize: 2,
    prefetchAt: 2,
    rpcMs: 2,
    latencyMs: [20, 50],
    thinkMs: [250, 350],
    maxLatencyMs: 500,
    leaseTtlMs: 4000,
    retryUnreachableMs: 1,
    ownerDiesAt,
    ownerStores,
    durationMs: 16_000,
    seed,
  });

describe("owner failover", () => {
  it.effect("a new owner waits out the old owner's leases: no second over TPS across the failover", () =>
    Effect.gen(function* () {
      for (let k = 0; k < 12; k++) {
        const ownerDiesAt = 3000 + k * 137;
        const outcome = yield* failover(ownerDiesAt, k, false);
        expect(outcome.maxPerSecond).toBeLessThanOrEqual(10);
        // The runners send on the old owner's leases (reusing their slots) until those expire (4 s after asking,
        // counted within 0.5 s); then nothing is counted until the new owner's pause ends (one lease lifetime,
        // 4 + 0.5 + 1.05 s, after the old owner's last grant), and the fleet is back at work after it.
        const lifetime = 4000 + 500 + 1050;
        const pause = outcome.counted.filter((t) => t > ownerDiesAt + 4000 + 500 && t < ownerDiesAt + lifetime);
        expect(pause).toEqual([]);
        expect(outcome.counted.filter((t) => t >= ownerDiesAt + lifetime).length).toBeGreaterThan(25);
        const snapshot = yield* outcome.ledger.snapshot;
        expect(snapshot.probing).toBe(false);
        expect(snapshot.takeoverUntil - outcome.startedAt).toBe(ownerDiesAt + lifetime);
      }
    }),
  );

  it.effect("a new owner that starts from the stored open leases grants at once, and still no second over TPS", () =>
    Effect.gen(function* () {
      for (let k = 0; k < 12; k++) {
        const ownerDiesAt = 3000 + k * 137;
        const outcome = yield* failover(ownerDiesAt, k, true);
        expect(outcome.maxPerSecond).toBeLessThanOrEqual(10);
        // No pause: the fleet keeps being served through the failover (about its usual rate in the lifetime
        // after the death, where the pausing owner serves nothing).
        const lifetime = 4000 + 500 + 1050;
        const during = outcome.counted.filter((t) => t > ownerDiesAt + 500 && t < ownerDiesAt + lifetime);
        expect(during.length).toBeGreaterThan(20);
        const snapshot = yield* outcome.ledger.snapshot;
        expect(snapshot.takeoverUntil).toBe(0);
        expect(snapshot.probing).toBe(false);
      }
    }),
  );

  it.effect("adopted leases are held until given back (by id) or reclaimed at their own time; the rest is granted at once", () =>
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis;
      const ledger = yield* makeBudgetLedger({
        tps: 10,
        tpd: 1000,
        leaseSize: 10,
        leaseTtl: 3000,
        maxLatency: 2000,
        previous: {
          lastGrantAt: now,
          tpdRemaining: 500,
          outstanding: [
            { id: "old-1", runnerId: "a", slots: 4, reclaimAt: now + 2000 },
            { id: "old-2", runnerId: "b", slots: 3, reclaimAt: now + 5000 },
            { id: "old-3", runnerId: "c", slots: 5, reclaimAt: now - 1 },
          ],
        },
      });
      const first = yield* ledger.grant("c", { wanted: 10 });
      expect(first.slots).toBe(3);
      expect((yield* Effect.flip(ledger.grant("c", { wanted: 1 }))).reason).toBe("busy");
      // A runner gives an old lease back to the new owner: its slots are free, its unused ones back to the day.
      yield* ledger.giveBack({ leaseId: "old-2", unused: 1 });
      expect((yield* ledger.grant("b", { wanted: 10 })).slots).toBe(3);
      yield* TestClock.adjust(2000);
      // old-1 reclaimed at its stored time.
      expect((yield* ledger.grant("a", { wanted: 10 })).slots).toBe(4);
      const books = yield* ledger.snapshot;
      expect(books.tpdRemaining).toBe(500 - 3 + 1 - 3 - 4);
      expect(books.openLeases.map((l) => l.runnerId)).toEqual(["c", "b", "a"]);
    }),
  );
});
