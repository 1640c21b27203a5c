// One runner, many devices: RUNNER_BENCH_DEVICES devices (default 2,000; 10,000 for the sizing table in rx's
// README) watched by one process through the real client and rx streams (fleet$ + perDevice, each device's device$
// and shortEnergy$ wired as `wattstream watch` wires them), against the simulator in its own process on its real
// clock with the service's default budgets (TPS = devices ÷ 3), so the simulator's CPU never lands in the measured
// event loop. Then the named baseline: a plain fetch + JSON.parse loop at the same request rate and mix, in the same
// run. The measured process (runner.child.ts) runs on plain Node against the built packages (this file builds
// them through nx first; cached when fresh).
// Measured: the start (peak requests in one second, time until every device has its first snapshot and interval,
// event-loop delay while starting); steady state: event-loop delay p99 and max per 10-s window
// (perf_hooks.monitorEventLoopDelay); heap per watched device; CPU per request (the simulator's apart); 429s.
// Knobs: RUNNER_BENCH_DEVICES; RUNNER_BENCH_STEADY (seconds of steady state per phase, default 60);
// RUNNER_BENCH_SETTLE (seconds between the start and the steady state, default 60: the last devices' first aligned
// polls learn their reporting lag with `latest` probes meanwhile; 30 until the bench counted requests by kind);
// RUNNER_BENCH_STARTS (perDevice's starts per second, or "all" for every device at once: the stampede; default
// perDevice's own); RUNNER_BENCH_PROFILE=<dir> (a CPU profile per phase and a heap snapshot, for `node --cpu-prof`
// style analysis); RUNNER_BENCH_BASELINE=off (skip the baseline while profiling); RUNNER_BENCH_NODE_FLAGS (V8/Node
// flags for the measured process, e.g. "--max-semi-space-size=32"); RUNNER_BENCH_POOL=<n> (the transport's
// connection pool, `@wattstream/transport/node`, with n connections per origin; default 32 as `wattstream watch` uses
// it; "off" for Node's plain fetch, the connect storms in rx's README); RUNNER_BENCH_TRACE=<file> (a timeline of the
// rx phase's steady state: every GC pause with its kind, every event-loop stall over 20 ms, requests sent and
// answered per 100 ms and the most fetch calls in flight per 100 ms, as JSON); RUNNER_BENCH_MAX_IN_FLIGHT=<n> (the
// pacer's `maxInFlight`; default twice the pool's connections, as `wattstream watch` sets it; "off" for none);
// RUNNER_BENCH_HEAP_SAMPLES=<file> (a sampling heap profile of the steady state: where the allocations come from;
// with RUNNER_BENCH_HEAP_SAMPLES_SURVIVORS=1 only what survived a scavenge).
// GC pauses (perf_hooks' `gc` entries, by kind) are counted in both steady phases and printed beside the windows.
import { execFile, spawn } from "node:child_process";
import { loadavg } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { defineBench } from "../../../tools/bench/defineBench.ts";
import type { BenchMetric } from "../../../tools/bench/defineBench.ts";

const DEVICES = Number(process.env["RUNNER_BENCH_DEVICES"] ?? 2_000);
const P99_TARGET_MS = 50;
const HEAP_TARGET_KB = 10;
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../../..");

interface Window {
  readonly p99: number;
  readonly max: number;
  readonly gcMs?: number;
  readonly gcMaxMs?: number;
}
interface GcKind {
  readonly count: number;
  readonly totalMs: number;
  readonly maxMs: number;
}
interface Phase {
  readonly windows: ReadonlyArray<Window>;
  readonly gc: Readonly<Record<"minor" | "major" | "incremental" | "weakcb", GcKind>>;
  readonly kinds: Readonly<Record<string, number>>;
  readonly cpuPerRequestMs: number;
  readonly serverCpuPerRequestMs: number;
  readonly requestsPerSecond: number;
}
interface Figures {
  readonly startMs: number;
  readonly startRequests: number;
  readonly peakPerSecond: number;
  readonly startWindows: ReadonlyArray<Window>;
  readonly phase: Phase;
  readonly heapPerDevice: number;
  readonly snapshots: number;
  readonly reporting: number;
  readonly intervals: number;
  readonly tooMany: number;
  readonly plain: Phase | undefined;
  readonly cores: number;
  /** RUNNER_BENCH_POOL as the child read it: the connection pool's size, or "off". */
  readonly pool: string;
  /** The pacer's `maxInFlight` the child used, or "off". */
  readonly maxInFlight: number | "off";
  /** Seconds waited between the start and the steady state. */
  readonly settleS: number;
}

