import { Effect } from "effect";
import { defer, EMPTY, map, merge, mergeMap, of, share, Subject, timer } from "rxjs";
import type { Observable, Subscription } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { describe, expect, it } from "vitest";
import { device$, memoryCheckpointStore, pauseController, shortEnergy$ } from "../src/index.js";
import type { CheckpointStore, DeviceUpdate, EnergyClient, EnergyEvent, EnergyStreamOptions } from "../src/index.js";
import { parseChannelId, parseDeviceId } from "@wattstream/core";
import type { ShortEnergyPoint } from "@wattstream/core";
import { asDevice } from "./fixtures/device.js";
import { fakeClient, tagged } from "./helpers.js";

const ID = parseDeviceId("D123456789012");
const STEP = 30;

interface FakeOptions {
  /** Upload lag, seconds. */
  readonly lag?: number;
  /** Comms outage [from, to): uploads due inside it are buffered, then back-filled oldest first at 60×. */
  readonly outage?: readonly [number, number];
  /** Intervals that never arrive. */
  readonly lost?: readonly [number, number];
  /** Interval timestamp → clock time (s) from which its values are revised. */
  readonly revisions?: ReadonlyMap<number, number>;
  /** Fail reads whose window exceeds this many seconds with a 422. */
  readonly rejectAbove?: number;
  readonly failReads?: (call: number) => { readonly _tag: string } | undefined;
}

/** A device whose short-energy data reaches the "service" `lag` seconds after each 30 s interval ends. */
const fakeDevice = (ts: TestScheduler, o: FakeOptions = {}) => {
  const lag = o.lag ?? 3;
  const now = () => ts.now() / 1000;
  const available = (t: number): boolean => {
    if (t < 0) return false;
    if (o.lost && t >= o.lost[0] && t < o.lost[1]) return false;
    const upload = t + STEP + lag;
    if (upload > now()) return false;
    if (!o.outage) return true;
    const [from, to] = o.outage;
    if (upload < from || upload >= to) return true;
    return now() >= to && t + STEP <= from - lag + (now() - to) * 60;
  };
  const point = (t: number): ShortEnergyPoint & { readonly eReal: ReadonlyArray<number> } => {
    const revisedAt = o.revisions?.get(t);
    return { timestamp: t, duration: STEP, eReal: [t % 7, revisedAt !== undefined && now() >= revisedAt ? 99 : 1] };
  };
  const windows: Array<readonly [number, number]> = [];
  const counts = { read: 0, latest: 0, device: 0 };
  const client = fakeClient({
    getDevice: (id: string) =>
      Effect.sync(() => {
        counts.device++;
        return { id, channels: [{ id: `${id}_C1` }, { id: `${id}_C2` }] };
      }),
    getShortEnergyData: (_id: string, q: { readonly fromTs: number; readonly toTs: number }) =>
      Effect.suspend(() => {
        counts.read++;
        windows.push([q.fromTs, q.toTs]);
        const failure = o.failReads?.(counts.read);
        if (failure) return Effect.fail(failure);
        if (o.rejectAbove !== undefined && q.toTs - q.fromTs > o.rejectAbove) return Effect.fail(tagged("Unprocessable", { status: 422 }));
        const out = [];
        for (let t = Math.ceil(q.fromTs / STEP) * STEP; t < q.toTs; t += STEP) if (available(t)) out.push(point(t));
        return Effect.succeed(out);
      }),
    getLatestShortEnergyData: () =>
      Effect.sync(() => {
        counts.latest++;
        for (let t = Math.floor(now() / STEP) * STEP; t >= 0; t -= STEP) if (available(t)) return { timestamp: t };
        return { _tag: "NoData" as const };
      }),
  });
  /** When interval `t` became readable, seconds. */
  const availableAt = (t: number): number => t + STEP + lag;
  return { client, counts, windows, availableAt };
};

/** Runs the stream in virtual time until `untilS` and returns what it emitted, with emission times. */
const run = (
  ts: TestScheduler,
  client: EnergyClient<"short">,
  options: EnergyStreamOptions,
  untilS: number,
  out: Array<{ readonly at: number; readonly e: EnergyEvent }> = [],
): { out: typeof out; error: unknown; sub: Subscription } => {
  let error: unknown;
  const sub = shortEnergy$(client, ID, { scheduler: ts, ...options }).subscribe({
    next: (e) => out.push({ at: ts.now() / 1000, e }),
    error: (e: unknown) => (error = e),
  });
  ts.maxFrames = untilS * 1000;
  ts.flush();
  return { out, error, sub };
};

