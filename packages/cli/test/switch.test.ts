// The CLI loads the simulator lazily (only `--simulate` needs it); tests start one in-process.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startSimulator } from "@wattstream/simulator";
import type { Simulator } from "@wattstream/simulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, KEY_PATTERN, ndjson, start } from "./helpers.js";

interface SimSwitch {
  readonly id: string;
  readonly state: "open" | "closed";
  readonly pending?: unknown;
}

let sim: Simulator;
let deviceId: string;
beforeAll(async () => {
  sim = await startSimulator({ seed: 9, rateLimits: { tps: Infinity } });
  deviceId = sim.fleet.ids().find((id) => Array.isArray(sim.fleet.get(id)?.["switches"]))!;
});
afterAll(() => sim.close());

const api = (key = sim.demoKey): Array<string> => ["--base-url", sim.baseUrl, "--api-key", key];
const switchOf = (n: number): SimSwitch =>
  (sim.fleet.get(deviceId)!["switches"] as ReadonlyArray<SimSwitch>).find((s) => s.id === `${deviceId}_S${n}`)!;
const other = (s: "open" | "closed"): "open" | "closed" => (s === "open" ? "closed" : "open");

describe("wattstream switch", () => {
  it("refuses without a terminal and without --yes, sending nothing", async () => {
    const before = switchOf(1);
    const r = await cli(["switch", before.id, other(before.state), ...api()], undefined, "y\n");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("refusing");
    expect(r.stderr).toContain("--yes");
    // It still showed what it would have done.
    expect(r.stdout).toContain(before.id.slice(-2));
    expect(r.stdout).toContain(before.state);
    sim.clock.advance(60);
    expect(switchOf(1).state).toBe(before.state);
    expect(switchOf(1).pending).toBeUndefined();
  });

  it("sends the change with --yes and waits until the device reports it", async () => {
    const before = switchOf(2);
    const target = other(before.state);
    const run = start(["switch", before.id, target, "--yes", "--every", "0.2", "--timeout", "60", ...api()]);
    await run.waitFor(({ stderr }) => stderr.includes("waiting up to 60 s"), "the PATCH to be accepted");
    // Accepted: the value sits under pending until the device's next check-in.
    expect(switchOf(2).pending).toEqual({ state: target });
    expect(switchOf(2).state).toBe(before.state);
    sim.clock.advance(60);
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`is ${target}: the device reports the new state`);
    expect(switchOf(2).state).toBe(target);
  });

  it("reports JSON events and says when the change is still pending at the timeout", async () => {
    const before = switchOf(3);
    const target = other(before.state);
    const r = await cli(["switch", before.id, target, "--yes", "--json", "--every", "0.2", "--timeout", "1", ...api()]);
    expect(r.stdout).toContain("switchPending");
    expect(r.code).toBe(1);
    const events = ndjson(r.stdout);
    expect(events[0]).toEqual(expect.objectContaining({ type: "switch", switchId: before.id, state: before.state, requested: target }));
    expect(events.map((e) => e["type"])).toEqual(["switch", "switchRequested", "switchPending"]);
    expect(events.at(-1)).toEqual({ type: "switchPending", switchId: before.id, state: target, timeoutSeconds: 1 });
    const text = await cli(["switch", before.id, target, "--yes", "--every", "0.2", "--timeout", "1", ...api()]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain("Still pending after 1 s");
    sim.clock.advance(60); // let it converge for the next tests
  });

  it("does nothing when the switch is already in that state", async () => {
    const s = switchOf(1);
    const r = await cli(["switch", s.id, s.state, ...api()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Already");
  });

  it("exits 4 for a switch the device does not have", async () => {
    const r = await cli(["switch", `${deviceId}_S9`, "open", "--yes", ...api()]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("S1, S2, S3");
  });

  it("exits 3 when the key may not write, without printing it", async () => {
    const key = sim.fleet.addKey({ permission: "read", devices: [deviceId] });
    const s = switchOf(1);
    const r = await cli(["switch", s.id, other(s.state), "--yes", ...api(key)]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("403");
    expect(r.stderr).not.toMatch(KEY_PATTERN);
  });
});
