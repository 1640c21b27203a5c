// The per-resource state machine behind device$ and the energy streams (internal/Poller.ts), driven directly through
// a small subclass in virtual time, and the two streams built on it shared by two subscribers.
import { Effect } from "effect";
import { map, Observable, share } from "rxjs";
import type { Subscriber } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { describe, expect, it } from "vitest";
import type { Device, ShortEnergyPoint } from "@wattstream/core";
import { NoData } from "@wattstream/transport";
import { Poller } from "../src/internal/Poller.js";
import { PollerCache } from "../src/internal/sharedBy.js";
import { shareStrings } from "../src/internal/shareStrings.js";
import { device$, memoryCheckpointStore, shortEnergy$ } from "../src/index.js";
import type { DeviceUpdate, EnergyEvent } from "../src/index.js";
import { asDevice, DEVICE_ID, makeDevice } from "./fixtures/device.js";
import { effectFrom, fakeClient } from "./helpers.js";

const newScheduler = () => new TestScheduler((a, b) => expect(a).toEqual(b));

/**
 * A poller whose poll is an Effect the test hands in (an rxjs observable through `effectFrom`, so it takes virtual
 * time), emitting the poll's value and polling again `every` ms later; "boom" fails it, "done" ends it.
 */
class Counter extends Poller<string> {
  polls = 0;
  stops = 0;
  abandons = 0;

  constructor(
    ts: TestScheduler,
    private readonly answer: (n: number) => Observable<string>,
    private readonly every: number,
    active$?: Observable<boolean>,
    private readonly onInterrupt?: () => void,
  ) {
    super(ts, active$);
  }

  protected start(): void {
    this.begin();
  }

  protected override greet(subscriber: Subscriber<string>): void {
    subscriber.next(`hello ${this.polls}`);
  }

  protected poll(): void {
    const n = ++this.polls;
    this.call(effectFrom(this.answer(n), this.onInterrupt), (outcome) => {
      if (outcome === undefined) return this.settle(0);
      if (!outcome.ok) return this.fail(outcome.error);
      if (outcome.value === "done") return this.end();
      this.emit(outcome.value);
      this.settle(this.every);
    });
  }

  protected override stop(): void {
    this.stops++;
  }

  protected override abandoned(): void {
    this.abandons++;
  }
}

/** A cache-backed handle on `make`'s poller, as device$ and the energy streams build theirs. */
const handle = (cache: PollerCache, make: () => Counter): Observable<string> => new Observable<string>((subscriber) => cache.join("k", make, subscriber));

