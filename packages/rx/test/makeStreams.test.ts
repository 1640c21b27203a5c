import { Effect } from "effect";
import { parseDeviceId, parseSwitchId } from "@wattstream/core";
import type { DeviceId } from "@wattstream/core";
import { map } from "rxjs";
import type { Observable } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { describe, expect, it } from "vitest";
import { device$, makeStreams, memoryCheckpointStore, pauseController, SwitchTimeout } from "../src/index.js";
import type { StreamsClient } from "../src/index.js";
import { defaultCache } from "../src/internal/sharedBy.js";
import { asDevice, DEVICE_ID, makeDevice } from "./fixtures/device.js";
import { fakeClient, tagged } from "./helpers.js";

const newScheduler = () => new TestScheduler((a, b) => expect(a).toEqual(b));

/** Checkpoint loads and saves are promises: interleave them with virtual time, second by second, until `untilS`. */
const runUntil = async (ts: TestScheduler, untilS: number): Promise<void> => {
  const settle = () => new Promise((r) => setImmediate(r));
  for (let t = Math.floor(ts.now() / 1000); t < untilS; t += 1) {
    await settle();
    ts.maxFrames = (t + 1) * 1000;
    ts.flush();
  }
  await settle();
};
const OTHER = parseDeviceId("E123456789012");

/**
 * A stub of every operation an owner may call, counting calls per operation. Devices answer at once; energy
 * reads answer one 30-s point per due interval on the scheduler's clock (due 3 s after its end).
 */
const stub = (ts: TestScheduler, fleet: () => ReadonlyArray<DeviceId> = () => [DEVICE_ID]) => {
  const calls: Record<string, number> = {};
  const count = (op: string): void => {
    calls[op] = (calls[op] ?? 0) + 1;
  };
  const now = () => ts.now() / 1000;
  const client = fakeClient({
    listDevices: () => Effect.sync(() => (count("listDevices"), fleet())),
    getDevice: (id: string) => Effect.sync(() => (count("getDevice"), asDevice({ ...makeDevice(), id, channels: [{ id: `${id}_C1` }] }))),
    updateDevice: () => Effect.sync(() => (count("updateDevice"), asDevice(makeDevice()))),
    getShortEnergyData: (_id: string, q: { readonly fromTs: number; readonly toTs: number }) =>
      Effect.sync(() => {
        count("getShortEnergyData");
        const out = [];
        for (let t = Math.ceil(q.fromTs / 30) * 30; t < q.toTs; t += 30) if (t + 33 <= now()) out.push({ timestamp: t, duration: 30, eReal: [30_000] });
        return out;
      }),
    getLatestShortEnergyData: () => Effect.sync(() => (count("getLatestShortEnergyData"), { timestamp: Math.floor((now() - 33) / 30) * 30 })),
    getLongEnergyData: () => Effect.never,
    getLatestLongEnergyData: () => Effect.never,
    getModbusData: () => Effect.never,
    getLatestModbusData: () => Effect.never,
  });
  return { client, calls };
};