const intervals = (out: ReadonlyArray<{ readonly e: EnergyEvent }>): Array<number> =>
  out.flatMap(({ e }) => (e.type === "interval" ? [e.point.timestamp] : []));

const median = (xs: ReadonlyArray<number>): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const newScheduler = () => new TestScheduler((a, b) => expect(a).toEqual(b));

/** Intervals went out only once the layout arrived (at 600 s), each labelled with both channels, with no device read. */
const expectLabelledFrom600 = (out: ReadonlyArray<{ readonly at: number; readonly e: EnergyEvent }>, deviceReads: number): void => {
  const emitted = out.filter(({ e }) => e.type === "interval");
  expect(emitted.length).toBeGreaterThan(30);
  for (const { at, e } of emitted) {
    expect(at).toBeGreaterThanOrEqual(600);
    expect(e.type === "interval" && e.channels.map((c) => c.id)).toEqual([`${ID}_C1`, `${ID}_C2`]);
  }
  expect(deviceReads).toBe(0);
};

/** The first read after the heartbeat jump (at 1200 s) reaches back over the settle window (here: to the start); none before. */
const expectRecheckAfterJump = (windows: ReadonlyArray<readonly [number, number]>): void => {
  expect(windows.filter(([, to]) => to > 1_200 && to <= 1_260).some(([from]) => from <= 0)).toBe(true);
  expect(windows.filter(([, to]) => to > 60 && to <= 1_200).every(([from, to]) => to - from <= 60)).toBe(true);
};

describe("shortEnergy$ in steady state", () => {
  it("emits every interval once, in order, soon after it is due, at about one read per interval", () => {
    const ts = newScheduler();
    const dev = fakeDevice(ts, { lag: 4.2 });
    const { out, sub } = run(ts, dev.client, { fromTs: 0 }, 3600);
    sub.unsubscribe();
    const got = intervals(out);
    expect(got).toEqual(Array.from({ length: got.length }, (_, i) => i * STEP));
    expect(got.length).toBeGreaterThanOrEqual(118); // the last interval or two are not due yet at 3600 s
    const delays = out.flatMap(({ at, e }) => (e.type === "interval" ? [at - dev.availableAt(e.point.timestamp)] : []));
    expect(median(delays)).toBeLessThanOrEqual(2);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(dev.counts.read + dev.counts.latest).toBeLessThanOrEqual(Math.ceil(got.length * 1.1));
    // Every event carries the channel layout, fetched once.
    const first = out.find(({ e }) => e.type === "interval")!.e;
    expect(first.type === "interval" && first.channels.map((c) => c.id)).toEqual([`${ID}_C1`, `${ID}_C2`]);
    expect(dev.counts.device).toBe(1);
  });

  it("emits a revision once when an emitted interval's values change", () => {
    const ts = newScheduler();
    const dev = fakeDevice(ts, { revisions: new Map([[300, 900]]) });
    const { out, sub } = run(ts, dev.client, { fromTs: 0, recheckEvery: 600 }, 3600);
    sub.unsubscribe();
    const revised = out.filter(({ e }) => e.type === "revised");
    expect(revised).toHaveLength(1);
    expect(revised[0]!.e).toMatchObject({ type: "revised", point: { timestamp: 300, eReal: [300 % 7, 99] } });
    expect(revised[0]!.at).toBeGreaterThanOrEqual(900);
    expect(new Set(intervals(out)).size).toBe(intervals(out).length);
  });
});

