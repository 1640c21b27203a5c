// PATCH has no idempotency key (api-facts): after a lost answer the client reads the device and re-sends only
// if the write did not take effect, live or pending.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator } from "@wattstream/simulator";
import type { Simulator } from "@wattstream/simulator";
import { makeClient } from "../src/index.js";
import type { ClientOptions } from "../src/index.js";
import { patchApplied } from "../src/internal/patchApplied.js";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 17, rateLimits: { tps: Infinity } });
});
afterAll(() => sim.close());

const recorder = () => {
  const calls: Array<string> = [];
  const fetchFn: ClientOptions["fetch"] = (input, init) => {
    const request = input instanceof Request ? input : new Request(String(input), init);
    calls.push(`${request.method} ${new URL(request.url).pathname}`);
    return fetch(input, init);
  };
  return { calls, fetchFn };
};

describe("updateDevice after a lost answer", () => {
  it("reads the device, finds the write not applied, and re-sends it", async () => {
    const id = sim.fleet.ids()[3]!;
    const { calls, fetchFn } = recorder();
    const client = makeClient({ apiKey: sim.demoKey, baseUrl: sim.baseUrl, fetch: fetchFn, retry: { baseDelay: 1 } });
    sim.faults.add({ kind: "reset", operation: "updateDevice", times: 1 });
    const device = await client.promise.updateDevice(id, { label: "After a reset", switches: [{ id: `${id}_S1`, state: "closed" }] });
    expect(device.label).toBe("After a reset");
    expect(calls).toEqual([`PATCH /devices/${id}`, `GET /devices/${id}`, `PATCH /devices/${id}`]);
  });

  it("does not re-send when the read shows the write applied (value pending)", async () => {
    const id = sim.fleet.ids()[4]!;
    const { calls, fetchFn } = recorder();
    const client = makeClient({ apiKey: sim.demoKey, baseUrl: sim.baseUrl, fetch: fetchFn, retry: { baseDelay: 1 } });
    // The first PATCH is applied, then its answer is lost as a 500 (ambiguous to the client).
    const current = await client.promise.getDevice(id);
    const target = current.switches![0]!.state === "open" ? "closed" : "open";
    await client.promise.updateDevice(id, { switches: [{ id: `${id}_S1`, state: target }] });
    calls.length = 0;
    sim.faults.add({ kind: "error500", operation: "updateDevice", times: 1 });
    const device = await client.promise.updateDevice(id, { switches: [{ id: `${id}_S1`, state: target }] });
    expect(device.id).toBe(id);
    // 500 → read shows the state pending (or live) → done, no second PATCH.
    expect(calls).toEqual([`PATCH /devices/${id}`, `GET /devices/${id}`]);
  });

  it("with retries off, surfaces the ambiguity instead", async () => {
    const client = makeClient({ apiKey: sim.demoKey, baseUrl: sim.baseUrl, retry: false });
    sim.faults.add({ kind: "reset", operation: "updateDevice", times: 1 });
    await expect(client.promise.updateDevice(sim.fleet.ids()[0]!, { label: "x" })).rejects.toMatchObject({
      _tag: "NetworkError",
      method: "PATCH",
    });
  });
});

describe("patchApplied", () => {
  const device = {
    id: "D123456789012",
    label: "Shed",
    timezone: "Australia/Hobart",
    channels: [
      { id: "D123456789012_C1", label: "Grid", ctRating: 60, categoryLabel: "Grid connect" },
      { id: "D123456789012_C2", label: "Solar", ctRating: 60 },
    ],
    switches: [{ id: "D123456789012_S1", state: "open", label: "Pump", pending: { state: "closed" } }],
    pending: { channels: [{ id: "D123456789012_C2", ctRating: 120 }], phases: { count: 1, grouping: [{ included: ["D123456789012_C1"] }] } },
    comms: { lastHeardAt: 1 },
  };

  it("accepts values that are live or pending, anywhere", () => {
    expect(patchApplied({ label: "Shed" }, device)).toBe(true);
    expect(patchApplied({ channels: [{ id: "D123456789012_C2", ctRating: 120 }] }, device)).toBe(true);
    expect(patchApplied({ switches: [{ id: "D123456789012_S1", state: "closed" }] }, device)).toBe(true);
    expect(patchApplied({ phases: { count: 1, grouping: [{ included: ["D123456789012_C1"] }] } }, device)).toBe(true);
    // A whole read-modify-write record: read-only fields (comms, categoryLabel) are not compared.
    expect(patchApplied({ ...device, comms: { lastHeardAt: 999 }, label: "Shed" }, device)).toBe(true);
  });

  it("rejects values that show nowhere", () => {
    expect(patchApplied({ label: "Barn" }, device)).toBe(false);
    expect(patchApplied({ channels: [{ id: "D123456789012_C1", ctRating: 400 }] }, device)).toBe(false);
    expect(patchApplied({ channels: [{ id: "D123456789012_C9", label: "x" }] }, device)).toBe(false);
    expect(patchApplied({ switches: [{ id: "D123456789012_S1", label: "Well" }] }, device)).toBe(false);
    expect(patchApplied({ phases: { count: 3 } }, device)).toBe(false);
    expect(patchApplied("label", device)).toBe(false);
  });
});
