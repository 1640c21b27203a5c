// Decoding against a small server of our own (node:http on 127.0.0.1, port 0) that answers what the simulator
// never would: contract-valid oddities (a convert[energy] answer still in joules, records without optional
// fields) and payloads no sane reading allows (a timestamp of 1e400, a zero duration, a record of another
// device). Each case asserts the typed result, and that nothing escaped as an unhandled rejection.
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isNoData, makeClient } from "../src/index.js";
import type { WattwatchersClient } from "../src/index.js";
import { failure } from "./failure.js";

const ID = "D123456789012";
const OTHER = "E000000000001";

/** The body (JSON text, sent as it is so `1e400` reaches JSON.parse) for each path + query. */
const routes: Record<string, string> = {
  // convert[energy]=kW asked for; the answer keeps the raw joule names (the contract allows both shapes).
  [`/short-energy/${ID}/latest?convert[energy]=kW`]: `{"timestamp":1700000000,"duration":30,"eReal":[30000,-1500],"eReactive":[300,0],"vRMS":[240,241]}`,
  [`/long-energy/${ID}?fromTs=1700000000&toTs=1700000600&convert[energy]=kWh`]:
    `[{"timestamp":1700000000,"duration":300,"eReal":[3600000],"eRealPositive":[7200000],"eRealNegative":[0],"iRMSMax":[3]},` +
    `{"timestamp":1700000300,"duration":300,"eRealKwh":[0.5],"eRealPositiveKwh":[0.5]}]`,
  [`/short-energy/${ID}/first?convert[energy]=kW`]: `{"timestamp":1700000000,"eReal":[1]}`,
  // Contract-valid and sparse: only identity.
  [`/devices/${ID}`]: `{"id":"${ID}"}`,
  [`/long-energy/${ID}/latest`]: `{"timestamp":1700000000,"eReal":[5]}`,
  [`/modbus/${ID}/latest`]: `{"timestamp":1700000000,"model":"PMC-9000","kWh_Imp":12}`,
  // Not sane numbers.
  [`/short-energy/${ID}?fromTs=1700000000&toTs=1700000120`]:
    `[{"timestamp":1700000000,"duration":30},{"timestamp":1700000030,"duration":30},{"timestamp":1700000060,"duration":30},{"timestamp":1e400,"duration":30}]`,
  [`/long-energy/${ID}?fromTs=1700000000&toTs=1700000900`]:
    `[{"timestamp":1700000000,"duration":300},{"timestamp":1700000300,"duration":0}]`,
  [`/long-energy/${ID}/first`]: `{"timestamp":1700000000.5,"duration":300}`,
  [`/modbus/${ID}/first`]: `{"timestamp":1700000000,"model":"PMC-220","_V":-1e400}`,
  // Another device's record, or a record with another device's channel.
  [`/devices/${OTHER}`]: `{"id":"${ID}","channels":[{"id":"${ID}_C1"}]}`,
  [`/devices/F000000000002`]: `{"id":"F000000000002","channels":[{"id":"F000000000002_C1"},{"id":"${ID}_C2"}]}`,
};

let server: Server;
let client: WattwatchersClient;
const unhandled: Array<unknown> = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on("unhandledRejection", onUnhandled);
  server = createServer((req, res) => {
    const body = routes[req.url ?? ""];
    res.writeHead(body === undefined ? 404 : 200, { "content-type": "application/json" });
    res.end(body ?? `{"code":"NOT_FOUND","httpCode":404,"message":"no route ${req.url}"}`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  client = makeClient({ apiKey: `key_${"a".repeat(32)}`, baseUrl: `http://127.0.0.1:${port}`, retry: false, pacing: false });
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
  process.off("unhandledRejection", onUnhandled);
  expect(unhandled).toEqual([]);
});

describe("convert[energy] answered with raw joule fields: the client converts", () => {
  it("kW: J / duration / 1000, renamed to pRealKw…, other fields kept", async () => {
    const point = await client.promise.getLatestShortEnergyData(ID, { convert: "kW" });
    expect(point).toEqual({ timestamp: 1700000000, duration: 30, pRealKw: [1, -0.05], pReactiveKw: [0.01, 0], vRMS: [240, 241] });
    if (isNoData(point)) throw new Error("expected a point");
    expect(point.pRealKw?.[0]).toBe(1);
  });

  it("kWh: J / 3.6e6, point by point in a list that mixes both shapes", async () => {
    const points = await client.promise.getLongEnergyData(ID, { fromTs: 1700000000, toTs: 1700000600, convert: "kWh" });
    expect(points).toEqual([
      { timestamp: 1700000000, duration: 300, eRealKwh: [1], eRealPositiveKwh: [2], eRealNegativeKwh: [0], iRMSMax: [3] },
      { timestamp: 1700000300, duration: 300, eRealKwh: [0.5], eRealPositiveKwh: [0.5] },
    ]);
  });

  it("kW without a duration: nothing to divide by, so the joules stay under their own names (nothing dropped)", async () => {
    expect(await client.promise.getFirstShortEnergyData(ID, { convert: "kW" })).toEqual({ timestamp: 1700000000, eReal: [1] });
  });
});

describe("contract-valid sparse answers decode", () => {
  it("a device with only its ID, a long point without eRealPositive, an unknown meter model", async () => {
    expect(await client.promise.getDevice(ID)).toEqual({ id: ID });
    expect(await client.promise.getLatestLongEnergyData(ID)).toEqual({ timestamp: 1700000000, eReal: [5] });
    expect(await client.promise.getLatestModbusData(ID)).toEqual({ timestamp: 1700000000, model: "PMC-9000", kWh_Imp: 12 });
  });
});

describe("numbers that are not sane are DecodeErrors with the path, never values that flow on", () => {
  it("a timestamp that JSON.parse turns into Infinity", async () => {
    const e = await failure(client.promise.getShortEnergyData(ID, { fromTs: 1700000000, toTs: 1700000120 }));
    expect(e).toMatchObject({ _tag: "DecodeError", payloadPath: "$[3].timestamp", expected: expect.stringMatching(/finite/), actual: "Infinity" });
    expect(e.message).toMatch(/could not be decoded at \$\[3\]\.timestamp: expected a timestamp .*, got Infinity/);
  });

  it("an infinite register fails; a zero duration and a fractional timestamp decode as sent (rx reports them as anomalies)", async () => {
    const long = await client.promise.getLongEnergyData(ID, { fromTs: 1700000000, toTs: 1700000900 });
    expect(Array.isArray(long) && long[1]).toMatchObject({ duration: 0 });
    expect(await client.promise.getFirstLongEnergyData(ID)).toMatchObject({ timestamp: expect.any(Number) });
    expect(Number.isInteger((await client.promise.getFirstLongEnergyData(ID) as { timestamp: number }).timestamp)).toBe(false);
    expect(await failure(client.promise.getFirstModbusData(ID))).toMatchObject({ _tag: "DecodeError" });
  });
});

describe("a device record naming another device is a DecodeError", () => {
  it("getDevice(id) answered with another device's record names both IDs", async () => {
    const e = await failure(client.promise.getDevice(OTHER));
    expect(e).toMatchObject({ _tag: "DecodeError", operation: "getDevice", payloadPath: "$.id" });
    expect(e.message).toContain(OTHER);
    expect(e.message).toContain(ID);
  });

  it("a channel of another device", async () => {
    const e = await failure(client.promise.getDevice("F000000000002"));
    expect(e).toMatchObject({ _tag: "DecodeError", payloadPath: "$.channels[1].id", actual: `${ID}_C2, another device's channel ID` });
  });
});