describe("Poller (the shared per-resource state machine)", () => {
  it("polls on the scheduler: at once, then every period after each answer (which takes its own time)", () => {
    const ts = newScheduler();
    ts.run(({ cold, expectObservable }) => {
      const p = new Counter(ts, (n) => cold(`10ms (a|)`, { a: `poll ${n}` }), 100);
      const cache = new PollerCache();
      // Answers at 10, then the next poll 100 ms after it (110 → 120), and so on.
      expectObservable(handle(cache, () => p), "^ 250ms !").toBe("10ms a 109ms b 109ms c", { a: "poll 1", b: "poll 2", c: "poll 3" });
    });
  });

  it("two subscribers share one poll loop; a late one is greeted with the state; the last leaving stops it and frees the key", () => {
    const ts = newScheduler();
    const cache = new PollerCache();
    let made = 0;
    let p: Counter | undefined;
    const make = () => {
      made++;
      return (p = new Counter(ts, (n) => new Observable<string>((s) => (s.next(`poll ${n}`), s.complete())), 100));
    };
    ts.run(({ expectObservable }) => {
      expectObservable(handle(cache, make), "^ 250ms !").toBe("a 99ms b 99ms c", { a: "poll 1", b: "poll 2", c: "poll 3" });
      expectObservable(handle(cache, make), "50ms ^ 100ms !").toBe("50ms h 49ms b", { h: "hello 1", b: "poll 2" });
    });
    expect(made).toBe(1);
    expect(p?.polls).toBe(3);
    expect(p?.stops).toBe(1);
    expect(cache.size).toBe(0);
  });

  it("an error ends every subscriber, drops the key, and the next subscriber gets a new poller", () => {
    const ts = newScheduler();
    const cache = new PollerCache();
    const made: Array<Counter> = [];
    const make = () => {
      const c = new Counter(ts, (n) => new Observable<string>((s) => (n === 2 ? s.error(new Error("boom")) : (s.next(`poll ${n}`), s.complete()))), 100);
      made.push(c);
      return c;
    };
    ts.run(({ expectObservable }) => {
      expectObservable(handle(cache, make), "^ 300ms !").toBe("a 99ms #", { a: "poll 1" }, new Error("boom"));
      // Joins before the first poll: greeted with the state so far (no poll yet).
      expectObservable(handle(cache, make), "^ 300ms !").toBe("(ha) 96ms #", { h: "hello 0", a: "poll 1" }, new Error("boom"));
      // After the error, a new subscription starts afresh.
      expectObservable(handle(cache, make), "150ms ^ 50ms !").toBe("150ms a", { a: "poll 1" });
    });
    expect(made).toHaveLength(2);
    expect(made.map((c) => c.stops)).toEqual([1, 1]);
    expect(cache.size).toBe(0);
  });

  it("ending completes every subscriber", () => {
    const ts = newScheduler();
    ts.run(({ cold, expectObservable }) => {
      const p = new Counter(ts, (n) => cold("5ms (a|)", { a: n === 2 ? "done" : `poll ${n}` }), 20);
      const cache = new PollerCache();
      const h = handle(cache, () => p);
      expectObservable(h, "^ 100ms !").toBe("5ms a 24ms |", { a: "poll 1" });
      expectObservable(h, "10ms ^ 100ms !").toBe("10ms h 19ms |", { h: "hello 1" });
    });
  });

  it("pausing cancels the timer and the poll in flight (abandoned, uncommitted); resuming polls at once when due", () => {
    const ts = newScheduler();
    let p: Counter | undefined;
    let cancelled = 0;
    ts.run(({ cold, hot, expectObservable }) => {
      // The second poll (at 120) takes 30 ms; paused at 130 in the middle of it, resumed at 300.
      const active$ = hot<boolean>("t 129ms f 169ms t", { t: true, f: false });
      p = new Counter(ts, (n) => cold("20ms (a|)", { a: `poll ${n}` }), 100, active$, () => cancelled++);
      const cache = new PollerCache();
      expectObservable(handle(cache, () => p!), "^ 450ms !").toBe("20ms a 299ms b 119ms c", { a: "poll 1", b: "poll 3", c: "poll 4" });
    });
    expect(p?.abandons).toBe(1);
    expect(cancelled).toBe(1);
  });

  it("a subscriber leaving while an event goes out gets no later events; the others do", () => {
    const ts = newScheduler();
    const seen: Array<string> = [];
    ts.run(() => {
      const cache = new PollerCache();
      const p = new Counter(ts, (n) => new Observable<string>((s) => (s.next(`poll ${n}`), s.complete())), 10);
      const h = handle(cache, () => p);
      const a = h.subscribe((v) => {
        seen.push(`a ${v}`);
        if (v === "poll 2") a.unsubscribe();
      });
      const b = h.subscribe((v) => seen.push(`b ${v}`));
      ts.schedule(() => b.unsubscribe(), 25);
    });
    expect(seen.slice(0, 5)).toEqual(["b hello 0", "a poll 1", "b poll 1", "a poll 2", "b poll 2"]);
    expect(seen.filter((s) => s.startsWith("a"))).toEqual(["a poll 1", "a poll 2"]);
  });
});

