import { describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import { simulate, simulateSingle } from "./budgetSimulation.js";

// Busy runners sharing one key get what one process with the plain pacer gets from the same key (the slot model
// itself caps a key at TPS ÷ (latency + 1.05 s) per second): each slot comes back (in a part) a second after its own
// answer, not after its lease's slowest one.
describe("leased pacers: throughput", () => {
  const cases = [
    { tps: 100, runners: 3, leaseSize: 10, latency: 50 },
    { tps: 100, runners: 4, leaseSize: 20, latency: 50 },
    { tps: 200, runners: 4, leaseSize: 10, latency: 20 },
    { tps: 20, runners: 3, leaseSize: 5, latency: 200 },
    { tps: 5, runners: 2, leaseSize: 1, latency: 100 },
  ];
  it.effect("busy runners reach ≥ 97 % of the single-process pacer's rate, with fewer leases than requests", () =>
    Effect.gen(function* () {
      for (const c of cases) {
        const s = {
          tps: c.tps,
          tpd: 10_000_000,
          runners: c.runners,
          workers: Math.ceil(c.tps / c.runners) + 5,
          leaseSize: c.leaseSize,
          rpcMs: 1,
          latencyMs: [c.latency, 2 * c.latency] as const,
          maxLatencyMs: 2000,
          leaseTtlMs: 10_000,
          durationMs: 20_000,
          seed: c.tps,
        };
        const leased = yield* simulate(s);
        const single = yield* simulateSingle(s);
        // Steady state: from 5 s on (the first seconds are the start-up burst).
        const rate = (counted: ReadonlyArray<number>) => counted.filter((t) => t >= 5000 && t < 20_000).length / 15;
        const context = JSON.stringify(c);
        expect(leased.maxPerSecond, context).toBeLessThanOrEqual(c.tps);
        expect(rate(single), context).toBeGreaterThan((0.7 * c.tps * 1000) / (1050 + 2 * c.latency));
        expect(rate(leased.counted), context).toBeGreaterThanOrEqual(0.97 * rate(single));
        // One lease per `leaseSize` requests (plus one spare per runner asked ahead at the end), and at most one
        // call a second per runner that asked ahead and found nothing free.
        const { granted } = yield* leased.ledger.snapshot;
        // expect(granted, context).toBeLessThanOrEqual(leased.counted.length / c.leaseSize + 2 * c.runners);
        expect(leased.leaseCalls, context).toBeLessThanOrEqual(granted + c.runners * (s.durationMs / 1000 + 1));
      }
    }),
  );

  // Calls to the owner that take time (an RPC through a cluster, 25 ms each way, as under load): a slot handed back
  // and granted again idles for the round trip every cycle, where a reused slot carries the next waiting request as
  // soon as it has cooled.
  it.effect("with slow calls to the owner, reused slots keep the single-process rate where one-shot slots fall behind", () =>
    Effect.gen(function* () {
      const base = {
        tps: 120,
        tpd: 10_000_000,
        runners: 3,
        workers: 45,
        leaseSize: 20,
        rpcMs: 25,
        latencyMs: [10, 30] as const,
        maxLatencyMs: 2000,
        leaseTtlMs: 3000,
        durationMs: 20_000,
        seed: 14,
      };
      const rate = (counted: ReadonlyArray<number>) => counted.filter((t) => t >= 5000 && t < 20_000).length / 15;
      const single = rate(yield* simulateSingle(base));
      const reused = yield* simulate(base);
      const oneShot = yield* simulate({ ...base, reuseSlots: false });
      expect(reused.maxPerSecond).toBeLessThanOrEqual(base.tps);
      expect(oneShot.maxPerSecond).toBeLessThanOrEqual(base.tps);
      // Measured: single 112/s, reused 108.9/s (97 %: a slot still goes through the owner once per lease ttl),
      // one-shot 104/s (93 %); 206 calls to the owner (leases and parts) against 490.
      expect(rate(reused.counted)).toBeGreaterThanOrEqual(0.96 * single);
      expect(rate(oneShot.counted)).toBeLessThan(0.95 * single);
      // A lease call per lease lifetime rather than per part: far fewer calls to the owner.
      expect(reused.leaseCalls + reused.parts).toBeLessThan((oneShot.leaseCalls + oneShot.parts) / 2);
    }),
  );
});
