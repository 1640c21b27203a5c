import { describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import fc from "fast-check";
import { simulate } from "./budgetSimulation.js";

// Random fleets sharing one key: runner counts, concurrency, busy or paced demand, lease sizes and prefetch points,
// RPC delays, request latencies, runners SIGKILLed mid-run, the owner dying and a new one taking over, answers that
// do or do not report the service's TpsRemaining (without it the ledger's guarantee stands alone). Whatever happens, the service never counts more
// than the key's TPS in any one-second window (sliding, hence also its fixed clock seconds), nor more than its TPD.
const scenario = fc
  .record({
    tps: fc.integer({ min: 1, max: 30 }),
    tpdSlack: fc.integer({ min: 0, max: 120 }),
    runners: fc.integer({ min: 1, max: 5 }),
    workers: fc.integer({ min: 1, max: 8 }),
    leaseSize: fc.integer({ min: 1, max: 20 }),
    rpcMs: fc.integer({ min: 0, max: 80 }),
    latencyLo: fc.integer({ min: 1, max: 1500 }),
    latencySpread: fc.integer({ min: 0, max: 2500 }),
    leaseTtlMs: fc.integer({ min: 500, max: 8000 }),
    prefetchAt: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
    think: fc.option(fc.tuple(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 500 })), { nil: undefined }),
    retryUnreachableMs: fc.integer({ min: 1, max: 1000 }),
    tpsRemaining: fc.boolean(),
    tpdHeaders: fc.boolean(),
    deaths: fc.array(fc.option(fc.integer({ min: 0, max: 12_000 }), { nil: undefined, freq: 2 }), {
      minLength: 5,
      maxLength: 5,
    }),
    ownerDiesAt: fc.option(fc.integer({ min: 0, max: 12_000 }), { nil: undefined, freq: 2 }),
    ownerStores: fc.boolean(),
    seed: fc.integer(),
  })
  .map((r) => ({
    tps: r.tps,
    // Some days end mid-run, some do not.
    tpd: r.tps + r.tpdSlack,
    runners: r.runners,
    workers: r.workers,
    leaseSize: r.leaseSize,
    rpcMs: r.rpcMs,
    latencyMs: [r.latencyLo, r.latencyLo + r.latencySpread] as const,
    maxLatencyMs: 4000,
    leaseTtlMs: r.leaseTtlMs,
    prefetchAt: r.prefetchAt,
    thinkMs: r.think === undefined ? undefined : ([r.think[0], r.think[0] + r.think[1]] as const),
    retryUnreachableMs: r.retryUnreachableMs,
    tpsRemaining: r.tpsRemaining,
    tpdHeaders: r.tpdHeaders,
    deaths: r.deaths,
    ownerDiesAt: r.ownerDiesAt,
    ownerStores: r.ownerStores,
    durationMs: 15_000,
    seed: r.seed,
  }));

describe("budget ledger + leased pacers (property)", () => {
  it.effect("no server second ever counts more than TPS, and the day never more than TPD", () =>
    Effect.gen(function* () {
      for (const s of fc.sample(scenario, { numRuns: 100, seed: 20261202 })) {
        const outcome = yield* simulate(s);
        const context = JSON.stringify(s);
        expect(outcome.maxPerSecond, context).toBeLessThanOrEqual(s.tps);
        // A new owner learns how much of the day is left from the service's TPD headers; a key whose answers
        // carry none leaves it only `tpd` to go by (documented), so the day is checked where it can be known.
        if (s.tpdHeaders || s.ownerDiesAt === undefined) {
          expect(outcome.counted.length, context).toBeLessThanOrEqual(s.tpd);
        }
      }
    }),
  );
});
