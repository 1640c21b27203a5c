// End to end against the simulator on its virtual clock: a simulated day for a small fleet with a 3-hour comms
// outage and back-fill, revisions, a firmware update, a switch write, injected faults, a device leaving the key,
// and a stop/restart from a file checkpoint mid-day (a clean stop: unsubscribe saves once more; the hard-crash
// case, without that save, is test/crash.test.ts). Prints request economy and freshness.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Effect } from "effect";
import type { Subscription } from "rxjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isNoData } from "@wattstream/transport";
import { device$, fleet$, longEnergy$, setSwitch, shortEnergy$ } from "../src/index.js";
import type { CheckpointStore, DeviceUpdate, EnergyEvent, FleetUpdate, SwitchConfirmed } from "../src/index.js";
import { parseDeviceId, parseSwitchId } from "@wattstream/core";
import type { DeviceId, SwitchId } from "@wattstream/core";
import { fileCheckpointStore } from "../src/node.js";
import { startHarness } from "./simHarness.js";
import type { Harness } from "./simHarness.js";

const HOUR = 3600;
const DAY = 24 * HOUR;
const BUDGET = 288 + 2880 + 288;

interface Seen<E> {
  readonly at: number;
  readonly e: E;
}

let h: Harness;
let dir: string;
let start: number;
let ids: ReadonlyArray<DeviceId>;
const energy = new Map<string, Array<Seen<EnergyEvent>>>();
const devices = new Map<string, Array<Seen<DeviceUpdate>>>();
const errors = new Map<string, unknown>();
const fleet: Array<FleetUpdate> = [];
let confirmed: SwitchConfirmed | undefined;
let removedAt = 0;
let killedAt = 0;
let restartedAt = 0;
let switchId: SwitchId | undefined;
let targetState: "open" | "closed" = "open";
let firmwareAt = 0;
let reviseTs = 0;
let truthA: Array<number> = [];

const record = <E>(map: Map<string, Array<Seen<E>>>, key: string) => {
  const list: Array<Seen<E>> = map.get(key) ?? [];
  map.set(key, list);
  return {
    next: (e: E) => list.push({ at: h.now(), e }),
    error: (err: unknown) => errors.set(key, err),
  };
};

const shortIntervals = (key: string): Array<number> =>
  (energy.get(key) ?? []).flatMap(({ e }) => (e.type === "interval" ? [e.point.timestamp] : []));

/** The simulator's truth at the end of the run: every short interval it holds for the device in [from, to). */
const truth = async (id: string, from: number, to: number): Promise<Array<number>> => {
  const out: Array<number> = [];
  for (let a = from; a < to; a += 12 * HOUR) {
    const r = await Effect.runPromise(h.client.getShortEnergyData(id, { fromTs: a, toTs: Math.min(to, a + 12 * HOUR) }));
    if (!isNoData(r)) out.push(...r.map((p) => p.timestamp));
  }
  return out;
};