describe("makeStreams: the owner's defaults", () => {
  it("polls on the owner's scheduler and period (defaults) or the call's period (override), each with its own poller", () => {
    const ts = newScheduler();
    const { client, calls } = stub(ts);
    const streams = makeStreams(client, { scheduler: ts, defaults: { device: { every: 100, maxEvery: 100 } } });
    const a = streams.device$(DEVICE_ID).subscribe();
    const b = streams.device$(OTHER, { every: 50, maxEvery: 50 }).subscribe();
    ts.maxFrames = 1_000;
    ts.flush();
    // t = 0..1000: every 100 ms → 11 reads; every 50 ms → 21 reads.
    expect(calls["getDevice"]).toBe(11 + 21);
    expect(streams.pollers).toBe(2);
    a.unsubscribe();
    b.unsubscribe();
    expect(streams.pollers).toBe(0);
  });

  it("pauses every poller with the owner's active$, and gives setSwitch the owner's scheduler and defaults", () => {
    const ts = newScheduler();
    const { client, calls } = stub(ts);
    const visible = pauseController();
    const streams = makeStreams(client, { scheduler: ts, active$: visible.active$, defaults: { device: { every: 100, maxEvery: 100 }, fleet: { every: 100 }, setSwitch: { timeout: 1_000 } } });
    const subs = [streams.device$(DEVICE_ID).subscribe(), streams.fleet$().subscribe()];
    ts.maxFrames = 450;
    ts.flush();
    expect([calls["getDevice"], calls["listDevices"]]).toEqual([5, 5]);
    visible.pause();
    ts.maxFrames = 2_000;
    ts.flush();
    expect([calls["getDevice"], calls["listDevices"]]).toEqual([5, 5]);
    for (const s of subs) s.unsubscribe();
    // The stub's device never shows the switch open: the owner's 1-s timeout ends the wait, on the owner's clock.
    let error: unknown;
    const t0 = ts.now();
    streams.setSwitch(parseSwitchId(`${DEVICE_ID}_S1`), "open").subscribe({ error: (e: unknown) => (error = e) });
    ts.maxFrames = t0 + 999;
    ts.flush();
    expect(error).toBeUndefined();
    ts.maxFrames = t0 + 1_000;
    ts.flush();
    expect(error).toBeInstanceOf(SwitchTimeout);
    expect(error).toMatchObject({ timeoutMs: 1_000 });
  });

  it("shares one poller per resource and options, apart from the standalone functions' pollers and other owners'", () => {
    const ts = newScheduler();
    const { client, calls } = stub(ts);
    const one = makeStreams(client, { scheduler: ts, defaults: { device: { every: 100 } } });
    const two = makeStreams(client, { scheduler: ts, defaults: { device: { every: 100 } } });
    const subs = [
      one.device$(DEVICE_ID).subscribe(),
      one.device$(DEVICE_ID).subscribe(),
      // The same options spelled out per call: still the same key, so still one poller.
      one.device$(DEVICE_ID, { every: 100 }).subscribe(),
      one.switchState$(parseSwitchId(`${DEVICE_ID}_S1`)).subscribe(),
    ];
    ts.maxFrames = 50;
    expect(one.pollers).toBe(1);
    subs.push(two.device$(DEVICE_ID).subscribe(), device$(client, DEVICE_ID, { every: 100, scheduler: ts }).subscribe());
    expect(two.pollers).toBe(1);
    expect(defaultCache(client).size).toBe(1);
    ts.flush();
    // One read at t = 0 per owner (one, two, the default one), however many subscribers each has.
    expect(calls["getDevice"]).toBe(3);
    for (const s of subs) s.unsubscribe();
    expect([one.pollers, two.pollers, defaultCache(client).size]).toEqual([0, 0, 0]);
  });

  it("gives every energy stream the owner's checkpoint store, and a call's own store replaces it", async () => {
    const ts = newScheduler();
    const { client } = stub(ts);
    const checkpoints = memoryCheckpointStore();
    const streams = makeStreams(client, { scheduler: ts, checkpoints, defaults: { energy: { fromTs: 0 } } });
    let intervals = 0;
    const sub = streams.shortEnergy$(DEVICE_ID).subscribe((e) => (intervals += e.type === "interval" ? 1 : 0));
    await runUntil(ts, 200);
    sub.unsubscribe();
    expect(intervals).toBeGreaterThan(3);
    expect((await checkpoints.load({ deviceId: DEVICE_ID, stream: "short" }))?.watermark).toBe(intervals * 30);
    const own = memoryCheckpointStore();
    const again = streams.shortEnergy$(OTHER, { checkpoints: own }).subscribe();
    await runUntil(ts, 400);
    again.unsubscribe();
    expect([checkpoints.size, own.size]).toEqual([1, 1]);
  });
});

describe("makeStreams: dispose", () => {
  it("stops every shared poller: each stream completes, no request follows, later streams complete at once", () => {
    const ts = newScheduler();
    const { client, calls } = stub(ts);
    const streams = makeStreams(client, { scheduler: ts, defaults: { device: { every: 100 }, fleet: { every: 100 }, energy: { fromTs: 0 } } });
    const completed: Array<string> = [];
    const watch = (name: string, o: Observable<unknown>) => o.subscribe({ complete: () => completed.push(name), error: (e: unknown) => completed.push(`${name}:error:${String(e)}`) });
    watch("fleet", streams.fleet$());
    watch("device", streams.device$(DEVICE_ID));
    watch("events", streams.deviceEvents$(OTHER));
    watch("short", streams.shortEnergy$(DEVICE_ID));
    watch("each", streams.eachDevice$((id) => streams.device$(id)));
    watch("named", streams.eachDevice$((id) => streams.device$(id), { ids: [OTHER] }));
    watch("switch", streams.switchState$(parseSwitchId(`${DEVICE_ID}_S1`)));
    watch("setSwitch", streams.setSwitch(parseSwitchId(`${DEVICE_ID}_S1`), "open", { every: 100 }));
    ts.maxFrames = 1_000;
    ts.flush();
    expect(streams.pollers).toBeGreaterThanOrEqual(4);
    expect(completed).toEqual([]);
    streams.dispose();
    expect(completed.sort()).toEqual(["device", "each", "events", "fleet", "named", "setSwitch", "short", "switch"]);
    expect(streams.pollers).toBe(0);
    const before = { ...calls };
    ts.maxFrames = 100_000;
    ts.flush();
    expect(calls).toEqual(before);
    let late = false;
    streams.device$(DEVICE_ID).subscribe({ complete: () => (late = true) });
    streams.setSwitch(parseSwitchId(`${DEVICE_ID}_S1`), "open").subscribe({ complete: () => (late &&= true) });
    ts.flush();
    expect(late).toBe(true);
    expect(calls).toEqual(before);
    expect(streams.pollers).toBe(0);
  });

  it("saves an energy stream's checkpoint once more when the owner is disposed, as on unsubscribe", async () => {
    const ts = newScheduler();
    const { client } = stub(ts);
    const checkpoints = memoryCheckpointStore();
    // Saves at most every hour: after the first save, only the dispose can save before then.
    const streams = makeStreams(client, { scheduler: ts, checkpoints, defaults: { energy: { fromTs: 0, checkpointEvery: 3_600_000 } } });
    let last = 0;
    streams.shortEnergy$(DEVICE_ID).subscribe((e) => (last = e.type === "interval" ? e.point.timestamp : last));
    await runUntil(ts, 300);
    const before = await checkpoints.load({ deviceId: DEVICE_ID, stream: "short" });
    expect(before?.watermark).toBeLessThan(last);
    streams.dispose();
    await runUntil(ts, 301);
    expect((await checkpoints.load({ deviceId: DEVICE_ID, stream: "short" }))?.watermark).toBe(last + 30);
  });
});