describe("shortEnergy$ after outages", () => {
  it("catches up every interval after a 30-minute comms outage, once, without gaps, and backs off meanwhile", () => {
    const ts = newScheduler();
    const dev = fakeDevice(ts, { outage: [600, 2400] });
    const { out, sub } = run(ts, dev.client, { fromTs: 0 }, 4 * 3600);
    sub.unsubscribe();
    const got = intervals(out);
    expect(got).toEqual(Array.from({ length: got.length }, (_, i) => i * STEP));
    expect(got.length).toBeGreaterThanOrEqual(4 * 120 - 2);
    expect(out.some(({ e }) => e.type === "gap")).toBe(false);
    // Backed off during the 30 min (60 intervals) of silence: far fewer than one request per interval.
    const during = dev.windows.length;
    expect(during).toBeLessThan(4 * 120 + 60);
  });

  it("reports intervals that never arrive as one gap after the settle period, and moves on", () => {
    const ts = newScheduler();
    const dev = fakeDevice(ts, { lost: [600, 900] });
    const { out, sub } = run(ts, dev.client, { fromTs: 0, settle: 1200 }, 3600);
    sub.unsubscribe();
    const gaps = out.filter(({ e }) => e.type === "gap");
    expect(gaps.map(({ e }) => e)).toEqual([{ type: "gap", deviceId: ID, stream: "short", fromTs: 600, toTs: 900 }]);
    expect(gaps[0]!.at).toBeGreaterThanOrEqual(930 + 1200);
    const got = intervals(out);
    expect(got.filter((t) => t >= 600 && t < 900)).toEqual([]);
    expect(got.filter((t) => t >= 900).length).toBeGreaterThan(80);
  });

  it("fills a hole when the missing intervals arrive late (late fill, not a duplicate)", () => {
    const ts = newScheduler();
    // Lost until a revision makes them appear: model as an outage whose back-fill is slow.
    const dev = fakeDevice(ts, { outage: [600, 1200] });
    const { out, sub } = run(ts, dev.client, { fromTs: 0 }, 3600);
    sub.unsubscribe();
    const got = intervals(out);
    expect(new Set(got).size).toBe(got.length);
    expect(got.length).toBeGreaterThanOrEqual(118);
  });

  it("catches up a long history in windows no larger than the limit, splitting on a 422", () => {
    const ts = newScheduler();
    const dev = fakeDevice(ts, { rejectAbove: 1800 });
    const start = 0;
    const { out, sub } = run(ts, dev.client, { fromTs: start, maxWindow: 7200 }, 3 * 3600 + 60);
    sub.unsubscribe();
    const got = intervals(out);
    expect(got).toEqual(Array.from({ length: got.length }, (_, i) => i * STEP));
    expect(got.length).toBeGreaterThanOrEqual(3 * 120);
    for (const [a, b] of dev.windows) expect(b - a).toBeLessThanOrEqual(7200);
  });
});

describe("shortEnergy$ pause and resume", () => {
  it("stops polling while paused and catches up from the same watermark on resume", () => {
    const ts = newScheduler();
    const dev = fakeDevice(ts);
    const ctl = pauseController();
    ts.schedule(() => ctl.pause(), 600_000);
    ts.schedule(() => ctl.resume(), 1_800_000);
    const { out, sub } = run(ts, dev.client, { fromTs: 0, active$: ctl.active$ }, 3600);
    sub.unsubscribe();
    const paused = out.filter(({ at }) => at > 601 && at < 1800);
    expect(paused).toEqual([]);
    const got = intervals(out);
    expect(got).toEqual(Array.from({ length: got.length }, (_, i) => i * STEP));
    expect(got.length).toBeGreaterThanOrEqual(118);
    // Nothing was read while paused.
    expect(dev.windows.length).toBeLessThanOrEqual(got.length - 40 + 10);
  });
});

describe("shortEnergy$ errors", () => {
  it("turns transient failures into status events and loses nothing", () => {
    const ts = newScheduler();
    const dev = fakeDevice(ts, { failReads: (n) => (n >= 5 && n <= 8 ? tagged("ServerError", { status: 500 }) : undefined) });
    const { out, sub } = run(ts, dev.client, { fromTs: 0 }, 1800);
    sub.unsubscribe();
    const statuses = out.flatMap(({ e }) => (e.type === "status" ? [e.status] : []));
    expect(statuses).toEqual(["retrying", "retrying", "degraded", "degraded", "ok"]);
    const got = intervals(out);
    expect(got).toEqual(Array.from({ length: got.length }, (_, i) => i * STEP));
  });

  it("ends with the typed error when the device left the key", () => {
    const ts = newScheduler();
    const dev = fakeDevice(ts, { failReads: (n) => (n === 3 ? tagged("NotFound", { status: 404 }) : undefined) });
    const { error } = run(ts, dev.client, { fromTs: 0 }, 600);
    expect(error).toEqual(tagged("NotFound", { status: 404 }));
  });
});

