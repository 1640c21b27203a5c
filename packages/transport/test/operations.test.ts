// Every operation over real HTTP against the simulator (virtual clock, TPS limiting off so the frozen virtual
// second never throttles): decoding, conversions, fields, phases, 204 vs [], facades and rate-limit state.
import { Effect } from "effect";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { startSimulator } from "@wattstream/simulator";
import type { Simulator } from "@wattstream/simulator";
import { isNoData, makeClient, NoData } from "../src/index.js";
import type { WattwatchersClient } from "../src/index.js";

let sim: Simulator;
let client: WattwatchersClient;
let ids: ReadonlyArray<string>;
let now: number;
// The simulator's fixed mix: 0 = 6M, 3 = 6M+3SW, 5 = three-phase 6M4+3SW, 6 = PMC-340B, 7 = PMC-220, 8 = never reported.
const dev = (i: number): string => ids[i]!;

beforeAll(async () => {
  sim = await startSimulator({ seed: 3, rateLimits: { tps: Infinity } });
  client = makeClient({ apiKey: sim.demoKey, baseUrl: sim.baseUrl });
  ids = sim.fleet.ids();
  now = Math.floor(sim.clock.now());
});
afterAll(() => sim.close());

const points = <A>(x: ReadonlyArray<A> | NoData): ReadonlyArray<A> => {
  if (isNoData(x)) throw new Error("expected points, got NoData");
  return x;
};

describe("device operations", () => {
  it("listDevices returns every device the key sees", async () => {
    expect(await client.promise.listDevices()).toEqual(sim.fleet.ids());
  });

  it("getDevice decodes the record, keeping every field the service sent", async () => {
    for (const i of [0, 2, 3, 5]) {
      const device = await client.promise.getDevice(dev(i));
      expect(device).toEqual(sim.fleet.get(dev(i)));
    }
    const switching = await client.promise.getDevice(dev(3));
    expect(switching.switches?.map((s) => s.state).every((s) => s === "open" || s === "closed")).toBe(true);
    const threePhase = await client.promise.getDevice(dev(5));
    expect(threePhase.phases?.grouping?.length).toBeGreaterThan(0);
    // An unlabelled device: the field is omitted, and stays omitted after decoding.
    expect("label" in (await client.promise.getDevice(dev(2)))).toBe(false);
  });

  it("updateDevice sends a read-modify-write body as it is and returns the record", async () => {
    const device = await client.promise.getDevice(dev(0));
    const updated = await client.promise.updateDevice(dev(0), { ...device, label: "Renamed by a test" });
    expect(updated.label).toBe("Renamed by a test");
    expect((await client.promise.getDevice(dev(0))).label).toBe("Renamed by a test");
    const small = await client.promise.updateDevice(dev(1), { label: "Only the label" });
    expect(small.id).toBe(dev(1));
  });

  it("getChannelCategories and getDeviceModels decode the catalogues", async () => {
    const categories = await client.promise.getChannelCategories();
    expect(categories.length).toBeGreaterThan(3);
    expect(categories.every((c) => typeof c.id === "number" && typeof c.label === "string")).toBe(true);
    const models = await client.promise.getDeviceModels();
    expect(models.map((m) => m.code)).toContain("6M+3SW");
  });
});

describe("short energy", () => {
  it("decodes raw joules positionally, one value per channel", async () => {
    const device = await client.promise.getDevice(dev(0));
    const list = points(await client.promise.getShortEnergyData(dev(0), { fromTs: now - 600, toTs: now }));
    // Up to 20 intervals of 30 s; the newest may still be in the device's reporting lag.
    expect(list.length).toBeGreaterThanOrEqual(18);
    expect(list.length).toBeLessThanOrEqual(20);
    for (const p of list) {
      expect(p.eReal).toHaveLength(device.channels!.length);
      expect(p.vRMS).toHaveLength(device.channels!.length);
      expect(p.duration).toBe(30);
    }
    expect(list.slice(1).every((p, k) => p.timestamp - list[k]!.timestamp === 30)).toBe(true);
  });

  it("renames energy fields for convert=kW and kWh, and the types follow", async () => {
    const kw = points(await client.promise.getShortEnergyData(dev(0), { fromTs: now - 60, toTs: now, convert: "kW" }));
    expectTypeOf(kw[0]!.pRealKw).toEqualTypeOf<ReadonlyArray<number> | undefined>();
    expect(kw[0]!.pRealKw?.length).toBeGreaterThan(0);
    expect("eReal" in kw[0]!).toBe(false);
    const kwh = points(await client.promise.getShortEnergyData(dev(0), { fromTs: now - 60, toTs: now, convert: "kWh" }));
    expectTypeOf(kwh[0]!.eRealKwh).toEqualTypeOf<ReadonlyArray<number> | undefined>();
    expect(kwh[0]!.eRealKwh?.length).toBeGreaterThan(0);
  });

  it("appends pf, collapses phases and returns bare timestamps on request", async () => {
    const pf = points(await client.promise.getShortEnergyData(dev(0), { fromTs: now - 60, toTs: now, fields: "+pf" }));
    expect(pf[0]!.pf?.length).toBe(pf[0]!.eReal?.length);
    const three = await client.promise.getDevice(dev(5));
    const grouped = points(
      await client.promise.getShortEnergyData(dev(5), { fromTs: now - 60, toTs: now, filterGroup: "phases" }),
    );
    expect(grouped[0]!.eReal).toHaveLength(three.phases!.grouping!.length);
    const stamps = points(
      await client.promise.getShortEnergyData(dev(0), { fromTs: now - 60, toTs: now, fields: ["timestamp"] }),
    );
    expectTypeOf(stamps[0]!.timestamp).toEqualTypeOf<number>();
    expect(Object.keys(stamps[0]!)).toEqual(["timestamp"]);
  });

  it("keeps 200 [] (nothing in this window) distinct from 204 NoData (never reported)", async () => {
    const empty = await client.promise.getShortEnergyData(dev(0), { fromTs: now + 3600, toTs: now + 7200 });
    expect(empty).toEqual([]);
    expect(isNoData(empty)).toBe(false);
    const never = await client.promise.getShortEnergyData(dev(8), { fromTs: now - 600, toTs: now });
    expect(never).toBe(NoData);
    expect(await client.promise.getLatestShortEnergyData(dev(8))).toBe(NoData);
    expect(await client.promise.getFirstLongEnergyData(dev(8))).toBe(NoData);
  });

  it("first and latest return one point", async () => {
    const first = await client.promise.getFirstShortEnergyData(dev(0));
    const latest = await client.promise.getLatestShortEnergyData(dev(0), { convert: "kW" });
    if (isNoData(first) || isNoData(latest)) throw new Error("expected points");
    expect(first.timestamp).toBeLessThan(latest.timestamp);
    expect(latest.pRealKw?.length).toBeGreaterThan(0);
    const probe = await client.promise.getLatestShortEnergyData(dev(0), { fields: "timestamp" });
    if (isNoData(probe)) throw new Error("expected a point");
    expect(probe).toEqual({ timestamp: latest.timestamp });
  });
});

