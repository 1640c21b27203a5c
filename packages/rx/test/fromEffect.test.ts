import { Effect } from "effect";
import { timer } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { describe, expect, it } from "vitest";
import { fromEffect } from "../src/index.js";
import { effectFrom, tagged } from "./helpers.js";

const testScheduler = () => new TestScheduler((a, b) => expect(a).toEqual(b));

describe("fromEffect", () => {
  it("emits the value and completes", () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(fromEffect(Effect.succeed(42))).toBe("(a|)", { a: 42 });
    });
  });

  it("errors with the typed failure, not a wrapped cause", () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(fromEffect(Effect.fail(tagged("NotFound")))).toBe("#", undefined, tagged("NotFound"));
    });
  });

  it("follows an asynchronous effect in virtual time", () => {
    const ts = testScheduler();
    ts.run(({ expectObservable }) => {
      expectObservable(fromEffect(effectFrom(timer(5, ts)))).toBe("-----(a|)", { a: 0 });
    });
  });

  it("never emits for an effect that never completes", () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(fromEffect(Effect.never)).toBe("-");
    });
  });

  it("interrupts the fiber on unsubscribe (the HTTP request is aborted)", () => {
    const ts = testScheduler();
    let interrupted = 0;
    ts.run(({ expectObservable }) => {
      const slow = effectFrom(timer(50, ts), () => interrupted++);
      expectObservable(fromEffect(slow), "^ 9ms !").toBe("-");
    });
    expect(interrupted).toBe(1);
  });

  it("runs the effect once per subscription (cold)", () => {
    let runs = 0;
    const counted = Effect.sync(() => ++runs);
    testScheduler().run(({ expectObservable }) => {
      const o = fromEffect(counted);
      expectObservable(o).toBe("(a|)", { a: 1 });
      expectObservable(o).toBe("(a|)", { a: 2 });
    });
  });
});
