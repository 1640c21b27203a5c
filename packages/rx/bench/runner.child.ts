// The measured process of runner.bench.ts (read its header): one runner watching DEVICES devices through the
// published client and streams. It runs on plain Node (native type stripping, no tsx) and imports the *built*
// packages, as an application would: a TypeScript loader's keepNames wrappers add a property to every closure the
// sources create and would inflate both heap and CPU per request. Starts the simulator in its own child process,
// runs the rx phase then the plain fetch + JSON.parse baseline, and prints the figures as one JSON line.
// Usage: node runner.child.ts (knobs from the environment, see runner.bench.ts).
import { spawn } from "node:child_process";
import diagnostics from "node:diagnostics_channel";
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import path from "node:path";
import { availableParallelism } from "node:os";
import { constants, monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import { createInterface } from "node:readline";
import type { Interface } from "node:readline";
import { fileURLToPath } from "node:url";
import v8 from "node:v8";
import vm from "node:vm";
import { filter, map, merge } from "rxjs";
import type { Observable, Subscription } from "rxjs";
import type { DeviceId } from "@wattstream/core";
import { makeClient } from "@wattstream/transport";
import type { WattwatchersClient } from "@wattstream/transport";
import { CONNECTION_POOL_DEFAULTS, connectionPool } from "@wattstream/transport/node";
// The package by its name, not a relative path: without the source condition that resolves to the build, which is
// what this process must measure.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { device$, fleet$, perDevice, shortEnergy$ } from "@wattstream/rx";
// eslint-disable-next-line @nx/enforce-module-boundaries
import type { DeviceSnapshot, DeviceUpdate, PerDeviceOptions } from "@wattstream/rx";

const DEVICES = Number(process.env["RUNNER_BENCH_DEVICES"] ?? 2_000);
const STEADY_S = Number(process.env["RUNNER_BENCH_STEADY"] ?? 60);
/** Seconds between the end of the start and the steady state (RUNNER_BENCH_SETTLE; 30 before the probes were counted). */
const SETTLE_S = Number(process.env["RUNNER_BENCH_SETTLE"] ?? 60);
/** perDevice's start rate (starts per second), or "all" for every device at once (the stampede); default its own. */
const STARTS = process.env["RUNNER_BENCH_STARTS"];
/** A directory: write a CPU profile of each phase there (start, rx-steady, plain-steady .cpuprofile) and a heap
 * snapshot taken where heap per device is measured (rx-steady.heapsnapshot). */
const PROFILE = process.env["RUNNER_BENCH_PROFILE"];
/** Devices watched (and stopped) before the heap baseline is taken, so lazily loaded code is not counted per device. */
const WARM_UP = 50;
/** A file: write a timeline of the rx phase's steady state there (GC entries, event-loop stalls, requests sent and
 * answered per 100 ms) as JSON, to tell GC pauses from long turns and to see them against the poll waves. */
const TRACE = process.env["RUNNER_BENCH_TRACE"];
const WINDOW_MS = 10_000;
const START_TIMEOUT_MS = 180_000;

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;
/** Live heap: collected, then collected again once finalizers have run (undici registers every request's abort
 * signal in a FinalizationRegistry, whose held values a synchronous second GC still counts). */
const heapUsed = async (): Promise<number> => {
  for (let k = 0; k < 3; k++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
};
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** Profiles one phase into PROFILE/<name>.cpuprofile (the same sampling profiler as `node --cpu-prof`). */
const profiled = async <A>(name: string, work: () => Promise<A>): Promise<A> => {
  if (PROFILE === undefined) return work();
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  try {
    return await work();
  } finally {
    const { profile } = await session.post("Profiler.stop");
    await writeFile(path.join(PROFILE, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
};

/** RUNNER_BENCH_HEAP_SAMPLES=<file>: V8's sampling heap profile of the rx phase's steady state, every allocation
 * counted whether or not it was collected since (where the garbage comes from), as a .heapprofile; with
 * RUNNER_BENCH_HEAP_SAMPLES_SURVIVORS=1 only what survived a scavenge (what was promoted: the old generation's
 * growth that major collections then mark). */
const HEAP_SAMPLES = process.env["RUNNER_BENCH_HEAP_SAMPLES"];
const SURVIVORS_ONLY = process.env["RUNNER_BENCH_HEAP_SAMPLES_SURVIVORS"] === "1";
const heapSampled = async <A>(work: () => Promise<A>): Promise<A> => {
  if (HEAP_SAMPLES === undefined) return work();
  const session = new Session();
  session.connect();
  await session.post("HeapProfiler.enable");
  await session.post("HeapProfiler.startSampling", { samplingInterval: 32_768, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: !SURVIVORS_ONLY });
  try {
    return await work();
  } finally {
    const { profile } = await session.post("HeapProfiler.stopSampling");
    await writeFile(HEAP_SAMPLES, JSON.stringify(profile));
    session.disconnect();
  }
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A `gc` entry's kind and flags (Node's NodeGCPerformanceDetail; @types/node leaves `detail` off PerformanceEntry). */
const gcDetail = (e: PerformanceEntry): { readonly kind: number; readonly flags: number } =>
  (e as PerformanceEntry & { readonly detail: { readonly kind: number; readonly flags: number } }).detail;

/** RUNNER_BENCH_TRACE's timeline (ms of performance.now()): GC entries, stalls over 20 ms, counts per 100 ms. */
interface Timeline {
  readonly t0: number;
  readonly gc: Array<{ t: number; ms: number; kind: number; flags: number }>;
  readonly stalls: Array<{ t: number; ms: number }>;
  readonly sent: Map<number, number>;
  readonly answered: Map<number, number>;
  /** The most `fetch` calls in flight at once in each 100 ms. */
  readonly fetching: Map<number, number>;
}
let timeline: Timeline | undefined;
const peak = (m: Map<number, number>, n: number): void => {
  const b = Math.floor(performance.now() / 100);
  m.set(b, Math.max(m.get(b) ?? 0, n));
};
const bump = (m: Map<number, number>): void => {
  const b = Math.floor(performance.now() / 100);
  m.set(b, (m.get(b) ?? 0) + 1);
};
/** Records the timeline while `work` runs, into TRACE. */
const traced = async <A>(work: () => Promise<A>): Promise<A> => {
  if (TRACE === undefined) return work();
  const tl: Timeline = { t0: performance.now(), gc: [], stalls: [], sent: new Map(), answered: new Map(), fetching: new Map() };
  timeline = tl;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const d = gcDetail(e);
      tl.gc.push({ t: e.startTime, ms: e.duration, kind: d.kind, flags: d.flags });
    }
  });
  obs.observe({ entryTypes: ["gc"] });
  // A 10-ms ticker: a tick later than 20 ms past due is a stall (its start: when the tick was due).
  let stop = false;
  let due = performance.now() + 10;
  const tick = (): void => {
    const now = performance.now();
    if (now - due > 20) tl.stalls.push({ t: due, ms: now - due });
    due = now + 10;
    if (!stop) setTimeout(tick, 10);
  };
  setTimeout(tick, 10);
  try {
    return await work();
  } finally {
    stop = true;
    obs.disconnect();
    timeline = undefined;
    await writeFile(TRACE, JSON.stringify({ ...tl, sent: [...tl.sent], answered: [...tl.answered], fetching: [...tl.fetching], hrtimeUs: Number(process.hrtime.bigint() / 1000n), now: performance.now() }));
  }
};

/** Requests this process sent and the answers' statuses, from undici's own diagnostics channels. */
const traffic = { sent: 0, answered: 0, tooMany: 0, perSecond: new Map<number, number>() };
/** Requests by what they read (`range`, `latest` probe, `device`, `other`), counted while a steady phase runs. */
let kinds: Record<string, number> | undefined;
const kindOf = (p: string): string =>
  p.includes("/short-energy/") ? (p.includes("/latest") ? "latest" : "range") : p.includes("/devices/") ? "device" : "other";
diagnostics.subscribe("undici:request:create", (message) => {
  traffic.sent++;
  if (kinds !== undefined) {
    const k = kindOf((message as { request: { path: string } }).request.path);
    kinds[k] = (kinds[k] ?? 0) + 1;
  }
  if (timeline !== undefined) bump(timeline.sent);
  const s = Math.floor(performance.now() / 1000);
  traffic.perSecond.set(s, (traffic.perSecond.get(s) ?? 0) + 1);
});
diagnostics.subscribe("undici:request:headers", (message) => {
  traffic.answered++;
  if (timeline !== undefined) bump(timeline.answered);
  if ((message as { response: { statusCode: number } }).response.statusCode === 429) traffic.tooMany++;
});

/** The simulator in its own process: store's bench child (real clock, default budgets, "cpu" on stdin answered with
 * its CPU time so far), reused rather than copied. */
interface Server {
  readonly baseUrl: string;
  readonly demoKey: string;
  readonly cpuMs: () => Promise<number>;
  readonly close: () => Promise<void>;
}

const startServer = async (devices: number): Promise<Server> => {
  const child = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../store/bench/backfillSimulator.child.ts");
  const proc = spawn(
    process.execPath,
    ["--import", "tsx", "--conditions=@wattstream/source", child, String(devices)],
    { cwd: path.dirname(child), stdio: ["pipe", "pipe", "inherit"] },
  );
  const lines: Interface = createInterface({ input: proc.stdout });
  const waiting: Array<(line: string) => void> = [];
  lines.on("line", (line) => waiting.shift()?.(line));
  const nextLine = (): Promise<string> => new Promise((resolve) => waiting.push(resolve));
  const hello = JSON.parse(await nextLine()) as { baseUrl: string; demoKey: string };
  return {
    ...hello,
    cpuMs: async () => {
      proc.stdin.write("cpu\n");
      return (JSON.parse(await nextLine()) as { cpuMs: number }).cpuMs;
    },
    close: async () => {
      const exited = new Promise((resolve) => proc.once("exit", resolve));
      proc.stdin.end();
      await Promise.race([exited, sleep(5_000).then(() => proc.kill())]);
    },
  };
};

interface Window {
  readonly p99: number;
  readonly max: number;
  readonly requests: number;
  /** GC pauses in the window: their sum and the longest (steady state only). */
  readonly gcMs?: number;
  readonly gcMaxMs?: number;
}

/** Event-loop delay per 10-s window while `until` is pending, plus requests sent in each window. */
const windows = async (seconds: number): Promise<ReadonlyArray<Window>> => {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  const out: Array<Window> = [];
  for (let t = 0; t < seconds * 1000; t += WINDOW_MS) {
    const sent0 = traffic.sent;
    h.reset();
    gcPause.totalMs = 0;
    gcPause.maxMs = 0;
    await sleep(WINDOW_MS);
    out.push({ p99: h.percentile(99) / 1e6, max: h.max / 1e6, requests: traffic.sent - sent0, gcMs: gcPause.totalMs, gcMaxMs: gcPause.maxMs });
  }
  h.disable();
  return out;
};

/** Garbage-collection pauses of one kind (perf_hooks' `gc` entries: main-thread pauses, not concurrent work). */
interface GcKind {
  count: number;
  totalMs: number;
  maxMs: number;
}
type GcStats = Record<"minor" | "major" | "incremental" | "weakcb", GcKind>;
const GC_KINDS: Record<number, keyof GcStats> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: "minor",
  [constants.NODE_PERFORMANCE_GC_MAJOR]: "major",
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental",
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: "weakcb",
};
/** GC pauses while a {@link gcStats} runs, for the current window (reset by {@link windows}). */
const gcPause = { totalMs: 0, maxMs: 0 };
/** Counts GC pauses by kind until the returned function is called (which returns the counts). */
const gcStats = (): (() => GcStats) => {
  const stats: GcStats = {
    minor: { count: 0, totalMs: 0, maxMs: 0 },
    major: { count: 0, totalMs: 0, maxMs: 0 },
    incremental: { count: 0, totalMs: 0, maxMs: 0 },
    weakcb: { count: 0, totalMs: 0, maxMs: 0 },
  };
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const k = stats[GC_KINDS[gcDetail(e).kind] ?? "major"];
      k.count++;
      k.totalMs += e.duration;
      k.maxMs = Math.max(k.maxMs, e.duration);
      gcPause.totalMs += e.duration;
      gcPause.maxMs = Math.max(gcPause.maxMs, e.duration);
    }
  });
  obs.observe({ entryTypes: ["gc"] });
  return () => {
    obs.disconnect();
    return stats;
  };
};

