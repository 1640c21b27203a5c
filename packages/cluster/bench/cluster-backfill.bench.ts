// A back-fill of the fleet's history spread over cluster runners, as a share of the key's TPS (target ≥ 90 %,
// zero 429s), with the single-runner figure next to it. The simulator (real clock, real limits: 600 devices →
// TPS 200) runs in this process; each runner is a child process (the library, bundled) behind a logging proxy
// that counts its requests and 429s. Every device back-fills CLUSTER_BACKFILL_HOURS (24) of long energy in
// windows of CLUSTER_BACKFILL_WINDOW seconds (14,400: 48 intervals per request, so requests, not PostgreSQL's
// write rate, are the bound; see the store README), then follows. Measured from the first request until every
// device's checkpoint reached the present. Printed on stderr for each run: requests per second (and per runner),
// and each second the slots the runners hold / leave unused with each runner's lease calls (held near TPS with few
// unused yet fewer requests: the lease cycle's cost; many unused: devices not ready to spend them).
// Knobs: CLUSTER_BACKFILL_PROFILE=<dir> (CPU profiles), CLUSTER_BACKFILL_LOGS=<dir> (each runner's log),
// CLUSTER_BACKFILL_LEASE=<slots> (slots per lease), CLUSTER_BACKFILL_PART=<slots> (cooled slots handed back
// together while their lease is held; above the lease size: none), CLUSTER_BACKFILL_RUNNERS=<n>,
// CLUSTER_BACKFILL_SINGLE=0 (skip the one-runner run). Each run also prints its share of TPS without the first and
// last 2 s (the steady part) and the load average (1 min) at its start and end: the machine's load moves the figure.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { startSimulator } from "@wattstream/simulator";
import { openStore } from "@wattstream/store";
import { defineBench } from "../../../tools/bench/defineBench.ts";
import type { BenchMetric } from "../../../tools/bench/defineBench.ts";
import { freePort, psql, startTestPostgres } from "../../../tools/postgres/testPostgres.ts";
import { bundleRunnerChild } from "../test/fixtures/bundle.ts";
import { startProxy } from "../test/proxy.ts";
import type { LoggedRequest } from "../test/proxy.ts";

const DEVICES = Number(process.env["CLUSTER_BACKFILL_DEVICES"] ?? 600);
const HOURS = Number(process.env["CLUSTER_BACKFILL_HOURS"] ?? 24);
const WINDOW = Number(process.env["CLUSTER_BACKFILL_WINDOW"] ?? 14_400);
const RUNNERS = Number(process.env["CLUSTER_BACKFILL_RUNNERS"] ?? 3);
/** Slots per budget lease, when not the runner's default. */
const LEASE = process.env["CLUSTER_BACKFILL_LEASE"] === undefined ? undefined : Number(process.env["CLUSTER_BACKFILL_LEASE"]);
/** Cooled slots handed back together while their lease is held, when not the runner's default (above the lease size: off). */
const PART = process.env["CLUSTER_BACKFILL_PART"] === undefined ? undefined : Number(process.env["CLUSTER_BACKFILL_PART"]);
/** A directory: each runner process writes a V8 CPU profile there (`--cpu-prof`) when it is stopped. */
const PROFILE_DIR = process.env["CLUSTER_BACKFILL_PROFILE"];
/** A directory: each runner process's log (stderr) goes to `<runners>-r<i>.log` there. */
const LOG_DIR = process.env["CLUSTER_BACKFILL_LOGS"];
/** `0`: skip the one-runner run (the baseline) while iterating on the several-runner figure. */
const SINGLE = process.env["CLUSTER_BACKFILL_SINGLE"] !== "0";


/** User + system CPU seconds of a process so far, from /proc (0 where there is none). */
const cpuSecondsOf = (pid: number | undefined): number => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    // utime and stime are fields 14 and 15 of the whole line (11 and 12 after the command), in clock ticks.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
};

interface Run {
  readonly runners: number;
  readonly seconds: number;
  readonly requests: number;
  readonly tooMany: number;
  readonly tps: number;
  /** Share of TPS without the first and last 2 s of requests (the start and the tail left out). */
  readonly steady: number;
  /** Load average (1 min) when the run started and ended. */
  readonly load: readonly [number, number];
}

