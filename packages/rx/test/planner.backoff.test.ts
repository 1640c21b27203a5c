import { Effect } from "effect";
import { TestScheduler } from "rxjs/testing";
import { describe, expect, it } from "vitest";
import { parseDeviceId } from "@wattstream/core";
import { backoffDelay } from "@wattstream/resilience";
import { shortEnergy$ } from "../src/index.js";
import type { EnergyEvent } from "../src/index.js";
import { fakeClient, tagged } from "./helpers.js";

// rx's polling back-off is resilience's `backoffDelay` sequence, waited on the stream's rxjs scheduler.

const ID = parseDeviceId("D123456789012");

const record = (failing: boolean) => {
  const calls: Array<number> = [];
  let scheduler: TestScheduler | undefined;
  const now = (): number => scheduler?.now() ?? 0;
  const client = fakeClient({
    getDevice: (id: string) => Effect.succeed({ id, channels: [] }),
    getShortEnergyData: () =>
      Effect.suspend(() => {
        calls.push(now());
        return failing ? Effect.fail(tagged("ServerError")) : Effect.succeed([]);
      }),
    getLatestShortEnergyData: () =>
      Effect.sync(() => {
        calls.push(now());
        return { _tag: "NoData" as const };
      }),
  });
  return { calls, client, attach: (ts: TestScheduler) => (scheduler = ts) };
};

const waitsOf = (calls: ReadonlyArray<number>): Array<number> => calls.slice(1).map((t, i) => t - (calls[i] ?? 0));

describe("rx back-off from resilience's backoffDelay, on the rx scheduler (TestScheduler)", () => {
  it("failed polls wait backoffDelay(n, { baseMs: interval/15, maxMs: maxBackoffMs }) and say so in retryAt", () => {
    const ts = new TestScheduler((a, b) => expect(a).toEqual(b));
    const { calls, client, attach } = record(true);
    attach(ts);
    const events: Array<EnergyEvent> = [];
    ts.run(({ flush }) => {
      const sub = shortEnergy$(client, ID, { scheduler: ts, maxBackoffMs: 20_000, phase: 0 }).subscribe((e) => events.push(e));
      ts.schedule(() => sub.unsubscribe(), 100_000);
      flush();
    });
    const expected = [1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, { baseMs: 2_000, maxMs: 20_000 }));
    expect(expected).toEqual([2_000, 4_000, 8_000, 16_000, 20_000, 20_000]);
    expect(waitsOf(calls).slice(0, 6)).toEqual(expected);
    const retryAts = events.flatMap((e) => (e.type === "status" && e.retryAt !== undefined ? [e.retryAt] : []));
    expect(retryAts.slice(0, 6)).toEqual(calls.slice(1, 7));
  });

  it("empty polls wait backoffDelay(n, { baseMs: interval/30, flatAttempts: 8, maxMs: maxBackoffMs })", () => {
    const ts = new TestScheduler((a, b) => expect(a).toEqual(b));
    const { calls, client, attach } = record(false);
    attach(ts);
    ts.run(({ flush }) => {
      // Starting at the latest complete interval: the first poll is due once the next one ends.
      const sub = shortEnergy$(client, ID, { scheduler: ts, maxBackoffMs: 10_000, phase: 0 }).subscribe();
      ts.schedule(() => sub.unsubscribe(), 60_000);
      flush();
    });
    const expected = Array.from({ length: 12 }, (_, i) => backoffDelay(i + 1, { baseMs: 1_000, maxMs: 10_000, flatAttempts: 8 }));
    expect(expected).toEqual([1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 2000, 4000, 8000, 10_000]);
    expect(waitsOf(calls).slice(0, 12)).toEqual(expected);
  });
});
