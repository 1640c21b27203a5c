// The measured process of heap.bench.ts (read its header): one case per process, on plain Node with its own type
// stripping (`--experimental-transform-types`, and stripTypes.hooks.mjs mapping the sources' `.js` specifiers to
// their `.ts` files), not tsx: tsx's esbuild keeps function names by wrapping every closure the sources create,
// which gives each one a property array (about 0.25 KB) and would inflate the very figure measured here.
// Usage: node … heap.child.ts <case>; prints one JSON line.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";
import { Effect } from "effect";
import { filter, map, merge, share, VirtualTimeScheduler } from "rxjs";
import type { Observable, Subscription } from "rxjs";
import { parseDeviceId } from "@wattstream/core";
import type { Device, DeviceId, ShortEnergyPoint } from "@wattstream/core";
import { NoData } from "@wattstream/transport";
// By package name: with the source condition, the sources (type-stripped by Node, no keepNames wrappers).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { device$, shortEnergy$ } from "@wattstream/rx";
// eslint-disable-next-line @nx/enforce-module-boundaries
import type { CheckpointStore, DeviceSnapshot, DeviceUpdate } from "@wattstream/rx";
import { fakeClient } from "../test/helpers.ts";
import { startHarness } from "../test/simHarness.ts";

const DEVICES = Number(process.env["RX_HEAP_DEVICES"] ?? 2_000);
const PROFILE = process.env["RX_HEAP_PROFILE"];
const WARM_UP = 50;
const INTERVAL = 30;
const SETTLE = 6 * 3600;

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const heapUsed = async (): Promise<number> => {
  for (let k = 0; k < 3; k++) {
    gc();
    await tick();
  }
  return process.memoryUsage().heapUsed;
};

/** Self size by "type:name" of a heap snapshot (V8's JSON format). */
const heapByConstructor = (): Map<string, { size: number; count: number }> => {
  const file = v8.writeHeapSnapshot();
  const snap = JSON.parse(readFileSync(file, "utf8")) as {
    snapshot: { meta: { node_fields: Array<string>; node_types: [Array<string>] } };
    nodes: Array<number>;
    strings: Array<string>;
  };
  rmSync(file);
  const fields = snap.snapshot.meta.node_fields;
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = [fields.indexOf("type"), fields.indexOf("name"), fields.indexOf("self_size")];
  const types = snap.snapshot.meta.node_types[0];
  const out = new Map<string, { size: number; count: number }>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt]!]!;
    const rawName = snap.strings[snap.nodes[i + nameAt]!]!;
    // Strings, numbers and code by type; objects and closures by constructor / function name.
    const name = type === "object" || type === "closure" || type === "native" || type === "hidden" || type === "array" ? rawName.slice(0, 60) : "";
    const key = `${type}:${name}`;
    const e = out.get(key) ?? { size: 0, count: 0 };
    e.size += snap.nodes[i + sizeAt]!;
    e.count++;
    out.set(key, e);
  }
  return out;
};

const breakdown = (before: Map<string, { size: number; count: number }>, after: Map<string, { size: number; count: number }>, devices: number): string => {
  const rows = [...after]
    .map(([k, a]) => {
      const b = before.get(k) ?? { size: 0, count: 0 };
      return { k, bytes: (a.size - b.size) / devices, count: (a.count - b.count) / devices };
    })
    .filter((r) => Math.abs(r.bytes) >= 8)
    .sort((x, y) => y.bytes - x.bytes);
  const total = rows.reduce((s, r) => s + r.bytes, 0);
  return [`total self size per device: ${total.toFixed(0)} B`, ...rows.map((r) => `${r.bytes.toFixed(0).padStart(7)} B ${r.count.toFixed(2).padStart(7)} × ${r.k}`)].join("\n");
};

interface Templates {
  readonly devices: ReadonlyArray<Device>;
  readonly point: ShortEnergyPoint;
}

