// A back-fill from the simulator into PostgreSQL, as `wattstream sync --out postgres://…` does it: N devices × D
// days of 5-minute long energy (default 100 × 30) through transport's paced client, with store's `backfill`
// pipeline (devices fetched FETCH at a time, fetching going on while up to PENDING batches wait to commit, WRITE
// transactions at once, one transaction per request's intervals with the device's checkpoint and its channel rows,
// 1 to 6 per interval). The simulator runs in a child process, as a real API would.
//
// One run measures, in order:
// 1. fetch only (client + simulator, no database): the named baseline, requests/s the client and server sustain;
// 2. the back-fill into PostgreSQL: wall time, intervals/s, requests/s as a share of the key's TPS (target ≥ 90 %)
//    and 429s (target 0), peak RSS;
// 3. the database alone: how many intervals/s the writes sustained while busy, and the request rate that allows
//    (that rate ÷ intervals per request), so a missed TPS target names its bottleneck with measured figures.
// STORE_BACKFILL_DEVICES / STORE_BACKFILL_DAYS change the size (the simulator's devices get DAYS + 1 days of
// history, STORE_BACKFILL_HISTORY to change it); STORE_BACKFILL_FETCH / STORE_BACKFILL_WRITE /
// STORE_BACKFILL_PENDING the concurrency and the batches that may wait to commit.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseDeviceId } from "@wattstream/core";
import type { DeviceId } from "@wattstream/core";
import { Effect, Stream } from "effect";
import { makeClient } from "@wattstream/transport";
import type { WattwatchersClient } from "@wattstream/transport";
import type { ChannelLayout } from "@wattstream/rx";
import { defineBench } from "../../../tools/bench/defineBench.ts";
import { startTestPostgres } from "../../../tools/postgres/testPostgres.ts";
import type { TestPostgres } from "../../../tools/postgres/testPostgres.ts";
import { backfill, openStore } from "../src/index.ts";
import type { Store } from "../src/index.ts";

const DEVICES = Number(process.env["STORE_BACKFILL_DEVICES"] ?? 100);
const DAYS = Number(process.env["STORE_BACKFILL_DAYS"] ?? 30);
const FETCH = Number(process.env["STORE_BACKFILL_FETCH"] ?? 8);
const WRITE = Number(process.env["STORE_BACKFILL_WRITE"] ?? 2);
const PENDING = Number(process.env["STORE_BACKFILL_PENDING"] ?? 2 * FETCH);
// Days of history the simulator's devices have: the whole window by default (the simulator's own default is 10).
const HISTORY = Number(process.env["STORE_BACKFILL_HISTORY"] ?? DAYS + 1);
// The simulator stands in for a remote API, whose CPU would not be on this machine; here it shares the 2 cores with
// the client and PostgreSQL. So its response cache holds every window (points and whole bodies: 2 × intervals),
// the fetch-only phase (cold, the simulator computing every point) warms it, and the back-fill's requests are
// served from memory. STORE_BACKFILL_SIM_CACHE=0 keeps the simulator's default cache (100,000 points): a cold
// back-fill that also pays for the simulator's CPU.
const SIM_CACHE = Number(process.env["STORE_BACKFILL_SIM_CACHE"] ?? 2 * DEVICES * (HISTORY + 1) * 288 + 100_000);

interface Sim {
  readonly child: ChildProcessWithoutNullStreams;
  readonly baseUrl: string;
  readonly demoKey: string;
  readonly ids: ReadonlyArray<DeviceId>;
  readonly lines: AsyncIterator<string>;
}

interface Ctx {
  readonly sim: Sim;
  readonly pg: TestPostgres;
  readonly store: Store;
}

const startChild = async (): Promise<Sim> => {
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), "backfillSimulator.child.ts");
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=@wattstream/source", file, String(DEVICES), String(HISTORY), ...(SIM_CACHE > 0 ? [String(SIM_CACHE)] : [])], {
    cwd: path.dirname(file),
    stdio: ["pipe", "pipe", "pipe"],
  });
  child.stderr.pipe(process.stderr);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done === true) throw new Error("the simulator child exited before listening");
  const parsed = JSON.parse(first.value) as { baseUrl: string; demoKey: string; ids: Array<string> };
  const { baseUrl, demoKey } = parsed;
  const ids = parsed.ids.map((id) => parseDeviceId(id));
  return { child, baseUrl, demoKey, ids, lines };
};

/** The child's CPU time so far, ms. */
const childCpuMs = async (sim: Sim): Promise<number> => {
  sim.child.stdin.write("cpu\n");
  const line = await sim.lines.next();
  return line.done === true ? Number.NaN : (JSON.parse(line.value) as { cpuMs: number }).cpuMs;
};

