// Request pacing on the simulator's REAL clock (speed 1), where TPS is enforced by the wall-clock second: nine
// devices with `device$` and `shortEnergy$` each through ONE transport client against a key allowed 3 requests
// per second. The simulated day runs with TPS off (virtual time stands still, so its second would never end);
// this is the check that the streams plus the client's pacer keep a tight TPS budget without a single 429.
import { filter, lastValueFrom, map, merge, scan, takeWhile } from "rxjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeClient } from "@wattstream/transport";
import type { ClientOptions } from "@wattstream/transport";
import { startSimulator } from "@wattstream/simulator";
import type { Simulator } from "@wattstream/simulator";
import { device$, scaledScheduler, shortEnergy$ } from "../src/index.js";
import type { ChannelLayout, EnergyEvent } from "../src/index.js";

const TPS = 3;
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ clock: "real", speed: 1, devices: 9, seed: 5, rateLimits: { tps: TPS } });
});

afterAll(async () => {
  await sim.close();
});

describe("real clock, tight TPS", () => {
  it("nine devices (device$ + shortEnergy$) through one client at 3 TPS: events arrive and the server answers no 429", async () => {
    const answers: Array<{ readonly at: number; readonly status: number }> = [];
    // The real fetch, wrapped only to record what the server answered.
    const counting: NonNullable<ClientOptions["fetch"]> = async (input, init) => {
      const at = Date.now();
      const response = await fetch(input, init);
      answers.push({ at, status: response.status });
      return response;
    };
    const client = makeClient({ apiKey: sim.demoKey, baseUrl: sim.baseUrl, fetch: counting });
    const scheduler = scaledScheduler(1, { now: () => sim.clock.now() * 1000 });
    const ids = sim.fleet.ids();
    const fromTs = Math.floor(sim.clock.now() / 30) * 30 - 5 * 60;
    const perDevice = ids.map((id) => {
      const d$ = device$(client, id, { scheduler });
      const layout$ = d$.pipe(
        filter((u) => u.type === "snapshot"),
        map((u): ChannelLayout => u.device.channels ?? []),
      );
      return merge(
        d$.pipe(map((u) => ({ id, kind: u.type }))),
        shortEnergy$(client, id, { scheduler, fromTs, layout$ }).pipe(map((e: EnergyEvent) => ({ id, kind: e.type }))),
      );
    });
    // Until every device has a snapshot and every device that reports has delivered intervals (the last of the
    // nine has never reported: its energy reads answer 204, and it still has a snapshot).
    const reporting = ids.length - 1;
    const seen = await lastValueFrom(
      merge(...perDevice).pipe(
        scan(
          (acc, { id, kind }) => {
            if (kind === "snapshot") acc.snapshots.add(id);
            if (kind === "interval") acc.intervals.set(id, (acc.intervals.get(id) ?? 0) + 1);
            return acc;
          },
          { snapshots: new Set<string>(), intervals: new Map<string, number>() },
        ),
        takeWhile((acc) => acc.snapshots.size < ids.length || acc.intervals.size < reporting, true),
      ),
      { defaultValue: undefined },
    );
    expect(seen?.snapshots.size).toBe(ids.length);
    expect(seen?.intervals.size).toBeGreaterThanOrEqual(reporting);
    const statuses = answers.map((a) => a.status);
    const tooMany = statuses.filter((s) => s === 429).length;
    // Most requests in any one wall-clock second, as the client sent them.
    const peak = Math.max(...answers.map((a) => answers.filter((b) => b.at >= a.at && b.at < a.at + 1000).length));
    console.log(
      `real clock, ${ids.length} devices, TPS ${TPS}: ${answers.length} requests, ${tooMany} answered 429, peak ${peak} started in one second`,
    );
    expect(answers.length).toBeGreaterThanOrEqual(ids.length + reporting);
    expect(tooMany).toBe(0);
  }, 30_000);
});