describe("long energy", () => {
  it("decodes 5-minute points and hourly buckets in a timezone", async () => {
    const five = points(await client.promise.getLongEnergyData(dev(0), { fromTs: now - 3600, toTs: now }));
    expect(five.length).toBeGreaterThanOrEqual(11);
    expect(five.slice(1).every((p, k) => p.timestamp - five[k]!.timestamp === 300)).toBe(true);
    expect(five[0]!.eRealPositive).toHaveLength(five[0]!.eReal!.length);
    expect(five[0]!.vRMSMax?.length).toBeGreaterThan(0);
    const hourly = points(
      await client.promise.getLongEnergyData(dev(0), {
        fromTs: now - 86_400,
        toTs: now,
        granularity: "hour",
        timezone: "Australia/Adelaide",
        convert: "kWh",
      }),
    );
    expect(hourly.length).toBeGreaterThanOrEqual(23);
    // Adelaide is UTC+9:30 or +10:30: its hours start at :30 UTC.
    expect(hourly.slice(1).every((p) => p.timestamp % 3600 === 1800)).toBe(true);
    expect(hourly[0]!.eRealPositiveKwh?.length).toBeGreaterThan(0);
  });

  it("first and latest return one point", async () => {
    const latest = await client.promise.getLatestLongEnergyData(dev(3), { convert: "kW" });
    const first = await client.promise.getFirstLongEnergyData(dev(3), { fields: "timestamp" });
    if (isNoData(latest) || isNoData(first)) throw new Error("expected points");
    expect(latest.pReactiveNegativeKw?.length).toBeGreaterThan(0);
    expect(first.timestamp).toBeLessThan(latest.timestamp);
  });
});

describe("modbus", () => {
  it("decodes both meter shapes by model", async () => {
    const b = points(await client.promise.getModbusData(dev(6), { fromTs: now - 3600, toTs: now }));
    expect(b.length).toBeGreaterThan(0);
    const first = b[0]!;
    if (first.model !== "PMC-340B") throw new Error(`unexpected model ${first.model}`);
    expect(typeof first._Uan).toBe("number");
    expect(typeof first.kWh_Imp).toBe("number");
    const single = await client.promise.getLatestModbusData(dev(7));
    if (isNoData(single) || single.model !== "PMC-220") throw new Error("expected a PMC-220 point");
    expect(typeof single._V).toBe("number");
    const firstRead = await client.promise.getFirstModbusData(dev(7), { fields: "timestamp" });
    if (isNoData(firstRead)) throw new Error("expected a point");
    expect(firstRead.timestamp).toBeLessThanOrEqual(single.timestamp);
  });

  it("answers NoData for a device without a meter", async () => {
    expect(await client.promise.getModbusData(dev(0), { fromTs: now - 3600, toTs: now })).toBe(NoData);
    expect(await client.promise.getFirstModbusData(dev(0))).toBe(NoData);
  });
});

describe("facades", () => {
  it("withResponse exposes status and the parsed rate-limit state; rateLimit() keeps the latest", async () => {
    const res = await Effect.runPromise(client.withResponse.getDevice(dev(0)));
    expect(res.status).toBe(200);
    expect(res.data.id).toBe(dev(0));
    expect(res.rateLimit?.tpd?.limit).toBeGreaterThan(0);
    expect(res.rateLimit?.tpd?.remaining).toBeLessThan(res.rateLimit!.tpd!.limit);
    const none = await Effect.runPromise(client.withResponse.getLatestModbusData(dev(0)));
    expect(none).toMatchObject({ status: 204, data: NoData });
    expect(client.rateLimit()).toEqual(none.rateLimit);
  });

  it("the Effect and Promise facades return the same values", async () => {
    const viaEffect = await Effect.runPromise(client.getDevice(dev(4)));
    expect(viaEffect).toEqual(await client.promise.getDevice(dev(4)));
  });
});
