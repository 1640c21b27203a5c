import { Effect } from "effect";
import { TestScheduler } from "rxjs/testing";
import { describe, expect, it } from "vitest";
import { parseChannelId, parseDeviceId } from "@wattstream/core";
import type { ShortEnergyPoint } from "@wattstream/core";
import type { EnergyEvent } from "@wattstream/rx";
import { Forbidden } from "@wattstream/resilience";
import type { WatchEvent } from "../src/internal/watch/WatchEvent.js";
import { intervalEvent, watchEvents$ } from "../src/internal/watch/watchEvents.js";
import type { WatchClient } from "../src/internal/watch/watchEvents.js";

const tagged = (_tag: "Forbidden") => new Forbidden({ operation: "getDevice", method: "GET", path: "/devices/{id}", status: 403 });

const channels = [
  { id: parseChannelId("D123456789012_C1"), label: "Grid", categoryId: 1 },
  { id: parseChannelId("D123456789012_C2"), label: "Solar", categoryId: 5 },
];
const interval = (point: Omit<ShortEnergyPoint, "timestamp">): EnergyEvent<ShortEnergyPoint> & { readonly type: "interval" } => ({
  type: "interval",
  deviceId: parseDeviceId("D123456789012"),
  stream: "short",
  point: { timestamp: 1_700_000_000, ...point },
  channels,
});

describe("intervalEvent", () => {
  it("pairs eReal with the channel layout and turns joules into mean watts over the point's duration", () => {
    const e = intervalEvent(interval({ duration: 30, eReal: [36_000, -9_000] }), "short");
    expect(e).toEqual({
      type: "interval",
      deviceId: "D123456789012",
      stream: "short",
      timestamp: 1_700_000_000,
      duration: 30,
      powerW: 900,
      // Importing 1.2 kW while the (reversed) solar CT reads 300 W of generation: the site uses 1.5 kW.
      balance: { gridNet: 1200, gridImport: 1200, gridExport: 0, generation: 300, consumption: 1500, battery: undefined, ev: undefined, loads: undefined },
      channels: [
        { id: "D123456789012_C1", label: "Grid", categoryId: 1, powerW: 1200 },
        { id: "D123456789012_C2", label: "Solar", categoryId: 5, powerW: -300 },
      ],
    });
  });

  it("leaves power unknown without a duration instead of reporting 0 W", () => {
    const e = intervalEvent(interval({ eReal: [36_000, -9_000] }), "short");
    expect(e).toMatchObject({ type: "interval", duration: undefined, powerW: undefined });
    const json = JSON.parse(JSON.stringify(e)) as Record<string, unknown>;
    expect(json).not.toHaveProperty("powerW");
    expect((e as { channels: ReadonlyArray<{ powerW?: number }> }).channels.map((c) => c.powerW)).toEqual([undefined, undefined]);
  });

  it("never labels values with a layout they do not fit", () => {
    const e = intervalEvent(interval({ duration: 30, eReal: [36_000, -9_000, 3_000] }), "short");
    expect(e).toMatchObject({ powerW: undefined, channels: [] });
  });
});

describe("watchEvents$: one device's bad data degrades that device only", () => {
  const A = parseDeviceId("D123456789012");
  const B = parseDeviceId("E123456789012");
  const C = parseDeviceId("F123456789012");
  /** A fleet of three on a virtual clock: B's energy answer carries a point with duration 0; C's device read is refused (403). */
  const fleet = (ts: TestScheduler) => {
    const now = () => ts.now() / 1000;
    const device = (id: string) => ({ id, channels: [{ id: `${id}_C1` }], comms: { lastHeardAt: Math.floor(now()) } });
    return {
      listDevices: () => Effect.succeed([A, B, C, A]),
      getDevice: (id: string) => (id === C ? Effect.fail(tagged("Forbidden")) : Effect.sync(() => device(id))),
      getShortEnergyData: (id: string, q: { readonly fromTs: number; readonly toTs: number }) =>
        Effect.sync(() => {
          const out = [];
          for (let t = Math.ceil(q.fromTs / 30) * 30; t < q.toTs; t += 30)
            if (t + 33 <= now()) out.push({ timestamp: t, duration: id === B && t === 120 ? 0 : 30, eReal: [30_000] });
          return out;
        }),
      getLatestShortEnergyData: () => Effect.sync(() => ({ timestamp: Math.floor((now() - 33) / 30) * 30 })),
      // A hand-written fake: the real operations are generic over their options, which a fake cannot spell.
    } as unknown as WatchClient;
  };

  it("following the fleet: a refused device is `failed`, an anomalous point is `anomaly`, the others keep streaming", () => {
    const ts = new TestScheduler((a, b) => expect(a).toEqual(b));
    const events: Array<WatchEvent> = [];
    let error: unknown;
    const sub = watchEvents$(fleet(ts), { ids: [], energy: "short", scheduler: ts, secrets: [] }).subscribe({
      next: (e) => events.push(e),
      error: (e: unknown) => (error = e),
    });
    ts.maxFrames = 600_000;
    ts.flush();
    sub.unsubscribe();
    expect(error).toBeUndefined();
    expect(events.filter((e) => e.type === "fleet")).toEqual([{ type: "fleet", devices: [A, B, C], added: [A, B, C], removed: [] }]);
    expect(events.filter((e) => e.type === "failed")).toEqual([{ type: "failed", deviceId: C, error: expect.stringMatching(/^Forbidden/) }]);
    expect(events.filter((e) => e.type === "anomaly")).toEqual([
      { type: "anomaly", deviceId: B, stream: "short", timestamp: 120, reason: { code: "badDuration" }, detail: "duration is not a positive whole number of seconds" },
    ]);
    const intervalsOf = (id: string) => events.flatMap((e) => (e.type === "interval" && e.deviceId === id ? [e.timestamp] : []));
    expect(intervalsOf(A).length).toBeGreaterThan(15);
    expect(intervalsOf(B).length).toBeGreaterThan(15);
    expect(intervalsOf(B)).not.toContain(120);
  });

  it("named devices: the others go on after one fails; when every named device failed, the stream ends with the error", () => {
    const ts = new TestScheduler((a, b) => expect(a).toEqual(b));
    const events: Array<WatchEvent> = [];
    let error: unknown;
    const sub = watchEvents$(fleet(ts), { ids: [A, C], energy: "short", scheduler: ts, secrets: [] }).subscribe({
      next: (e) => events.push(e),
      error: (e: unknown) => (error = e),
    });
    ts.maxFrames = 300_000;
    ts.flush();
    sub.unsubscribe();
    expect(error).toBeUndefined();
    expect(events.filter((e) => e.type === "failed").map((e) => e.type === "failed" && e.deviceId)).toEqual([C]);
    expect(events.filter((e) => e.type === "interval").length).toBeGreaterThan(5);

    const ts2 = new TestScheduler((a, b) => expect(a).toEqual(b));
    let ended: unknown;
    watchEvents$(fleet(ts2), { ids: [C], energy: "short", scheduler: ts2, secrets: [] }).subscribe({ error: (e: unknown) => (ended = e) });
    ts2.maxFrames = 60_000;
    ts2.flush();
    expect(ended).toMatchObject({ _tag: "Forbidden" });
  });
});
