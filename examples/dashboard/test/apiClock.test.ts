import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { warpedScheduler } from "../src/warpedScheduler.ts";

describe("warpedScheduler", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("reads the API clock: start plus wall time elapsed times speed", () => {
    const s = warpedScheduler({ simStart: 1_767_571_200, wallStart: 1_000_000, speed: 30 });
    expect(s.now()).toBe(1_767_571_200_000);
    vi.advanceTimersByTime(2_000);
    expect(s.now()).toBe(1_767_571_200_000 + 60_000);
  });

  it("runs a delay given in API milliseconds in speed-times less wall time", () => {
    const s = warpedScheduler({ simStart: 0, wallStart: 1_000_000, speed: 30 });
    const fired: Array<number> = [];
    s.schedule(() => fired.push(s.now()), 300_000);
    vi.advanceTimersByTime(9_999);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual([300_000]);
  });

  it("cancels like any rxjs action", () => {
    const s = warpedScheduler({ simStart: 0, wallStart: 1_000_000, speed: 2 });
    let fired = false;
    s.schedule(() => (fired = true), 1_000).unsubscribe();
    vi.advanceTimersByTime(10_000);
    expect(fired).toBe(false);
  });
});
