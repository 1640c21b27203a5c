// The CLI loads the simulator lazily (only `--simulate` needs it); tests start one in-process.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startSimulator } from "@wattstream/simulator";
import type { Simulator } from "@wattstream/simulator";
import { makeClient } from "@wattstream/transport";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseEnv, cli, KEY_PATTERN, ndjson } from "./helpers.js";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 3, rateLimits: { tps: Infinity } });
});
afterAll(() => sim.close());

const api = (key = sim.demoKey): Array<string> => ["--base-url", sim.baseUrl, "--api-key", key];

describe("wattstream devices (against the simulator over HTTP)", () => {
  it("prints one JSON record per device with --json", async () => {
    const r = await cli(["devices", "--json", ...api()]);
    expect(r.code).toBe(0);
    const records = ndjson(r.stdout);
    expect(records.map((d) => d["id"])).toEqual(sim.fleet.ids());
    for (const d of records) {
      expect(d).toEqual(expect.objectContaining({ model: expect.any(String), comms: expect.any(Object), channels: expect.any(Array) }));
    }
    const switching = records.find((d) => d["model"] === "6M+3SW");
    expect(switching?.["switches"]).toHaveLength(3);
    // Nothing about a simulator on stderr when a key was given, and never the key.
    expect(r.stderr).not.toContain("simulator");
    expect(r.stdout + r.stderr).not.toMatch(KEY_PATTERN);
  });

  it("prints a readable table for chosen devices (plain lines when stdout is not a terminal)", async () => {
    const [a, b] = sim.fleet.ids();
    const r = await cli(["devices", a!, b!, ...api()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(a);
    expect(r.stdout).toContain(b);
    expect(r.stdout).not.toContain(sim.fleet.ids()[2]);
    // One plain tab-separated line per device: ID, label, model, online, comms, last data (UTC), channels, switches.
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines.map((l) => l.split("\t")[0])).toEqual([a, b]);
    expect(lines.every((l) => l.split("\t").length === 8)).toBe(true);
    expect(r.stdout).not.toMatch(/[│┌└]/);
    expect(r.stdout).not.toContain("\u001b[");
    const never = sim.fleet.ids().find((id) => sim.fleet.get(id)?.["latestStatus"] === undefined)!;
    const offline = await cli(["devices", never, ...api()]);
    expect(offline.stdout).toMatch(/offline.*never/);
  });

  it("shows a switch change that waits for the device as live→requested", async () => {
    const id = sim.fleet.ids().find((d) => sim.fleet.get(d)?.["model"] === "6M+3SW")!;
    const s1 = (sim.fleet.get(id)!["switches"] as ReadonlyArray<{ readonly id: string; readonly state: string }>)[0]!;
    const target = s1.state === "open" ? "closed" : "open";
    // A real PATCH over HTTP: the simulator holds it under the switch's pending until the next check-in.
    await makeClient({ apiKey: sim.demoKey, baseUrl: sim.baseUrl }).promise.updateDevice(id, { switches: [{ id: s1.id, state: target }] });
    const r = await cli(["devices", id, ...api()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`S1 ${s1.state}→${target}`);
    sim.clock.advance(600);
    const after = await cli(["devices", id, ...api()]);
    expect(after.stdout).toContain(`S1 ${target}`);
    expect(after.stdout).not.toContain("→");
  });

  it("exits 4 for a well-formed ID the key cannot see", async () => {
    const r = await cli(["devices", "D000000000000", ...api()]);
    expect(r.code).toBe(4);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("404");
    const hidden = sim.fleet.ids().find((id) => !sim.keys.readOnly.devices().includes(id))!;
    const other = await cli(["devices", hidden, ...api(sim.keys.readOnly.key)]);
    expect(other.code).toBe(4);
  });

  it("exits 3 for a refused key and never prints it", async () => {
    const bad = "key_ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ";
    const r = await cli(["devices", ...api(bad)]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/ 40[13] /);
    expect(r.stderr).not.toContain(bad);
    expect(r.stderr).not.toMatch(KEY_PATTERN);
    const verbose = await cli(["devices", "--verbose", ...api(bad)]);
    expect(verbose.code).toBe(3);
    expect(verbose.stderr).not.toContain(bad);
    const fromEnv = await cli(["devices", "--base-url", sim.baseUrl], baseEnv({ WATTSTREAM_API_KEY: bad }));
    expect(fromEnv.code).toBe(3);
    expect(fromEnv.stderr).not.toContain(bad);
  });

  it("says on stderr that it is retrying a refused connection, and why (not with --quiet)", async () => {
    // A port nothing listens on: listen on a free one, then close it.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const args = ["devices", "--base-url", `http://127.0.0.1:${port}`, "--api-key", sim.demoKey];
    const [loud, quiet] = await Promise.all([cli(args), cli([...args, "--quiet"])]);
    expect(loud.code).not.toBe(0);
    expect(loud.stderr).toMatch(new RegExp(`http://127\\.0\\.0\\.1:${port}: connection refused .*\\(attempt 1\\); retrying`));
    expect(loud.stderr).not.toContain(sim.demoKey);
    expect(quiet.code).toBe(loud.code);
    expect(quiet.stderr).not.toContain("retrying");
  });

  it("exits 5 when the daily budget is spent", async () => {
    const key = sim.fleet.addKey({ permission: "read", devices: sim.fleet.ids(), rateLimits: { tpd: 2, tps: Infinity } });
    const r = await cli(["devices", ...api(key)]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain("00:00 UTC");
    expect(r.stderr).not.toContain(key);
  });

  it("uses the embedded simulator when no key is configured, and says so on stderr", async () => {
    const r = await cli(["devices", "--json", "--devices", "4"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("no API key configured");
    expect(r.stderr).toContain("simulator");
    expect(ndjson(r.stdout)).toHaveLength(4);
    expect(r.stdout + r.stderr).not.toMatch(KEY_PATTERN);
  });
});
