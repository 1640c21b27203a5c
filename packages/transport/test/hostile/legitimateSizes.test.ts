// The default maxResponseBytes (16 MiB) must never refuse a legitimate answer. The largest ones, measured against
// the simulator (6-channel devices, +pf): a 12 h short-energy window, a 7-day 5-minute long-energy window and a
// device list of 100,000 IDs (computed: the simulator fleet is small). Measured: 345 KB, 984 KB and 1.6 MB.
import { Effect } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator } from "@wattstream/simulator";
import type { Simulator } from "@wattstream/simulator";
import { makeClient } from "../../src/index.js";
import { guardProcess } from "./helpers.js";

guardProcess();
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 3, rateLimits: { tps: Infinity } });
});
afterAll(() => sim.close());

const DEFAULT_LIMIT = 16 * 1024 * 1024;

describe("legitimate answers are far below the default body limit", () => {
  it("the largest windows of a 6-channel device, and a 100,000-device list", async () => {
    const sizes: Record<string, number> = {};
    let last = 0;
    const measuring = async (input: Request | URL | string, init?: RequestInit) => {
      const response = await fetch(input, init);
      const bytes = (await response.clone().arrayBuffer()).byteLength;
      last = bytes;
      return response;
    };
    const client = makeClient({ apiKey: sim.demoKey, baseUrl: sim.baseUrl, fetch: measuring, pacing: false });
    const ids = sim.fleet.ids();
    let sixChannel: string | undefined;
    for (const id of ids) {
      const d = await Effect.runPromise(client.getDevice(id));
      if ((d.channels?.length ?? 0) >= 6) {
        sixChannel = id;
        break;
      }
    }
    expect(sixChannel).toBeDefined();
    const now = Math.floor(sim.clock.now() / 300) * 300;
    await Effect.runPromise(client.getShortEnergyData(sixChannel!, { fromTs: now - 12 * 3600, toTs: now, fields: "+pf" }));
    sizes["short 12 h"] = last;
    await Effect.runPromise(client.getLongEnergyData(sixChannel!, { fromTs: now - 7 * 86_400, toTs: now, fields: "+pf" }));
    sizes["long 7 days at 5m"] = last;
    sizes["100,000 device IDs"] = JSON.stringify(Array.from({ length: 100_000 }, () => "D123456789012")).length;
    for (const [what, bytes] of Object.entries(sizes)) expect(bytes, what).toBeLessThan(DEFAULT_LIMIT / 4);
    expect(sizes["short 12 h"]).toBeGreaterThan(100_000);
    expect(sizes["long 7 days at 5m"]).toBeGreaterThan(100_000);
  });
});
