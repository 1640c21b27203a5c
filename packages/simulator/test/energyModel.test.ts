// Properties of the energy model and of data availability, checked directly on the internals over random inputs.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_START_TIME } from "../src/index.js";
import type { SimDevice } from "../src/internal/device.js";
import { firstStart, isAvailable, lastCheckIn, latestStart } from "../src/internal/device.js";
import { LONG_SECONDS, longSample, SHORT_SECONDS, shortSample } from "../src/internal/energy.js";
import { buildFleet } from "../src/internal/fleet.js";

const NOW = DEFAULT_START_TIME;
const fleet = (seed: number): SimDevice[] => buildFleet({ seed, count: 12, now: NOW });

describe("energy model", () => {
  it("a 5-minute aggregate is the sum of its ten 30 s readings, in integer joules, for any device and time", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.nat(11), fc.integer({ min: 0, max: 20_000 }), (seed, i, k) => {
        const d = fleet(seed)[i]!;
        const ts = NOW - k * LONG_SECONDS;
        for (let ch = 0; ch < d.channels.length; ch++) {
          const long = longSample(d.energy, ch, ts);
          const shorts = Array.from({ length: 10 }, (_, j) => shortSample(d.energy, ch, ts + j * SHORT_SECONDS));
          expect(long.eReal).toBe(shorts.reduce((a, s) => a + s.eReal, 0));
          expect(long.eRealPositive - long.eRealNegative).toBe(long.eReal);
          expect(long.eReactivePositive - long.eReactiveNegative).toBe(long.eReactive);
          for (const s of shorts) {
            expect(Number.isInteger(s.eReal) && Number.isInteger(s.eReactive)).toBe(true);
            expect(s.vRMS).toBeGreaterThan(200);
            expect(s.vRMS).toBeLessThan(260);
            expect(s.iRMS).toBeGreaterThanOrEqual(0);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it("is a pure function of seed, device, channel and time", () => {
    const a = fleet(5)[3]!;
    const b = fleet(5)[3]!;
    const c = fleet(6)[3]!;
    expect(shortSample(a.energy, 2, NOW - 3000)).toEqual(shortSample(b.energy, 2, NOW - 3000));
    expect(a.id).toBe(b.id);
    expect(c.id).not.toBe(a.id);
  });
});

describe("availability", () => {
  const outage = fc
    .tuple(fc.integer({ min: -6 * 3600, max: 3600 }), fc.integer({ min: 60, max: 8 * 3600 }))
    .map(([start, length]) => ({ from: NOW + start, to: NOW + start + length }));

  it("latest and first agree with a brute-force scan, whatever the outage and the time", () => {
    fc.assert(
      fc.property(
        fc.nat(7),
        outage,
        fc.boolean(),
        fc.integer({ min: 0, max: 10 * 3600 }),
        fc.constantFrom(SHORT_SECONDS, LONG_SECONDS),
        (i, o, open, later, step) => {
          const d = fleet(1)[i]!;
          d.outages.push(open ? { from: o.from, to: Infinity } : o);
          const now = NOW + later;
          const rate = 60;
          let best: number | undefined;
          // The outage starts at most 6 h before NOW and `now` is at most 10 h after it: 20 h covers every case.
          for (let ts = Math.floor((now - 20 * 3600) / step) * step; ts < now; ts += step) {
            if (isAvailable(d, ts, ts + step, now, rate)) best = ts;
          }
          expect(latestStart(d, step, now, rate)).toBe(best);
          expect(firstStart(d, step, now, rate)).toBe(Math.ceil(d.dataStart! / step) * step);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("lastCheckIn never falls inside an outage and never moves backwards", () => {
    fc.assert(
      fc.property(fc.nat(7), outage, fc.array(fc.integer({ min: 0, max: 12 * 3600 }), { minLength: 2 }), (i, o, times) => {
        const d = fleet(2)[i]!;
        d.outages.push(o);
        let previous = -Infinity;
        for (const t of [...times].sort((a, b) => a - b)) {
          const heard = lastCheckIn(d, NOW - 3 * 3600 + t)!;
          expect(heard).toBeLessThanOrEqual(NOW - 3 * 3600 + t);
          expect(heard >= o.from && heard < o.to).toBe(false);
          expect(heard).toBeGreaterThanOrEqual(previous);
          previous = heard;
        }
      }),
      { numRuns: 200 },
    );
  });

  it("back-fill runs at `rate` seconds of data per second after reconnecting", () => {
    const d = fleet(3)[0]!;
    d.outages.push({ from: NOW - 6 * 3600, to: NOW });
    const gap = (now: number): number => {
      let n = 0;
      for (let ts = NOW - 6 * 3600; ts < NOW - 600; ts += LONG_SECONDS) if (!isAvailable(d, ts, ts + 300, now, 60)) n++;
      return n;
    };
    expect(gap(NOW)).toBeGreaterThan(60);
    // Three minutes upload three hours: 36 intervals, one fewer when the upload lag straddles a boundary.
    expect(gap(NOW) - gap(NOW + 3 * 60)).toBeGreaterThanOrEqual(35);
    expect(gap(NOW) - gap(NOW + 3 * 60)).toBeLessThanOrEqual(36);
    expect(gap(NOW + 6 * 60)).toBe(0);
  });
});