beforeAll(async () => {
  h = await startHarness({ seed: 3, devices: 4, rateLimits: { tps: Infinity } });
  dir = await mkdtemp(join(tmpdir(), "rx-day-"));
  // rx takes transport's client as it is.
  const client = h.client;
  ids = h.sim.fleet.ids().slice(0, 4).map(parseDeviceId);
  start = h.now();
  const [a, b, , s] = ids as [DeviceId, DeviceId, DeviceId, DeviceId];
  const scheduler = h.scheduler;
  const files = fileCheckpointStore(dir);
  // File I/O is real: let virtual time wait for it as it waits for HTTP.
  const checkpoints: CheckpointStore = {
    load: (key) => h.track(files.load(key)),
    save: (key, c) => h.track(files.save(key, c)),
  };
  const subs: Array<Subscription> = [];
  const watch = (id: DeviceId, withCheckpoints = false): Subscription => {
    const sub = shortEnergy$(client, id, { scheduler, fromTs: start, ...(withCheckpoints ? { checkpoints, checkpointEvery: 15 * 60_000 } : {}) }).subscribe(
      record(energy, `short:${id}`),
    );
    return sub;
  };
  subs.push(fleet$(client, { scheduler }).subscribe((u) => fleet.push(u)));
  for (const id of [a, b, s]) {
    if (id !== s) subs.push(watch(id));
    subs.push(longEnergy$(client, id, { scheduler, fromTs: start }).subscribe(record(energy, `long:${id}`)));
    subs.push(device$(client, id, { scheduler }).subscribe(record(devices, id)));
  }
  let killable = watch(s, true);
  await h.settle();

  // Faults the client's retry hides; they must not break any stream.
  h.sim.faults.add({ kind: "error500", operation: ["getShortEnergyData", "getLongEnergyData"], probability: 0.01 });
  h.sim.faults.add({ kind: "reset", operation: "getDevice", probability: 0.01 });
  // A 3-hour comms outage on device A; the device back-fills afterwards (oldest first).
  h.sim.fleet.outage(a, { from: start + 6 * HOUR, to: start + 9 * HOUR });

  await h.runUntil(start + 2 * HOUR);
  firmwareAt = h.now();
  h.sim.fleet.updateFirmware(b, "99.1.0");
  reviseTs = start + HOUR + 300;
  h.sim.fleet.revise(b, reviseTs);

  await h.runUntil(start + 5 * HOUR);
  const sw = (h.sim.fleet.get(s)?.["switches"] as ReadonlyArray<{ id: string; state: string }>)[0]!;
  const target = parseSwitchId(sw.id);
  switchId = target;
  targetState = sw.state === "open" ? "closed" : "open";
  subs.push(setSwitch(client, target, targetState, { scheduler }).subscribe({ next: (c) => (confirmed = c) }));

  await h.runUntil(start + 12 * HOUR);
  killedAt = h.now();
  killable.unsubscribe();
  await h.settle();
  await files.flush();
  await h.runUntil(start + 12 * HOUR + 20 * 60);
  restartedAt = h.now();
  killable = watch(s, true);

  await h.runUntil(start + 20 * HOUR);
  removedAt = h.now();
  truthA = await truth(a, start, removedAt - 60);
  h.sim.fleet.removeFromKey(h.sim.demoKey, a);

  await h.runUntil(start + DAY);
  killable.unsubscribe();
  for (const sub of subs) sub.unsubscribe();
  await h.settle();
  await files.flush();
}, 120_000);

afterAll(async () => {
  await h.close();
  await rm(dir, { recursive: true, force: true });
});

