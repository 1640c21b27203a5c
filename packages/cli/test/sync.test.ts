import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
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

  it("says so when the period is before the device's first data (0 intervals, never a silent empty success)", async () => {
    const to = Math.floor(sim.clock.now() / 300) * 300 - 400 * DAY;
    const r = await cli(["sync", devices[0]!, "--from", String(to - DAY), "--to", String(to), ...api()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(new RegExp(`${devices[0]}: 0 intervals: the device has no data before \\d{4}-\\d\\d-\\d\\dT.* \\(its first data point\\)`));
  });

  it("refuses a checkpoint written by a different sync", async () => {
    const checkpoint = join(dir, "other.ckpt");
    const [, from, , to] = window();
    const job = { ids: [devices[0]], fromTs: Number(from), toTs: Number(to), granularity: "5m", format: "ndjson" };
    writeFileSync(checkpoint, JSON.stringify({ version: 1, job, next: {}, bytes: 0 }));
    const r = await cli(["sync", devices[1]!, ...window(), "--out", join(dir, "other.ndjson"), "--checkpoint", checkpoint, ...api()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("belongs to a different sync");
    // The right job, but a wrongly typed or out-of-range offset: decoded like any input, refused.
    const own = { ids: [devices[1]], fromTs: Number(from), toTs: Number(to), granularity: "5m", format: "ndjson" };
    for (const next of [{ [devices[1]!]: String(from) }, { [devices[1]!]: 0 }]) {
      writeFileSync(checkpoint, JSON.stringify({ version: 1, job: own, next, bytes: 0 }));
      const typed = await cli(["sync", devices[1]!, ...window(), "--out", join(dir, "other.ndjson"), "--checkpoint", checkpoint, ...api()]);
      expect(typed.code).toBe(2);
      expect(typed.stderr).toContain("is not a wattstream sync checkpoint");
    }
    writeFileSync(checkpoint, "{ not json");
    const torn = await cli(["sync", devices[1]!, ...window(), "--checkpoint", checkpoint, ...api()]);
    expect(torn.code).toBe(2);
    expect(torn.stderr).toContain("not a wattstream sync checkpoint");
  });

  it("exits 4 for a device the key cannot see", async () => {
    const r = await cli(["sync", "D000000000000", ...window(), ...api()]);
    expect(r.code).toBe(4);
  });

  it("stops on a chunk that keeps failing: names device and window, exits non-zero, keeps the checkpoint, and the rerun resumes there", async () => {
    const full = join(dir, "fail-full.ndjson");
    const args = ["sync", devices[0]!, devices[1]!, ...window(), ...api()];
    expect((await cli([...args, "--out", full])).code).toBe(0);
    const out = join(dir, "fail.ndjson");
    const checkpoint = join(dir, "fail.ckpt");
    // Every long-energy read of the second device fails, whatever the retries do.
    const remove = sim.faults.add({ kind: "error500", operation: "getLongEnergyData", device: devices[1]! });
    const failed = await cli([...args, "--out", out, "--checkpoint", checkpoint]);
    remove();
    expect(failed.code).toBe(1);
    const [, from] = window();
    const start = new Date(Number(from) * 1000).toISOString().replace(".000Z", "Z");
    expect(failed.stderr).toContain(`sync stopped: ${devices[1]!} ${start} – `);
    expect(failed.stderr).toContain("run the same command again to resume");
    expect(existsSync(checkpoint)).toBe(true);
    const resumed = await cli([...args, "--out", out, "--checkpoint", checkpoint]);
    expect(resumed.code).toBe(0);
    expect(readFileSync(out).equals(readFileSync(full))).toBe(true);
    expect(failed.stderr + resumed.stderr).not.toMatch(KEY_PATTERN);
  }, 60_000);

  it("reports a 204 for a window of a device that had data in other windows, refuses a point dated 2100, and writes the rest", async () => {
    const [, from, , to] = window();
    const id = devices[0]!;
    // A proxy in front of the simulator: the first 7-day window of this device answers 204.
    const proxy = createServer((req, res) => {
      const url = new URL(req.url ?? "/", sim.baseUrl);
      if (url.pathname === `/long-energy/${id}` && url.searchParams.get("fromTs") === from) {
        res.writeHead(204).end();
        return;
      }
      void fetch(new URL(url.pathname + url.search, sim.baseUrl), { headers: { authorization: req.headers.authorization ?? "" } }).then(async (r) => {
        res.writeHead(r.status, { "content-type": r.headers.get("content-type") ?? "application/json" });
        let body = Buffer.from(await r.arrayBuffer());
        // The other window's answer also carries a (decodable) point dated in 2100, first.
        if (url.pathname === `/long-energy/${id}` && r.status === 200) {
          const points = JSON.parse(body.toString("utf8")) as Array<Record<string, unknown>>;
          body = Buffer.from(JSON.stringify([{ ...points[0], timestamp: 4_102_444_800 }, ...points]));
        }
        res.end(body);
      });
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    try {
      const base = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const r = await cli(["sync", id, "--from", from!, "--to", to!, "--base-url", base, "--api-key", sim.demoKey]);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(`${id}: the service answered 204 (never reported long energy) for 1 of 2 windows although others had data`);
      expect(r.stderr).toContain(`${id}: 1 point was not written (timestamp not whole seconds, or outside the window asked for)`);
      const lines = ndjson(r.stdout);
      expect(lines.length).toBe(DAY / 300);
      expect(lines.every((l) => (l["timestamp"] as number) >= Number(to) - DAY)).toBe(true);
    } finally {
      await new Promise((r) => proxy.close(r));
    }
  });

  it("says in --help that stdout output can repeat after a resume, and a file cannot", async () => {
    const r = await cli(["sync", "--help"]);
    expect(r.stdout).toMatch(/stdout.*can repeat/s);
  });
});
