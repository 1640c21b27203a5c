import { Effect } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDeviceId } from "@wattstream/core";
import type { WattwatchersError } from "@wattstream/resilience";
import { makeClient } from "@wattstream/transport";
import { startSimulator } from "@wattstream/simulator";
import type { Simulator } from "@wattstream/simulator";
import { EnergyPlanner } from "../src/planner/index.js";
import type { EnergyEvent, EnergyRequest, EnergyResult } from "../src/planner/index.js";

// The README's driver loop, run for real: the planner alone (no rxjs), transport over real HTTP to the simulator,
// sleeping on the simulator's virtual clock.

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ clock: "virtual", seed: 5, devices: 1, rateLimits: { tps: Infinity } });
});
afterAll(async () => {
  await sim.close();
});

describe("EnergyPlanner driven by a plain loop (README)", () => {
  it("follows a device for two simulated hours: every interval once, in order, polls just after data is due", async () => {
    const client = makeClient({ apiKey: sim.demoKey, baseUrl: sim.baseUrl });
    const id = parseDeviceId(sim.fleet.ids()[0] ?? "");
    const now = (): number => sim.clock.now() * 1000;
    const sleep = async (ms: number): Promise<void> => sim.clock.advance(ms / 1000);
    const read = (request: EnergyRequest): Effect.Effect<EnergyResult<"short">, WattwatchersError> =>
      request.kind === "latest"
        ? client.getLatestShortEnergyData(id, { fields: ["timestamp"], retry: false })
        : client.getShortEnergyData(id, { fromTs: request.fromTs, toTs: request.toTs, retry: false });
    const call = (request: EnergyRequest) => Effect.runPromise(Effect.catch(read(request), Effect.succeed));

    const start = Math.floor(sim.clock.now() / 30) * 30;
    const end = start + 2 * 3600;
    const events: Array<EnergyEvent> = [];
    const requests: Array<EnergyRequest["kind"]> = [];
    let state = EnergyPlanner.initialState({ kind: "short", deviceId: id, fromTs: start }, now());
    while (now() < end * 1000) {
      const next = EnergyPlanner.next(state, now());
      if (next.kind === "wait") {
        await sleep(next.delay);
        continue;
      }
      requests.push(next.request.kind);
      const step = EnergyPlanner.onResult(next.state, now(), await call(next.request));
      state = step.state;
      events.push(...step.events);
      if (step.fatal !== undefined) throw step.fatal;
      await sleep(step.delay);
    }
    const intervals = events.flatMap((e) => (e.type === "interval" ? [e.point.timestamp] : []));
    expect(intervals.length).toBeGreaterThan(230);
    expect(intervals).toEqual([...new Set(intervals)].sort((a, b) => a - b));
    expect(intervals[0]).toBe(start);
    // Contiguous, except where the simulator left a hole that was reported as a gap.
    const gaps = events.flatMap((e) => (e.type === "gap" ? [[e.fromTs, e.toTs]] : []));
    expect(gaps).toEqual([]);
    for (let i = 1; i < intervals.length; i++) expect((intervals[i] ?? 0) - (intervals[i - 1] ?? 0)).toBe(30);
    // Aligned polling: about one range read per interval, plus the probes that measure the lag.
    const ranges = requests.filter((k) => k === "range").length;
    expect(ranges).toBeGreaterThanOrEqual(intervals.length);
    expect(requests.length).toBeLessThan(intervals.length * 3);
    console.log(`planner loop, 2 simulated hours: ${intervals.length} intervals, ${ranges} range reads, ${requests.length - ranges} latest probes`);
  });
});