describe("a simulated day", () => {
  it("emits every short interval exactly once, in order, with no gap left after the outage's back-fill", async () => {
    const [a, b, , s] = ids as [DeviceId, DeviceId, DeviceId, DeviceId];
    for (const [id, until] of [
      [a, removedAt],
      [b, start + DAY],
      [s, start + DAY],
    ] as const) {
      const got = shortIntervals(`short:${id}`);
      expect(new Set(got).size, `duplicates for ${id}`).toBe(got.length);
      expect([...got].sort((x, y) => x - y)).toEqual(got);
      const expected = id === a ? truthA : await truth(id, start, until - 60);
      expect(got.filter((t) => t < until - 60)).toEqual(expected);
      expect(expected.length).toBeGreaterThan(((until - start) / 30) * 0.95);
      expect((energy.get(`short:${id}`) ?? []).filter(({ e }) => e.type === "gap")).toEqual([]);
    }
    // The simulator's data is clean: the point checks (window, grid, duration) refuse nothing of it.
    for (const [key, list] of energy) expect(list.filter(({ e }) => e.type === "anomaly"), key).toEqual([]);
  });

  it("survives a kill and restart from the file checkpoint with no duplicate and no loss", () => {
    const s = ids[3]!;
    const got = shortIntervals(`short:${s}`);
    const before = (energy.get(`short:${s}`) ?? []).filter(({ at, e }) => at <= killedAt && e.type === "interval").length;
    const after = (energy.get(`short:${s}`) ?? []).filter(({ at, e }) => at >= restartedAt && e.type === "interval").length;
    expect(before).toBeGreaterThan(1000);
    expect(after).toBeGreaterThan(1000);
    expect(before + after).toBe(got.length);
    // Contiguous across the restart: the 20 minutes of downtime were caught up, nothing repeated.
    expect(got).toEqual(Array.from({ length: got.length }, (_, i) => got[0]! + i * 30));
  });

  it("reports the revision as revised events, once per changed interval", () => {
    const b = ids[1]!;
    const block = reviseTs - (reviseTs % 300);
    const revisedShort = (energy.get(`short:${b}`) ?? []).flatMap(({ e }) => (e.type === "revised" ? [e.point.timestamp] : []));
    expect(revisedShort).toEqual(Array.from({ length: 10 }, (_, i) => block + i * 30));
    const revisedLong = (energy.get(`long:${b}`) ?? []).flatMap(({ e }) => (e.type === "revised" ? [e.point.timestamp] : []));
    expect(revisedLong).toEqual([block]);
  });

  it("emits long energy every 5 minutes once, and revisions only where the simulator revised", () => {
    for (const id of [ids[1]!, ids[3]!]) {
      const got = (energy.get(`long:${id}`) ?? []).flatMap(({ e }) => (e.type === "interval" ? [e.point.timestamp] : []));
      expect(new Set(got).size).toBe(got.length);
      expect(got.length).toBeGreaterThanOrEqual(DAY / 300 - 2);
    }
  });

  it("shows config and switch changes as typed device events, and the switch write converges", () => {
    const b = ids[1]!;
    const firmware = (devices.get(b) ?? []).flatMap(({ at, e }) =>
      e.type === "snapshot" ? e.events.filter((x) => x.type === "firmwareChanged").map((x) => ({ at, x })) : [],
    );
    expect(firmware).toHaveLength(1);
    expect(firmware[0]!.x).toMatchObject({ type: "firmwareChanged", to: "99.1.0" });
    expect(firmware[0]!.at).toBeGreaterThan(firmwareAt);
    expect(confirmed).toMatchObject({ type: "switchConfirmed", switchId, state: targetState });
    const switched = (devices.get(ids[3]!) ?? []).flatMap(({ e }) =>
      e.type === "snapshot" ? e.events.filter((x) => x.type === "switchChanged" && x.field === "state") : [],
    );
    expect(switched).toEqual([expect.objectContaining({ switchId, to: targetState })]);
  });

  it("ends a device's streams with NotFound when it leaves the key, while the fleet carries on", () => {
    const a = ids[0]!;
    expect(errors.get(a)).toMatchObject({ _tag: "NotFound" });
    expect(errors.get(`short:${a}`)).toMatchObject({ _tag: "NotFound" });
    expect(errors.get(ids[1]!)).toBeUndefined();
    const removal = fleet.find((u) => u.type === "fleet" && u.removed.includes(a));
    expect(removal).toBeDefined();
    expect(shortIntervals(`short:${ids[1]!}`).at(-1)).toBeGreaterThan(removedAt + 3 * HOUR);
  });

  it("stays within the vendor's request budget with zero 429s, and delivers short energy within seconds", () => {
    const perDevice = ids.slice(1, 4).filter((_, i) => i !== 1).map((id) => {
      const reqs = h.requests.filter((r) => r.at < start + DAY && r.path.includes(id));
      const count = (p: string) => reqs.filter((r) => r.path.startsWith(p)).length;
      return { id, short: count("/short-energy/"), long: count("/long-energy/"), status: count("/devices/"), total: reqs.length };
    });
    const too429 = h.requests.filter((r) => r.status === 429).length;
    const freshness: Array<number> = [];
    for (const id of [ids[1]!, ids[3]!]) {
      const comms = h.sim.fleet.get(id)?.["comms"] as { lastHeardAt: number };
      const lag = comms.lastHeardAt % 30; // the simulator's upload lag is also its check-in phase
      for (const { at, e } of energy.get(`short:${id}`) ?? [])
        if (e.type === "interval" && at - e.point.timestamp < HOUR) freshness.push(at - (e.point.timestamp + 30 + lag));
    }
    freshness.sort((x, y) => x - y);
    const median = freshness[Math.floor(freshness.length / 2)]!;
    console.log(
      [
        `requests per device-day (short + long + status; budget ${BUDGET}):`,
        ...perDevice.map((d) => `  ${d.id}: ${d.total} (short ${d.short}, long ${d.long}, status ${d.status})`),
        `429 responses: ${too429}; listDevices calls: ${h.requests.filter((r) => r.path === "/devices").length}`,
        `short-energy freshness: median ${median.toFixed(2)} s, p95 ${freshness[Math.floor(freshness.length * 0.95)]!.toFixed(2)} s (target ≤ 5 s)`,
      ].join("\n"),
    );
    for (const d of perDevice) expect(d.total).toBeLessThanOrEqual(BUDGET);
    expect(too429).toBe(0);
    expect(median).toBeLessThanOrEqual(5);
    expect(freshness[0]).toBeGreaterThanOrEqual(-0.01);
  });
});
