// Server data cannot corrupt a stream: points outside the asked window, off the interval grid, or with a
// duration that is not a positive whole number of seconds are reported as `anomaly` events and move nothing.
// Each case first reproduced the reported failure (duplicates every poll, a dropped interval, an InvalidRequest,
// a watermark in 2100) against a fake client in virtual time.
import { Effect } from "effect";
import { TestScheduler } from "rxjs/testing";
import { describe, expect, it } from "vitest";
import { shortEnergy$ } from "../src/index.js";
import type { EnergyClient, EnergyEvent, EnergyStreamOptions } from "../src/index.js";
import { parseDeviceId } from "@wattstream/core";
import type { ShortEnergyPoint } from "@wattstream/core";
import { fakeClient } from "./helpers.js";

const ID = parseDeviceId("D123456789012");
const STEP = 30;
const LAG = 3;

type Point = ShortEnergyPoint & { readonly eReal: ReadonlyArray<number>; readonly [k: string]: unknown };

/**
 * A device whose 30-s intervals become readable LAG s after they end; `tamper` rewrites each answer (the
 * window asked for, the clock), so a test can add, replace or reorder points.
 */
const fakeDevice = (ts: TestScheduler, tamper: (points: Array<Point>, q: { fromTs: number; toTs: number }, now: number) => Array<Point>) => {
  const now = () => ts.now() / 1000;
  const counts = { read: 0, latest: 0 };
  const windows: Array<readonly [number, number]> = [];
  const good = (t: number): Point => ({ timestamp: t, duration: STEP, eReal: [t % 7] });
  const client = fakeClient({
    getDevice: (id: string) => Effect.sync(() => ({ id, channels: [{ id: `${id}_C1` }] })),
    getShortEnergyData: (_id: string, q: { readonly fromTs: number; readonly toTs: number }) =>
      Effect.sync(() => {
        counts.read++;
        windows.push([q.fromTs, q.toTs]);
        const out: Array<Point> = [];
        for (let t = Math.ceil(q.fromTs / STEP) * STEP; t < q.toTs; t += STEP) if (t >= 0 && t + STEP + LAG <= now()) out.push(good(t));
        return tamper(out, { fromTs: q.fromTs, toTs: q.toTs }, now());
      }),
    getLatestShortEnergyData: () =>
      Effect.sync(() => {
        counts.latest++;
        const t = Math.floor((now() - STEP - LAG) / STEP) * STEP;
        return t >= 0 ? { timestamp: t } : { _tag: "NoData" as const };
      }),
  });
  return { client, counts, windows, good };
};

const run = (ts: TestScheduler, client: EnergyClient<"short">, options: EnergyStreamOptions, untilS: number) => {
  const out: Array<{ readonly at: number; readonly e: EnergyEvent }> = [];
  let error: unknown;
  const sub = shortEnergy$(client, ID, { scheduler: ts, ...options }).subscribe({
    next: (e) => out.push({ at: ts.now() / 1000, e }),
    error: (e: unknown) => (error = e),
  });
  ts.maxFrames = untilS * 1000;
  ts.flush();
  sub.unsubscribe();
  return { out, error };
};

const intervals = (out: ReadonlyArray<{ readonly e: EnergyEvent }>): Array<number> =>
  out.flatMap(({ e }) => (e.type === "interval" ? [e.point.timestamp] : []));
const anomalies = (out: ReadonlyArray<{ readonly e: EnergyEvent }>) => out.flatMap(({ e }) => (e.type === "anomaly" ? [e] : []));
const gaps = (out: ReadonlyArray<{ readonly e: EnergyEvent }>) => out.flatMap(({ e }) => (e.type === "gap" ? [[e.fromTs, e.toTs]] : []));
const newScheduler = () => new TestScheduler((a, b) => expect(a).toEqual(b));

/** Every grid interval from 0 up to the last one emitted, except those in `skip`; and at least `min - 1` of them (the last may not be due yet). */
const expectContiguous = (got: ReadonlyArray<number>, min: number, skip: ReadonlyArray<number> = []): void => {
  const count = (got.at(-1) ?? -STEP) / STEP + 1;
  expect(got).toEqual(Array.from({ length: count }, (_, i) => i * STEP).filter((t) => !skip.includes(t)));
  expect(count).toBeGreaterThanOrEqual(min - 1);
};