/** This process's CPU time so far, ms. */
const ownCpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/**
 * CPU time so far of the PostgreSQL server behind `store` (postmaster, its live processes, and the processes
 * that exited), ms, from /proc; NaN where /proc is not readable (not Linux, or a remote server).
 */
const postgresCpuMs = async (store: Store): Promise<number> => {
  const stat = (pid: number): Array<string> | undefined => {
    try {
      const text = readFileSync(`/proc/${pid}/stat`, "utf8");
      // Fields after the command name (which may hold spaces), numbered from 3.
      return text.slice(text.lastIndexOf(")") + 2).split(" ");
    } catch {
      return undefined;
    }
  };
  const [row] = await store.query<{ pid: number }>("select pg_backend_pid() as pid");
  const postmaster = Number(stat(Number(row?.pid))?.[1]);
  const own = stat(postmaster);
  if (own === undefined) return Number.NaN;
  // utime, stime, cutime, cstime are fields 14–17 (indices 11–14 here), in clock ticks of 10 ms.
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const entry of readdirSync("/proc")) {
    const f = /^\d+$/.test(entry) ? stat(Number(entry)) : undefined;
    if (f !== undefined && Number(f[1]) === postmaster) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks * 10;
};

/** Stops the child; resolves with its peak RSS in MB. */
const stopChild = async (sim: Sim): Promise<number> => {
  sim.child.stdin.end();
  const last = await sim.lines.next();
  return last.done === true ? Number.NaN : (JSON.parse(last.value) as { maxRssMB: number }).maxRssMB;
};

/**
 * One paced client (transport's defaults) for both phases, so one pacer knows the key's budget throughout (two
 * clients on one key, one after the other, would each start with a full budget the server no longer has); it
 * counts requests and 429s into the phase's `stats` and reads the key's TPS from the headers.
 */
const counted = (sim: Sim) => {
  let stats = { requests: 0, throttled: 0, tps: Number.NaN };
  const client: WattwatchersClient = makeClient({
    apiKey: sim.demoKey,
    baseUrl: sim.baseUrl,
    // The machine is shared: a starved simulator may take longer than the default 10 s for a 7-day response.
    timeout: 60_000,
    fetch: async (input, init) => {
      const s = stats;
      s.requests++;
      const response = await fetch(input, init);
      if (response.status === 429) s.throttled++;
      const limit = Number(response.headers.get("x-ratelimit-tpslimit"));
      if (Number.isFinite(limit) && limit > 0) s.tps = limit;
      return response;
    },
  });
  return {
    client,
    phase: () => {
      stats = { requests: 0, throttled: 0, tps: Number.NaN };
      return stats;
    },
  };
};

const toTs = Math.floor(Date.now() / 1000 / 300) * 300 - 3600;
const fromTs = toTs - DAYS * 86_400;
const range = (client: WattwatchersClient, id: string) => client.longEnergyRange(id, { fromTs, toTs }, { granularity: "5m" });

