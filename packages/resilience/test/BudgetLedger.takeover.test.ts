import { describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import { simulate } from "./budgetSimulation.js";

// The owner dies while every slot is out and runners keep asking (paced demand above the budget, leases of 2, a
// new owner asked at once). The new owner cannot know the old leases: without its pause the old leases' requests
// and the new ones share server seconds (17 in one second against a TPS of 10, measured with the pause removed).
describe("owner failover", () => {
  it.effect("a new owner waits out the old owner's leases: no second over TPS across the failover", () =>
    Effect.gen(function* () {
      for (let k = 0; k < 12; k++) {
        const ownerDiesAt = 3000 + k * 137;
        const outcome = yield* simulate({
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
          durationMs: 16_000,
          seed: k,
        });
        expect(outcome.maxPerSecond).toBeLessThanOrEqual(10);
        // Nothing is counted during the pause (one lease lifetime, 4 + 0.5 + 1.05 s, after the old owner's last
        // grant), and the fleet is back at work after it.
        const lifetime = 4000 + 500 + 1050;
        const pause = outcome.counted.filter((t) => t > ownerDiesAt + 500 && t < ownerDiesAt + lifetime);
        expect(pause).toEqual([]);
        expect(outcome.counted.filter((t) => t >= ownerDiesAt + lifetime).length).toBeGreaterThan(25);
        const snapshot = yield* outcome.ledger.snapshot;
        expect(snapshot.probing).toBe(false);
        expect(snapshot.takeoverUntil - outcome.startedAt).toBe(ownerDiesAt + lifetime);
      }
    }),
  );
});
