// Contract test: every response the simulator produces for a broad set of requests validates against the vendor
// OpenAPI schema of that operation and status, with a real JSON-Schema validator (ajv).
import { readFileSync } from "node:fs";
import type { ValidateFunction } from "ajv";
import { Ajv } from "ajv";
import ajvFormats from "ajv-formats";
import { GRANULARITIES } from "@wattstream/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_START_TIME } from "../src/index.js";
import type { Http } from "./helpers.js";
import { FLEET, idAt, start } from "./helpers.js";
import { hasSharedContract, loadContract, readContractText, sharedContractPath } from "../../../tools/contract/contract.ts";


type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };
const isObject = (u: Json | undefined): u is JsonObject => typeof u === "object" && u !== null && !Array.isArray(u);

/**
 * Turns OpenAPI 3.0 schema dialect into JSON Schema ajv understands:
 * - `nullable: true` → the type also admits null;
 * - `oneOf` → `anyOf`: the contract's alternatives (cellular/WiFi device, PMC-340B/PMC-220) have no `required`
 *   members and no discriminator, so every object matches all of them and `oneOf` could never pass. The variant
 *   is checked separately below with the specific schema;
 * - `example` / `examples` are annotations (ajv runs with strict: false).
 * With `requireListed`, every property the contract lists becomes required, for payloads the simulator always
 * sends whole (energy points, Modbus reads, catalogues), so a misspelt or missing field fails the test.
 */
const toJsonSchema = (node: Json, requireListed: boolean): Json => {
  if (Array.isArray(node)) return node.map((n) => toJsonSchema(n, requireListed));
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "nullable" || k === "example" || k === "examples") continue;
    out[k === "oneOf" ? "anyOf" : k] = toJsonSchema(v, requireListed);
  }
  if (node["nullable"] === true && typeof node["type"] === "string") out["type"] = [node["type"], "null"];
  if (requireListed && isObject(node["properties"]) && node["type"] === "object") {
    out["required"] = Object.keys(node["properties"]);
  }
  return out;
};

const contract = loadContract<JsonObject>();
const components = contract["components"] as JsonObject;

const makeAjv = (requireListed: boolean): Ajv => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  // ajv-formats is CommonJS: under NodeNext its plugin is the `default` member of the module object.
  ajvFormats.default(ajv);
  // OpenAPI's numeric formats.
  ajv.addFormat("int32", { type: "number", validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31 });
  ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isSafeInteger(n) });
  ajv.addFormat("float", { type: "number", validate: (n: number) => Number.isFinite(n) });
  ajv.addSchema({ $id: "contract", components: toJsonSchema(components, requireListed) } as JsonObject);
  return ajv;
};
const loose = makeAjv(false);
const whole = makeAjv(true);

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly responses: JsonObject;
}
const operations = new Map<string, Operation>();
for (const [p, item] of Object.entries(contract["paths"] as JsonObject)) {
  for (const [method, op] of Object.entries(item as JsonObject)) {
    if (isObject(op) && typeof op["operationId"] === "string") {
      operations.set(op["operationId"], { method, path: p, responses: op["responses"] as JsonObject });
    }
  }
}

const responseSchema = (operationId: string, status: number): JsonObject | undefined => {
  const op = operations.get(operationId);
  if (!op) throw new Error(`no operation ${operationId}`);
  const response = op.responses[String(status)];
  if (!isObject(response)) return undefined;
  const content = response["content"];
  if (!isObject(content)) return undefined;
  const media = content["application/json"];
  return isObject(media) && isObject(media["schema"]) ? media["schema"] : undefined;
};

const compiled = new Map<string, ValidateFunction>();
const validator = (ajv: Ajv, tag: string, schema: Json): ValidateFunction => {
  const key = `${tag}:${JSON.stringify(schema)}`;
  let v = compiled.get(key);
  if (!v) {
    // Local `#/components/...` refs resolve against the contract document registered as "contract".
    const rewritten = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"contract#/components/')) as Json;
    v = ajv.compile(toJsonSchema(rewritten, tag === "whole") as JsonObject);
    compiled.set(key, v);
  }
  return v;
};

const ERROR_SCHEMA: Json = { $ref: "#/components/schemas/Error" };
const MULTI_ERROR_SCHEMA: Json = { type: "object", required: ["errors"], properties: { errors: { type: "array", items: ERROR_SCHEMA } } };