describe("device$ and an energy stream on their pollers, two subscribers each", () => {
  const INTERVAL = 30;
  const point = (timestamp: number): ShortEnergyPoint & { readonly eReal: ReadonlyArray<number> } => ({ timestamp, duration: INTERVAL, eReal: [1] });

  it("one device read per period and one energy read per interval however many subscribers; all hear the same events", async () => {
    const ts = newScheduler();
    const calls = { device: 0, energy: 0 };
    const device: Device = asDevice({ ...makeDevice(), channels: [{ id: `${DEVICE_ID}_C1`, label: "Grid" }], switches: [] });
    const client = fakeClient({
      getDevice: () => Effect.sync(() => (calls.device++, device)),
      getShortEnergyData: (_id: string, o: { fromTs: number; toTs: number }) =>
        Effect.sync(() => {
          calls.energy++;
          const points: Array<ShortEnergyPoint> = [];
          const until = Math.min(o.toTs, Math.floor(ts.now() / 1000) - INTERVAL);
          for (let t = Math.ceil(o.fromTs / INTERVAL) * INTERVAL; t < until; t += INTERVAL) points.push(point(t));
          return points.length === 0 ? NoData : points;
        }),
      getLatestShortEnergyData: () => Effect.sync(() => ({ timestamp: Math.floor(ts.now() / 1000 / INTERVAL) * INTERVAL - 2 * INTERVAL })),
    });
    const checkpoints = memoryCheckpointStore();
    const seen = { a: [] as Array<number>, b: [] as Array<number>, snapshots: 0 };
    ts.frame = 1_700_000_000_000;
    const updates = device$(client, DEVICE_ID, { every: 60_000, maxEvery: 60_000, scheduler: ts }).pipe(share());
    const energy = () => shortEnergy$(client, DEVICE_ID, { device$: updates, scheduler: ts, checkpoints });
    const ts0 = (e: EnergyEvent<ShortEnergyPoint>) => (e.type === "interval" ? e.point.timestamp : -1);
    const subs = [
      updates.subscribe((u: DeviceUpdate) => u.type === "snapshot" && seen.snapshots++),
      energy().pipe(map(ts0)).subscribe((t) => t >= 0 && seen.a.push(t)),
      energy().pipe(map(ts0)).subscribe((t) => t >= 0 && seen.b.push(t)),
    ];
    ts.schedule(() => subs[2]?.unsubscribe(), 95_000);
    ts.schedule(() => {
      subs[1]?.unsubscribe();
      subs[0]?.unsubscribe();
    }, 185_000);
    // Virtual time in steps of a second, letting the checkpoint store's promises (load, saves) settle in between.
    for (const end = ts.frame + 200_000; ts.frame < end; ) {
      ts.maxFrames = ts.frame + 1_000;
      ts.flush();
      ts.frame = ts.maxFrames;
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Three minutes of device polls every minute (0, 60, 120, 180 s): one read each, for all subscribers.
    expect(calls.device).toBe(4);
    expect(seen.snapshots).toBe(1);
    // The energy stream's intervals: the same for both while both listened, then only for the one left.
    expect(seen.a.length).toBeGreaterThanOrEqual(5);
    expect(seen.b.length).toBeGreaterThanOrEqual(2);
    expect(seen.b.length).toBeLessThan(seen.a.length);
    expect(seen.a.slice(0, seen.b.length)).toEqual(seen.b);
    // One read per poll (not per subscriber): about one per interval, plus the odd probe.
    expect(calls.energy).toBeLessThanOrEqual(seen.a.length + 3);
    // The last subscriber leaving saved the checkpoint: the watermark just after the last interval.
    const saved = await checkpoints.load({ deviceId: DEVICE_ID, stream: "short" });
    expect(saved?.watermark).toBe((seen.a.at(-1) ?? 0) + INTERVAL);
  });
});

describe("a poller's step that throws", () => {
  it("ends the stream with the error (as an operator chain's map did), not in a timer or a fiber", () => {
    const ts = newScheduler();
    ts.run(({ expectObservable }) => {
      // A record no decoder should let by: the diff and the online check throw on it.
      const client = fakeClient({ getDevice: () => Effect.succeed(null) });
      expectObservable(device$(client, DEVICE_ID, { scheduler: ts }).pipe(map((u) => u.type)), "^ 10ms !").toBe("#", undefined, expect.any(TypeError));
    });
  });
});

describe("shareStrings", () => {
  it("leaves the record's values as they were (equal strings), and a frozen record untouched", () => {
    const record = asDevice({ ...makeDevice(), label: "Bondi house", timezone: "Australia/Sydney" });
    const copy = structuredClone(record);
    expect(shareStrings(copy, DEVICE_ID)).toBe(copy);
    expect(copy).toEqual(record);
    const frozen = Object.freeze(structuredClone(record));
    expect(shareStrings(frozen, DEVICE_ID)).toEqual(record);
  });
});
