// Checkpoints are input too: what a store hands back is decoded like a server answer. Bad ones are a typed
// CheckpointCorrupt naming the file and the problem (before: a raw SyntaxError, "checkpoint.seen is not
// iterable", an InvalidRequest from a string watermark, or silently nothing for a watermark in the future).
import { parseDeviceId } from "@wattstream/core";
import { fakeClient } from "./helpers.js";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Effect } from "effect";
import { VirtualTimeScheduler } from "rxjs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CheckpointCorrupt, decodeCheckpoint, memoryCheckpointStore, shortEnergy$ } from "../src/index.js";
import type { CheckpointStore, EnergyEvent, EnergyStreamOptions } from "../src/index.js";
import { fileCheckpointStore } from "../src/node.js";

const ID = parseDeviceId("D123456789012");
const KEY = { deviceId: ID, stream: "short" };
const FILE = "short-D123456789012.json";
const STEP = 30;
/** A realistic clock: 2026-12-01T00:00:00Z. */
const T0 = 1_796_083_200;

let dir = "";
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "rx-checkpoint-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const loadError = async (store: CheckpointStore): Promise<unknown> => store.load(KEY).then(() => undefined, (e: unknown) => e);

describe("fileCheckpointStore reads checkpoints back as input", () => {
  for (const [name, text, problem] of [
    ["an empty file", "", /is empty$/],
    ["a truncated file", '{"watermark":1796083200,"seen":[[17960', /is not JSON/],
    ["garbage", "\u0000\u0001PK\u0003", /is not JSON/],
    ["a wrongly typed file (seen is a number)", '{"watermark":1796083200,"seen":5,"holes":[],"lag":0}', /Expected array.*seen/],
    ["a string watermark", '{"watermark":"1796083200","seen":[],"holes":[],"lag":0}', /Expected number.*watermark/],
    ["a fractional watermark", '{"watermark":1796083200.5,"seen":[],"holes":[],"lag":0}', /integer.*watermark/],
    ["seen out of order", '{"watermark":1796083200,"seen":[[60,1],[30,2]],"holes":[],"lag":0}', /seen\[1\] is not after seen\[0\]/],
    ["JSON null", "null", /is not a checkpoint/],
  ] as const) {
    it(`${name} is a CheckpointCorrupt naming the file and the problem`, async () => {
      await writeFile(join(dir, FILE), text);
      const error = await loadError(fileCheckpointStore(dir));
      expect(error).toBeInstanceOf(CheckpointCorrupt);
      const e = error as CheckpointCorrupt;
      expect(e.location).toBe(join(dir, FILE));
      expect(e.problem).toMatch(problem);
      expect(e.message).toContain(join(dir, FILE));
    });
  }

  it("a crash mid-save (a torn temporary file left behind) leaves the previous checkpoint readable", async () => {
    const store = fileCheckpointStore(dir);
    const good = { watermark: T0, seen: [[T0 - STEP, 7]] as const, holes: [], lag: 3 };
    await store.save(KEY, good);
    // What a process killed between write and rename leaves: a partial temporary file beside the checkpoint.
    await writeFile(join(dir, `${FILE}.0b4c-dead.tmp`), '{"watermark":17960');
    expect(await fileCheckpointStore(dir).load(KEY)).toEqual(good);
    // The next save still replaces the checkpoint atomically.
    await store.save(KEY, { ...good, watermark: T0 + STEP });
    expect((await fileCheckpointStore(dir).load(KEY))?.watermark).toBe(T0 + STEP);
    expect((await readdir(dir)).filter((f) => f === FILE)).toEqual([FILE]);
  });

  it("decodeCheckpoint keeps the known fields and ignores unknown ones", () => {
    expect(decodeCheckpoint({ watermark: T0, seen: [], holes: [[T0 - 60, T0 - 30, T0 + 600]], lag: 2, extra: true }, "x")).toEqual({
      watermark: T0,
      seen: [],
      holes: [[T0 - 60, T0 - 30, T0 + 600]],
      lag: 2,
    });
  });
});

/** A device with every 30-s interval readable 3 s after it ends; counts reads. */
const device = (scheduler: VirtualTimeScheduler) => {
  const counts = { read: 0 };
  const now = () => scheduler.now() / 1000;
  return {
    counts,
    client: fakeClient({
      getDevice: (id: string) => Effect.succeed({ id, channels: [{ id: `${id}_C1` }] }),
      getShortEnergyData: (_id: string, q: { readonly fromTs: number; readonly toTs: number }) =>
        Effect.sync(() => {
          counts.read++;
          const out = [];
          for (let t = Math.ceil(q.fromTs / STEP) * STEP; t < q.toTs; t += STEP) if (t + STEP + 3 <= now()) out.push({ timestamp: t, duration: STEP, eReal: [1] });
          return out;
        }),
      getLatestShortEnergyData: () => Effect.succeed({ timestamp: Math.floor((now() - 33) / STEP) * STEP }),
    }),
  };
};

