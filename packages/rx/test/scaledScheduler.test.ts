import { interval, take } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { describe, expect, it } from "vitest";
import { scaledScheduler } from "../src/index.js";

const virtual = (): TestScheduler => {
  const ts = new TestScheduler((a, b) => expect(a).toEqual(b));
  ts.maxFrames = Number.POSITIVE_INFINITY;
  return ts;
};

describe("scaledScheduler", () => {
  it("reads the scaled clock it is given", () => {
    let t = 5_000;
    const s = scaledScheduler(30, { now: () => t });
    expect(s.now()).toBe(5_000);
    t = 65_000;
    expect(s.now()).toBe(65_000);
  });

  it("waits delay / speed on the underlying scheduler", () => {
    const base = virtual();
    const s = scaledScheduler(30, { now: () => base.now() * 30, scheduler: base });
    const fired: Array<number> = [];
    s.schedule(() => fired.push(base.now()), 300_000);
    base.flush();
    expect(fired).toEqual([10_000]);
  });

  it("scales the delays of actions that reschedule themselves (interval)", () => {
    const base = virtual();
    const s = scaledScheduler(10, { now: () => base.now() * 10, scheduler: base });
    const at: Array<number> = [];
    interval(1_000, s).pipe(take(3)).subscribe(() => at.push(base.now()));
    base.flush();
    expect(at).toEqual([100, 200, 300]);
  });

  it("cancels like any rxjs action", () => {
    const base = virtual();
    const s = scaledScheduler(2, { now: () => base.now(), scheduler: base });
    let fired = false;
    s.schedule(() => (fired = true), 1_000).unsubscribe();
    base.flush();
    expect(fired).toBe(false);
  });

  it("a work's own action is the real one for unsubscribe, closed and add (only schedule is scaled)", () => {
    const base = virtual();
    const s = scaledScheduler(10, { now: () => base.now() * 10, scheduler: base });
    const seen: Array<boolean> = [];
    let finalized = 0;
    const outer = s.schedule(function () {
      this.add(() => finalized++);
      seen.push(this.closed);
      this.unsubscribe();
      seen.push(this.closed);
      this.schedule(undefined, 1_000); // after unsubscribe: never runs
    }, 1_000);
    base.flush();
    expect(seen).toEqual([false, true]);
    expect(finalized).toBe(1);
    expect(outer.closed).toBe(true);
  });

  it("rejects a speed that is not a positive number", () => {
    expect(() => scaledScheduler(0, { now: () => 0 })).toThrow(RangeError);
    expect(() => scaledScheduler(Number.NaN, { now: () => 0 })).toThrow(RangeError);
  });
});
