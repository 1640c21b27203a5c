// The alert pipeline against the simulator on its virtual clock (an rxjs VirtualTimeScheduler that is the
// simulator's clock, advanced timer by timer while real HTTP completes in between).
import type { DeviceId } from "@wattstream/core";
import { VirtualTimeScheduler } from "rxjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeClient } from "@wattstream/transport";
import { startSimulator } from "@wattstream/simulator";
import type { Simulator } from "@wattstream/simulator";
import { NotFound, Unauthorized } from "@wattstream/resilience";
import { alerts$, formatAlert, lostReason } from "../src/alerts.js";
import type { AlertRecord } from "../src/alerts.js";

let sim: Simulator;
const seen: Array<AlertRecord> = [];
let outageFrom = 0;
let outageTo = 0;
let ids: ReadonlyArray<DeviceId> = [];
/** Paths of the requests sent, to count status reads. */
const paths: Array<string> = [];
const HOURS = 5;

beforeAll(async () => {
  sim = await startSimulator({ seed: 2, devices: 3, rateLimits: { tps: Infinity } });
  let inflight = 0;
  const client = makeClient({
    apiKey: sim.demoKey,
    baseUrl: sim.baseUrl,
    fetch: async (input, init) => {
      inflight++;
      paths.push(new URL(input instanceof Request ? input.url : input.toString()).pathname);
      try {
        return await fetch(input, init);
      } finally {
        inflight--;
      }
    },
  });
  const scheduler = new VirtualTimeScheduler();
  scheduler.frame = sim.clock.now() * 1000;
  ids = await client.promise.listDevices();
  const start = sim.clock.now();
  outageFrom = start + 1800;
  outageTo = start + 3 * 3600;
  sim.fleet.outage(ids[0]!, { from: outageFrom, to: outageTo });
  const sub = alerts$(client, ids, { offlineAfterMs: 10 * 60_000, highPowerW: 300, clearPowerW: 200, sustainMs: 5 * 60_000 }, scheduler).subscribe(
    (a) => seen.push(a),
  );
  const settle = async () => {
    for (let quiet = 0; quiet < 3; ) {
      await new Promise((r) => setImmediate(r));
      quiet = inflight === 0 ? quiet + 1 : 0;
    }
  };
  const end = (start + HOURS * 3600) * 1000;
  for (;;) {
    await settle();
    const next = (scheduler.actions[0] as { delay?: number } | undefined)?.delay ?? end;
    const target = Math.min(next, end);
    sim.clock.advance(Math.max(0, target - scheduler.frame) / 1000);
    scheduler.frame = Math.max(scheduler.frame, target);
    if (next > end) break;
    scheduler.maxFrames = target;
    scheduler.flush();
  }
  sub.unsubscribe();
}, 120_000);

afterAll(() => sim.close());

describe("alerts$ on simulator data", () => {
  it("raises offline once the device is silent for 10 minutes and clears it when it reports again", () => {
    const offline = seen.filter((a) => a.kind === "offline" && a.deviceId === ids[0]);
    expect(offline.map((a) => a.type)).toEqual(["raised", "cleared"]);
    expect(offline[0]!.at).toBeGreaterThanOrEqual(outageFrom + 600 - 60);
    expect(offline[0]!.at).toBeLessThan(outageFrom + 600 + 120);
    expect(offline[1]!.at).toBeGreaterThanOrEqual(outageTo);
    expect(seen.filter((a) => a.kind === "offline" && a.deviceId !== ids[0])).toEqual([]);
  });

  it("raises high-power alerts per channel that alternate raised/cleared and name the channel", () => {
    const power = seen.filter((a) => a.kind === "highPower");
    expect(power.length).toBeGreaterThan(0);
    const byChannel = new Map<string | undefined, Array<AlertRecord>>();
    for (const a of power) byChannel.set(a.channelId, [...(byChannel.get(a.channelId) ?? []), a]);
    for (const [channel, list] of byChannel) {
      expect(channel).toMatch(/^[BDEF][A-Z0-9]{12}_C\d+$/);
      list.forEach((a, i) => expect(a.type).toBe(i % 2 === 0 ? "raised" : "cleared"));
    }
    for (const a of power.filter((x) => x.type === "raised")) expect(a.watts).toBeGreaterThanOrEqual(300);
    expect(formatAlert(power[0]!)).toContain(power[0]!.channelId!);
  });

  it("reads each device's status within the vendor's budget (288 per device-day)", () => {
    for (const id of ids) {
      const reads = paths.filter((p) => p === `/devices/${id}`).length;
      // One read per 300 s, plus one for the energy stream's channel layout.
      expect(reads).toBeLessThanOrEqual((288 * HOURS) / 24 + 2);
      expect(reads).toBeGreaterThan((288 * HOURS) / 24 / 2);
    }
  });
});

describe("lostReason", () => {
  it("names the classification of the error that ended a device's stream", () => {
    const ctx = { operation: "getDevice", method: "GET", path: "/devices/D123456789012" } as const;
    expect(lostReason(new NotFound({ ...ctx, status: 404 }))).toBe("notFound: getDevice GET /devices/D123456789012 failed with 404");
    expect(lostReason(new Unauthorized({ ...ctx, status: 401 }))).toMatch(/^auth: /);
    expect(lostReason(new Error("boom"))).toBe("boom");
  });
});
