// rx over small hostile servers of the test's own (real HTTP on 127.0.0.1, transport's real client, virtual
// time): contract-valid but odd answers end up as typed events, never as corrupted streams, and nothing escapes
// as an unhandled rejection or uncaught exception.
import { parseDeviceId } from "@wattstream/core";
import { DecodeError, WAIT_LIMITS } from "@wattstream/resilience";
import { afterEach, describe, expect, it } from "vitest";
import { device$, fleet$, shortEnergy$ } from "../src/index.js";
import type { DeviceUpdate, EnergyEvent, FleetUpdate } from "../src/index.js";
import { startHostile } from "./hostileHarness.js";
import type { Answer, HostileHarness, HostileRequest } from "./hostileHarness.js";

const T0 = 1_796_083_200;
const ID = parseDeviceId("D123456789012");
const OTHER = "E999999999999";
const record = (id: string, channelOwner = id) => ({
  id,
  model: "6W",
  comms: { lastHeardAt: T0 },
  channels: [{ id: `${channelOwner}_C1` }, { id: `${channelOwner}_C2` }],
});
const point = (t: number, extra: Record<string, unknown> = {}) => ({
  timestamp: t,
  duration: 30,
  eReal: [t % 11, 1],
  eReactive: [0, 0],
  vRMS: [240, 240],
  iRMS: [1, 1],
  ...extra,
});
/** Short energy due 3 s after each interval ends, through `shape` (which may reorder, duplicate, add). */
const energy = (req: HostileRequest, shape: (points: Array<ReturnType<typeof point>>) => Array<unknown> = (p) => p): Answer => {
  if (req.path.endsWith("/latest")) return { status: 200, body: { timestamp: Math.floor((req.nowS - 33) / 30) * 30 } };
  const from = Number(req.query.get("fromTs"));
  const to = Number(req.query.get("toTs"));
  const out = [];
  for (let t = Math.ceil(from / 30) * 30; t < to; t += 30) if (t >= T0 - 3600 && t + 33 <= req.nowS) out.push(point(t));
  return { status: 200, body: shape(out) };
};

let h: HostileHarness | undefined;
afterEach(async () => {
  // Every hostile test: nothing escaped as an unhandled rejection or an uncaught exception.
  expect(h?.crashes).toEqual([]);
  await h?.close();
  h = undefined;
});

