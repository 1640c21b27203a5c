// The proof on one machine, loopback only, every process bounded in time: a real PostgreSQL, the simulator with
// 600 devices under one key at its real limits (TPS = devices ÷ 3 = 200, TPD = devices × 3456 + 1000), sped up
// 20×, and runner *processes* each talking to the simulator through its own logging proxy. The runner hosting the
// key's budget owner is SIGKILLed
// mid-run and runner 4 added later. Then: every interval of every device is in the store exactly as the
// simulator serves it; the killed runner's devices resume on the others (time measured); zero 429s; TPD never
// exceeded; no device polled by two runners at once.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator } from "@wattstream/simulator";
import type { Simulator } from "@wattstream/simulator";
import { openStore } from "@wattstream/store";
import type { Store } from "@wattstream/store";
import { makeClient } from "@wattstream/transport";
import { freePort, freshDatabase, until } from "./harness.ts";
import { bundleRunnerChild } from "./fixtures/bundle.ts";
import { startProxy } from "./proxy.ts";
import type { LoggedRequest, Proxy } from "./proxy.ts";

const DEVICES = Number(process.env["PROOF_DEVICES"] ?? 600);
const SPEED = 20;
const TPS = Math.ceil(DEVICES / 3);
const TPD = DEVICES * 3456 + 1000;

interface Runner {
  readonly name: string;
  readonly child: ChildProcess;
  readonly watching: Set<string>;
  stderr: string;
  exited: boolean;
  /** When (wall ms) this runner last logged that the key's budget owner starts on it. */
  ownerSince: number | undefined;
  /** Unix ms of each first lease granted by an owner started on this runner. */
  readonly firstLeases: Array<number>;
}