describe("shortEnergy$ checkpoints", () => {
  it("restarts from a checkpoint with no duplicate and no loss", async () => {
    const ts = newScheduler();
    const dev = fakeDevice(ts, { revisions: new Map([[60, 2000]]) });
    const checkpoints = memoryCheckpointStore();
    const settle = () => new Promise((r) => setImmediate(r));
    const go = async (untilS: number, out: Array<{ readonly at: number; readonly e: EnergyEvent }>) => {
      const sub = shortEnergy$(dev.client, ID, { scheduler: ts, fromTs: 0, checkpoints }).subscribe((e) =>
        out.push({ at: ts.now() / 1000, e }),
      );
      // Loading and saving checkpoints are promises: interleave them with virtual time, second by second.
      for (let t = Math.floor(ts.now() / 1000); t < untilS; t += 1) {
        await settle();
        ts.maxFrames = (t + 1) * 1000;
        ts.flush();
      }
      await settle();
      sub.unsubscribe();
    };
    const first: Array<{ readonly at: number; readonly e: EnergyEvent }> = [];
    await go(1200, first);
    const loaded = await checkpoints.load({ deviceId: ID, stream: "short" });
    expect(loaded?.watermark).toBe(intervals(first).at(-1)! + STEP);
    // Down for 20 minutes, then start again from the checkpoint (fromTs is ignored once one exists).
    ts.schedule(() => undefined, 2400 * 1000 - ts.now());
    ts.maxFrames = 2400 * 1000;
    ts.flush();
    const second: Array<{ readonly at: number; readonly e: EnergyEvent }> = [];
    await go(4800, second);
    const all = [...intervals(first), ...intervals(second)];
    expect(all).toEqual(Array.from({ length: all.length }, (_, i) => i * STEP));
    expect(all.length).toBeGreaterThanOrEqual(4800 / STEP - 2);
    expect(second.filter(({ e }) => e.type === "revised").length).toBe(1);
  });
});

describe("shortEnergy$ checkpoint order", () => {
  it("saves a checkpoint only after the events it covers went out (a store writing both in one transaction sees the data first)", async () => {
    const ts = newScheduler();
    const dev = fakeDevice(ts);
    const emitted: Array<number> = [];
    const behind: Array<[watermark: number, lastEmitted: number | undefined]> = [];
    const inner = memoryCheckpointStore();
    const checkpoints: CheckpointStore = {
      load: (key) => inner.load(key),
      save: (key, checkpoint) => {
        // Every interval below the watermark must have been emitted before the save starts.
        const last = emitted.at(-1);
        if (last === undefined || last + STEP < checkpoint.watermark) behind.push([checkpoint.watermark, last]);
        return inner.save(key, checkpoint);
      },
    };
    const sub = shortEnergy$(dev.client, ID, { scheduler: ts, fromTs: 0, checkpoints, checkpointEvery: 0 }).subscribe((e) => {
      if (e.type === "interval") emitted.push(e.point.timestamp);
    });
    for (let t = 0; t < 600; t += 1) {
      await new Promise((r) => setImmediate(r));
      ts.maxFrames = (t + 1) * 1000;
      ts.flush();
    }
    sub.unsubscribe();
    expect(emitted.length).toBeGreaterThan(15);
    expect(behind).toEqual([]);
  });
});

describe("shortEnergy$ heartbeat", () => {
  it("re-checks the settle window at once when lastHeardAt jumps after a silence", () => {
    const ts = newScheduler();
    const dev = fakeDevice(ts);
    const heartbeat$ = new Subject<number>();
    ts.schedule(() => heartbeat$.next(100), 1_000_000); // heard 900 s ago at t=1000: silent
    ts.schedule(() => heartbeat$.next(1_195), 1_200_000); // heard just now: back
    const { sub } = run(ts, dev.client, { fromTs: 0, heartbeat$, recheckEvery: 100_000 }, 1_300);
    sub.unsubscribe();
    expectRecheckAfterJump(dev.windows);
  });
});