interface Phase {
  readonly windows: ReadonlyArray<Window>;
  readonly gc: GcStats;
  /** Requests sent by what they read (see {@link kindOf}). */
  readonly kinds: Readonly<Record<string, number>>;
  readonly cpuPerRequestMs: number;
  readonly serverCpuPerRequestMs: number;
  readonly requestsPerSecond: number;
}

const steady = (server: Server, name: string): Promise<Phase> => profiled(name, async () => {
  const sent0 = traffic.sent;
  const cpu0 = cpuMs();
  const serverCpu0 = await server.cpuMs();
  const t0 = performance.now();
  const gcDone = gcStats();
  const counted: Record<string, number> = {};
  kinds = counted;
  const w = await windows(STEADY_S);
  kinds = undefined;
  const gc = gcDone();
  const requests = traffic.sent - sent0;
  return {
    windows: w,
    gc,
    kinds: counted,
    cpuPerRequestMs: (cpuMs() - cpu0) / requests,
    serverCpuPerRequestMs: ((await server.cpuMs()) - serverCpu0) / requests,
    requestsPerSecond: requests / ((performance.now() - t0) / 1000),
  };
});

/** One device as `wattstream watch` follows it: device$ shared, its layout and heartbeat feeding shortEnergy$. */
const watch = (
  client: WattwatchersClient,
  id: DeviceId,
  seen: (id: DeviceId, kind: "snapshot" | "reporting" | "interval") => void,
): Observable<unknown> => {
  // One shared poller per device already (rx caches it by ID and options): no `share()` on top, as `watch` does.
  const updates = device$(client, id);
  const snapshots = updates.pipe(filter((u: DeviceUpdate): u is DeviceSnapshot => u.type === "snapshot"));
  // One subscription to the shared updates feeds the energy stream's layout and heartbeat, as `watch` does.
  const energy = shortEnergy$(client, id, { device$: updates });
  return merge(
    snapshots.pipe(map((u) => seen(id, u.device.comms?.lastHeardAt === undefined ? "snapshot" : "reporting"))),
    energy.pipe(map((e) => e.type === "interval" && seen(id, "interval"))),
  );
};

