// One runner in this process on a real PostgreSQL against the simulator at 300× speed: the fleet supervisor
// starts an entity per device, every device's long-energy intervals land in the store exactly as the simulator
// serves them, and a device removed from the key stops being watched.
import { Effect, Fiber, Layer } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scaledScheduler } from "@wattstream/rx";
import { startSimulator } from "@wattstream/simulator";
import type { Simulator } from "@wattstream/simulator";
import { openStore } from "@wattstream/store";
import type { Store } from "@wattstream/store";
import { makeClient } from "@wattstream/transport";
import type { DeviceId } from "@wattstream/core";
import { runnerLayer } from "../src/index.ts";
import { freePort, freshDatabase, until } from "./harness.ts";

// The simulator's TPS window is its own (sped-up) second, the runner's pacer counts wall seconds: 60 per
// simulated second keeps the runner well inside both.
const SPEED = 120;
const DEVICES = 12;

describe("one runner on PostgreSQL", () => {
  let sim: Simulator;
  let db: { url: string; drop: () => Promise<void> };
  let store: Store;
  let fiber: Fiber.Fiber<never, unknown>;
  const watching = new Set<DeviceId>();
  let fromTs = 0;

  beforeAll(async () => {
    sim = await startSimulator({ clock: "real", speed: SPEED, devices: DEVICES, rateLimits: { tps: 60 } });
    db = await freshDatabase();
    const now = sim.clock.now();
    fromTs = Math.floor(now / 300) * 300 - 3600;
    const port = await freePort();
    fiber = Effect.runFork(
      Layer.launch(
        runnerLayer({
          postgres: db.url,
          apiKey: sim.demoKey,
          baseUrl: sim.baseUrl,
          listen: { host: "127.0.0.1", port },
          scheduler: scaledScheduler(SPEED, { now: () => sim.clock.now() * 1000 }),
          energy: { fromTs },
          listEveryMs: 500,
          onWatch: ({ deviceId, watching: on }) => (on ? watching.add(deviceId) : watching.delete(deviceId)),
        }),
      ),
    );
    store = await openStore(db.url);
  }, 60_000);

  afterAll(async () => {
    await Effect.runPromise(Fiber.interrupt(fiber));
    await store?.close();
    await sim?.close();
    await db?.drop();
  }, 60_000);

  it("watches every device of the key and stores each interval exactly as the simulator serves it", async () => {
    const ids = sim.fleet.ids();
    await until("an entity per device", async () => (watching.size === ids.length ? true : undefined), 30_000);
    // Wait until every reporting device is stored through an interval at least 30 simulated minutes past the start.
    const target = Math.floor(sim.clock.now() / 300) * 300 + 1200;
    const truthClient = makeClient({ apiKey: sim.demoKey, baseUrl: sim.baseUrl, pacing: false });
    const truth = new Map<string, ReadonlyArray<number>>();
    await until(
      "the store to reach the target interval",
      async () => {
        if (sim.clock.now() < target + 600) return undefined;
        const rows = await store.query<{ device_id: string; n: string }>(
          "select device_id, max(ts) as n from intervals where stream = 'long' group by device_id",
        );
        const reached = new Map(rows.map((r) => [r.device_id, Number(r.n)]));
        for (const id of ids) {
          if (!truth.has(id)) {
            const points = await truthClient.promise.getLongEnergyData(id, { fromTs, toTs: target });
            truth.set(id, Array.isArray(points) ? points.map((p) => p.timestamp).filter((t) => t < target) : []);
          }
          const last = truth.get(id)!.at(-1);
          if (last !== undefined && (reached.get(id) ?? 0) < last) return undefined;
        }
        return true;
      },
      40_000,
    );
    for (const id of ids) {
      const rows = await store.query<{ ts: string }>(
        "select ts from intervals where device_id = $1 and stream = 'long' and ts >= $2 and ts < $3 order by ts",
        [id, fromTs, target],
      );
      expect(rows.map((r) => Number(r.ts)), id).toEqual(truth.get(id));
    }
    expect([...truth.values()].filter((t) => t.length > 0).length).toBeGreaterThanOrEqual(DEVICES - 2);
  }, 90_000);

  it("stops watching a device that left the key", async () => {
    const gone = sim.fleet.ids()[3]!;
    expect(watching.has(gone)).toBe(true);
    sim.fleet.removeFromKey(sim.demoKey, gone);
    await until("the device's entity to stop", async () => (watching.has(gone) ? undefined : true), 20_000);
    expect(watching.size).toBe(sim.fleet.ids().length - 1);
  }, 30_000);
});
