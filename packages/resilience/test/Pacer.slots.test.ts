// The TPS model: a slot per unit of budget, taken before a request is sent and held until a second after its
// answer. These tests drive `pace` with requests of chosen latency in virtual time and read when each was sent.
import { describe, expect, it } from "@effect/vitest";
import { Clock, Effect, Exit, Fiber } from "effect";
import type { Duration } from "effect";
import { TestClock } from "effect/testing";
import { makePacer, RateLimited, ServerError } from "../src/index.js";
import type { Pacer, PacerOptions, RateLimitState } from "../src/index.js";

const get = { operation: "getDevice", method: "GET", path: "/devices/D123456789012" } as const;
const budget = (limit: number): RateLimitState => ({ tps: { limit, remaining: limit, resetSeconds: 0.5 } });

interface Req {
  /** How long the request spends between being sent and its answer. */
  readonly latency: number;
  /** What its answer reports (passed to `update`); `null` = an answer without rate-limit headers. */
  readonly reports?: RateLimitState | null;
  readonly fails?: boolean;
}

/** Sends every request through `pace` at once (in order) and returns when each was sent, in that order. */
const sendTimes = (pacer: Pacer, requests: ReadonlyArray<Req>, advance: Duration.Input = "20 seconds") =>
  Effect.gen(function* () {
    const sent: Array<number> = requests.map(() => -1);
    const fiber = yield* Effect.forkChild(
      Effect.forEach(
        requests,
        (r, i) =>
          Effect.exit(
            pacer.pace(
              Effect.gen(function* () {
                sent[i] = yield* Clock.currentTimeMillis;
                yield* Effect.sleep(r.latency);
                if (r.reports !== undefined) yield* pacer.update(r.reports ?? undefined);
                if (r.fails === true) return yield* new ServerError({ ...get, status: 500 });
              }),
              get,
            ),
          ),
        { concurrency: "unbounded" },
      ),
    );
    yield* TestClock.adjust(advance);
    yield* Fiber.join(fiber);
    return sent;
  });

const paced = (options: PacerOptions, requests: ReadonlyArray<Req>) =>
  Effect.flatMap(makePacer({ safetyMargin: 0, ...options }), (pacer) => sendTimes(pacer, requests));

describe("makePacer: slots held until a second after the answer", () => {
  it.effect("a slow request keeps its slot until a second after it is answered, while fast ones cycle the rest", () =>
    Effect.gen(function* () {
      const sent = yield* paced({ tps: 2 }, [{ latency: 3000 }, { latency: 100 }, { latency: 100 }, { latency: 100 }]);
      // Slot A: the slow request, held until 4000. Slot B: 0 → answered 100 → free 1100 → … → free 2200.
      expect(sent).toEqual([0, 0, 1100, 2200]);
    }),
  );

  it.effect("sends one request until the first answer reports the budget, then up to that many", () =>
    Effect.gen(function* () {
      const sent = yield* paced({}, Array.from({ length: 5 }, () => ({ latency: 100, reports: budget(2) })));
      // The probe (0, answered 100) holds its slot until 1100; the budget of 2 leaves one free at 100.
      expect(sent).toEqual([0, 100, 1100, 1200, 2200]);
    }),
  );

  it.effect("an answer that reports no TPS budget ends the probe: nothing is paced per second after it", () =>
    Effect.gen(function* () {
      const sent = yield* paced({}, Array.from({ length: 5 }, () => ({ latency: 100, reports: null })));
      expect(sent).toEqual([0, 100, 100, 100, 100]);
    }),
  );

  it.effect("a failure without headers does not end the probe", () =>
    Effect.gen(function* () {
      const sent = yield* paced({}, [{ latency: 100, fails: true }, { latency: 100, reports: budget(5) }, { latency: 100 }]);
      expect(sent).toEqual([0, 1100, 1200]);
    }),
  );

  it.effect("shrinks to a lower reported budget: slots already held count against it", () =>
    Effect.gen(function* () {
      const sent = yield* paced(
        { tps: 4 },
        Array.from({ length: 8 }, () => ({ latency: 500, reports: budget(2) })),
      );
      // Four sent at 0 and answered at 500 hold four slots until 1500; from then on two at a time.
      expect(sent).toEqual([0, 0, 0, 0, 1500, 1500, 3000, 3000]);
    }),
  );

  it.effect("grows to a higher reported budget at once, waking a request that is already waiting", () =>
    Effect.gen(function* () {
      const sent = yield* paced({ tps: 1 }, Array.from({ length: 3 }, () => ({ latency: 100, reports: budget(3) })));
      expect(sent).toEqual([0, 100, 100]);
    }),
  );

  it.effect("an interrupted request gives its slot back a second after the interruption", () =>
    Effect.gen(function* () {
      const pacer = yield* makePacer({ tps: 1, safetyMargin: 0 });
      const hung = yield* Effect.forkChild(pacer.pace(Effect.never));
      const waiting = yield* Effect.forkChild(Effect.andThen(pacer.pace(Effect.void), Clock.currentTimeMillis));
      yield* TestClock.adjust("300 millis");
      expect((yield* pacer.snapshot).inFlight).toBe(1);
      yield* Fiber.interrupt(hung);
      expect((yield* pacer.snapshot).inFlight).toBe(0);
      yield* TestClock.adjust("999 millis");
      expect(waiting.pollUnsafe()).toBeUndefined();
      yield* TestClock.adjust("1 millis");
      expect(yield* Fiber.join(waiting)).toBe(1300);
    }),
  );

  it.effect("a request interrupted while waiting for a slot takes none", () =>
    Effect.gen(function* () {
      const pacer = yield* makePacer({ tps: 1, safetyMargin: 0 });
      const first = yield* Effect.forkChild(pacer.pace(Effect.sleep("100 millis")));
      const gaveUp = yield* Effect.forkChild(pacer.pace(Effect.void));
      const next = yield* Effect.forkChild(Effect.andThen(pacer.pace(Effect.void), Clock.currentTimeMillis));
      yield* TestClock.adjust("50 millis");
      yield* Fiber.interrupt(gaveUp);
      yield* TestClock.adjust("2 seconds");
      yield* Fiber.join(first);
      expect(yield* Fiber.join(next)).toBe(1100);
      const after = yield* pacer.snapshot;
      expect(after.inFlight).toBe(0);
    }),
  );

  it.effect("the daily budget is still enforced: a spent day refuses the request without running it", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.UTC(2026, 5, 1, 18, 0, 0));
      const pacer = yield* makePacer({ tps: 10, tpd: 2, safetyMargin: 0 });
      let ran = 0;
      const request = Effect.sync(() => void ran++);
      yield* pacer.pace(request, get);
      yield* pacer.pace(request, get);
      const exit = yield* Effect.exit(pacer.pace(request, get));
      expect(ran).toBe(2);
      if (!Exit.isFailure(exit)) throw new Error("expected the third request to be refused");
      const reason = exit.cause.reasons[0];
      const error = reason?._tag === "Fail" ? reason.error : undefined;
      expect(error).toBeInstanceOf(RateLimited);
      expect(error?.scope).toBe("tpd");
      expect(error?.resetAt).toBe(Date.UTC(2026, 5, 2) / 1000);
      // …and the headers' count wins over the pacer's own.
      yield* pacer.update({ tpd: { limit: 10, remaining: 5, resetSeconds: 60 } });
      yield* pacer.pace(request, get);
      expect(ran).toBe(3);
      expect((yield* pacer.snapshot).tpdRemaining).toBe(4);
    }),
  );
});

