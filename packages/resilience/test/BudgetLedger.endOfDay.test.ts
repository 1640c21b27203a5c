import { describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import { simulate } from "./budgetSimulation.js";

// The end of the day's budget, in virtual time: three runners with paced demand (each holds a lease of up to 10
// slots while it uses a few a second), workers that wait for the day's reset when told the day is spent, as rx's
// streams do. The last grants leave slots in some runners' hands; those come back with their leases, and the
// runners refused meanwhile must get them rather than sleep until midnight.
const endOfDay = (tpd: number, seed: number, tpdHeaders: boolean) =>
  simulate({
    tps: 10,
    tpd,
    runners: 3,
    workers: 1,
    leaseSize: 10,
    rpcMs: 2,
    latencyMs: [20, 60],
    thinkMs: [150, 450],
    maxLatencyMs: 500,
    leaseTtlMs: 3000,
    waitForReset: true,
    tpdHeaders,
    durationMs: 180_000,
    seed,
  });

describe("the end of the day's budget", () => {
  it.effect("on the owner's own count, every request of the day is spent and not one more", () =>
    Effect.gen(function* () {
      for (let k = 0; k < 10; k++) {
        const tpd = 200 + k * 7;
        const outcome = yield* endOfDay(tpd, k, false);
        expect(outcome.counted.length, `seed ${k}`).toBe(tpd);
        expect(outcome.maxPerSecond, `seed ${k}`).toBeLessThanOrEqual(10);
      }
    }),
  );

  it.effect("with the service's TPD headers, the day is spent to within one TPS (slots out count as spent), never over", () =>
    Effect.gen(function* () {
      for (let k = 0; k < 10; k++) {
        const tpd = 200 + k * 7;
        const outcome = yield* endOfDay(tpd, k, true);
        expect(outcome.counted.length, `seed ${k}`).toBeLessThanOrEqual(tpd);
        expect(outcome.counted.length, `seed ${k}`).toBeGreaterThanOrEqual(tpd - 10);
        expect(outcome.maxPerSecond, `seed ${k}`).toBeLessThanOrEqual(10);
      }
    }),
  );
});