/**
 * Watches the fleet's first WARM_UP devices until each has a snapshot and an interval (30 s at most), then stops:
 * the code and module sources a first poll compiles or loads lazily (undici's fetch, Effect's runtime, rxjs
 * operators, the decode paths) are the process's, not the devices', and are in the heap before heap per device is
 * counted from (as in heap.bench.ts, which measured them at ~0.3 KB per device at 10,000 devices, ~1.3 KB at 2,000).
 */
const warmUp = async (client: WattwatchersClient): Promise<void> => {
  const ids = (await client.promise.listDevices()).slice(0, WARM_UP);
  const done = new Set<string>();
  const sub = merge(...ids.map((id) => watch(client, id, (d, kind) => kind === "interval" && done.add(d)))).subscribe();
  const t0 = performance.now();
  while (done.size < ids.length && performance.now() - t0 < 30_000) await sleep(100);
  sub.unsubscribe();
};

/** The rx phase: start, steady state, heap per device. */
const rxPhase = async (server: Server) => {
  const client = makeClient({
    apiKey: server.demoKey,
    baseUrl: server.baseUrl,
    fetch: transportFetch,
    ...(MAX_IN_FLIGHT === undefined ? {} : { pacing: { maxInFlight: MAX_IN_FLIGHT } }),
  });
  const ids: Array<DeviceId> = [];
  const snapshot = new Set<DeviceId>();
  // Devices that have reported (a `lastHeardAt`): each owes an interval. A new install has none to give (204).
  const reporting = new Set<DeviceId>();
  const interval = new Set<DeviceId>();
  const seen = (id: DeviceId, kind: "snapshot" | "reporting" | "interval"): void => {
    if (kind === "interval") interval.add(id);
    else snapshot.add(id);
    if (kind === "reporting") reporting.add(id);
  };
  const options: PerDeviceOptions =
    STARTS === undefined ? {} : STARTS === "all" ? { burst: Infinity } : { startsPerSecond: Number(STARTS) };
  await warmUp(client);
  const heap0 = await heapUsed();
  const h = monitorEventLoopDelay({ resolution: 10 });
  const sent0 = traffic.sent;
  const second0 = Math.floor(performance.now() / 1000);
  h.enable();
  const t0 = performance.now();
  let done = (): void => undefined;
  const started = new Promise<void>((resolve) => (done = resolve));
  const stopStartProfile = profiled("start", () => started);
  const sub: Subscription = fleet$(client)
    .pipe(
      perDevice((id) => {
        ids.push(id);
        return watch(client, id, seen);
      }, options),
    )
    .subscribe();
  const startWindows: Array<Window> = [];
  let w0 = performance.now();
  while ((snapshot.size < DEVICES || interval.size < reporting.size) && performance.now() - t0 < START_TIMEOUT_MS) {
    await sleep(100);
    if (performance.now() - w0 >= WINDOW_MS) {
      startWindows.push({ p99: h.percentile(99) / 1e6, max: h.max / 1e6, requests: 0 });
      h.reset();
      w0 = performance.now();
    }
  }
  const startMs = performance.now() - t0;
  done();
  await stopStartProfile;
  const missing = ids.filter((id) => !snapshot.has(id) || (reporting.has(id) && !interval.has(id)));
  if (missing.length > 0) console.warn(`not started within ${START_TIMEOUT_MS} ms: ${missing.slice(0, 5).map((id) => `${id} (snapshot: ${snapshot.has(id)}, interval: ${interval.has(id)})`).join(", ")}`);
  startWindows.push({ p99: h.percentile(99) / 1e6, max: h.max / 1e6, requests: 0 });
  h.disable();
  const startRequests = traffic.sent - sent0;
  let peakPerSecond = 0;
  for (const [s, n] of traffic.perSecond) if (s >= second0) peakPerSecond = Math.max(peakPerSecond, n);
  // Let the first polls' aftermath pass before steady state: each energy stream's first aligned poll learns the
  // device's reporting lag (up to 12 s in the simulator) with `latest` probes a second apart, and the last devices
  // start near the end of the start phase, so their learning ends up to one interval plus the lag after it.
  await sleep(SETTLE_S * 1000);
  const phase = await heapSampled(() => traced(() => steady(server, "rx-steady")));
  const heapPerDevice = ((await heapUsed()) - heap0) / DEVICES;
  if (PROFILE !== undefined) v8.writeHeapSnapshot(path.join(PROFILE, "rx-steady.heapsnapshot"));
  sub.unsubscribe();
  return { ids, startMs, startRequests, peakPerSecond, startWindows, phase, heapPerDevice, snapshots: snapshot.size, reporting: reporting.size, intervals: interval.size };
};