export default defineBench<Ctx>({
  name: `store: back-fill ${DEVICES} devices × ${DAYS} days (${HISTORY} days of history, simulator cache ${SIM_CACHE > 0 ? "warm" : "cold"}) of 5-minute data from the simulator (child process) into PostgreSQL`,
  setup: async () => {
    const sim = await startChild();
    const pg = await startTestPostgres();
    const store = await openStore(await pg.createDatabase(`backfill_${process.pid}`));
    return { sim, pg, store };
  },
  teardown: async ({ sim, pg, store }) => {
    await store.close();
    if (sim.child.exitCode === null) await stopChild(sim);
    pg.stop();
  },
  metrics: async ({ sim, store }) => {
    const ids = sim.ids;
    const rss = { peak: 0 };
    const sampler = setInterval(() => (rss.peak = Math.max(rss.peak, process.memoryUsage().rss)), 50);

    // 1. Fetch only: the same requests, decoded and counted, nothing written.
    const c = counted(sim);
    const f = { client: c.client, stats: c.phase() };
    let fetched = 0;
    let simCpu = await childCpuMs(sim);
    let ownCpu = ownCpuMs();
    let started = performance.now();
    await Effect.runPromise(
      Effect.forEach(ids, (id) => Stream.runForEach(range(f.client, id), () => Effect.sync(() => void fetched++)), {
        concurrency: FETCH,
        discard: true,
      }),
    );
    const fetchSeconds = (performance.now() - started) / 1000;
    const fetchRps = f.stats.requests / fetchSeconds;
    const fetchCpu = { sim: (await childCpuMs(sim)) - simCpu, own: ownCpuMs() - ownCpu };

    // 2. The back-fill. Each device's layout is read once, as the CLI does; those requests count too.
    const b = { client: c.client, stats: c.phase() };
    simCpu = await childCpuMs(sim);
    ownCpu = ownCpuMs();
    const pgCpu = await postgresCpuMs(store);
    started = performance.now();
    const layouts = new Map<string, ChannelLayout>();
    await Effect.runPromise(
      Effect.forEach(ids, (id) => b.client.getDevice(id).pipe(Effect.map((device) => void layouts.set(id, device.channels ?? []))), {
        concurrency: FETCH,
        discard: true,
      }),
    );
    // The database's busy time: while at least one transaction is in flight (from commit hand-off to commit).
    const store$ = store.effect;
    let inFlight = 0;
    let busySince = 0;
    let busyMs = 0;
    const timed: typeof store$ = {
      ...store$,
      write: (events, checkpoints) =>
        Effect.acquireUseRelease(
          Effect.sync(() => {
            if (inFlight++ === 0) busySince = performance.now();
          }),
          () => store$.write(events, checkpoints),
          () =>
            Effect.sync(() => {
              if (--inFlight === 0) busyMs += performance.now() - busySince;
            }),
        ),
    };
    const result = await Effect.runPromise(
      backfill(
        timed,
        ids.map((id) => ({ deviceId: id, fromTs, toTs, points: range(b.client, id), channels: layouts.get(id) ?? [] })),
        { fetchConcurrency: FETCH, writeConcurrency: WRITE, maxPendingBatches: PENDING },
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    const fillCpu = { sim: (await childCpuMs(sim)) - simCpu, own: ownCpuMs() - ownCpu, pg: (await postgresCpuMs(store)) - pgCpu };
    clearInterval(sampler);
    const peakRssMB = Math.max(rss.peak, process.memoryUsage().rss) / 2 ** 20;

    const [stored] = await store.query<{ n: number | string; c: number | string; e: number | string }>(
      "select (select count(*) from intervals) as n, (select count(*) from interval_channels) as c, (select sum(json_array_length(point->'eReal')) from intervals) as e",
    );
    const [cps] = await store.query<{ n: number | string }>("select count(*) as n from checkpoints where watermark = $1", [toTs]);
    // Size on disk of the energy data (tables with their TOAST and indexes; in schema version 2 interval_channels
    // is a view, no storage), and the time of the per-day view over all of it (best of 3).
    await store.query("vacuum analyze intervals");
    const [size] = await store.query<{ bytes: number | string }>(
      "select sum(pg_total_relation_size(oid)) as bytes from pg_class where relname in ('intervals', 'interval_channels') and relkind = 'r'",
    );
    let viewMs = Infinity;
    let viewRows = 0;
    for (let k = 0; k < 3; k++) {
      const t = performance.now();
      const [v] = await store.query<{ n: number | string }>("select count(*) as n from (select * from energy_per_channel_day) d");
      viewMs = Math.min(viewMs, performance.now() - t);
      viewRows = Number(v!.n);
    }
    const intervals = result.points;
    const energyRequests = b.stats.requests - ids.length;
    const perRequest = intervals / energyRequests;
    const tps = b.stats.tps;
    const share = b.stats.requests / seconds / tps;
    const dbRate = intervals / (busyMs / 1000);
    const dbBoundShare = dbRate / perRequest / tps;
    const fetchBoundShare = fetchRps / f.stats.tps;
    // The whole run's CPU (simulator + this process + PostgreSQL) on the machine's 2 cores: even with both cores to
    // itself and perfectly parallel, the run cannot take less than cpuAll ÷ 2, which caps its share of TPS.
    const cpuAll = fillCpu.sim + fillCpu.own + fillCpu.pg;
    const cpuBoundShare = b.stats.requests / tps / (cpuAll / 2000);
    // The fetch-only rate bounds the back-fill only when both see a cold simulator (a warm one serves it faster).
    const bounds: ReadonlyArray<readonly [number, string]> = [
      ...(SIM_CACHE > 0
        ? []
        : [[fetchBoundShare, `fetch (client + simulator): ${fetchRps.toFixed(1)} req/s = ${(fetchBoundShare * 100).toFixed(0)} % of TPS`] as const]),
      [
        dbBoundShare,
        `PostgreSQL writes: ${Math.round(dbRate)} intervals/s ÷ ${Math.round(perRequest)} per request = ${(dbRate / perRequest).toFixed(1)} req/s = ${(dbBoundShare * 100).toFixed(0)} % of TPS`,
      ],
      [
        Number.isNaN(cpuBoundShare) ? Infinity : cpuBoundShare,
        `CPU: ${(cpuAll / 1000).toFixed(1)} CPU-s (simulator ${(fillCpu.sim / 1000).toFixed(1)}, bench ${(fillCpu.own / 1000).toFixed(1)}, PostgreSQL ${(fillCpu.pg / 1000).toFixed(1)}) need ≥ ${(cpuAll / 2000).toFixed(1)} s on 2 cores = ${(cpuBoundShare * 100).toFixed(0)} % of TPS at best`,
      ],
    ];
    const tightest = bounds.reduce((a, c) => (c[0] < a[0] ? c : a));
    const bottleneck =
      tightest[0] >= 0.9 ? `none of the bounds (all ≥ 90 %): the start and the tail of the run, when fewer requests are in flight` : tightest[1];
    const ok = share >= 0.9;
    return [
      { metric: `fetch only (baseline): ${f.stats.requests} requests, ${fetched} intervals, no database`, value: fetchSeconds, unit: "s" },
      { metric: "fetch only: intervals per second", value: fetched / fetchSeconds, unit: "intervals/s" },
      { metric: "fetch only: requests per second", value: fetchRps, unit: "req/s", baseline: f.stats.tps },
      { metric: "fetch only: share of the key's TPS", value: fetchBoundShare * 100, unit: "%" },
      { metric: "fetch only: CPU of the simulator child per 1,000 intervals", value: fetchCpu.sim / (fetched / 1000), unit: "ms" },
      { metric: "fetch only: CPU of the client process per 1,000 intervals (fetch + decode)", value: fetchCpu.own / (fetched / 1000), unit: "ms" },
      { metric: "fetch only: 429 responses", value: f.stats.throttled, unit: "responses", target: "0", ok: f.stats.throttled === 0 },
      { metric: `back-fill: wall time (fetch ${FETCH} devices at once, ≤ ${PENDING} batches waiting, ${WRITE} transactions at once)`, value: seconds, unit: "s" },
      { metric: "back-fill: intervals stored (rows in intervals)", value: Number(stored!.n), unit: "intervals", target: `= ${intervals} received`, ok: Number(stored!.n) === intervals },
      { metric: "back-fill: channel rows stored (1 to 6 per interval, as the device has)", value: Number(stored!.c), unit: "rows", target: `= ${Number(stored!.e)} channel values`, ok: Number(stored!.c) === Number(stored!.e) },
      { metric: "back-fill: checkpoints at the window's end", value: Number(cps!.n), unit: "devices", target: `= ${ids.length}`, ok: Number(cps!.n) === ids.length },
      { metric: "back-fill: intervals per second", value: intervals / seconds, unit: "intervals/s" },
      { metric: "back-fill: rows per second (intervals + channel rows)", value: (Number(stored!.n) + Number(stored!.c)) / seconds, unit: "rows/s" },
      { metric: `back-fill: requests (${energyRequests} energy, ${ids.length} device)`, value: b.stats.requests, unit: "requests" },
      { metric: "back-fill: requests per second", value: b.stats.requests / seconds, unit: "req/s", baseline: tps },
      {
        metric: `back-fill: share of the key's TPS (bound by ${bottleneck})`,
        value: share * 100,
        unit: "%",
        target: "≥ 90 %",
        ok,
      },
      { metric: "back-fill: 429 responses", value: b.stats.throttled, unit: "responses", target: "0", ok: b.stats.throttled === 0 },
      { metric: "back-fill: CPU of the simulator child per 1,000 intervals", value: fillCpu.sim / (intervals / 1000), unit: "ms" },
      { metric: "back-fill: CPU of the bench process per 1,000 intervals (fetch + decode + pipeline + encode)", value: fillCpu.own / (intervals / 1000), unit: "ms" },
      { metric: "back-fill: CPU of the PostgreSQL server per 1,000 intervals", value: fillCpu.pg / (intervals / 1000), unit: "ms" },
      { metric: "back-fill: CPU of all three per second of wall time (2 cores = 2000 ms; the machine is shared)", value: cpuAll / seconds, unit: "ms" },
      { metric: "back-fill: PostgreSQL busy (≥ 1 transaction in flight)", value: busyMs / 1000, unit: "s" },
      { metric: "back-fill: PostgreSQL write rate while busy", value: dbRate, unit: "intervals/s" },
      { metric: "back-fill: peak RSS of the bench process (client + pipeline + pg driver)", value: peakRssMB, unit: "MB" },
      { metric: "stored: disk bytes per interval (intervals and channel values, with indexes and TOAST)", value: Number(size!.bytes) / Number(stored!.n), unit: "B" },
      { metric: `stored: energy_per_channel_day over all of it (${viewRows} device-channel-days), best of 3`, value: viewMs, unit: "ms" },
      { metric: "simulator child: peak RSS", value: await stopChild(sim), unit: "MB" },
    ];
  },
});