describe("makeStreams: eachDevice$", () => {
  it("emits the fleet's updates and each device's stream, stopping a removed device's stream", () => {
    const ts = newScheduler();
    let fleet: ReadonlyArray<DeviceId> = [DEVICE_ID, OTHER];
    const { client } = stub(ts, () => fleet);
    const streams = makeStreams(client, { scheduler: ts, defaults: { fleet: { every: 100 }, device: { every: 1_000 } } });
    const seen: Array<string> = [];
    const sub = streams
      .eachDevice$((id) => streams.device$(id).pipe(map((u) => `${u.type}:${id}`)))
      .subscribe((e) => seen.push(typeof e === "string" ? e : e.type === "fleet" ? `fleet:+${e.added.length}-${e.removed.length}` : e.type));
    ts.schedule(() => (fleet = [DEVICE_ID]), 150);
    ts.maxFrames = 500;
    ts.flush();
    // The fleet update goes out before the device streams it starts.
    expect(seen).toEqual(["fleet:+2-0", `snapshot:${DEVICE_ID}`, `snapshot:${OTHER}`, "fleet:+0-1"]);
    // The fleet poller and the device still on the key: the removed device's poller is gone.
    expect(streams.pollers).toBe(2);
    sub.unsubscribe();
    expect(streams.pollers).toBe(0);
  });

  it("with ids: follows those devices only (an ID named twice runs once), emits no fleet update, polls no device list", () => {
    const ts = newScheduler();
    const { client, calls } = stub(ts);
    const streams = makeStreams(client, { scheduler: ts });
    const seen: Array<string> = [];
    const sub = streams.eachDevice$((id) => streams.device$(id).pipe(map(() => id)), { ids: [OTHER, OTHER] }).subscribe((e) => seen.push(String(e)));
    ts.flush();
    expect(seen).toEqual([OTHER]);
    expect(calls["listDevices"]).toBeUndefined();
    sub.unsubscribe();
  });

  it("a device's error becomes deviceLost with the typed error, and the others carry on", () => {
    const ts = newScheduler();
    const { client } = stub(ts);
    const failing = { ...client, getDevice: (id: DeviceId | string) => (id === OTHER ? Effect.fail(tagged("NotFound")) : client.getDevice(id)) };
    const streams = makeStreams(failing satisfies StreamsClient, { scheduler: ts, defaults: { device: { every: 100 } } });
    const seen: Array<string> = [];
    const sub = streams
      .eachDevice$((id) => streams.device$(id), { ids: [DEVICE_ID, OTHER] })
      .subscribe((e) => seen.push(e.type === "deviceLost" ? `lost:${e.deviceId}` : `${e.type}:${"deviceId" in e ? e.deviceId : ""}`));
    ts.maxFrames = 300;
    ts.flush();
    expect(seen).toEqual([`snapshot:${DEVICE_ID}`, `lost:${OTHER}`]);
    expect(streams.pollers).toBe(1);
    sub.unsubscribe();
  });

  it("two subscribers of one eachDevice$ share the owner's pollers, and a late one first gets the current fleet and snapshot", () => {
    const ts = newScheduler();
    const { client, calls } = stub(ts);
    const streams = makeStreams(client, { scheduler: ts, defaults: { fleet: { every: 1_000 }, device: { every: 1_000 } } });
    const each = streams.eachDevice$((id) => streams.device$(id).pipe(map((u) => `${u.type}:${id}`)));
    const name = (e: unknown) => (typeof e === "string" ? e : (e as { readonly type: string }).type);
    const first: Array<string> = [];
    const second: Array<string> = [];
    const a = each.subscribe((e) => first.push(name(e)));
    ts.maxFrames = 500;
    ts.flush();
    const b = each.subscribe((e) => second.push(name(e)));
    ts.flush();
    expect(first).toEqual(["fleet", `snapshot:${DEVICE_ID}`]);
    expect(second).toEqual(["fleet", `snapshot:${DEVICE_ID}`]);
    expect(streams.pollers).toBe(2);
    expect([calls["listDevices"], calls["getDevice"]]).toEqual([1, 1]);
    a.unsubscribe();
    expect(streams.pollers).toBe(2);
    b.unsubscribe();
    expect(streams.pollers).toBe(0);
  });
});
