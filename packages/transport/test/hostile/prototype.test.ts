// Prototype pollution: `__proto__`, `constructor` and `prototype` keys in an answer are data. Through the real
// client (JSON.parse, the fast guard and the full schema decode alike), no decoded object gets a prototype from
// the payload, the keys are kept as own properties, and Object.prototype is untouched.
import { Effect } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isNoData, makeClient } from "../../src/index.js";
import { DEVICE_ID, guardProcess, hostileServer, KEY } from "./helpers.js";
import type { Hostile } from "./helpers.js";

guardProcess();

/** The three hostile keys, as raw JSON text (JSON.stringify cannot produce an own `__proto__` from a literal). */
const EVIL = `"__proto__": {"polluted": "yes", "id": "D999999999999"}, "constructor": {"prototype": {"polluted": "yes"}}, "prototype": {"polluted": "yes"}`;
const obj = (fields: string) => `{${fields}, ${EVIL}}`;

/** A device with the hostile keys at every level; `label: null` forces the full schema decode (not the fast guard). */
const deviceText = (slow: boolean) =>
  obj(
    [
      `"id": "${DEVICE_ID}"`,
      `"model": "6W+3SW"`,
      slow ? `"label": null` : `"label": "Site"`,
      `"pending": ${obj(`"label": "x"`)}`,
      `"comms": ${obj(`"type": "wifi"`)}`,
      `"channels": [${obj(`"id": "${DEVICE_ID}_C1"`)}]`,
      `"switches": [${obj(`"id": "${DEVICE_ID}_S1", "state": "open"`)}]`,
      `"phases": ${obj(`"count": 1, "grouping": [${obj(`"included": ["${DEVICE_ID}_C1"]`)}]`)}`,
    ].join(", "),
  );
const pointsText = `[${obj(`"timestamp": 1700000000, "duration": 30, "eReal": [1], "eReactive": [0], "vRMS": [230], "iRMS": [1]`)}]`;

let fast: Hostile;
let slow: Hostile;
const serve = (slowDecode: boolean) =>
  hostileServer((req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end((req.url ?? "").startsWith("/short-energy") ? pointsText : deviceText(slowDecode));
  });
beforeAll(async () => {
  fast = await serve(false);
  slow = await serve(true);
});
afterAll(async () => {
  await fast.close();
  await slow.close();
});

/** Every object and array in a value, with its path. */
const everyObject = (value: unknown, path = "$", out: Array<[string, object]> = []): Array<[string, object]> => {
  if (value === null || typeof value !== "object") return out;
  out.push([path, value]);
  for (const key of Object.keys(value)) everyObject((value as Record<string, unknown>)[key], `${path}.${key}`, out);
  return out;
};

const expectNoPoison = (value: unknown): number => {
  const objects = everyObject(value);
  for (const [path, o] of objects) {
    expect(Object.getPrototypeOf(o), path).toBe(Array.isArray(o) ? Array.prototype : Object.prototype);
    // Own `polluted` keys are the payload's data; an inherited one would be a prototype taken from the payload.
    expect("polluted" in o && !Object.hasOwn(o, "polluted"), path).toBe(false);
  }
  expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  return objects.length;
};

describe("__proto__, constructor and prototype keys are data", () => {
  it.each([
    ["the fast guard", () => fast],
    ["the full schema decode", () => slow],
  ])("a device decoded by %s keeps them as own keys at every level", async (_name, server) => {
    const client = makeClient({ apiKey: KEY, baseUrl: server().origin, pacing: false });
    const device = await Effect.runPromise(client.getDevice(DEVICE_ID));
    const checked = expectNoPoison(device);
    expect(checked).toBeGreaterThanOrEqual(10);
    for (const o of [device, device.comms, device.channels?.[0], device.switches?.[0], device.pending, device.phases]) {
      expect(Object.hasOwn(o as object, "__proto__")).toBe(true);
      expect(Object.hasOwn(o as object, "constructor")).toBe(true);
      expect(Object.hasOwn(o as object, "prototype")).toBe(true);
    }
    // Which decoder ran shows in the label: the full decode turns a null label into an absent one.
    expect(device.label).toBe(_name === "the fast guard" ? "Site" : undefined);
    // The payload's `__proto__.id` did not shadow anything: the device's own id is the real one.
    expect(device.id).toBe(DEVICE_ID);
  });

  it("energy points too", async () => {
    const client = makeClient({ apiKey: KEY, baseUrl: fast.origin, pacing: false });
    const points = await Effect.runPromise(client.getShortEnergyData(DEVICE_ID, { fromTs: 1_700_000_000, toTs: 1_700_000_300 }));
    expect(isNoData(points)).toBe(false);
    expectNoPoison(points);
    if (!isNoData(points)) expect(Object.hasOwn(points[0]!, "__proto__")).toBe(true);
  });
});
