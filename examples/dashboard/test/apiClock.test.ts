import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { scaledScheduler } from "@wattstream/rx";
import { apiNow } from "../src/config.ts";

// The page's sped-up clock: `apiNow` maps wall time onto API time, rx's `scaledScheduler` divides delays.
describe("apiNow + scaledScheduler", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("reads the API clock: start plus wall time elapsed times speed", () => {
    const clock = { simStart: 1_767_571_200, wallStart: 1_000_000, speed: 30 };
    const s = scaledScheduler(clock.speed, { now: apiNow(clock) });
    expect(s.now()).toBe(1_767_571_200_000);
    vi.advanceTimersByTime(2_000);
    expect(s.now()).toBe(1_767_571_200_000 + 60_000);
  });

  it("runs a delay given in API milliseconds in speed-times less wall time", () => {
    const clock = { simStart: 0, wallStart: 1_000_000, speed: 30 };
    const s = scaledScheduler(clock.speed, { now: apiNow(clock) });
    const fired: Array<number> = [];
    s.schedule(() => fired.push(s.now()), 300_000);
    vi.advanceTimersByTime(9_999);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual([300_000]);
  });
});
