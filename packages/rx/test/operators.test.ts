import { map } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { describe, expect, it } from "vitest";
import { meanPower, offlineFor, perChannel, sustained, threshold } from "../src/index.js";
import { channelId } from "./helpers.js";
import type { Alert, EnergyEvent } from "../src/index.js";
import type { ShortEnergyPoint } from "@wattstream/core";
import { DEVICE_ID, heardAt } from "./fixtures/device.js";

const newScheduler = () => new TestScheduler((a, b) => expect(a).toEqual(b));
const types = map((a: { readonly type: string }) => a.type[0]!);

describe("threshold", () => {
  it("raises at the level and clears only past the hysteresis band", () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const values = { a: 1, b: 5, c: 4.5, d: 3.9, e: 6, f: 2 };
      const src = cold("a-b-c-b-d-e-f|", values);
      expectObservable(src.pipe(threshold({ value: (v) => v, above: 5, clear: 4 }), types)).toBe("--r-----c-r-c|");
    });
  });

  it("works downward, ignores NaN, and passes errors and empty sources through", () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const src = cold("a-b-c-d|", { a: 10, b: Number.NaN, c: 1, d: 3 });
      expectObservable(src.pipe(threshold({ value: (v) => v, below: 2, clear: 2.5 }), types)).toBe("----r-c|");
      expectObservable(cold("a-#", { a: 10 }).pipe(threshold({ value: (v) => v, above: 5 }), types)).toBe("r-#");
      expectObservable(cold<number>("|").pipe(threshold({ value: (v: number) => v, above: 5 }))).toBe("|");
    });
    expect(() => threshold({ value: (v: number) => v, above: 5, clear: 6 })).toThrow(RangeError);
  });
});

describe("sustained", () => {
  it("passes a raise only after it held for the duration, and its clear", () => {
    const ts = newScheduler();
    ts.run(({ cold, expectObservable }) => {
      const r: Alert<number> = { type: "raised", value: 1, item: 1 };
      const c: Alert<number> = { type: "cleared", value: 0, item: 0 };
      // raise at 0, clear at 3 (too short: nothing); raise at 5, held → passes at 15; clear at 20.
      const src = cold("r--c-r--------------c|", { r, c });
      expectObservable(src.pipe(sustained(10, ts), types)).toBe("---------------r----c|");
    });
  });

  it("never completes with a never-completing source", () => {
    const ts = newScheduler();
    ts.run(({ cold, expectObservable }) => {
      expectObservable(cold<Alert<number>>("-").pipe(sustained(10, ts))).toBe("-");
    });
  });
});

describe("offlineFor", () => {
  it("raises when a device stays silent for the duration between polls, and clears when heard again", () => {
    const ts = newScheduler();
    ts.run(({ cold, expectObservable }) => {
      // heard at 0 s; duration 1000 ms → raised at 1000 even without another poll; heard at 1.5 s → cleared at 1600.
      const src = cold("a 1599ms b 2000ms -", { a: heardAt(0), b: heardAt(1.5) });
      expectObservable(src.pipe(offlineFor(1000, ts), types)).toBe("1000ms r 599ms c 899ms r");
    });
  });
});

describe("perChannel and meanPower", () => {
  const channels = [
    { id: channelId(`${DEVICE_ID}_C1`), label: "Grid" },
    { id: channelId(`${DEVICE_ID}_C2`), label: "Solar" },
  ];
  const interval: EnergyEvent<ShortEnergyPoint> = {
    type: "interval",
    deviceId: DEVICE_ID,
    stream: "short",
    point: { timestamp: 60, duration: 30, eReal: [30_000, -15_000], vRMS: [240, 241] },
    channels,
  };

  it("zips values to channel IDs and labels, dropping gap and status events", () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const gap: EnergyEvent = { type: "gap", deviceId: DEVICE_ID, stream: "short", fromTs: 0, toTs: 30 };
      const src = cold("a-g|", { a: interval, g: gap });
      expectObservable(src.pipe(perChannel(), meanPower())).toBe("a--|", {
        a: {
          deviceId: DEVICE_ID,
          timestamp: 60,
          duration: 30,
          revised: false,
          channels: [
            { id: `${DEVICE_ID}_C1`, label: "Grid", watts: 1000 },
            { id: `${DEVICE_ID}_C2`, label: "Solar", watts: -500 },
          ],
        },
      });
    });
  });

  it("errors on a stale layout rather than mislabelling", () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const stale: EnergyEvent<ShortEnergyPoint> = { ...interval, channels: channels.slice(0, 1) };
      expectObservable(cold("a|", { a: stale }).pipe(perChannel(), map(() => 0))).toBe(
        "#",
        undefined,
        expect.objectContaining({ name: "ChannelLayoutMismatchError" }),
      );
    });
  });
});