describe("shortEnergy$ fed by the device's stream (the device$ option)", () => {
  /** A device stream: snapshots with a layout and a lastHeardAt at the given times (s), a status event first. */
  const deviceStream = (ts: TestScheduler, snapshots: ReadonlyArray<readonly [number, number, number]>): Observable<DeviceUpdate> =>
    merge(
      of<DeviceUpdate>({ type: "status", deviceId: ID, status: "ok" }),
      ...snapshots.map(([at, heard, channels]) =>
        timer(at * 1000, ts).pipe(
          map((): DeviceUpdate => {
            const device = asDevice({ id: ID, comms: { lastHeardAt: heard }, channels: Array.from({ length: channels }, (_, i) => ({ id: `${ID}_C${i + 1}` })) });
            return { type: "snapshot", deviceId: ID, device, previous: undefined, events: [], online: true };
          }),
        ),
      ),
    );

  /** Runs `seconds` of virtual time second by second, letting promises (a checkpoint store's) settle in between. */
  const runPromised = async (ts: TestScheduler, seconds: number): Promise<void> => {
    for (let t = 0; t < seconds; t++) {
      await new Promise((r) => setImmediate(r));
      ts.maxFrames = (t + 1) * 1000;
      ts.flush();
    }
  };

  /** The first interval went out when due (≤ 60 s), every one labelled with both channels, and only device$ read the device. */
  const expectLabelledAtOnce = (out: ReadonlyArray<{ readonly at: number; readonly e: EnergyEvent }>, deviceReads: number): void => {
    const emitted = out.filter(({ e }) => e.type === "interval");
    expect(emitted.length).toBeGreaterThan(0);
    expect(emitted[0]!.at).toBeLessThan(60);
    for (const { e } of emitted) expect(e.type === "interval" && e.channels).toHaveLength(2);
    expect(deviceReads).toBe(1);
  };

  it("labels intervals with the snapshots' channels, waiting for the first, without reading the device", () => {
    const ts = newScheduler();
    const dev = fakeDevice(ts);
    const { out, sub } = run(ts, dev.client, { fromTs: 0, device$: deviceStream(ts, [[600, 590, 2]]) }, 1_200);
    sub.unsubscribe();
    expectLabelledFrom600(out, dev.counts.device);
  });

  it("re-checks the settle window at once when the snapshots' lastHeardAt jumps after a silence", () => {
    const ts = newScheduler();
    const dev = fakeDevice(ts);
    // Heard 900 s ago at t = 1000 (silent), then just now at t = 1200 (back).
    const device$ = deviceStream(ts, [[0, 0, 2], [1_000, 100, 2], [1_200, 1_195, 2]]);
    const { sub } = run(ts, dev.client, { fromTs: 0, device$, recheckEvery: 100_000 }, 1_300);
    sub.unsubscribe();
    expectRecheckAfterJump(dev.windows);
  });

  it("subscribes to the device's stream once, and a layout$ given as well takes the layout over", () => {
    const ts = newScheduler();
    const dev = fakeDevice(ts);
    let subscriptions = 0;
    const device$ = defer(() => {
      subscriptions++;
      return deviceStream(ts, [[0, 0, 3]]);
    });
    const layout$ = of([{ id: parseChannelId(`${ID}_C1`) }, { id: parseChannelId(`${ID}_C2`) }]);
    const { out, sub } = run(ts, dev.client, { fromTs: 0, device$, layout$ }, 600);
    sub.unsubscribe();
    expect(subscriptions).toBe(1);
    const emitted = out.filter(({ e }) => e.type === "interval");
    expect(emitted.length).toBeGreaterThan(15);
    for (const { e } of emitted) expect(e.type === "interval" && e.channels).toHaveLength(2);
  });

  it("takes the layout from a device$ that polled before the energy stream subscribed (its checkpoint loads first)", async () => {
    const ts = newScheduler();
    const dev = fakeDevice(ts);
    const d$ = device$(dev.client, ID, { scheduler: ts });
    const subD = d$.subscribe();
    // The device's first snapshot is out before the energy stream exists.
    ts.maxFrames = 0;
    ts.flush();
    await new Promise((r) => setImmediate(r));
    expect(dev.counts.device).toBe(1);
    const out: Array<{ readonly at: number; readonly e: EnergyEvent }> = [];
    const sub = shortEnergy$(dev.client, ID, { scheduler: ts, fromTs: 0, checkpoints: memoryCheckpointStore(), device$: d$ }).subscribe((e) =>
      out.push({ at: ts.now() / 1000, e }),
    );
    await runPromised(ts, 120);
    sub.unsubscribe();
    subD.unsubscribe();
    // The first interval (due at 30 s) labelled from the replayed snapshot, not after device$'s next poll (5 min
    // later; a `share()` of device$ would not replay it).
    expectLabelledAtOnce(out, dev.counts.device);
  });

  it("hears a shared device stream's snapshots that come while its checkpoint is still loading", async () => {
    const ts = newScheduler();
    const dev = fakeDevice(ts);
    // As `watch` used to wire it: one share() of device$ for everything, which replays nothing.
    const updates = device$(dev.client, ID, { scheduler: ts }).pipe(share());
    const checkpoints = memoryCheckpointStore();
    const out: Array<{ readonly at: number; readonly e: EnergyEvent }> = [];
    const sub = merge(updates.pipe(mergeMap(() => EMPTY)), shortEnergy$(dev.client, ID, { scheduler: ts, fromTs: 0, checkpoints, device$: updates })).subscribe((e) =>
      out.push({ at: ts.now() / 1000, e }),
    );
    // The device's first poll answers before the checkpoint store's promise does.
    ts.maxFrames = 0;
    ts.flush();
    await runPromised(ts, 120);
    sub.unsubscribe();
    expectLabelledAtOnce(out, dev.counts.device);
  });

  it("two subscribers share one poller and one subscription to the device's stream", () => {
    const ts = newScheduler();
    const dev = fakeDevice(ts);
    let subscriptions = 0;
    const device$ = defer(() => {
      subscriptions++;
      return deviceStream(ts, [[0, 0, 2]]);
    });
    const stream = shortEnergy$(dev.client, ID, { scheduler: ts, fromTs: 0, device$ });
    const a: Array<number> = [];
    const b: Array<number> = [];
    const subA = stream.subscribe((e) => e.type === "interval" && a.push(e.point.timestamp));
    const subB = stream.subscribe((e) => e.type === "interval" && b.push(e.point.timestamp));
    ts.maxFrames = 600_000;
    ts.flush();
    subA.unsubscribe();
    subB.unsubscribe();
    expect(subscriptions).toBe(1);
    expect(a.length).toBeGreaterThan(15);
    expect(b).toEqual(a);
  });
});