/** Runs a short-energy stream from a store on a virtual clock at T0 for `seconds`, letting the store's promises settle. */
const runFrom = async (store: CheckpointStore, options: Partial<EnergyStreamOptions>, seconds: number) => {
  const scheduler = new VirtualTimeScheduler();
  scheduler.frame = T0 * 1000;
  const dev = device(scheduler);
  const out: Array<EnergyEvent> = [];
  let error: unknown;
  // Real I/O (files, promises): virtual time waits for it, as the simulator harness waits for HTTP.
  const pending = new Set<Promise<unknown>>();
  const track = <T>(p: Promise<T>): Promise<T> => {
    pending.add(p);
    void p.then(
      () => pending.delete(p),
      () => pending.delete(p),
    );
    return p;
  };
  const tracked: CheckpointStore = { load: (k) => track(store.load(k)), save: (k, c) => track(store.save(k, c)) };
  const sub = shortEnergy$(dev.client, ID, { scheduler, checkpoints: tracked, fromTs: T0 - 300, ...options }).subscribe({
    next: (e) => out.push(e),
    error: (e: unknown) => (error = e),
  });
  for (let s = 0; s < seconds; s += 10) {
    await Promise.allSettled([...pending]);
    await new Promise((r) => setImmediate(r));
    scheduler.maxFrames = (T0 + s + 10) * 1000;
    scheduler.flush();
  }
  sub.unsubscribe();
  return { out, error, reads: dev.counts.read };
};

/** A store whose load returns `raw` as is: a custom store that does not decode. */
const rawStore = (raw: unknown): CheckpointStore & { saved: Array<unknown> } => {
  const saved: Array<unknown> = [];
  return { saved, load: () => Promise.resolve(raw as never), save: (_k, c) => Promise.resolve(void saved.push(c)) };
};

describe("energy streams decode and check the checkpoint before following it", () => {
  for (const [name, raw, problem] of [
    ["a string watermark (was: an InvalidRequest)", { watermark: String(T0), seen: [], holes: [], lag: 0 }, /Expected number/],
    ["seen that is not a list (was: checkpoint.seen is not iterable)", { watermark: T0, seen: 5, holes: [], lag: 0 }, /Expected array/],
    ["a watermark in the future (was: silently nothing)", { watermark: T0 + 30 * 86_400, seen: [], holes: [], lag: 0 }, /in the future/],
    ["a zero watermark (was: hundreds of empty reads)", { watermark: 0, seen: [], holes: [], lag: 0 }, /older than the 31622400-s look-back/],
  ] as const) {
    it(`${name}: fails with CheckpointCorrupt by default, before any request`, async () => {
      const { out, error, reads } = await runFrom(rawStore(raw), {}, 120);
      expect(error).toBeInstanceOf(CheckpointCorrupt);
      expect((error as CheckpointCorrupt).problem).toMatch(problem);
      expect((error as CheckpointCorrupt).location).toBe("short-D123456789012");
      expect(out).toEqual([]);
      expect(reads).toBe(0);
    });
  }

  it("with restartFrom: reports checkpointReset, starts over from that time and replaces the bad checkpoint", async () => {
    const store = rawStore({ watermark: 0, seen: [], holes: [], lag: 0 });
    const { out, error } = await runFrom(store, { restartFrom: T0 - 120 }, 120);
    expect(error).toBeUndefined();
    expect(out[0]).toMatchObject({ type: "checkpointReset", deviceId: ID, stream: "short", fromTs: T0 - 120 });
    expect((out[0] as { error: unknown }).error).toBeInstanceOf(CheckpointCorrupt);
    const got = out.flatMap((e) => (e.type === "interval" ? [e.point.timestamp] : []));
    expect(got.slice(0, 4)).toEqual([T0 - 120, T0 - 90, T0 - 60, T0 - 30]);
    expect(store.saved.at(-1)).toMatchObject({ watermark: got.at(-1)! + STEP });
  });

  it("a corrupt file checkpoint ends the stream with the file's name; a good one resumes from its watermark", async () => {
    await writeFile(join(dir, FILE), "");
    const bad = await runFrom(fileCheckpointStore(dir), {}, 60);
    expect(bad.error).toMatchObject({ _tag: "CheckpointCorrupt", location: join(dir, FILE), problem: "is empty" });
    const memory = memoryCheckpointStore();
    await memory.save(KEY, { watermark: T0 - 60, seen: [], holes: [], lag: 3 });
    const good = await runFrom(memory, {}, 60);
    expect(good.error).toBeUndefined();
    expect(good.out.flatMap((e) => (e.type === "interval" ? [e.point.timestamp] : []))).toEqual([T0 - 60, T0 - 30, T0]);
  });
});