/** A device record and a short-energy point as the simulator serves them, read once over real HTTP. */
const templates = async (): Promise<Templates> => {
  const h = await startHarness({ seed: 7, devices: 20, rateLimits: { tps: Infinity } }, { pacing: false });
  try {
    const ids = h.sim.fleet.ids();
    const devices = ids.map((id) => h.sim.fleet.get(id) as Device);
    const now = Math.floor(h.now() / INTERVAL) * INTERVAL;
    for (const id of ids) {
      const points = await Effect.runPromise(h.client.getShortEnergyData(id, { fromTs: now - 3600, toTs: now }));
      if (Array.isArray(points) && points.length > 0) return { devices, point: points[0] as ShortEnergyPoint };
    }
    throw new Error("the simulator served no short energy");
  } finally {
    await h.close();
  }
};

/**
 * `watch`: device$ shared, its snapshots mapped into shortEnergy$'s `layout$` and `heartbeat$` (how `wattstream
 * watch` wired them up to 0.x of issue 14); `lean watch`: the shared snapshots given once as the `device$` option
 * (how it wires them now).
 */
const CASES = ["device$", "shortEnergy$", "watch", "watch, full settle window", "lean watch", "lean watch, full settle window"] as const;
type Case = (typeof CASES)[number];

/**
 * One case: `devices` devices subscribed, one minute of polls on a virtual clock, then the live heap per device.
 * `first` numbers the devices (a warm-up run uses other IDs than the measured one).
 */
