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
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createInterface } from "node:readline";
import type { Interface } from "node:readline";
import { fileURLToPath } from "node:url";
import v8 from "node:v8";
import vm from "node:vm";
import { filter, map, merge, share } from "rxjs";
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
/** perDevice's start rate (starts per second), or "all" for every device at once (the stampede); default its own. */
const STARTS = process.env["RUNNER_BENCH_STARTS"];
/** A directory: write a CPU profile of each phase there (start, rx-steady, plain-steady .cpuprofile) and a heap
 * snapshot taken where heap per device is measured (rx-steady.heapsnapshot). */
const PROFILE = process.env["RUNNER_BENCH_PROFILE"];
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

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Requests this process sent and the answers' statuses, from undici's own diagnostics channels. */
const traffic = { sent: 0, answered: 0, tooMany: 0, perSecond: new Map<number, number>() };
diagnostics.subscribe("undici:request:create", () => {
  traffic.sent++;
  const s = Math.floor(performance.now() / 1000);
  traffic.perSecond.set(s, (traffic.perSecond.get(s) ?? 0) + 1);
});
diagnostics.subscribe("undici:request:headers", (message) => {
  traffic.answered++;
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
}

/** Event-loop delay per 10-s window while `until` is pending, plus requests sent in each window. */
const windows = async (seconds: number): Promise<ReadonlyArray<Window>> => {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  const out: Array<Window> = [];
  for (let t = 0; t < seconds * 1000; t += WINDOW_MS) {
    const sent0 = traffic.sent;
    h.reset();
    await sleep(WINDOW_MS);
    out.push({ p99: h.percentile(99) / 1e6, max: h.max / 1e6, requests: traffic.sent - sent0 });
  }
  h.disable();
  return out;
};

interface Phase {
  readonly windows: ReadonlyArray<Window>;
  readonly cpuPerRequestMs: number;
  readonly serverCpuPerRequestMs: number;
  readonly requestsPerSecond: number;
}

const steady = (server: Server, name: string): Promise<Phase> => profiled(name, async () => {
  const sent0 = traffic.sent;
  const cpu0 = cpuMs();
  const serverCpu0 = await server.cpuMs();
  const t0 = performance.now();
  const w = await windows(STEADY_S);
  const requests = traffic.sent - sent0;
  return {
    windows: w,
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
  const updates = device$(client, id).pipe(share());
  const snapshots = updates.pipe(filter((u: DeviceUpdate): u is DeviceSnapshot => u.type === "snapshot"));
  // One subscription to the shared updates feeds the energy stream's layout and heartbeat, as `watch` does.
  const energy = shortEnergy$(client, id, { device$: updates });
  return merge(
    snapshots.pipe(map((u) => seen(id, u.device.comms?.lastHeardAt === undefined ? "snapshot" : "reporting"))),
    energy.pipe(map((e) => e.type === "interval" && seen(id, "interval"))),
  );
};

/** The rx phase: start, steady state, heap per device. */
const rxPhase = async (server: Server) => {
  const client = makeClient({ apiKey: server.demoKey, baseUrl: server.baseUrl, fetch: transportFetch });
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
  // Let the first polls' aftermath pass (the energy streams' first aligned polls) before steady state.
  await sleep(30_000);
  const phase = await steady(server, "rx-steady");
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
const transportFetch = pool?.fetch ?? globalThis.fetch;
const server = await startServer(DEVICES);
try {
  const tooMany0 = traffic.tooMany;
  const rx = await rxPhase(server);
  const tooMany = traffic.tooMany - tooMany0;
  // RUNNER_BENCH_BASELINE=off skips the baseline (while profiling the rx phase).
  const plain = process.env["RUNNER_BENCH_BASELINE"] === "off" ? undefined : await plainPhase(server, rx.ids, rx.phase.requestsPerSecond);
  const { ids: _ids, ...figures } = rx;
  console.log(JSON.stringify({ ...figures, tooMany, plain, pool: POOL, cores: availableParallelism() }));
} finally {
  await pool?.close();
  await server.close();
}
