// Delivery across a hard crash: the process dies without the stream's teardown (which saves once more on a clean
// stop). Simulated by restarting from a COPY of the checkpoint directory taken before unsubscribing, so the
// teardown's final save never reaches the restarted stream. Expect no interval lost and duplicates bounded by
// the save cadence: none at the default (a save after every emitted batch), at most one cadence's worth otherwise.
import { parseDeviceId } from "@wattstream/core";
import type { DeviceId } from "@wattstream/core";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shortEnergy$ } from "../src/index.js";
import type { CheckpointStore, EnergyEvent } from "../src/index.js";
import { fileCheckpointStore } from "../src/node.js";
import { startHarness } from "./simHarness.js";
import type { Harness } from "./simHarness.js";

const HOUR = 3600;
let h: Harness;
let root: string;

beforeAll(async () => {
  h = await startHarness({ seed: 11, devices: 2, rateLimits: { tps: Infinity } });
  root = await mkdtemp(join(tmpdir(), "rx-crash-"));
});

afterAll(async () => {
  await h.close();
  await rm(root, { recursive: true, force: true });
});

/** Runs the stream for 2 h, "crashes" it, waits 10 min, restarts from the pre-teardown copy and runs 2 h more. */
const crashAndRestart = async (id: DeviceId, name: string, checkpointEvery: number | undefined) => {
  const live = join(root, `${name}-live`);
  const crashed = join(root, `${name}-crashed`);
  const store = (dir: string): CheckpointStore => {
    const files = fileCheckpointStore(dir);
    // Real file I/O: virtual time waits for it as it waits for HTTP.
    return { load: (k) => h.track(files.load(k)), save: (k, c) => h.track(files.save(k, c)) };
  };
  const got: Array<number> = [];
  const onEvent = (e: EnergyEvent): void => {
    if (e.type === "interval") got.push(e.point.timestamp);
  };
  const start = h.now();
  const opts = { scheduler: h.scheduler, fromTs: start, ...(checkpointEvery === undefined ? {} : { checkpointEvery }) };
  const first = shortEnergy$(h.client, id, { ...opts, checkpoints: store(live) }).subscribe(onEvent);
  await h.runUntil(start + 2 * HOUR);
  const beforeCrash = got.length;
  // The crash: whatever is on disk now is all a restarted process would find.
  await cp(live, crashed, { recursive: true });
  first.unsubscribe();
  await h.settle();
  await h.runUntil(h.now() + 600);
  const restarted = shortEnergy$(h.client, id, { ...opts, checkpoints: store(crashed) }).subscribe(onEvent);
  await h.runUntil(h.now() + 2 * HOUR);
  restarted.unsubscribe();
  await h.settle();
  return { got, beforeCrash, start };
};

const duplicatesOf = (xs: ReadonlyArray<number>): number => xs.length - new Set(xs).size;
const contiguous = (xs: ReadonlyArray<number>): boolean => {
  const sorted = [...new Set(xs)].sort((a, b) => a - b);
  return sorted.every((t, i) => i === 0 || t - sorted[i - 1]! === 30);
};

describe("restart after a hard crash (no teardown save)", () => {
  it("default cadence (save after every emitted batch): no loss, no duplicate", async () => {
    const id = parseDeviceId(h.sim.fleet.ids()[0]!);
    const { got, beforeCrash, start } = await crashAndRestart(id, "default", undefined);
    expect(beforeCrash).toBeGreaterThan(200);
    expect(got.length - beforeCrash).toBeGreaterThan(200);
    expect(got[0]).toBeLessThanOrEqual(start);
    expect(contiguous(got)).toBe(true);
    expect(duplicatesOf(got)).toBe(0);
  }, 60_000);

  it("a 15-minute cadence: no loss, duplicates bounded by one cadence (≤ 30 short intervals)", async () => {
    const id = parseDeviceId(h.sim.fleet.ids()[1]!);
    const { got, beforeCrash } = await crashAndRestart(id, "throttled", 15 * 60_000);
    expect(beforeCrash).toBeGreaterThan(200);
    expect(contiguous(got)).toBe(true);
    const dups = duplicatesOf(got);
    console.log(`hard crash with checkpointEvery 15 min: ${dups} intervals repeated after restart (bound: 30)`);
    expect(dups).toBeLessThanOrEqual(31);
  }, 60_000);
});