/** Operations whose 200 payload the simulator always sends whole. */
const WHOLE = new Set([
  "getShortEnergyData",
  "getLongEnergyData",
  "getModbusData",
  "getFirstModbusData",
  "getLatestModbusData",
  "getChannelCategories",
  "getDeviceModels",
]);

/** The schema a response must match: the operation's own, else the Error envelope for error statuses. */
const check = (operationId: string, status: number, body: Json | undefined, label: string, partial = false): void => {
  if (status === 204) {
    expect(body, `${label}: 204 has no body`).toBeUndefined();
    expect(operations.get(operationId)!.responses["204"], `${label}: 204 is documented`).toBeDefined();
    return;
  }
  const own = responseSchema(operationId, status);
  const schema =
    own ??
    (status >= 400 ? (operationId === "updateDevice" && isObject(body) && "errors" in body ? MULTI_ERROR_SCHEMA : ERROR_SCHEMA) : undefined);
  expect(schema, `${label}: a schema for ${operationId} ${status}`).toBeDefined();
  const strict = status === 200 && WHOLE.has(operationId) && !partial;
  const v = validator(strict ? whole : loose, strict ? "whole" : "loose", schema!);
  const valid = v(body);
  expect(valid, `${label}: ${JSON.stringify(v.errors?.slice(0, 3))}`).toBe(true);
};

/** Checks the alternative the contract's `oneOf` intends, with its specific schema. */
const checkVariant = (schemaName: string, body: Json, label: string, requireListed: boolean): void => {
  const v = requireListed
    ? validator(whole, "whole", { $ref: `#/components/schemas/${schemaName}` })
    : validator(loose, "loose", { $ref: `#/components/schemas/${schemaName}` });
  expect(v(body), `${label} as ${schemaName}: ${JSON.stringify(v.errors?.slice(0, 3))}`).toBe(true);
};

describe("the repository's copy of the contract", () => {
  // ../shared is the steering copy; a clone alone (CI, a user's machine) has only the repository's.
  it.runIf(hasSharedContract())("equals the copy in ../shared", () => {
    expect(readContractText()).toBe(readFileSync(sharedContractPath, "utf8"));
  });

  it("fails with one line naming the file when it is missing", () => {
    expect(() => readContractText("contract/missing.json")).toThrowError(/^the vendor contract is missing: .*missing\.json/);
  });
});