describe("the fleet over several runner processes", () => {
  let sim: Simulator;
  let db: { url: string; drop: () => Promise<void> };
  let store: Store;
  let dir: string;
  let bundle: string;
  const proxies: Array<Proxy> = [];
  const runners: Array<Runner> = [];
  const log: Array<LoggedRequest> = [];
  let fromTs = 0;
  let wall0 = 0;
  let simAtWall0 = 0;
  const simAt = (wallMs: number) => simAtWall0 + ((wallMs - wall0) / 1000) * SPEED;

  const startRunner = async (name: string): Promise<Runner> => {
    const proxy = await startProxy(sim.baseUrl, name, log);
    proxies.push(proxy);
    const settings = {
      postgres: db.url,
      apiKey: sim.demoKey,
      baseUrl: proxy.baseUrl,
      port: await freePort(),
      speed: SPEED,
      simAtWall0,
      wall0,
      fromTs,
      listEveryMs: 2000,
    };
    const child = spawn(process.execPath, [bundle, JSON.stringify(settings)], { stdio: ["ignore", "pipe", "pipe"] });
    const runner: Runner = { name, child, watching: new Set(), stderr: "", exited: false, ownerSince: undefined, firstLeases: [] };
    let partialErr = "";
    let partial = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      const lines = (partial + d).split("\n");
      partial = lines.pop() ?? "";
      for (const l of lines) if (l.startsWith("+")) runner.watching.add(l.slice(1));
      else if (l.startsWith("-")) runner.watching.delete(l.slice(1));
    });
    child.stderr!.setEncoding("utf8").on("data", (d: string) => {
      runner.stderr = (runner.stderr + d).slice(-20_000);
      const lines = (partialErr + d).split("\n");
      partialErr = lines.pop() ?? "";
      for (const l of lines) {
        if (l.includes("budget owner of key") && l.includes(" starts on ")) runner.ownerSince = Date.now();
        const first = /budget owner of key \S+: first lease .*\(at=(\d+)\)/.exec(l);
        if (first) runner.firstLeases.push(Number(first[1]));
      }
    });
    child.on("exit", () => {
      runner.exited = true;
    });
    runners.push(runner);
    return runner;
  };
  const watched = () => new Set(runners.filter((r) => !r.exited).flatMap((r) => [...r.watching])).size;
  const diagnose = async (e: unknown) => {
    for (const r of runners) console.log(`--- ${r.name} (${r.exited ? "exited" : "running"}, ${r.watching.size} devices)\n${r.stderr.slice(-3000)}`);
    const q = async (sql: string) => console.log(sql, JSON.stringify(await store.query(sql), (_k, v: unknown) => (typeof v === "bigint" ? Number(v) : v)));
    await q("select address, healthy, last_heartbeat from cluster_runners");
    await q("select processed, last_read is null as unread, entity_type, tag, count(*) from cluster_messages group by 1, 2, 3, 4");
    await q("select runner, devices, shards, lease_tps from wattstream_cluster_runner_stats");
    throw e;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "wattstream-cluster-proof-"));
    bundle = join(dir, "runner.mjs");
    await bundleRunnerChild(bundle);
    sim = await startSimulator({ clock: "real", speed: SPEED, devices: DEVICES });
    wall0 = Date.now();
    simAtWall0 = sim.clock.now();
    fromTs = Math.floor(simAtWall0 / 300) * 300 - 3600;
    db = await freshDatabase();
    store = await openStore(db.url);
  }, 120_000);

  afterAll(async () => {
    for (const r of runners) if (!r.exited) r.child.kill("SIGKILL");
    await Promise.all(proxies.map((p) => p.close()));
    await store?.close();
    await sim?.close();
    await db?.drop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("stores every interval exactly once through a SIGKILL and a new runner, within the key's budget", () => proof().catch(diagnose), 600_000);

  const proof = async () => {
    const ids = sim.fleet.ids();
    for (const name of ["r1", "r2", "r3"]) await startRunner(name);
    const started = Date.now();
    await until("every device watched by the three runners", async () => (watched() === DEVICES ? true : undefined), 90_000);
    const allWatchedMs = Date.now() - started;
    // Steady state for a while (and the back-fill of the last hour done), then kill the runner hosting the key's
    // budget owner: the worst case (its devices and the budget move at once).
    await until("30 s of running", async () => (Date.now() - started > 30_000 ? true : undefined), 60_000);
    const victim = [...runners].sort((a, b) => (b.ownerSince ?? 0) - (a.ownerSince ?? 0))[0]!;
    expect(victim.ownerSince).toBeDefined();
    const orphans = new Set(victim.watching);
    expect(orphans.size).toBeGreaterThan(DEVICES / 10);
    const killedAt = Date.now();
    victim.child.kill("SIGKILL");
    await until("the killed runner's devices watched elsewhere", async () => {
      const alive = runners.filter((r) => !r.exited && r !== victim);
      return [...orphans].every((id) => alive.some((r) => r.watching.has(id))) ? true : undefined;
    }, 90_000);
    const resumedWatchMs = Date.now() - killedAt;
    // Resume time per orphan: from the kill to its first request through another runner.
    await until("every orphan polled again", async () => {
      const again = new Set(log.filter((e) => e.at > killedAt && e.runner !== victim.name && e.device !== undefined).map((e) => e.device));
      return [...orphans].every((id) => again.has(id)) ? true : undefined;
    }, 60_000);
    const firstAfter = new Map<string, number>();
    for (const e of log) if (e.at > killedAt && e.runner !== victim.name && e.device !== undefined && orphans.has(e.device) && !firstAfter.has(e.device)) firstAfter.set(e.device, e.at - killedAt);
    const resume = [...firstAfter.values()].sort((a, b) => a - b);
    // The budget's recovery: from the kill to the new owner's first lease (on another runner), and the longest
    // time no runner sent anything in the 30 s after the kill.
    const ownerRecoveryMs = Math.min(...runners.filter((r) => r !== victim).flatMap((r) => r.firstLeases.filter((t) => t > killedAt))) - killedAt;
    const after = log.filter((e) => e.at > killedAt && e.at < killedAt + 30_000).map((e) => e.at).sort((a, b) => a - b);
    let longestSilenceMs = (after[0] ?? killedAt + 30_000) - killedAt;
    for (let k = 1; k < after.length; k++) longestSilenceMs = Math.max(longestSilenceMs, after[k]! - after[k - 1]!);
    // A fourth runner joins: shards move to it, their devices with them.
    const joinedAt = Date.now();
    const fourth = await startRunner("r4");
    await until("the new runner watching its share", async () => (fourth.watching.size > DEVICES / 8 && watched() === DEVICES ? true : undefined), 90_000);
    const joinMs = Date.now() - joinedAt;
    // Run on until every device's data is due through `target`, then stop everything.
    const target = Math.floor(simAt(Date.now()) / 300) * 300;
    await until("every device's intervals through the target", async () => {
      if (simAt(Date.now()) < target + 900) return undefined;
      const [row] = await store.query<{ n: string }>(
        "select count(distinct device_id) as n from intervals where stream = 'long' and ts >= $1",
        [target - 300],
      );
      return Number(row!.n) >= ids.length - 1 ? true : undefined;
    }, 120_000);
    const stoppedAt = Date.now();
    // Each live runner's calls to the budget owner (written every second by the runner).
    const leaseRpc = await store.query<{ runner: string; lease_calls: string; lease_ms_avg: number; lease_ms_max: number; failed_renewals: number }>(
      "select runner, lease_calls, lease_ms_avg, lease_ms_max, failed_renewals from wattstream_cluster_runner_stats order by runner",
    );
    for (const r of runners) if (!r.exited) r.child.kill("SIGKILL");

    // Truth: what the simulator serves for [fromTs, target), fetched directly (no proxy, no runner).
    const truthClient = makeClient({ apiKey: sim.demoKey, baseUrl: sim.baseUrl, pacing: false });
    let missing = 0;
    let extra = 0;
    let compared = 0;
    for (let i = 0; i < ids.length; i += 50) {
      await Promise.all(
        ids.slice(i, i + 50).map(async (id) => {
          const points = await truthClient.promise.getLongEnergyData(id, { fromTs, toTs: target });
          const truth = new Set(Array.isArray(points) ? points.map((p) => p.timestamp).filter((t) => t < target) : []);
          const rows = await store.query<{ ts: string }>(
            "select ts from intervals where device_id = $1 and stream = 'long' and ts >= $2 and ts < $3",
            [id, fromTs, target],
          );
          const stored = new Set(rows.map((r) => Number(r.ts)));
          for (const t of truth) if (!stored.has(t)) missing++;
          for (const t of stored) if (!truth.has(t)) extra++;
          compared += truth.size;
        }),
      );
    }
    // Exactly once: primary key (device, stream, granularity, ts) — and no revisions from re-deliveries.
    const [revisions] = await store.query<{ n: string }>("select count(*) as n from revisions");

    // Requests per device per 5-minute interval and which runners polled each device, in order.
    const perDevice = new Map<string, Array<LoggedRequest>>();
    for (const e of log) if (e.device !== undefined) (perDevice.get(e.device) ?? perDevice.set(e.device, []).get(e.device)!).push(e);
    // "At once": within one 5-minute interval of one device, the runners that polled it, in order. Hand-overs are
    // changes to another runner (A then B, or A, B, C when a kill and a join fall in one interval); a runner that
    // polls again after another took over (A, B, A) polled alongside it.
    let concurrent = 0;
    let handoffIntervals = 0;
    let maxHandoffs = 0;
    const perInterval: Array<number> = [];
    for (const [, entries] of perDevice) {
      let handoffs = 0;
      for (let k = 1; k < entries.length; k++) if (entries[k]!.runner !== entries[k - 1]!.runner) handoffs++;
      maxHandoffs = Math.max(maxHandoffs, handoffs);
      const buckets = new Map<number, Array<string>>();
      for (const e of entries) {
        const b = Math.floor(simAt(e.at) / 300);
        const seq = buckets.get(b) ?? buckets.set(b, []).get(b)!;
        if (seq.at(-1) !== e.runner) seq.push(e.runner);
      }
      for (const seq of buckets.values()) {
        if (seq.length > 1) handoffIntervals++;
        if (new Set(seq).size !== seq.length) concurrent++;
      }
      const energy = new Map<number, number>();
      for (const e of entries)
        if (e.operation === "energy" && e.at > started + 60_000) energy.set(Math.floor(simAt(e.at) / 300), (energy.get(Math.floor(simAt(e.at) / 300)) ?? 0) + 1);
      perInterval.push(...energy.values());
    }
    perInterval.sort((a, b) => a - b);
    const tooMany = log.filter((e) => e.status === 429).length;
    const durationS = (stoppedAt - started) / 1000;
    const figures = {
      devices: DEVICES,
      speed: SPEED,
      tps: TPS,
      tpd: TPD,
      requests: log.length,
      requestsPerSecond: Math.round(log.length / durationS),
      shareOfTps: Math.round((log.length / durationS / TPS) * 100),
      status429: tooMany,
      allWatchedMs,
      resumeWatchMs: resumedWatchMs,
      resumeFirstRequestMs: { p50: resume[Math.floor(resume.length / 2)], max: resume.at(-1) },
      killed: victim.name,
      ownerRecoveryMs,
      longestSilenceAfterKillMs: longestSilenceMs,
      orphans: orphans.size,
      joinMs,
      energyRequestsPerDevicePerInterval: { p50: perInterval[Math.floor(perInterval.length / 2)], p99: perInterval[Math.floor(perInterval.length * 0.99)], max: perInterval.at(-1) },
      maxHandoffsPerDevice: maxHandoffs,
      handoffIntervals,
      intervalsCompared: compared,
      leaseRpc: leaseRpc.map((r) => ({
        calls: Number(r.lease_calls),
        avgMs: Math.round(Number(r.lease_ms_avg) * 10) / 10,
        maxMs: Math.round(Number(r.lease_ms_max)),
        unreachable: Number(r.failed_renewals),
      })),
    };
    console.log(`[cluster proof] ${JSON.stringify(figures)}`);
    expect({ missing, extra, revisions: Number(revisions!.n) }).toEqual({ missing: 0, extra: 0, revisions: 0 });
    expect(compared).toBeGreaterThan(DEVICES * 10);
    expect(tooMany).toBe(0);
    expect(log.length).toBeLessThan(TPD);
    expect(concurrent).toBe(0);
    expect(resume.at(-1)!).toBeLessThan(30_000);
    expect(ownerRecoveryMs).toBeLessThan(30_000);
  };
});
