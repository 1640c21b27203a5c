// Issue 10: an answer the contract allows always decodes. Payloads are generated from the contract's own 200
// response schemas (contractArbitrary.ts: omitted properties, unknown extra properties, empty arrays, every
// oneOf branch) and served, as JSON text, to the real client (makeClient, through an injected `fetch`, so each
// goes through the operation's real query, decoder choice, JSON.parse and decoder). Each must decode, and the
// decoded value must be the payload itself (unknown fields round-trip), or, for a `convert[energy]` query
// answered in joules, core's `convertEnergyPoint` of it. The contract writes down no ID or timestamp rule, so
// those fields are generated valid (the client is strict about identity by design: see decode.test.ts for
// what happens otherwise); everything else is as wide as the contract.
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { convertEnergyPoint } from "@wattstream/core";
import type { EnergyConversion, LongEnergyPoint } from "@wattstream/core";
import { makeClient } from "../src/index.js";
import type { OperationId, WattwatchersClient } from "../src/index.js";
import { schemaArbitrary } from "./contractArbitrary.ts";
import { branches, deviceId, options, ownedBy, responses } from "./contractPayloads.ts";

// The served answer: set before each call (calls run one at a time).
let body = "";
const client: WattwatchersClient = makeClient({
  apiKey: `key_${"a".repeat(32)}`,
  baseUrl: "http://127.0.0.1:9",
  retry: false,
  pacing: false,
  fetch: () => Promise.resolve(new Response(body, { status: 200, headers: { "content-type": "application/json" } })),
});

/** What a decoded value must equal: the wire value, converted where a converted query was answered in joules. */
const convertAll = (wire: unknown, conversion: EnergyConversion | undefined): unknown => {
  if (conversion === undefined) return wire;
  const one = (p: unknown) => {
    const r = convertEnergyPoint(p as LongEnergyPoint, conversion);
    return r.ok ? r.point : p;
  };
  return Array.isArray(wire) ? wire.map(one) : one(wire);
};

type Call = (payload: unknown) => Promise<unknown>;
interface Variant {
  readonly name: string;
  readonly call: Call;
  readonly conversion?: EnergyConversion;
}
const idOf = (payload: unknown): string => (payload as { id: string }).id;
const energyVariants = (call: (o: object) => Promise<unknown>): ReadonlyArray<Variant> => [
  { name: "raw", call: () => call({}) },
  { name: "convert kW", call: () => call({ convert: "kW" }), conversion: "kW" },
  { name: "convert kWh", call: () => call({ convert: "kWh" }), conversion: "kWh" },
  { name: "fields +pf", call: () => call({ fields: "+pf" }) },
  { name: "fields timestamp", call: () => call({ fields: "timestamp" }) },
];
const ID = "D123456789012";
const p = client.promise;
const VARIANTS: Record<OperationId, ReadonlyArray<Variant>> = {
  listDevices: [{ name: "", call: () => p.listDevices() }],
  getDevice: [{ name: "", call: (d) => p.getDevice(idOf(d)) }],
  updateDevice: [{ name: "", call: (d) => p.updateDevice(idOf(d), { label: "x" }) }],
  getChannelCategories: [{ name: "", call: () => p.getChannelCategories() }],
  getDeviceModels: [{ name: "", call: () => p.getDeviceModels() }],
  getShortEnergyData: energyVariants((o) => p.getShortEnergyData(ID, o)),
  getFirstShortEnergyData: energyVariants((o) => p.getFirstShortEnergyData(ID, o)),
  getLatestShortEnergyData: energyVariants((o) => p.getLatestShortEnergyData(ID, o)),
  getLongEnergyData: energyVariants((o) => p.getLongEnergyData(ID, o)),
  getFirstLongEnergyData: energyVariants((o) => p.getFirstLongEnergyData(ID, o)),
  getLatestLongEnergyData: energyVariants((o) => p.getLatestLongEnergyData(ID, o)),
  getModbusData: [
    { name: "", call: () => p.getModbusData(ID) },
    { name: "fields timestamp", call: () => p.getModbusData(ID, { fields: "timestamp" }) },
  ],
  getFirstModbusData: [
    { name: "", call: () => p.getFirstModbusData(ID) },
    { name: "fields timestamp", call: () => p.getFirstModbusData(ID, { fields: "timestamp" }) },
  ],
  getLatestModbusData: [
    { name: "", call: () => p.getLatestModbusData(ID) },
    { name: "fields timestamp", call: () => p.getLatestModbusData(ID, { fields: "timestamp" }) },
  ],
};

const RUNS = 1000;
const timings: Array<string> = [];

afterAll(() => {
  // Every oneOf branch of every response schema was generated (the device's cellular and WiFi records, both
  // Modbus meters, as a list and as a point).
  for (const [operation, schema] of responses) {
    for (const [i] of (schema.oneOf ?? []).entries()) expect(branches.get(`${operation}.oneOf[${i}]`) ?? 0, `${operation}.oneOf[${i}]`).toBeGreaterThan(RUNS / 10);
  }
  console.log(`contract payloads, ${RUNS} runs per response schema:\n  ${timings.join("\n  ")}`);
});

describe("every contract-valid 200 answer decodes through the real client, unknown fields round-tripped", () => {
  it("covers every operation of the contract", () => {
    expect([...responses.keys()].sort()).toEqual(Object.keys(VARIANTS).sort());
  });

  for (const [operation, variants] of Object.entries(VARIANTS)) {
    it(`${operation}: ${RUNS} generated answers`, async () => {
      const schema = responses.get(operation);
      if (schema === undefined) throw new Error(`no 200 schema for ${operation}`);
      const payload = fc.tuple(schemaArbitrary(schema, operation, options), deviceId).map(([p, id]) => ownedBy(p, id));
      const started = performance.now();
      await fc.assert(
        fc.asyncProperty(payload, async (generated) => {
          body = JSON.stringify(generated);
          // What the client receives: the JSON text's value (-0 is 0 on the wire, for one).
          const wire: unknown = JSON.parse(body);
          for (const variant of variants) {
            const decoded = await variant.call(wire).catch((e: unknown) => ({ failed: variant.name, error: String(e) }));
            expect(decoded).toEqual(convertAll(wire, variant.conversion));
          }
        }),
        { numRuns: RUNS, seed: 20261201 },
      );
      timings.push(`${operation}: ${variants.length} variant(s), ${Math.round(performance.now() - started)} ms`);
    });
  }
});