/**
 * The baseline: the same devices read with plain fetch + JSON.parse at the rate and mix the rx phase measured
 * (short energy every `energyEvery` ms, the device every 300 s), each device at its own phase of the period.
 */
const plainPhase = async (server: Server, ids: ReadonlyArray<string>, requestsPerSecond: number): Promise<Phase> => {
  const headers = { authorization: `Bearer ${server.demoKey}`, accept: "application/json" };
  const energyEvery = Math.max(1_000, (ids.length / requestsPerSecond) * 1000 * (1 + 1 / 10));
  let stop = false;
  const timers: Array<NodeJS.Timeout> = [];
  const read = async (url: string): Promise<void> => {
    const res = await transportFetch(url, { headers });
    JSON.parse(await res.text());
  };
  ids.forEach((id, k) => {
    let round = 0;
    const loop = (): void => {
      if (stop) return;
      const now = Math.floor(Date.now() / 1000);
      const reads = [read(`${server.baseUrl}/short-energy/${id}?fromTs=${now - 120}&toTs=${now}`)];
      if (round++ % 10 === 0) reads.push(read(`${server.baseUrl}/devices/${id}`));
      void Promise.all(reads).catch(() => undefined);
      timers[k] = setTimeout(loop, energyEvery);
    };
    timers[k] = setTimeout(loop, (k / ids.length) * energyEvery);
  });
  await sleep(energyEvery);
  const phase = await steady(server, "plain-steady");
  stop = true;
  for (const t of timers) clearTimeout(t);
  return phase;
};

