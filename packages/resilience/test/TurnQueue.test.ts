import { describe, expect, it } from "@effect/vitest";
import { Deferred, Effect, Fiber } from "effect";
import { TestClock } from "effect/testing";
import { makePacer } from "../src/index.js";
import { TurnQueue } from "../src/internal/TurnQueue.js";

describe("TurnQueue (the pacer's FIFO lock)", () => {
  it.effect("runs one turn at a time, in arrival order", () =>
    Effect.gen(function* () {
      const lock = new TurnQueue();
      const order: Array<string> = [];
      const gate = yield* Deferred.make<void>();
      const first = yield* Effect.forkChild(lock.withTurn(Effect.andThen(Deferred.await(gate), Effect.sync(() => order.push("a")))));
      yield* Effect.yieldNow;
      const rest = yield* Effect.forkChild(
        Effect.forEach(["b", "c", "d"], (x) => lock.withTurn(Effect.sync(() => order.push(x))), { concurrency: "unbounded" }),
      );
      yield* Effect.yieldNow;
      expect(order).toEqual([]);
      expect(lock.size).toBe(3);
      yield* Deferred.succeed(gate, undefined);
      yield* Fiber.join(first);
      yield* Fiber.join(rest);
      expect(order).toEqual(["a", "b", "c", "d"]);
      expect(lock.size).toBe(0);
    }),
  );

  it.effect("a waiter interrupted before its turn is skipped; the turn passes on after a failure too", () =>
    Effect.gen(function* () {
      const lock = new TurnQueue();
      const order: Array<string> = [];
      const gate = yield* Deferred.make<void>();
      const holder = yield* Effect.forkChild(lock.withTurn(Effect.andThen(Deferred.await(gate), Effect.fail("boom"))));
      yield* Effect.yieldNow;
      const leaver = yield* Effect.forkChild(lock.withTurn(Effect.sync(() => order.push("leaver"))));
      const stayer = yield* Effect.forkChild(lock.withTurn(Effect.sync(() => order.push("stayer"))));
      yield* Effect.yieldNow;
      yield* Fiber.interrupt(leaver);
      yield* Deferred.succeed(gate, undefined);
      expect(yield* Effect.flip(Fiber.join(holder))).toBe("boom");
      yield* Fiber.join(stayer);
      expect(order).toEqual(["stayer"]);
      // The lock is free again: a newcomer runs at once.
      yield* lock.withTurn(Effect.sync(() => order.push("later")));
      expect(order).toEqual(["stayer", "later"]);
    }),
  );

  it.effect("5,000 takers queued behind a 1-slot pacer are granted in arrival order", () =>
    Effect.gen(function* () {
      const pacer = yield* makePacer({ tps: 5_000 });
      const granted: Array<number> = [];
      // Hold every slot, so every later taker queues.
      yield* pacer.take(5_000);
      const fiber = yield* Effect.forkChild(
        Effect.forEach(
          Array.from({ length: 5_000 }, (_, i) => i),
          (i) => Effect.andThen(pacer.take(), Effect.sync(() => granted.push(i))),
          { concurrency: "unbounded" },
        ),
      );
      yield* Effect.yieldNow;
      expect(granted).toEqual([]);
      yield* TestClock.adjust("2 seconds");
      yield* Fiber.join(fiber);
      expect(granted).toEqual(Array.from({ length: 5_000 }, (_, i) => i));
    }),
  );
});