describe("points that cannot be trusted become anomaly events and move nothing", () => {
  for (const duration of [0, -30]) {
    it(`duration ${duration}: reported once, never re-emitted, no request storm, the next intervals flow and the hole is a gap`, () => {
      const ts = newScheduler();
      const dev = fakeDevice(ts, (points) => points.map((p) => (p.timestamp === 300 ? { ...p, duration } : p)));
      const { out, error } = run(ts, dev.client, { fromTs: 0, settle: 1200 }, 3600);
      expect(error).toBeUndefined();
      // Before: the interval at 300 went out on every poll (104 copies in 6 s, ~50 requests/s).
      expectContiguous(intervals(out), 119, [300]);
      expect(anomalies(out)).toEqual([
        { type: "anomaly", deviceId: ID, stream: "short", point: { timestamp: 300, duration, eReal: [300 % 7] }, reason: { code: "badDuration" } },
      ]);
      expect(gaps(out)).toEqual([[300, 330]]);
      expect(dev.counts.read + dev.counts.latest).toBeLessThan(140);
    });
  }

  it("a 31-s duration on the 30-s grid is an anomaly and the next interval is still emitted", () => {
    const ts = newScheduler();
    const dev = fakeDevice(ts, (points) => points.map((p) => (p.timestamp === 300 ? { ...p, duration: 31 } : p)));
    const { out, error } = run(ts, dev.client, { fromTs: 0, settle: 1200 }, 1800);
    expect(error).toBeUndefined();
    // Before: the watermark moved to 331, so the interval at 330 was dropped without a gap.
    expectContiguous(intervals(out), 59, [300]);
    expect(anomalies(out).map((a) => a.reason)).toEqual([{ code: "durationOffGrid", interval: 30 }]);
    expect(gaps(out)).toEqual([[300, 330]]);
  });

  it("a fractional timestamp is an anomaly, not a client-side InvalidRequest that ends the stream", () => {
    const ts = newScheduler();
    const dev = fakeDevice(ts, (points) => points.map((p) => (p.timestamp === 300 ? { ...p, timestamp: 300.5 } : p)));
    const { out, error } = run(ts, dev.client, { fromTs: 0, settle: 1200 }, 1800);
    expect(error).toBeUndefined();
    expectContiguous(intervals(out), 59, [300]);
    expect(anomalies(out).map((a) => [a.point.timestamp, a.reason])).toEqual([[300.5, { code: "badTimestamp" }]]);
    // Every request the stream made had whole-second bounds.
    for (const [a, b] of dev.windows) expect([Number.isInteger(a), Number.isInteger(b)]).toEqual([true, true]);
  });

  it("a point dated in 2100 is outside the asked window: reported, and the watermark stays with the real data", () => {
    const ts = newScheduler();
    const y2100 = 4_102_444_800;
    const dev = fakeDevice(ts, (points, _q, now) => (now >= 600 ? [...points, { timestamp: y2100, duration: STEP, eReal: [1] }] : points));
    const { out, error } = run(ts, dev.client, { fromTs: 0 }, 1800);
    expect(error).toBeUndefined();
    expectContiguous(intervals(out), 59);
    const found = anomalies(out);
    expect(found).toHaveLength(1);
    expect(found[0]!.point.timestamp).toBe(y2100);
    expect(found[0]!.reason.code).toBe("outsideWindow");
  });

  it("points off the grid or missing a duration are anomalies; valid neighbours in the same answer are kept", () => {
    const ts = newScheduler();
    const dev = fakeDevice(ts, (points) =>
      points.flatMap((p) => {
        if (p.timestamp === 300) return [{ ...p, timestamp: 310 }];
        if (p.timestamp === 600) {
          const { duration: _omitted, ...rest } = p;
          return [rest];
        }
        return [p];
      }),
    );
    const { out } = run(ts, dev.client, { fromTs: 0, settle: 1200 }, 1800);
    expectContiguous(intervals(out), 59, [300, 600]);
    expect(anomalies(out).map((a) => [a.point.timestamp, a.reason.code])).toEqual([
      [310, "offGrid"],
      [600, "missingDuration"],
    ]);
  });

  it("a late correct copy of an anomalous interval fills its hole", () => {
    const ts = newScheduler();
    const dev = fakeDevice(ts, (points, _q, now) => points.map((p) => (p.timestamp === 300 && now < 900 ? { ...p, duration: 0 } : p)));
    const { out } = run(ts, dev.client, { fromTs: 0, recheckEvery: 300, promptRecheckEvery: 300 }, 1800);
    const got = intervals(out);
    expectContiguous([...got].sort((a, b) => a - b), 59);
    expect(new Set(got).size).toBe(got.length);
    expect(gaps(out)).toEqual([]);
    expect(anomalies(out)).toHaveLength(1);
  });
});

describe("duplicate and out-of-order points inside one answer", () => {
  it("sorts them, keeps one per timestamp, emits a later different copy as revised, and never an interval twice", () => {
    const ts = newScheduler();
    const dev = fakeDevice(ts, (points) => {
      // Reversed, every point twice, and the interval at 120 also with other values (after its first copy).
      const out = [...points].reverse().flatMap((p) => [p, p]);
      const at = out.findIndex((p) => p.timestamp === 120);
      if (at >= 0) out.splice(0, 0, { ...out[at]!, eReal: [42] });
      return out;
    });
    const { out } = run(ts, dev.client, { fromTs: 0 }, 1800);
    expectContiguous(intervals(out), 59);
    const revised = out.flatMap(({ e }) => (e.type === "revised" ? [e.point] : []));
    // The first copy in the answer (values 42) went out as the interval; the later one (other values) as a revision.
    const first = out.find(({ e }) => e.type === "interval" && e.point.timestamp === 120)!.e;
    expect(first.type === "interval" && first.point).toMatchObject({ eReal: [42] });
    expect(revised).toEqual([{ timestamp: 120, duration: STEP, eReal: [120 % 7] }]);
    expect(anomalies(out)).toEqual([]);
  });
});

describe("an anomaly on a shared stream", () => {
  it("reaches both subscribers once, from one poller", () => {
    const ts = newScheduler();
    const dev = fakeDevice(ts, (points) => points.map((p) => (p.timestamp === 300 ? { ...p, duration: 0 } : p)));
    const a: Array<EnergyEvent> = [];
    const b: Array<EnergyEvent> = [];
    const options = { scheduler: ts, fromTs: 0 };
    const s1 = shortEnergy$(dev.client, ID, options).subscribe((e) => a.push(e));
    const s2 = shortEnergy$(dev.client, ID, options).subscribe((e) => b.push(e));
    ts.maxFrames = 1800 * 1000;
    ts.flush();
    s1.unsubscribe();
    s2.unsubscribe();
    expect(a).toEqual(b);
    expect(a.filter((e) => e.type === "anomaly")).toHaveLength(1);
    expect(dev.counts.read + dev.counts.latest).toBeLessThan(70);
  });
});