describe("shortEnergy$ channel layout", () => {
  it("reads the device's channels again when the energy arrays stop matching them, before emitting", () => {
    const ts = newScheduler();
    const dev = fakeDevice(ts);
    // The first read of the device is stale (one channel); the energy arrays have two.
    const client = fakeClient({
      ...dev.client,
      getDevice: (id: string) =>
        Effect.sync(() => ({ id, channels: dev.counts.device++ === 0 ? [{ id: `${id}_C1` }] : [{ id: `${id}_C1` }, { id: `${id}_C2` }] })),
    });
    const first = run(ts, client, { fromTs: 0 }, 600);
    first.sub.unsubscribe();
    expect(dev.counts.device).toBe(2);
    expect(intervals(first.out).length).toBeGreaterThan(15);
    for (const { e } of first.out) if (e.type === "interval") expect(e.channels).toHaveLength(2);
  });

  it("with a layout$ that has not emitted yet, waits for it rather than emitting intervals without channels", () => {
    const ts = newScheduler();
    const dev = fakeDevice(ts);
    // The layout arrives 10 minutes after the stream starts, long after the first energy reply (catching up from 0).
    const layout$ = timer(600_000, ts).pipe(map(() => [{ id: parseChannelId(`${ID}_C1`) }, { id: parseChannelId(`${ID}_C2`) }]));
    const { out, sub } = run(ts, dev.client, { fromTs: 0, layout$ }, 1_200);
    sub.unsubscribe();
    // The layout came from layout$, not from an extra device read.
    expectLabelledFrom600(out, dev.counts.device);
  });

  it("with a layout$ that ends without a value, reads the device's layout instead of waiting for ever", () => {
    const ts = newScheduler();
    const dev = fakeDevice(ts);
    const { out, sub } = run(ts, dev.client, { fromTs: 0, layout$: EMPTY }, 600);
    sub.unsubscribe();
    const emitted = out.filter(({ e }) => e.type === "interval");
    expect(emitted.length).toBeGreaterThan(15);
    for (const { e } of emitted) expect(e.type === "interval" && e.channels).toHaveLength(2);
    expect(dev.counts.device).toBe(1);
  });
});