const backfillWith = async (bundle: string, pgBase: string, runners: number): Promise<Run> => {
  const loadBefore = loadavg()[0]!;
  const cpuAtStart = process.cpuUsage();
  const startedAt = Date.now();
  const sim = await startSimulator({ clock: "real", devices: DEVICES });
  const name = `cluster_bench_${process.pid}_${runners}`;
  await psql(pgBase, `create database ${name}`);
  const u = new URL(pgBase);
  u.pathname = `/${name}`;
  const store = await openStore(u.toString());
  const log: Array<LoggedRequest> = [];
  const children: Array<ChildProcess> = [];
  const proxies = [];
  try {
    const now = sim.clock.now();
    const fromTs = Math.floor(now / 300) * 300 - HOURS * 3600;
    for (let i = 0; i < runners; i++) {
      const proxy = await startProxy(sim.baseUrl, `r${i}`, log);
      proxies.push(proxy);
      const settings = { postgres: u.toString(), apiKey: sim.demoKey, baseUrl: proxy.baseUrl, port: await freePort(), speed: 1, simAtWall0: now, wall0: Date.now(), fromTs, listEveryMs: 60_000, maxWindow: WINDOW, leaseSize: LEASE, partSlots: PART, startWithRunners: runners };
      const prof = PROFILE_DIR === undefined ? [] : ["--cpu-prof", "--cpu-prof-dir", PROFILE_DIR];
      const stderr = LOG_DIR === undefined ? "ignore" : openSync(join(LOG_DIR, `${runners}-r${i}.log`), "w");
      children.push(spawn(process.execPath, [...prof, bundle, JSON.stringify(settings)], { stdio: ["ignore", "ignore", stderr] }));
    }
    // Done when every device's long-energy checkpoint is within the last two intervals.
    // Each second, the slots the runners hold (from their figures in PostgreSQL) and how many of them lie unused:
    // held well below TPS is the lease cycle's cost, unused slots are devices not ready to spend them.
    // Checked every 100 ms, so the wall time overshoots the end by at most that (a check per second overshot by
    // up to a second: 2–3 % of a 30-s back-fill).
    const held: Array<string> = [];
    for (let tick = 1; ; tick++) {
      await new Promise((r) => setTimeout(r, 100));
      if (tick % 10 === 0) {
        const stats = await store
          .query<{ held: string | null; unused: string | null; in_flight: string | null }>(
            "select sum(lease_tps) as held, sum(allowance) as unused, sum((select sum((k->>'inFlight')::int) from jsonb_array_elements(keys) k)) as in_flight from wattstream_cluster_runner_stats",
          )
          .catch(() => []);
        held.push(`${stats[0]?.held ?? 0}/${stats[0]?.unused ?? 0}/${stats[0]?.in_flight ?? 0}`);
      }
      const [row] = await store.query<{ n: string }>("select count(*) as n from checkpoints where stream = 'long' and watermark >= $1", [
        Math.floor(sim.clock.now() / 300) * 300 - 900,
      ]);
      if (Number(row!.n) >= DEVICES - 1) break;
    }
    const first = log[0]!.at;
    const seconds = (Date.now() - first) / 1000;
    // CPU seconds used so far by the runners and by this process (the simulator, the proxies): on the shared machine,
    // what the back-fill needs of the two cores, against what the load average says others take.
    const runnerCpu = children.reduce((sum, c) => sum + cpuSecondsOf(c.pid), 0);
    const benchCpu = process.cpuUsage(cpuAtStart);
    const ownCpu = (benchCpu.user + benchCpu.system) / 1e6;
    process.stderr.write(
      `[cluster-backfill] ${runners} runner(s): CPU since the start: runners ${runnerCpu.toFixed(1)} s, simulator + proxies ${ownCpu.toFixed(1)} s (${((runnerCpu + ownCpu) / ((Date.now() - startedAt) / 1000)).toFixed(2)} cores on average; PostgreSQL not counted)\n`,
    );
    // Requests per wall second from the first: where the share is lost (the start, the steady part, the tail).
    const perSecond: Array<number> = [];
    for (const e of log) perSecond[Math.floor((e.at - first) / 1000)] = (perSecond[Math.floor((e.at - first) / 1000)] ?? 0) + 1;
    process.stderr.write(`[cluster-backfill] ${runners} runner(s): requests per second ${JSON.stringify(Array.from(perSecond, (n) => n ?? 0))}\n`);
    // The start in tenths of a second: how fast the runners reach the key's TPS.
    const start: Array<number> = Array.from({ length: 30 }, () => 0);
    for (const e of log) if (e.at - first < 3000) start[Math.floor((e.at - first) / 100)]!++;
    process.stderr.write(`[cluster-backfill] ${runners} runner(s): the first 3 s, requests per 100 ms ${JSON.stringify(start)}\n`);
    // Each request's time at the proxy (arrival to the answer passed on whole): the latency a slot is held beyond its second.
    const latencies = log.filter((e) => e.doneAt > 0).map((e) => e.doneAt - e.at).sort((a, b) => a - b);
    const pct = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
    process.stderr.write(`[cluster-backfill] ${runners} runner(s): latency at the proxy p50 ${pct(0.5)} ms, p90 ${pct(0.9)} ms, p99 ${pct(0.99)} ms, max ${pct(1)} ms\n`);
    // In flight ÷ requests per second = the time a request holds its slot before its answer's headers (Little's law):
    // what the slot's cycle costs beyond the second (plus 50 ms) after the answer.
    process.stderr.write(`[cluster-backfill] ${runners} runner(s): slots held/unused/in flight each second ${JSON.stringify(held)}\n`);
    const calls = await store.query<{ runner: string; lease_calls: string; lease_ms_avg: number; lease_ms_max: number }>(
      "select runner, lease_calls, lease_ms_avg, lease_ms_max from wattstream_cluster_runner_stats order by runner",
    );
    for (const c of calls)
      process.stderr.write(`[cluster-backfill]   ${c.runner}: ${c.lease_calls} lease calls, mean ${Number(c.lease_ms_avg).toFixed(1)} ms, max ${Number(c.lease_ms_max).toFixed(0)} ms\n`);
    if (runners > 1)
      for (let i = 0; i < runners; i++) {
        const own: Array<number> = [];
        for (const e of log) if (e.runner === `r${i}`) own[Math.floor((e.at - first) / 1000)] = (own[Math.floor((e.at - first) / 1000)] ?? 0) + 1;
        process.stderr.write(`[cluster-backfill]   runner r${i}: ${JSON.stringify(Array.from(own, (n) => n ?? 0))}\n`);
      }
    const tps = Math.ceil(DEVICES / 3);
    // The steady part: whole seconds from the third to the third-last second that saw a request.
    const middle = perSecond.slice(2, Math.max(2, perSecond.length - 2));
    const steady = middle.length === 0 ? 0 : (middle.reduce((a, n) => a + (n ?? 0), 0) / middle.length / tps) * 100;
    const load = [loadBefore, loadavg()[0]!] as const;
    process.stderr.write(
      `[cluster-backfill] ${runners} runner(s): ${((log.length / seconds / tps) * 100).toFixed(2)} % of TPS (${log.length} requests in ${seconds.toFixed(1)} s), steady part ${steady.toFixed(1)} %, load ${load[0].toFixed(2)} → ${load[1].toFixed(2)}\n`,
    );
    return { runners, seconds, requests: log.length, tooMany: log.filter((e) => e.status === 429).length, tps, steady, load };
  } finally {
    // SIGTERM lets a profiled runner write its profile (the child exits at once on it); the rest are killed.
    for (const c of children) c.kill(PROFILE_DIR === undefined ? "SIGKILL" : "SIGTERM");
    await Promise.all(proxies.map((p) => p.close()));
    await store.close();
    await sim.close();
    await psql(pgBase, `drop database if exists ${name} with (force)`);
  }
};

