// No rx timer is handed a delay it cannot hold: setTimeout fires after 1 ms for anything above 2^31-1 ms (or
// NaN), which turned a far-off server hint into a busy loop. The wait after a 429 is resilience's
// (`rateLimitWaitMs`: capped by WAIT_LIMITS, 60 s for TPS, 25 h for TPD), and rx clamps its own timers anyway.
import { WAIT_LIMITS } from "@wattstream/resilience";
import { Effect } from "effect";
import { parseDeviceId } from "@wattstream/core";
import type { SchedulerAction, SchedulerLike, Subscription } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { describe, expect, it } from "vitest";
import { device$, fleet$, scaledScheduler, shortEnergy$ } from "../src/index.js";
import type { EnergyEvent } from "../src/index.js";
import { MAX_TIMER_MS, timerDelay } from "../src/internal/timerDelay.js";
import { fakeClient, tagged } from "./helpers.js";

const ID = parseDeviceId("D123456789012");

/** A TestScheduler that records every delay it is handed. */
const recording = () => {
  const ts = new TestScheduler((a, b) => expect(a).toEqual(b));
  const delays: Array<number> = [];
  const scheduler: SchedulerLike = {
    now: () => ts.now(),
    schedule: <T>(work: (this: SchedulerAction<T>, state?: T) => void, delay?: number, state?: T): Subscription => {
      delays.push(delay ?? 0);
      return ts.schedule(work, delay, state);
    },
  };
  return { ts, delays, scheduler };
};

describe("timer delays", () => {
  it("timerDelay keeps delays within what setTimeout can hold", () => {
    expect([timerDelay(-5), timerDelay(1500), timerDelay(2 ** 40), timerDelay(Infinity), timerDelay(Number.NaN), timerDelay(undefined)]).toEqual([
      0,
      1500,
      MAX_TIMER_MS,
      MAX_TIMER_MS,
      MAX_TIMER_MS,
      0,
    ]);
  });

  for (const [name, hint] of [
    ["a Retry-After of 30 days", { retryAfter: 30 * 86_400 }],
    ["a reset 100 years away", { resetAt: 4_102_444_800 + 100 * 365 * 86_400 }],
    ["a non-finite Retry-After", { retryAfter: Number.POSITIVE_INFINITY }],
  ] as const) {
    it(`energy: ${name} on a TPD 429 waits the capped daily reset (25 h), never a 1-ms busy loop`, () => {
      const { ts, delays, scheduler } = recording();
      let reads = 0;
      const client = fakeClient({
        getDevice: (id: string) => Effect.succeed({ id, channels: [] }),
        getShortEnergyData: () =>
          Effect.suspend(() => {
            reads++;
            return Effect.fail(tagged("RateLimited", { scope: "tpd", ...hint }));
          }),
        getLatestShortEnergyData: () => Effect.succeed({ _tag: "NoData" as const }),
      });
      const out: Array<EnergyEvent> = [];
      let error: unknown;
      const sub = shortEnergy$(client, ID, { scheduler, fromTs: 0 }).subscribe({ next: (e) => out.push(e), error: (e: unknown) => (error = e) });
      ts.maxFrames = 3_600_000;
      ts.flush();
      sub.unsubscribe();
      expect(error).toBeUndefined();
      expect(reads).toBe(1);
      expect(out.filter((e) => e.type === "status").map((e) => e.type === "status" && e.status)).toEqual(["rateLimited"]);
      for (const d of delays) expect(d >= 0 && d <= MAX_TIMER_MS).toBe(true);
      expect(delays).toContain(WAIT_LIMITS.maxDailyResetMs);
    });
  }

  it("device$ and fleet$ wait a TPS 429's absurd Retry-After only up to resilience's 60 s cap", () => {
    const { ts, delays, scheduler } = recording();
    let calls = 0;
    const fail = () =>
      Effect.suspend(() => {
        calls++;
        return Effect.fail(tagged("RateLimited", { scope: "tps", retryAfter: 1e12 }));
      });
    const client = fakeClient({ getDevice: fail, listDevices: fail });
    const subs = [device$(client, ID, { scheduler }).subscribe({ error: () => undefined }), fleet$(client, { scheduler }).subscribe({ error: () => undefined })];
    ts.maxFrames = 3_600_000;
    ts.flush();
    for (const s of subs) s.unsubscribe();
    // One virtual hour: each stream tries once a minute (the cap), not once a millisecond and not once a day.
    expect(calls).toBeGreaterThanOrEqual(2 * 60);
    expect(calls).toBeLessThanOrEqual(2 * 61);
    for (const d of delays) expect(d >= 0 && d <= WAIT_LIMITS.maxRetryAfterMs).toBe(true);
  });

  it("scaledScheduler hands its base scheduler holdable delays only", () => {
    const { ts, delays, scheduler } = recording();
    const scaled = scaledScheduler(0.5, { now: () => ts.now(), scheduler });
    scaled.schedule(() => undefined, MAX_TIMER_MS).unsubscribe();
    scaled.schedule(() => undefined, Number.NaN).unsubscribe();
    expect(delays).toEqual([MAX_TIMER_MS, MAX_TIMER_MS]);
  });
});

describe("retryAt of a clamped wait", () => {
  it("says when polling really resumes, never Infinity", () => {
    const ts = new TestScheduler((a, b) => expect(a).toEqual(b));
    const client = fakeClient({
      getDevice: () => Effect.fail(tagged("RateLimited", { scope: "tps", retryAfter: Number.POSITIVE_INFINITY })),
    });
    const got: Array<unknown> = [];
    const sub = device$(client, ID, { scheduler: ts }).subscribe((u) => got.push(u));
    ts.maxFrames = 1000;
    ts.flush();
    sub.unsubscribe();
    expect(got).toEqual([expect.objectContaining({ type: "status", status: "rateLimited", retryAt: WAIT_LIMITS.maxRetryAfterMs })]);
  });
});
