import { describe, expect, it } from "@effect/vitest";
import { Clock, Effect, Fiber } from "effect";
import { TestClock } from "effect/testing";
import fc from "fast-check";
import { makePacer } from "../src/index.js";

// Random arrival patterns against random budgets: whatever the pattern, no one-second window (sliding, hence also
// the simulator's fixed clock-second window) ever holds more than the limit, nobody is granted before arriving,
// and everybody is granted within the time the budget needs.
const scenario = fc.record({
  limit: fc.integer({ min: 1, max: 8 }),
  arrivals: fc.array(fc.record({ at: fc.integer({ min: 0, max: 3000 }), cost: fc.integer({ min: 1, max: 3 }) }), {
    minLength: 1,
    maxLength: 40,
  }),
});

describe("makePacer (property)", () => {
  it.effect("never exceeds the TPS limit in any one-second window, and grants everyone", () =>
    Effect.gen(function* () {
      for (const { limit, arrivals } of fc.sample(scenario, { numRuns: 60, seed: 20260126 })) {
        const pacer = yield* makePacer({ tps: limit, safetyMargin: 0 });
        const t0 = yield* Clock.currentTimeMillis;
        const fibers = yield* Effect.forEach(arrivals, ({ at, cost: raw }) =>
          Effect.forkChild(
            Effect.gen(function* () {
              yield* Effect.sleep(at);
              const cost = Math.min(raw, limit);
              yield* pacer.take(cost);
              return { at, cost, grantedAt: (yield* Clock.currentTimeMillis) - t0 };
            }),
          ),
        );
        const totalCost = arrivals.reduce((n, a) => n + Math.min(a.cost, limit), 0);
        const bound = 3000 + Math.ceil(totalCost / limit) * 1000;
        yield* TestClock.adjust(bound);
        const grants = yield* Effect.forEach(fibers, Fiber.join);
        for (const g of grants) {
          expect(g.grantedAt).toBeGreaterThanOrEqual(g.at);
          const inWindow = grants
            .filter((h) => h.grantedAt > g.grantedAt - 1000 && h.grantedAt <= g.grantedAt)
            .reduce((n, h) => n + h.cost, 0);
          expect(inWindow).toBeLessThanOrEqual(limit);
        }
        expect(Math.max(...grants.map((g) => g.grantedAt))).toBeLessThanOrEqual(bound);
      }
    }),
  );
});
