// The budget owner's group commit: one write at a time, callers arriving during a write share the next one, and
// nobody returns before a write that started after it asked. Writes are gated by Deferreds (no timers).
import { Deferred, Effect, Fiber } from "effect";
import { describe, expect, it } from "vitest";
import { groupCommit } from "../src/internal/groupCommit.ts";

describe("groupCommit", () => {
  it("shares one write among the callers that arrived during the previous one, and returns each only after a write that began after it asked", async () => {
    const result = await Effect.runPromise(
      Effect.gen(function* () {
        // Each write records the state it sees at its start (like the owner's books) and waits on its own gate.
        let state = 0;
        const seen: Array<number> = [];
        const gates: Array<Deferred.Deferred<void>> = [];
        const write = Effect.suspend(() => {
          seen.push(state);
          const gate = Deferred.makeUnsafe<void>();
          gates.push(gate);
          return Deferred.await(gate);
        });
        const save = yield* groupCommit(write);
        const done: Array<string> = [];
        const call = (name: string) =>
          Effect.forkChild(
            Effect.andThen(
              Effect.sync(() => state++),
              Effect.andThen(save, Effect.sync(() => done.push(name))),
            ),
          );
        const a = yield* call("a");
        yield* Effect.yieldNow;
        // a's write is under way; b, c and d arrive during it.
        const others = [yield* call("b"), yield* call("c"), yield* call("d")];
        yield* Effect.yieldNow;
        const duringFirst = { writes: seen.length, done: [...done] };
        yield* Deferred.succeed(gates[0]!, undefined);
        yield* Fiber.join(a);
        yield* Effect.yieldNow;
        // b, c and d wait for the second write: the first began before they asked.
        const afterFirst = { writes: seen.length, done: [...done] };
        yield* Deferred.succeed(gates[1]!, undefined);
        yield* Fiber.joinAll(others);
        return { duringFirst, afterFirst, seen, done, writes: gates.length };
      }),
    );
    expect(result.duringFirst).toEqual({ writes: 1, done: [] });
    expect(result.afterFirst).toEqual({ writes: 2, done: ["a"] });
    // Two writes for four saves; the second saw every caller's change.
    expect(result.writes).toBe(2);
    expect(result.seen).toEqual([1, 4]);
    expect(result.done).toEqual(["a", "b", "c", "d"]);
  });

  it("writes again for each caller that arrives after the last write ended", async () => {
    const writes = await Effect.runPromise(
      Effect.gen(function* () {
        let n = 0;
        const save = yield* groupCommit(Effect.sync(() => n++));
        yield* save;
        yield* save;
        yield* save;
        return n;
      }),
    );
    expect(writes).toBe(3);
  });
});
