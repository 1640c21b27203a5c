import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fileCheckpointStore } from "../src/node.js";

describe("fileCheckpointStore", () => {
  let dir = "";
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "rx-checkpoints-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("round-trips checkpoints per device and stream, and returns undefined for unknown ones", async () => {
    const store = fileCheckpointStore(join(dir, "nested"));
    const key = { deviceId: "D123456789012", stream: "short" };
    expect(await store.load(key)).toBeUndefined();
    await store.save(key, { watermark: 90, seen: [[60, 1]], holes: [[0, 30, 600]], lag: 4 });
    await store.save({ ...key, stream: "long" }, { watermark: 300, seen: [], holes: [], lag: 0 });
    expect(await store.load(key)).toEqual({ watermark: 90, seen: [[60, 1]], holes: [[0, 30, 600]], lag: 4 });
    expect((await readdir(join(dir, "nested"))).sort()).toEqual(["long-D123456789012.json", "short-D123456789012.json"]);
  });

  it("writes atomically and in order: the last save wins and no temporary file is left", async () => {
    const store = fileCheckpointStore(dir);
    const key = { deviceId: "D123456789012", stream: "short" };
    const saves = Array.from({ length: 20 }, (_, i) => store.save(key, { watermark: i, seen: [], holes: [], lag: 0 }));
    await Promise.all(saves);
    await store.flush();
    expect(JSON.parse(await readFile(join(dir, "short-D123456789012.json"), "utf8"))).toMatchObject({ watermark: 19 });
    expect(await readdir(dir)).toEqual(["short-D123456789012.json"]);
  });

  it("two stores on one directory write the same key concurrently without clashing temporary files", async () => {
    const a = fileCheckpointStore(dir);
    const b = fileCheckpointStore(dir);
    const key = { deviceId: "D123456789012", stream: "short" };
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).save(key, { watermark: i, seen: [], holes: [], lag: 0 })),
    );
    expect(results.every((r) => r.status === "fulfilled")).toBe(true);
    expect(await readdir(dir)).toEqual(["short-D123456789012.json"]);
  });
});