describe("rx against hostile servers", () => {
  it("an answer reversed, with duplicates and a later copy with other values: intervals once and in order, one revised, unknown fields kept", async () => {
    h = await startHostile(T0, (req) => {
      if (req.path === `/devices/${ID}`) return { status: 200, body: record(ID) };
      return energy(req, (points) => {
        const out: Array<unknown> = [...points].reverse();
        for (const p of points) out.push({ ...p, newField: { v: 1 } }); // every point again, with an unknown field
        return out;
      });
    });
    const got: Array<EnergyEvent> = [];
    const sub = shortEnergy$(h.client, ID, { scheduler: h.scheduler, fromTs: T0 - 600 }).subscribe((e) => got.push(e));
    await h.runUntil(T0 + 600);
    sub.unsubscribe();
    const intervals = got.flatMap((e) => (e.type === "interval" ? [e.point.timestamp] : []));
    expect(intervals).toEqual(Array.from({ length: intervals.length }, (_, i) => T0 - 600 + i * 30));
    expect(intervals.length).toBeGreaterThan(35);
    // The reversed copy came first in the answer and went out as the interval; the copy with the new field differs,
    // so it is the revision (once: later reads bring the same two copies again).
    const revised = got.flatMap((e) => (e.type === "revised" ? [e.point] : []));
    expect(revised.map((p) => p.timestamp)).toEqual(intervals);
    expect(revised.every((p) => (p as unknown as { newField?: unknown }).newField !== undefined)).toBe(true);
  });

  it("a zero duration and a fractional timestamp among good points (transport decodes them as sent): anomalies once each, every good interval, the stream goes on", async () => {
    h = await startHostile(T0, (req) => {
      if (req.path === `/devices/${ID}`) return { status: 200, body: record(ID) };
      return energy(req, (points) =>
        points.flatMap((p) => (p.timestamp === T0 - 240 ? [{ ...p, duration: 0 }] : p.timestamp === T0 - 120 ? [p, { ...p, timestamp: p.timestamp + 0.5 }] : [p])),
      );
    });
    const got: Array<EnergyEvent> = [];
    const sub = shortEnergy$(h.client, ID, { scheduler: h.scheduler, fromTs: T0 - 300 }).subscribe((e) => got.push(e));
    await h.runUntil(T0 + 900);
    sub.unsubscribe();
    const intervals = got.flatMap((e) => (e.type === "interval" ? [e.point.timestamp] : []));
    // Every interval but the one whose only copy had a zero duration, in order, once; the stream went on past both.
    const expected = Array.from({ length: intervals.length + 1 }, (_, i) => T0 - 300 + i * 30).filter((t) => t !== T0 - 240);
    expect(intervals).toEqual(expected);
    expect(intervals.at(-1)).toBeGreaterThan(T0 + 800);
    const anomalies = got.flatMap((e) => (e.type === "anomaly" ? [[e.point.timestamp, e.reason.code]] : []));
    expect(anomalies.map(([t]) => t).sort()).toEqual([T0 - 240, T0 - 119.5].sort());
    expect(got.filter((e) => e.type === "status")).toEqual([]);
  });

  it("a point dated 2100 and points off the grid in every answer: anomaly events once each, the watermark stays with the data", async () => {
    h = await startHostile(T0, (req) => {
      if (req.path === `/devices/${ID}`) return { status: 200, body: record(ID) };
      if (req.path.endsWith("/latest")) return { status: 200, body: { timestamp: 4_102_444_800 } };
      return energy(req, (points) => [point(4_102_444_800), ...points, ...points.slice(0, 1).map((p) => ({ ...p, timestamp: p.timestamp + 1 }))]);
    });
    const got: Array<EnergyEvent> = [];
    const sub = shortEnergy$(h.client, ID, { scheduler: h.scheduler, fromTs: T0 - 300 }).subscribe((e) => got.push(e));
    await h.runUntil(T0 + 900);
    sub.unsubscribe();
    const intervals = got.flatMap((e) => (e.type === "interval" ? [e.point.timestamp] : []));
    expect(intervals).toEqual(Array.from({ length: intervals.length }, (_, i) => T0 - 300 + i * 30));
    expect(intervals.length).toBeGreaterThan(35);
    const anomalies = got.flatMap((e) => (e.type === "anomaly" ? [[e.point.timestamp, e.reason.code]] : []));
    expect(anomalies.filter(([t]) => t === 4_102_444_800)).toEqual([[4_102_444_800, "outsideWindow"]]);
    expect(anomalies.filter(([, c]) => c === "offGrid").length).toBeGreaterThan(0);
    // Each off-grid point reported once, although every poll re-reads it while it sits in the window.
    expect(new Set(anomalies.map(String)).size).toBe(anomalies.length);
  });

  it("a 429 whose Retry-After is 40 days: rateLimited, polled again after resilience's 60 s cap, never a busy loop", async () => {
    h = await startHostile(T0, (req) =>
      req.path === `/devices/${ID}`
        ? { status: 200, body: record(ID) }
        : { status: 429, body: { code: "TOO_MANY_REQUESTS_TPS", httpCode: 429, message: "slow down" }, headers: { "retry-after": String(40 * 86_400) } },
    );
    const got: Array<EnergyEvent> = [];
    const sub = shortEnergy$(h.client, ID, { scheduler: h.scheduler, fromTs: T0 - 300 }).subscribe((e) => got.push(e));
    await h.runUntil(T0 + 3600);
    const pending = h.scheduler.actions.map((a) => (a as unknown as { delay: number }).delay - h!.scheduler.frame);
    sub.unsubscribe();
    // One virtual hour: a read a minute (WAIT_LIMITS.maxRetryAfterMs), not one a millisecond nor one in 40 days.
    expect(h.requests.filter((r) => r.path.startsWith("/short-energy")).length).toBe(61);
    expect(new Set(got.map((e) => e.type === "status" && e.status))).toEqual(new Set(["rateLimited"]));
    for (const d of pending) expect(d).toBeLessThanOrEqual(WAIT_LIMITS.maxRetryAfterMs);
  });

  it("a device record of another device, or with another device's channels, is refused (degraded, transport's DecodeError) and polling goes on", async () => {
    let reads = 0;
    h = await startHostile(T0, () => {
      reads++;
      return { status: 200, body: reads === 1 ? record(OTHER) : reads === 2 ? record(ID, OTHER) : record(ID) };
    });
    const got: Array<DeviceUpdate> = [];
    const sub = device$(h.client, ID, { scheduler: h.scheduler, every: 60_000 }).subscribe((u) => got.push(u));
    await h.runUntil(T0 + 120);
    sub.unsubscribe();
    const statuses = got.flatMap((u) => (u.type === "status" ? [u] : []));
    expect(statuses.slice(0, 2).map((s) => [s.status, s.error instanceof DecodeError && s.error.payloadPath])).toEqual([
      ["degraded", "$.id"],
      ["degraded", "$.channels[0].id"],
    ]);
    const snapshots = got.flatMap((u) => (u.type === "snapshot" ? [u.device.id] : []));
    expect(snapshots).toEqual([ID]);
  });

  it("a device list naming a device three times: one entry", async () => {
    h = await startHostile(T0, () => ({ status: 200, body: [ID, ID, OTHER, ID] }));
    const got: Array<FleetUpdate> = [];
    const sub = fleet$(h.client, { scheduler: h.scheduler }).subscribe((u) => got.push(u));
    await h.runUntil(T0 + 10);
    sub.unsubscribe();
    expect(got).toEqual([{ type: "fleet", devices: [ID, OTHER], added: [ID, OTHER], removed: [] }]);
  });
});
