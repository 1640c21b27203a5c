import { Effect } from "effect";
import { merge } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { describe, expect, it } from "vitest";
import { parseDeviceId } from "@wattstream/core";
import type { DeviceId } from "@wattstream/core";
import { shortEnergy$ } from "../src/index.js";
import { fakeClient } from "./helpers.js";

const STEP = 30;
const LAG = 3;
const T0 = 1_800_000_000 - (1_800_000_000 % STEP);

describe("a fleet's energy polls are spread out (each device at its own phase)", () => {
  it("50 devices with one reporting lag never poll in the same millisecond in lockstep", () => {
    const ts = new TestScheduler((a, b) => expect(a).toEqual(b));
    ts.frame = T0 * 1000;
    const ids: Array<DeviceId> = Array.from({ length: 50 }, (_, i) => parseDeviceId(`D${String(100_000_000_000 + i * 7919)}`));
    const pollsAt = new Map<number, number>();
    let intervals = 0;
    // Every device's data reaches the service LAG seconds after its interval ends.
    const points = (fromTs: number, toTs: number) => {
      const out = [];
      for (let t = Math.ceil(fromTs / STEP) * STEP; t < toTs && t + STEP + LAG <= ts.now() / 1000; t += STEP) out.push({ timestamp: t, duration: STEP, eReal: [1] });
      return out;
    };
    const client = fakeClient({
      getDevice: (id: string) => Effect.succeed({ id, channels: [{ id: `${id}_C1` }] }),
      getShortEnergyData: (_id: string, q: { readonly fromTs: number; readonly toTs: number }) =>
        Effect.sync(() => {
          pollsAt.set(ts.now(), (pollsAt.get(ts.now()) ?? 0) + 1);
          return points(q.fromTs, q.toTs);
        }),
      getLatestShortEnergyData: () =>
        Effect.sync(() => {
          const latest = points(ts.now() / 1000 - 3 * STEP, ts.now() / 1000).at(-1);
          return latest === undefined ? { _tag: "NoData" as const } : { timestamp: latest.timestamp };
        }),
    });
    const sub = merge(...ids.map((id) => shortEnergy$(client, id, { scheduler: ts }))).subscribe((e) => {
      if (e.type === "interval") intervals++;
    });
    ts.maxFrames = T0 * 1000 + 20 * 60_000; // twenty minutes
    ts.flush();
    sub.unsubscribe();
    // Every device kept up: about 40 intervals each over twenty minutes.
    expect(intervals).toBeGreaterThanOrEqual(50 * 38);
    // The first reads (at subscription) share an instant; after that, no millisecond sees more than a few devices
    // (without a phase, all 50 polled together at every interval end + lag).
    const later = [...pollsAt].filter(([at]) => at > T0 * 1000).map(([, n]) => n);
    expect(Math.max(...later)).toBeLessThanOrEqual(3);
  });
});
