import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// The CLI loads the simulator lazily (only `--simulate` needs it); tests start one in-process.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startSimulator } from "@wattstream/simulator";
import type { Simulator } from "@wattstream/simulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseEnv, cli, KEY_PATTERN, ndjson, start } from "./helpers.js";

let sim: Simulator;
let dir: string;
let devices: ReadonlyArray<string>;
// Virtual clock, never advanced in this file: the same window gives the same bytes on every request.
beforeAll(async () => {
  sim = await startSimulator({ seed: 5, rateLimits: { tps: Infinity } });
  dir = mkdtempSync(join(tmpdir(), "wattstream-sync-"));
  devices = sim.fleet.ids().slice(0, 3);
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const DAY = 86_400;
const api = (): Array<string> => ["--base-url", sim.baseUrl, "--api-key", sim.demoKey];
const window = (): Array<string> => {
  const to = Math.floor(sim.clock.now() / 300) * 300 - DAY;
  return ["--from", String(to - 8 * DAY), "--to", String(to)];
};

describe("wattstream sync", () => {
  it("writes every 5-minute interval once, in order, as NDJSON", async () => {
    const r = await cli(["sync", devices[0]!, ...window(), ...api()]);
    expect(r.code).toBe(0);
    const points = ndjson(r.stdout);
    expect(points).toHaveLength((8 * DAY) / 300); // 8 days > the 7-day limit: two chunks, joined seamlessly
    const ts = points.map((p) => p["timestamp"] as number);
    expect(ts.every((t, i) => i === 0 || t - ts[i - 1]! === 300)).toBe(true);
    expect(points[0]).toEqual(expect.objectContaining({ deviceId: devices[0], duration: 300, eReal: expect.any(Array) }));
    expect(r.stdout + r.stderr).not.toMatch(KEY_PATTERN);
  });

  it("writes CSV with one column per channel, labelled with channel ID and label", async () => {
    const out = join(dir, "two.csv");
    const [from] = window().slice(1);
    const r = await cli(["sync", devices[0]!, devices[1]!, "--from", from!, "--to", String(Number(from) + 3600), "--format", "csv", "--out", out, ...api()]);
    expect(r.code).toBe(0);
    const lines = readFileSync(out, "utf8").trimEnd().split("\r\n");
    const header = lines[0]!.split(",");
    const record = sim.fleet.get(devices[1]!)!;
    const channels = record["channels"] as ReadonlyArray<{ id: string; label: string }>;
    expect(header.slice(0, 3)).toEqual(["device", "timestamp", "duration"]);
    expect(header).toContain(`${channels[0]!.id} ${channels[0]!.label} (kWh)`);
    expect(lines).toHaveLength(1 + 2 * 12);
    const first = lines[1]!.split(",");
    expect(first[0]).toBe(devices[0]);
    expect(Number(first[3])).not.toBeNaN();
  });

  it("resumes after SIGINT from the checkpoint with output byte-identical to an uninterrupted run", async () => {
    const full = join(dir, "full.ndjson");
    const args = ["sync", ...devices, ...window(), "--granularity", "5m", ...api()];
    const whole = await cli([...args, "--out", full]);
    expect(whole.code).toBe(0);

    const part = join(dir, "part.ndjson");
    const checkpoint = join(dir, "part.ckpt");
    // Slow answers so the interruption lands mid-way; the child announces each checkpoint with --verbose.
    const remove = sim.faults.add({ kind: "latency", ms: 300 });
    const first = start([...args, "--out", part, "--checkpoint", checkpoint, "--verbose"], baseEnv());
    await first.waitFor(({ stderr }) => stderr.includes("checkpoint saved"), "the first checkpoint");
    first.child.kill("SIGINT");
    const stopped = await first.done;
    remove();
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain("run the same command again to resume");
    expect(existsSync(checkpoint)).toBe(true);
    const partial = readFileSync(part);
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(readFileSync(full).length);

    const resumed = await cli([...args, "--out", part, "--checkpoint", checkpoint]);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain("resuming");
    expect(readFileSync(part).equals(readFileSync(full))).toBe(true);
    expect(existsSync(checkpoint)).toBe(false); // finished: the checkpoint is gone
  });

  it("refuses a checkpoint written by a different sync", async () => {
    const checkpoint = join(dir, "other.ckpt");
    const [, from, , to] = window();
    const job = { ids: [devices[0]], fromTs: Number(from), toTs: Number(to), granularity: "5m", format: "ndjson" };
    writeFileSync(checkpoint, JSON.stringify({ version: 1, job, next: {}, bytes: 0 }));
    const r = await cli(["sync", devices[1]!, ...window(), "--out", join(dir, "other.ndjson"), "--checkpoint", checkpoint, ...api()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("belongs to a different sync");
    writeFileSync(checkpoint, "{ not json");
    const torn = await cli(["sync", devices[1]!, ...window(), "--checkpoint", checkpoint, ...api()]);
    expect(torn.code).toBe(2);
    expect(torn.stderr).toContain("not a wattstream sync checkpoint");
  });

  it("exits 4 for a device the key cannot see", async () => {
    const r = await cli(["sync", "D000000000000", ...window(), ...api()]);
    expect(r.code).toBe(4);
  });
});