describe("makePacer: maxInFlight", () => {
  it.effect("sends at most maxInFlight at once; each answer lets the next waiting request go, in arrival order", () =>
    Effect.gen(function* () {
      // TPS allows all six at once: the cap alone holds four back until answers come.
      const sent = yield* paced({ tps: 100, maxInFlight: 2 }, [
        { latency: 300 },
        { latency: 100 },
        { latency: 100 },
        { latency: 100 },
        { latency: 100 },
        { latency: 100 },
      ]);
      // Two out at 0; the fast one's answer (100) sends the third, its answer (200) the fourth; the slow one's
      // (300) and the fourth's (300) the last two.
      expect(sent).toEqual([0, 0, 100, 200, 300, 300]);
    }),
  );

  it.effect("a request waiting for the cap holds no TPS slot, and the TPS budget still applies once under the cap", () =>
    Effect.gen(function* () {
      const pacer = yield* makePacer({ tps: 2, maxInFlight: 1, safetyMargin: 0 });
      const sent = yield* sendTimes(pacer, [{ latency: 400 }, { latency: 100 }, { latency: 100 }]);
      // One at a time: 0 (answered 400), 400 (answered 500), then the TPS budget of 2: both slots are held until a
      // second after their answers (1400, 1500), so the third goes at 1400, not at 500.
      expect(sent).toEqual([0, 400, 1400]);
      const snapshot = yield* pacer.snapshot;
      expect(snapshot.inFlight).toBe(0);
    }),
  );

  it.effect("an interrupted request under the cap gives its place to the next at once", () =>
    Effect.gen(function* () {
      const pacer = yield* makePacer({ tps: 100, maxInFlight: 1, safetyMargin: 0 });
      const hung = yield* Effect.forkChild(pacer.pace(Effect.never));
      const waiting = yield* Effect.forkChild(Effect.andThen(pacer.pace(Effect.void), Clock.currentTimeMillis));
      yield* TestClock.adjust("300 millis");
      expect(waiting.pollUnsafe()).toBeUndefined();
      yield* Fiber.interrupt(hung);
      yield* TestClock.adjust("0 millis");
      expect(yield* Fiber.join(waiting)).toBe(300);
    }),
  );

  it.effect("bare takes are not counted: only paced requests are in flight", () =>
    Effect.gen(function* () {
      const pacer = yield* makePacer({ tps: 100, maxInFlight: 1, safetyMargin: 0 });
      const hung = yield* Effect.forkChild(pacer.pace(Effect.never));
      yield* TestClock.adjust("10 millis");
      const took = yield* Effect.forkChild(Effect.andThen(pacer.take(), Clock.currentTimeMillis));
      yield* TestClock.adjust("0 millis");
      expect(yield* Fiber.join(took)).toBe(10);
      yield* Fiber.interrupt(hung);
    }),
  );

  it.effect("a fractional maxInFlight rounds up (never a cap of 0, which would wait for ever)", () =>
    Effect.gen(function* () {
      const sent = yield* paced({ tps: 100, maxInFlight: 0.5 }, [{ latency: 100 }, { latency: 100 }]);
      expect(sent).toEqual([0, 100]);
    }),
  );

  it.effect.each([0, -1, Number.NaN, Infinity])("maxInFlight %s means no limit", (maxInFlight) =>
    Effect.gen(function* () {
      const sent = yield* paced({ tps: 100, maxInFlight }, Array.from({ length: 5 }, () => ({ latency: 100 })));
      expect(sent).toEqual([0, 0, 0, 0, 0]);
    }),
  );
});
