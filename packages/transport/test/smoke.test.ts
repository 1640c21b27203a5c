import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator } from "@wattstream/simulator";
import type { Simulator } from "@wattstream/simulator";
import { isNoData, makeClient } from "../src/index.js";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 1, rateLimits: { tps: Infinity } });
});
afterAll(() => sim.close());

describe("smoke", () => {
  it("lists and reads devices", async () => {
    const client = makeClient({ apiKey: sim.demoKey, baseUrl: sim.baseUrl });
    const ids = await client.promise.listDevices();
    expect(ids).toEqual(sim.fleet.ids());
    const device = await client.promise.getDevice(ids[0]!);
    expect(device.id).toBe(ids[0]);
    expect(isNoData(await client.promise.getLatestModbusData(ids[0]!))).toBe(true);
  });
});
