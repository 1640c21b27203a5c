// The CLI loads the simulator lazily (only `--simulate` needs it); tests start one in-process.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startSimulator } from "@wattstream/simulator";
import type { Simulator } from "@wattstream/simulator";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, KEY_PATTERN, ndjson, start } from "./helpers.js";

let sim: Simulator;
let switching: string;
beforeAll(async () => {
  // A virtual clock started at the wall-clock time: the CLI judges "online" against its own clock.
  sim = await startSimulator({ seed: 11, rateLimits: { tps: Infinity }, startTime: Math.floor(Date.now() / 1000) });
  switching = sim.fleet.ids().find((id) => Array.isArray(sim.fleet.get(id)?.["switches"]))!;
});
afterAll(() => sim.close());

const api = (): Array<string> => ["--base-url", sim.baseUrl, "--api-key", sim.demoKey];
const events = (stdout: string): Array<Record<string, unknown>> => ndjson(stdout.slice(0, stdout.lastIndexOf("\n") + 1));

describe("wattstream watch", () => {
  it("refuses a connection pool size outside 1–1024 before any request (exit 2, naming --connections)", async () => {
    for (const bad of ["0", "1025", "2.5", "many"]) {
      const r = await cli(["watch", "--json", "--connections", bad, ...api()]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("--connections");
    }
  });

  it("emits NDJSON change events as the device changes, and exits 0 on Ctrl-C", async () => {
    const run = start(["watch", switching, "--json", "--energy", "none", "--every", "0.3", ...api()]);
    await run.waitFor(({ stdout }) => events(stdout).some((e) => e["type"] === "device"), "the first snapshot");
    const first = events(run.stdout()).find((e) => e["type"] === "device")!;
    expect(first).toEqual(expect.objectContaining({ deviceId: switching, online: true, channels: expect.any(Array) }));
    const s1 = (first["switches"] as ReadonlyArray<{ id: string; state: string }>)[0]!;
    const target = s1.state === "open" ? "closed" : "open";
    // Someone else switches it; the device applies it at its next check-in.
    const res = await fetch(`${sim.baseUrl}/devices/${switching}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${sim.demoKey}`, "content-type": "application/json" },
      body: JSON.stringify({ switches: [{ id: s1.id, state: target }] }),
    });
    expect(res.status).toBe(200);
    sim.clock.advance(60);
    await run.waitFor(
      ({ stdout }) => events(stdout).some((e) => e["type"] === "switchChanged" && e["field"] === "state" && e["to"] === target),
      "the switch change",
    );
    const change = events(run.stdout()).find((e) => e["type"] === "switchChanged" && e["field"] === "state")!;
    expect(change).toEqual(expect.objectContaining({ deviceId: switching, switchId: s1.id, from: s1.state, to: target }));
    run.child.kill("SIGINT");
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(KEY_PATTERN);
  });

  it("shows a switch change already waiting for the device in the first snapshot, and when it is applied", async () => {
    const s3 = (sim.fleet.get(switching)!["switches"] as ReadonlyArray<{ id: string; state: string }>)[2]!;
    const target = s3.state === "open" ? "closed" : "open";
    const res = await fetch(`${sim.baseUrl}/devices/${switching}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${sim.demoKey}`, "content-type": "application/json" },
      body: JSON.stringify({ switches: [{ id: s3.id, state: target }] }),
    });
    expect(res.status).toBe(200);
    const run = start(["watch", switching, "--json", "--energy", "none", "--every", "0.3", ...api()]);
    await run.waitFor(({ stdout }) => events(stdout).some((e) => e["type"] === "device"), "the first snapshot");
    const first = events(run.stdout()).find((e) => e["type"] === "device")!;
    expect((first["switches"] as ReadonlyArray<Record<string, unknown>>)[2]).toEqual(
      expect.objectContaining({ id: s3.id, state: s3.state, pending: target }),
    );
    sim.clock.advance(60);
    await run.waitFor(
      ({ stdout }) => events(stdout).some((e) => e["type"] === "pendingApplied" && e["path"] === `/switches/${s3.id}/pending/state`),
      "the pending change applied",
    );
    run.child.kill("SIGINT");
    expect((await run.done).code).toBe(0);
  });

  it("follows the key's fleet when no IDs are given, in plain lines off a terminal", async () => {
    const run = start(["watch", "--energy", "none", ...api()]);
    const ids = sim.fleet.ids();
    await run.waitFor(({ stdout }) => ids.every((id) => stdout.includes(`${id} `)), "a line for every device");
    expect(run.stdout()).toContain(`fleet: ${ids.length} devices`);
    expect(run.stdout()).not.toContain("\u001b[");
    run.child.kill("SIGINT");
    expect((await run.done).code).toBe(0);
  });

  it("emits new intervals with per-channel power from the embedded simulator", async () => {
    const run = start(["watch", "--simulate", "--speed", "30", "--devices", "2", "--json"]);
    await run.waitFor(({ stdout }) => events(stdout).filter((e) => e["type"] === "interval").length >= 3, "three intervals");
    const interval = events(run.stdout()).find((e) => e["type"] === "interval")!;
    const channels = interval["channels"] as ReadonlyArray<{ id: string; label: string; powerW: number }>;
    expect(interval).toEqual(expect.objectContaining({ stream: "short", duration: 30, timestamp: expect.any(Number) }));
    expect(channels.length).toBeGreaterThan(0);
    expect(channels[0]!.id).toBe(`${interval["deviceId"] as string}_C1`);
    expect(channels.every((c) => Number.isFinite(c.powerW))).toBe(true);
    expect(interval["powerW"]).toBeCloseTo(channels.reduce((s, c) => s + c.powerW, 0), 0);
    expect(run.stderr()).toContain("embedded simulator");
    run.child.kill("SIGINT");
    expect((await run.done).code).toBe(0);
  });

  it("flushes energy checkpoints on Ctrl-C, at or past every interval it emitted", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wattstream-watch-"));
    try {
      const run = start(["watch", "--simulate", "--speed", "30", "--devices", "2", "--json", "--checkpoint", dir]);
      await run.waitFor(({ stdout }) => events(stdout).filter((e) => e["type"] === "interval").length >= 4, "four intervals");
      run.child.kill("SIGINT");
      const r = await run.done;
      expect(r.code).toBe(0);
      const emitted = ndjson(r.stdout).filter((e) => e["type"] === "interval");
      const files = readdirSync(dir).filter((f) => f.endsWith(".json"));
      for (const id of new Set(emitted.map((e) => e["deviceId"] as string))) {
        expect(files).toContain(`short-${id}.json`);
        const checkpoint = JSON.parse(readFileSync(join(dir, `short-${id}.json`), "utf8")) as { watermark: number };
        const last = Math.max(...emitted.filter((e) => e["deviceId"] === id).map((e) => (e["timestamp"] as number) + (e["duration"] as number)));
        expect(checkpoint.watermark).toBeGreaterThanOrEqual(last);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reports a failing device as a status event and recovers, without ending the stream", async () => {
    const id = sim.fleet.ids()[0]!;
    // One 500: rx's polls pass `retry: false`, so nothing retries underneath and rx sees the failed poll at once
    // (before, the client's own retries absorbed five and rx only saw the sixth).
    sim.faults.add({ kind: "error500", operation: "getDevice", device: id, times: 1 });
    const run = start(["watch", id, "--json", "--energy", "none", "--every", "0.3", ...api()]);
    await run.waitFor(({ stdout }) => events(stdout).some((e) => e["type"] === "device"), "the device after recovery");
    const seen = events(run.stdout());
    const retrying = seen.find((e) => e["type"] === "status")!;
    expect(retrying).toEqual(expect.objectContaining({ deviceId: id, status: "retrying", attempt: 1, error: expect.stringContaining("ServerError") }));
    expect(seen.map((e) => e["type"])).toEqual(["status", "status", "device"]);
    expect(seen[1]).toEqual(expect.objectContaining({ status: "ok" }));
    run.child.kill("SIGINT");
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(KEY_PATTERN);
  });

  it("exits 4 when a named device does not exist", async () => {
    const r = await cli(["watch", "D000000000000", "--energy", "none", ...api()]);
    expect(r.code).toBe(4);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("keeps watching the other devices when one device's stream fails for good (before: exit 2 for all)", async () => {
    const bad = sim.fleet.ids()[0]!;
    const good = sim.fleet.ids()[1]!;
    // A proxy in front of the simulator that answers the bad device's energy reads with a 400 (fatal for its stream).
    const proxy = createServer((req, res) => {
      const url = new URL(req.url ?? "/", sim.baseUrl);
      if (url.pathname.startsWith(`/short-energy/${bad}`)) {
        res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ code: "BAD_REQUEST", httpCode: 400, message: "nope" }));
        return;
      }
      void fetch(new URL(url.pathname + url.search, sim.baseUrl), { headers: { authorization: req.headers.authorization ?? "" } }).then(async (r) => {
        res.writeHead(r.status, { "content-type": r.headers.get("content-type") ?? "application/json" });
        res.end(Buffer.from(await r.arrayBuffer()));
      });
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    try {
      const base = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const run = start(["watch", bad, good, "--json", "--every", "0.3", "--base-url", base, "--api-key", sim.demoKey]);
      await run.waitFor(({ stdout }) => events(stdout).some((e) => e["type"] === "failed"), "the failed device");
      expect(events(run.stdout()).find((e) => e["type"] === "failed")).toEqual({ type: "failed", deviceId: bad, error: expect.stringMatching(/^BadRequest/) });
      const before = events(run.stdout()).length;
      // Time moves on in the simulator: the good device keeps reporting.
      sim.clock.advance(120);
      await run.waitFor(
        ({ stdout }) => events(stdout).slice(before).some((e) => e["deviceId"] === good && (e["type"] === "interval" || e["type"] === "heartbeat")),
        "the good device after the failure",
      );
      run.child.kill("SIGINT");
      const r = await run.done;
      expect(r.code).toBe(0);
      expect(r.stdout + r.stderr).not.toMatch(KEY_PATTERN);
    } finally {
      await new Promise((r) => proxy.close(r));
    }
  });
});