const run = async (): Promise<Figures> => {
  // The measured process imports the built packages: build them (nx replays its cache when nothing changed).
  await promisify(execFile)(
    "npx",
    ["nx", "run-many", "-t", "build", "-p", "@wattstream/rx", "@wattstream/transport", "--outputStyle=static"],
    { cwd: root, env: { ...process.env, NX_DAEMON: "false", NX_TUI: "false" }, maxBuffer: 16 * 2 ** 20 },
  );
  const flags = (process.env["RUNNER_BENCH_NODE_FLAGS"] ?? "").split(" ").filter((f) => f !== "");
  const child = spawn(process.execPath, [...flags, path.join(here, "runner.child.ts")], { cwd: here, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`runner.child.ts exited with ${code}`);
  return JSON.parse(out.trim().split("\n").at(-1) ?? "") as Figures;
};

const worst = (ws: ReadonlyArray<Window>, f: (w: Window) => number): number => Math.max(...ws.map(f));
const list = (ws: ReadonlyArray<Window>, f: (w: Window) => number): string => ws.map((w) => f(w).toFixed(0)).join(" / ");

/** One figure per GC kind over the steady phase: how many pauses, their sum and the longest (the baseline's count). */
const gcMetrics = (rx: Phase, plain: Phase | undefined): ReadonlyArray<BenchMetric> =>
  (["minor", "major", "incremental", "weakcb"] as const).map((kind) => {
    const g = rx.gc[kind];
    return {
      metric: `steady: GC ${kind === "minor" ? "scavenges" : kind === "major" ? "mark-compacts" : kind === "incremental" ? "incremental marking pauses" : "weak callbacks"} (${g.totalMs.toFixed(0)} ms in all, longest ${g.maxMs.toFixed(0)} ms${plain === undefined ? "" : `; baseline ${plain.gc[kind].totalMs.toFixed(0)} ms, longest ${plain.gc[kind].maxMs.toFixed(0)} ms`})`,
      value: g.count,
      unit: "",
      ...(plain === undefined ? {} : { baseline: plain.gc[kind].count }),
    };
  });

export default defineBench({
  name: `rx: one runner, ${DEVICES.toLocaleString("en-US")} devices (device$ + shortEnergy$), simulator in its own process`,
  metrics: async (): Promise<ReadonlyArray<BenchMetric>> => {
    const load0 = loadavg()[0] ?? 0;
    const r = await run();
    const load1 = loadavg()[0] ?? 0;
    const tps = Math.ceil(DEVICES / 3);
    const startP99 = worst(r.startWindows, (w) => w.p99);
    const p99 = worst(r.phase.windows, (w) => w.p99);
    const heapKb = r.heapPerDevice / 1024;
    return [
      { metric: "start: time until every device has a snapshot and every reporting one an interval", value: r.startMs, unit: "ms" },
      { metric: "start: requests sent meanwhile", value: r.startRequests, unit: "requests" },
      { metric: "start: peak requests in one second", value: r.peakPerSecond, unit: "req/s", target: `≤ TPS ${tps}`, ok: r.peakPerSecond <= tps },
      {
        metric: `start: event-loop delay p99 per 10-s window (${list(r.startWindows, (w) => w.p99)} ms)`,
        value: startP99,
        unit: "ms",
        target: `< ${P99_TARGET_MS} ms`,
        ok: startP99 < P99_TARGET_MS,
      },
      { metric: "start: longest event-loop stall", value: worst(r.startWindows, (w) => w.max), unit: "ms" },
      {
        metric: `steady: event-loop delay p99, worst 10-s window (${list(r.phase.windows, (w) => w.p99)} ms; connection pool: ${r.pool}, maxInFlight: ${r.maxInFlight}; from ${r.settleS} s after the start)`,
        value: p99,
        unit: "ms",
        ...(r.plain === undefined ? {} : { baseline: worst(r.plain.windows, (w) => w.p99) }),
        target: `< ${P99_TARGET_MS} ms`,
        ok: p99 < P99_TARGET_MS,
      },
      {
        metric: `steady: event-loop delay max per window (${list(r.phase.windows, (w) => w.max)} ms)`,
        value: worst(r.phase.windows, (w) => w.max),
        unit: "ms",
        ...(r.plain === undefined ? {} : { baseline: worst(r.plain.windows, (w) => w.max) }),
      },
      {
        metric: `steady: GC pauses per window, sum (${list(r.phase.windows, (w) => w.gcMs ?? 0)} ms) and longest (${list(r.phase.windows, (w) => w.gcMaxMs ?? 0)} ms)`,
        value: worst(r.phase.windows, (w) => w.gcMaxMs ?? 0),
        unit: "ms",
        ...(r.plain === undefined ? {} : { baseline: worst(r.plain.windows, (w) => w.gcMaxMs ?? 0) }),
      },
      ...gcMetrics(r.phase, r.plain),
      {
        metric: `steady: requests by kind (${Object.entries(r.phase.kinds).map(([k, n]) => `${k} ${n}`).join(", ")})`,
        value: r.phase.kinds["latest"] ?? 0,
        unit: "latest probes",
      },
      { metric: "steady: requests per second", value: r.phase.requestsPerSecond, unit: "req/s", ...(r.plain === undefined ? {} : { baseline: r.plain.requestsPerSecond }) },
      {
        metric: "steady: CPU per request, the runner (client + rx)",
        value: r.phase.cpuPerRequestMs,
        unit: "ms",
        ...(r.plain === undefined ? {} : { baseline: r.plain.cpuPerRequestMs }),
      },
      {
        metric: "steady: CPU per request, the simulator's process",
        value: r.phase.serverCpuPerRequestMs,
        unit: "ms",
        ...(r.plain === undefined ? {} : { baseline: r.plain.serverCpuPerRequestMs }),
      },
      { metric: `steady: share of one core the runner uses (of ${r.cores})`, value: (r.phase.cpuPerRequestMs * r.phase.requestsPerSecond) / 10, unit: "%" },
      { metric: "heap per watched device (device$ + shortEnergy$, client state included)", value: heapKb, unit: "KB", target: `≤ ${HEAP_TARGET_KB} KB`, ok: heapKb <= HEAP_TARGET_KB },
      { metric: `machine load average (1 min) before / after the run (${load0.toFixed(1)} / ${load1.toFixed(1)})`, value: Math.max(load0, load1), unit: "" },
      { metric: "429 answers", value: r.tooMany, unit: "", target: "0", ok: r.tooMany === 0 },
      { metric: "devices with a snapshot", value: r.snapshots, unit: `of ${DEVICES}`, target: `${DEVICES}`, ok: r.snapshots === DEVICES },
      { metric: "reporting devices with an interval", value: r.intervals, unit: `of ${r.reporting}`, target: `${r.reporting}`, ok: r.intervals === r.reporting },
    ];
  },
});