const measure = async (t: Templates, which: Case, devices: number, first = 0, profiled = PROFILE !== undefined): Promise<{ perDevice: number; polls: number; deviceReads: number; profile?: string }> => {
  const scheduler = new VirtualTimeScheduler();
  const start = Math.floor(Date.now() / 1000 / INTERVAL) * INTERVAL * 1000 + 5_000;
  scheduler.frame = start;
  let polls = 0;
  const nowS = (): number => scheduler.now() / 1000;
  let deviceReads = 0;
  const client = fakeClient({
    getDevice: (id: string) =>
      Effect.sync(() => {
        polls++;
        deviceReads++;
        const r = t.devices[Number(id.slice(1)) % t.devices.length]!;
        return { ...structuredClone(r), id, comms: { ...r.comms, lastHeardAt: Math.floor(nowS()) - 10 } };
      }),
    getShortEnergyData: (_id: string, o: { fromTs: number; toTs: number }) =>
      Effect.sync(() => {
        polls++;
        const points: Array<ShortEnergyPoint> = [];
        const until = Math.min(o.toTs, Math.floor(nowS()) - INTERVAL - 2);
        for (let ts = Math.ceil(o.fromTs / INTERVAL) * INTERVAL; ts < until; ts += INTERVAL) points.push({ ...t.point, timestamp: ts, duration: INTERVAL });
        return points.length === 0 ? NoData : points;
      }),
    getLatestShortEnergyData: () =>
      Effect.sync(() => {
        polls++;
        return { timestamp: Math.floor((nowS() - INTERVAL - 2) / INTERVAL) * INTERVAL - INTERVAL };
      }),
  });
  // A full settle window: every interval of the last six hours already emitted (and so fingerprinted).
  const full: CheckpointStore = {
    load: () => {
      const watermark = Math.floor(nowS() / INTERVAL) * INTERVAL - INTERVAL;
      const seen: Array<readonly [number, number]> = [];
      for (let ts = watermark - SETTLE; ts < watermark; ts += INTERVAL) seen.push([ts, (ts * 2654435761) >>> 0]);
      return Promise.resolve({ watermark, seen, holes: [], lag: 2 });
    },
    save: () => Promise.resolve(),
  };
  const watch = (id: DeviceId): Observable<unknown> => {
    // The lean wiring subscribes the device's shared poller directly, as `watch` does; the old one through a share().
    const polled = device$(client, id, { scheduler });
    const updates = which.startsWith("lean") ? polled : polled.pipe(share());
    const snapshots = updates.pipe(filter((u: DeviceUpdate): u is DeviceSnapshot => u.type === "snapshot"));
    const energy = shortEnergy$(client, id, {
      scheduler,
      ...(which.startsWith("lean")
        ? { device$: updates }
        : { layout$: snapshots.pipe(map((u) => u.device.channels ?? [])), heartbeat$: snapshots.pipe(map((u) => u.device.comms?.lastHeardAt)) }),
      ...(which.endsWith("full settle window") ? { checkpoints: full } : {}),
    });
    return merge(updates, energy);
  };
  const stream = (id: DeviceId): Observable<unknown> =>
    which === "device$" ? device$(client, id, { scheduler }) : which === "shortEnergy$" ? shortEnergy$(client, id, { scheduler }) : watch(id);
  const ids = Array.from({ length: devices }, (_, i) => parseDeviceId(`D${String(first + i).padStart(12, "0")}`));
  /** Runs timers and the in-memory client's fibers until the clock reaches `until` (epoch ms). */
  const runUntil = async (until: number): Promise<void> => {
    for (let quiet = 0; quiet < 3; ) {
      scheduler.maxFrames = until;
      scheduler.flush();
      // The fibers of 2,000 polls yield to each other (Effect's scheduler): wait until no poll is left running.
      const polls0 = polls;
      for (let k = 0; k < 5; k++) await tick();
      await new Promise((resolve) => setTimeout(resolve, 5));
      const due = scheduler.actions[0];
      quiet = polls === polls0 && (due === undefined || due.delay > until) ? quiet + 1 : 0;
    }
    scheduler.frame = Math.max(scheduler.frame, until);
  };
  const heap0 = await heapUsed();
  const before = profiled ? heapByConstructor() : undefined;
  const heapBase = profiled ? await heapUsed() : heap0;
  let events = 0;
  const subs: Array<Subscription> = ids.map((id) => stream(id).subscribe(() => events++));
  await runUntil(start + 60_000);
  const perDevice = ((await heapUsed()) - heapBase) / devices;
  const profile = before === undefined ? undefined : breakdown(before, heapByConstructor(), devices);
  // The snapshot itself, for retainer paths in DevTools (small fleets: it holds the whole heap).
  if (PROFILE !== undefined && profiled && devices <= 200) v8.writeHeapSnapshot(path.join(PROFILE, `heap-${which.replace(/[^a-z$]+/gi, "-")}.heapsnapshot`));
  for (const s of subs) s.unsubscribe();
  if (events < devices) throw new Error(`${which}: only ${events} events from ${devices} devices`);
  return { perDevice, polls, deviceReads, ...(profile === undefined ? {} : { profile }) };
};

const which = process.argv[2] as Case;
if (!CASES.includes(which)) throw new Error(`heap.child.ts: unknown case ${String(which)}; one of ${CASES.join(", ")}`);
const t = await templates();
// A warm-up run of a few other devices first: the code and module sources a first poll loads lazily (Effect's
// runtime, rxjs operators, ~2–3 MB) are the process's, not the devices'; measured cold, they added ~1.3 KB per
// device at 2,000 devices (and ~0.3 KB at 10,000).
await measure(t, which, WARM_UP, 1_000_000, false);
const r = await measure(t, which, DEVICES);
if (r.profile !== undefined && PROFILE !== undefined)
  writeFileSync(path.join(PROFILE, `heap-${which.replace(/[^a-z$]+/gi, "-")}.txt`), `${which}, ${DEVICES} devices\n${r.profile}\n`);
// Only device$ reads the device when the energy stream takes its layout from the device's stream: more reads than
// devices means this checkout's shortEnergy$ has no `device$` option (the lean wiring is not measurable here).
console.log(JSON.stringify({ case: which, perDevice: r.perDevice, polls: r.polls, leanSupported: !which.startsWith("lean") || r.deviceReads <= DEVICES }));