describe("contract", () => {
  let h: Http;
  const NOW = DEFAULT_START_TIME;
  beforeAll(async () => {
    h = await start();
  });
  afterAll(() => h.sim.close());

  const call = async (operationId: string, p: string, key?: string | null): Promise<{ status: number; body: Json | undefined }> => {
    const faultsBefore = h.sim.faults.log.length;
    const { status, body } = await h.json<Json | undefined>(p, key);
    // Timestamp-only reads, converted reads (api-facts: conversion renames the energy fields, which the contract
    // does not list) and fault-shaped bodies are checked without requiring every listed field.
    const partial =
      p.includes("fields[energy]=timestamp") || p.includes("convert[energy]") || h.sim.faults.log.length > faultsBefore;
    check(operationId, status, body, `${operationId} ${p}`, partial);
    return { status, body };
  };

  it("covers all 14 operations of the contract, and the validator does reject broken bodies", () => {
    expect(operations.size).toBe(14);
    const short = validator(whole, "whole", responseSchema("getShortEnergyData", 200)!);
    const good = { timestamp: 1, duration: 30, frequency: 50, eReal: [1], eReactive: [1], vRMS: [240], iRMS: [1] };
    expect(short([good])).toBe(true);
    expect(short([{ ...good, eReal: ["1"] }])).toBe(false);
    expect(short([{ ...good, timestamp: 1.5 }])).toBe(false);
    const { frequency: _f, ...noFrequency } = good;
    expect(short([noFrequency])).toBe(false);
    const device = validator(loose, "loose", responseSchema("getDevice", 200)!);
    expect(device({ id: "D123456789012", channels: [] })).toBe(true);
    expect(device({ id: 5 })).toBe(false);
    expect(device({ id: "D123456789012", comms: { lastHeardAt: "soon" } })).toBe(false);
  });

  it("device operations validate for every device of the fleet, including 401/403/404", async () => {
    await call("listDevices", "/devices");
    await call("getChannelCategories", "/devices/channel-categories");
    await call("getDeviceModels", "/devices/models");
    for (const id of h.sim.fleet.ids()) {
      const { body } = await call("getDevice", `/devices/${id}`);
      const comms = isObject(body) && isObject(body["comms"]) ? body["comms"]["type"] : undefined;
      checkVariant(comms === "wifi" ? "DeviceDetailsWiFi" : "DeviceDetailsCellular", body!, id, false);
    }
    const { status: s401 } = await call("getDevice", `/devices/${idAt(h.sim, 0)}`, null);
    const { status: s403 } = await call("getDevice", `/devices/${idAt(h.sim, 0)}`, `key_${"Q".repeat(32)}`);
    const { status: s404 } = await call("getDevice", `/devices/D000000000000`);
    expect([s401, s403, s404]).toEqual([401, 403, 404]);
  });

  it("energy operations validate across windows, conversions, fields, grouping and granularities", async () => {
    const queries = [
      "",
      `?fromTs=${NOW - 7200}&toTs=${NOW - 3600}`,
      "?fields[energy]=%2Bpf",
      "?fields[energy]=timestamp",
      "?filter[group]=phases",
      "?convert[energy]=kW",
      "?convert[energy]=kWh",
      `?fromTs=${NOW - 400 * 86_400}&toTs=${NOW - 399 * 86_400}`,
    ];
    const ids = [FLEET.sixM, FLEET.threeM, FLEET.threePhase, FLEET.neverReported].map((i) => idAt(h.sim, i));
    for (const id of ids) {
      for (const q of queries) {
        await call("getShortEnergyData", `/short-energy/${id}${q}`);
        // A one-day window keeps this fast; the default (7-day) window is covered once below.
        const day = q.includes("fromTs") ? "" : `&fromTs=${NOW - 86_400}&toTs=${NOW}`;
        await call("getLongEnergyData", `/long-energy/${id}${q === "" ? "?" : `${q}&`}granularity=15m${day}`);
      }
      for (const q of ["", "?fields[energy]=%2Bpf", "?fields[energy]=timestamp", "?filter[group]=phases", "?convert[energy]=kW"]) {
        for (const which of ["First", "Latest"]) {
          await call(`get${which}ShortEnergyData`, `/short-energy/${id}/${which.toLowerCase()}${q}`);
          await call(`get${which}LongEnergyData`, `/long-energy/${id}/${which.toLowerCase()}${q}`);
        }
      }
      await call("getLongEnergyData", `/long-energy/${id}`);
      for (const g of ["5m", "30m", "hour", "day", "week", "month"]) {
        await call("getLongEnergyData", `/long-energy/${id}?granularity=${g}&timezone=Australia/Sydney&fromTs=${NOW - 7 * 86_400}&toTs=${NOW}`);
      }
    }
    // Documented rejections.
    const id = ids[0]!;
    const over = await call("getShortEnergyData", `/short-energy/${id}?fromTs=${NOW - 86_400}&toTs=${NOW}`);
    const noTz = await call("getLongEnergyData", `/long-energy/${id}?granularity=day`);
    const tooLong = await call("getLongEnergyData", `/long-energy/${id}?fromTs=${NOW - 8 * 86_400}&toTs=${NOW}`);
    expect([over.status, noTz.status, tooLong.status]).toEqual([422, 400, 422]);
  });

  it("accepts exactly the contract's granularity enum (core's GRANULARITIES) and names it in the 400", async () => {
    const param = (contract["components"] as JsonObject)["parameters"] as JsonObject;
    const schema = (param["granularity"] as JsonObject)["schema"] as JsonObject;
    expect(GRANULARITIES).toEqual(schema["enum"]);
    const id = idAt(h.sim, FLEET.sixM);
    for (const g of GRANULARITIES) {
      const res = await h.get(`/long-energy/${id}?granularity=${g}&timezone=UTC&fromTs=${NOW - 86_400}&toTs=${NOW}`);
      expect([g, res.status]).toEqual([g, 200]);
    }
    const bad = await h.json<{ message: string }>(`/long-energy/${id}?granularity=minute`);
    expect([bad.status, bad.body.message]).toEqual([400, `granularity must be one of ${GRANULARITIES.join(", ")}.`]);
  });

  it("Modbus operations validate, each read against its meter's own schema", async () => {
    for (const [index, schema] of [
      [FLEET.pmc340b, "ModbusDataPointPMC-340B"],
      [FLEET.pmc220, "ModbusDataPointPMC-220"],
    ] as const) {
      const id = idAt(h.sim, index);
      const range = await call("getModbusData", `/modbus/${id}?fromTs=${NOW - 3600}&toTs=${NOW}`);
      expect(Array.isArray(range.body) && range.body.length).toBeGreaterThan(0);
      for (const point of range.body as Json[]) checkVariant(schema, point, id, true);
      for (const which of ["First", "Latest"]) {
        const { body } = await call(`get${which}ModbusData`, `/modbus/${id}/${which.toLowerCase()}`);
        checkVariant(schema, body!, `${id} ${which}`, true);
        await call(`get${which}ModbusData`, `/modbus/${id}/${which.toLowerCase()}?fields[energy]=timestamp`);
      }
      expect((await call("getModbusData", `/modbus/${id}?fromTs=${NOW - 8 * 86_400}&toTs=${NOW}`)).status).toBe(422);
    }
    expect((await call("getModbusData", `/modbus/${idAt(h.sim, FLEET.sixM)}`)).status).toBe(204);
  });

  it("PATCH responses validate: the record, and errors in the multi-error envelope", async () => {
    const sw = idAt(h.sim, FLEET.sixMSwitch);
    const ok = await h.send("PATCH", `/devices/${sw}`, { label: "Contract", switches: [{ id: `${sw}_S2`, state: "open" }] });
    check("updateDevice", ok.status, ok.body as Json, "PATCH ok");
    expect(ok.status).toBe(200);
    const bad = await h.send("PATCH", `/devices/${sw}`, { label: 5, phases: { count: 9 } });
    check("updateDevice", bad.status, bad.body as Json, "PATCH bad");
    expect(bad.status).toBe(400);
  });

  it("faults that keep valid JSON still validate: extra unknown fields and omitted optional fields", async () => {
    const id = idAt(h.sim, FLEET.threePhase);
    for (const kind of ["extraFields", "omitOptional"] as const) {
      h.sim.faults.clear();
      h.sim.faults.add({ kind });
      await call("getDevice", `/devices/${id}`);
      await call("listDevices", "/devices");
      await call("getLatestShortEnergyData", `/short-energy/${id}/latest`);
      await call("getFirstLongEnergyData", `/long-energy/${id}/first`);
      await call("getChannelCategories", "/devices/channel-categories");
    }
    h.sim.faults.clear();
    h.sim.faults.add({ kind: "error500", times: 1 });
    const { status, body } = await h.json<Json>(`/devices/${id}`);
    expect(status).toBe(500);
    expect(validator(loose, "loose", ERROR_SCHEMA)(body)).toBe(true);
    expect(h.sim.faults.log.length).toBeGreaterThanOrEqual(11);
  });

  it("the contract's own examples validate against their schemas", () => {
    let count = 0;
    const examples = components["examples"] as JsonObject;
    const pairs: ReadonlyArray<readonly [string, string]> = [
      ["DeviceDetailsCellular", "DeviceDetailsCellular"],
      ["DeviceDetailsWiFi", "DeviceDetailsWiFi"],
      ["DevicePatchBody", "DevicePatchBody"],
      ["ShortEnergyDataPoint", "ShortEnergyDataPoint"],
      ["LongEnergyDataPoint", "LongEnergyDataPoint"],
      ["PMC-340B", "ModbusDataPointPMC-340B"],
      ["PMC-220", "ModbusDataPointPMC-220"],
    ];
    for (const [example, schema] of pairs) {
      const value = (examples[example] as JsonObject)["value"]!;
      const v = validator(loose, "loose", { $ref: `#/components/schemas/${schema}` });
      expect(v(value), `${example}: ${JSON.stringify(v.errors)}`).toBe(true);
      count++;
    }
    // Inline response examples of every operation.
    for (const [operationId, op] of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        const media = isObject(response) && isObject(response["content"]) ? response["content"]["application/json"] : undefined;
        if (!isObject(media) || !("example" in media)) continue;
        const v = validator(loose, "loose", media["schema"]!);
        expect(v(media["example"]), `${operationId} ${status}: ${JSON.stringify(v.errors)}`).toBe(true);
        count++;
      }
    }
    expect(count).toBeGreaterThan(15);
  });
});