// RUNNER_BENCH_POOL: the transport's bounded keep-alive connection pool (`@wattstream/transport/node`) with <n>
// connections per origin, as `wattstream watch` and the cluster runner use it (default 32, the pool's own default);
// "off" for Node's plain fetch (a connection per request that finds none idle: the connect storms in rx's README).
// The baseline reads through the same fetch, so both sides pay the same transport.
const POOL = process.env["RUNNER_BENCH_POOL"] ?? String(CONNECTION_POOL_DEFAULTS.connections);
const pool = POOL === "off" ? undefined : connectionPool({ connections: Number(POOL) });
// RUNNER_BENCH_MAX_IN_FLIGHT: the pacer's `maxInFlight` (requests sent and not answered yet); default as `wattstream
// watch` sets it, twice the pool's connections (none without a pool); "off" for no limit besides TPS.
const inFlightKnob = process.env["RUNNER_BENCH_MAX_IN_FLIGHT"];
const MAX_IN_FLIGHT =
  inFlightKnob === "off" ? undefined : inFlightKnob !== undefined ? Number(inFlightKnob) : pool === undefined ? undefined : 2 * pool.options.connections;
const poolFetch = pool?.fetch ?? globalThis.fetch;
/** Calls of `fetch` not answered yet (headers not in): requests waiting for a connection or for their answer. */
let fetching = 0;
const transportFetch: typeof poolFetch = (input, init) => {
  fetching++;
  if (timeline !== undefined) peak(timeline.fetching, fetching);
  return poolFetch(input, init).finally(() => fetching--);
};
const server = await startServer(DEVICES);
try {
  const tooMany0 = traffic.tooMany;
  const rx = await rxPhase(server);
  const tooMany = traffic.tooMany - tooMany0;
  // RUNNER_BENCH_BASELINE=off skips the baseline (while profiling the rx phase).
  const plain = process.env["RUNNER_BENCH_BASELINE"] === "off" ? undefined : await plainPhase(server, rx.ids, rx.phase.requestsPerSecond);
  const { ids: _ids, ...figures } = rx;
  console.log(JSON.stringify({ ...figures, tooMany, plain, pool: POOL, maxInFlight: MAX_IN_FLIGHT ?? "off", settleS: SETTLE_S, cores: availableParallelism() }));
} finally {
  await pool?.close();
  await server.close();
}
