// Crash safety: a sync process (rx + the store against the simulator) is killed with SIGKILL at random points,
// then resumed from the database's own checkpoints. After each kill the checkpoint is never ahead of the data;
// at the end the table equals the simulator's truth for the window: every interval once, values equal, and the
// intervals the devices corrected (re-delivered after a lost checkpoint, through one more kill) revised once each.
import { spawn } from "node:child_process";
import { Effect } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator } from "@wattstream/simulator";
import type { Simulator } from "@wattstream/simulator";
import { makeClient } from "@wattstream/transport";
import { openStore } from "../src/index.js";
import { bundleChild } from "./child.js";
import type { BundledChild } from "./child.js";
import { drivers } from "./drivers.js";

const KILLS = 10;
let child: BundledChild;

const all = drivers();
let sim: Simulator;
let truth: Map<string, Map<number, ReadonlyArray<number>>>;
let devices: Array<string>;
let fromTs: number;
let untilTs: number;

/** The simulator's long-energy eReal per interval of each device, read through the API. */
const readTruth = async (): Promise<Map<string, Map<number, ReadonlyArray<number>>>> => {
  const client = makeClient({ apiKey: sim.demoKey, baseUrl: sim.baseUrl });
  const out = new Map<string, Map<number, ReadonlyArray<number>>>();
  for (const id of devices) {
    const points = await Effect.runPromise(client.getLongEnergyData(id, { fromTs, toTs: untilTs + 300 }));
    const byTs = new Map<number, ReadonlyArray<number>>();
    if (Array.isArray(points)) for (const p of points) byTs.set(p.timestamp, p.eReal);
    out.set(id, byTs);
  }
  return out;
};

beforeAll(async () => {
  child = await bundleChild("syncChild");
  sim = await startSimulator({ clock: "real", seed: 7, devices: 2, rateLimits: { tps: Infinity, tpd: Infinity } });
  devices = sim.fleet.ids().slice(0, 2);
  const now = Math.floor(Date.now() / 1000);
  untilTs = Math.floor(now / 300) * 300 - 3600;
  fromTs = untilTs - 3 * 86_400;
  truth = await readTruth();
});

afterAll(async () => {
  await sim.close();
  for (const d of all) await d.cleanup();
  child.remove();
});

/**
 * Runs the child; resolves with its exit code, or "killed" when it was SIGKILLed after `killAfterEvents` events had
 * passed its sink (counted from its stdout; the kill lands a few events later, mid-batch or mid-commit).
 */
const runChild = (storeUrl: string, killAfterEvents: number | undefined): Promise<number | "killed"> =>
  new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      [child.file, sim.baseUrl, sim.demoKey, storeUrl, String(fromTs), String(untilTs), ...devices],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let killed = false;
    let events = 0;
    let stderr = "";
    proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    proc.stdout.on("data", (d: Buffer) => {
      for (const byte of d) if (byte === 0x2e) events++;
      if (killAfterEvents !== undefined && !killed && events >= killAfterEvents) killed = proc.kill("SIGKILL");
    });
    proc.on("error", reject);
    proc.on("exit", (code) => (killed && code === null ? resolve("killed") : code === 0 ? resolve(0) : reject(new Error(`child exited ${code}: ${stderr}`))));
  });

/** A random kill point: after 1 to 60 events (of 2 × 864 in the window), so ten kills leave work for the last run. */
const randomKillPoint = (): number => 1 + Math.floor(Math.random() * 60);

// One driver after the other: both share the simulator, whose corrections each run makes and reads back.
describe.each(all)("$name: sync killed with SIGKILL at random points, then resumed", (driver) => {
  it(`after ${KILLS} kills the table equals the simulator's truth, no duplicate, checkpoint never ahead of data, each correction one revision`, async () => {
    const url = await driver.fresh();
    let kills = 0;
    for (let run = 0; run < KILLS; run++) {
      const outcome = await runChild(url, randomKillPoint());
      if (outcome === "killed") kills++;
      // After every stop: no checkpoint is ahead of the data it covers.
      const store = await openStore(url);
      for (const id of devices) {
        const cp = await store.checkpoints.load({ deviceId: id, stream: "long" });
        if (cp === undefined) continue;
        const rows = await store.query<{ ts: number | string }>(
          `select ts from intervals where device_id = '${id}' and stream = 'long' and ts < ${cp.watermark}`,
        );
        const stored = new Set(rows.map((r) => Number(r.ts)));
        // Intervals the checkpoint lists as holes (still expected to back-fill) are not covered by it.
        const inHole = (t: number) => cp.holes.some(([from, to]) => t >= from && t < to);
        const expected = [...truth.get(id)!.keys()].filter((t) => t < cp.watermark && t >= fromTs && !inHole(t));
        expect(expected.filter((t) => !stored.has(t)), JSON.stringify(cp)).toEqual([]);
      }
      await store.close();
      if (outcome === 0) break;
    }
    expect(kills).toBe(KILLS);
    // Resume to the end.
    expect(await runChild(url, undefined)).toBe(0);
    // Devices correct three stored intervals each; the window is then delivered again from its start (at-least-once
    // re-delivery, as after a lost checkpoint), killed once more and resumed: each correction is one revision.
    const revised = devices.flatMap((id) => [5, 6, 300].map((k) => [id, fromTs + k * 300] as const));
    for (const [id, ts] of revised) sim.fleet.revise(id, ts);
    const before = truth;
    truth = await readTruth();
    for (const [id, ts] of revised) expect(truth.get(id)!.get(ts)).not.toEqual(before.get(id)!.get(ts));
    const reset = await openStore(url);
    await reset.query("delete from checkpoints");
    await reset.close();
    await runChild(url, randomKillPoint());
    expect(await runChild(url, undefined)).toBe(0);
    const store = await openStore(url);
    const revisions = await store.query<{ device_id: string; ts: number | string; current: unknown }>("select device_id, ts, current from revisions order by device_id, ts");
    const eReal = (v: unknown) => (JSON.parse(typeof v === "string" ? v : JSON.stringify(v)) as { eReal: ReadonlyArray<number> }).eReal;
    expect(revisions.map((r) => [r.device_id, Number(r.ts), eReal(r.current)])).toEqual(
      [...revised].sort(([a, t], [b, u]) => (a < b ? -1 : a > b ? 1 : t - u)).map(([id, ts]) => [id, ts, truth.get(id)!.get(ts)]),
    );
    for (const id of devices) {
      const rows = await store.query<{ ts: number | string; channel: number; e_real: number | null }>(
        `select ts, channel, e_real from interval_channels where device_id = '${id}' and ts >= ${fromTs} and ts <= ${untilTs} order by ts, channel`,
      );
      const got = new Map<number, Array<number | null>>();
      for (const r of rows) {
        const list = got.get(Number(r.ts)) ?? [];
        list.push(r.e_real === null ? null : Number(r.e_real));
        got.set(Number(r.ts), list);
      }
      const want = new Map([...truth.get(id)!].filter(([t]) => t <= untilTs));
      expect(got.size).toBe(want.size);
      expect(want.size).toBeGreaterThan(100);
      for (const [t, values] of want) expect(got.get(t), `interval ${t} of ${id}`).toEqual(values);
      const dup = await store.query<{ n: number | string }>(
        `select count(*) as n from (select ts from intervals where device_id = '${id}' group by device_id, stream, granularity, ts having count(*) > 1) d`,
      );
      expect(Number(dup[0]!.n)).toBe(0);
    }
    await store.close();
  }, 120_000);
});
