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

  // The model the transport relies on: random latencies (up to 2.5 s), random arrivals, random budgets (given up
  // front, or learnt from the first answer). The service counts a request at some instant between its sending
  // and its answer; whichever instant that is, no one-second window (sliding, hence also fixed) ever holds more
  // than the limit: not of sends, not of counted instants, not of answers.
  it.effect("pace: no one-second window ever sees more than the limit, whatever the latency", () =>
    Effect.gen(function* () {
      const latencyScenario = fc.record({
        limit: fc.integer({ min: 1, max: 6 }),
        known: fc.boolean(),
        requests: fc.array(
          fc.record({
            at: fc.integer({ min: 0, max: 3000 }),
            latency: fc.integer({ min: 0, max: 2500 }),
            counted: fc.double({ min: 0, max: 1, noNaN: true }),
          }),
          { minLength: 1, maxLength: 30 },
        ),
      });
      for (const { limit, known, requests } of fc.sample(latencyScenario, { numRuns: 60, seed: 20261126 })) {
        const pacer = yield* makePacer(known ? { tps: limit, safetyMargin: 0 } : { safetyMargin: 0 });
        const t0 = yield* Clock.currentTimeMillis;
        const fibers = yield* Effect.forEach(requests, ({ at, latency, counted }) =>
          Effect.forkChild(
            Effect.gen(function* () {
              yield* Effect.sleep(at);
              return yield* pacer.pace(
                Effect.gen(function* () {
                  const sent = (yield* Clock.currentTimeMillis) - t0;
                  yield* Effect.sleep(latency);
                  yield* pacer.update({ tps: { limit, remaining: limit, resetSeconds: 1 } });
                  return { at, sent, counted: sent + counted * latency, answered: sent + latency };
                }),
              );
            }),
          ),
        );
        yield* TestClock.adjust(3000 + requests.length * 3600);
        const done = yield* Effect.forEach(fibers, Fiber.join);
        const most = (times: ReadonlyArray<number>) =>
          Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
        expect(most(done.map((d) => d.sent))).toBeLessThanOrEqual(limit);
        expect(most(done.map((d) => d.counted))).toBeLessThanOrEqual(limit);
        expect(most(done.map((d) => d.answered))).toBeLessThanOrEqual(limit);
        for (const d of done) expect(d.sent).toBeGreaterThanOrEqual(d.at);
        expect((yield* pacer.snapshot).inFlight).toBe(0);
      }
    }),
  );
});