export default defineBench({
  name: `cluster back-fill: ${DEVICES} devices × ${HOURS} h over ${RUNNERS} runner processes`,
  metrics: async (): Promise<ReadonlyArray<BenchMetric>> => {
    const dir = mkdtempSync(join(tmpdir(), "wattstream-cluster-bench-"));
    const bundle = join(dir, "runner.mjs");
    const pg = await startTestPostgres();
    try {
      await bundleRunnerChild(bundle);
      const single = SINGLE ? await backfillWith(bundle, pg.url, 1) : undefined;
      const cluster = await backfillWith(bundle, pg.url, RUNNERS);
      const share = (r: Run) => (r.requests / r.seconds / r.tps) * 100;
      // Each figure with the one-runner run's as its baseline, when that ran.
      const vs = (m: BenchMetric, f: (r: Run) => number): BenchMetric => (single === undefined ? m : { ...m, baseline: f(single) });
      return [
        vs({ metric: `share of TPS, ${RUNNERS} runners`, value: share(cluster), unit: "%", target: "≥ 90 %", ok: share(cluster) >= 90 }, share),
        vs({ metric: `share of TPS, ${RUNNERS} runners, without the first and last 2 s`, value: cluster.steady, unit: "%" }, (r) => r.steady),
        vs({ metric: "load average (1 min) at the start", value: cluster.load[0], unit: "", better: "none" }, (r) => r.load[0]),
        vs({ metric: "load average (1 min) at the end", value: cluster.load[1], unit: "", better: "none" }, (r) => r.load[1]),
        vs({ metric: `requests/s, ${RUNNERS} runners (TPS ${cluster.tps})`, value: cluster.requests / cluster.seconds, unit: "req/s" }, (r) => r.requests / r.seconds),
        vs({ metric: "requests", value: cluster.requests, unit: "" }, (r) => r.requests),
        vs({ metric: "wall time", value: cluster.seconds, unit: "s" }, (r) => r.seconds),
        { metric: "429 responses", value: cluster.tooMany + (single?.tooMany ?? 0), unit: "", target: "0", ok: cluster.tooMany + (single?.tooMany ?? 0) === 0 },
      ];
    } finally {
      pg.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
});
