// Prototype safety of the keyed diff and structural sharing: `__proto__`, `constructor` and `prototype` keys in a
// device payload (JSON.parse keeps them as own data properties) stay data in the shared snapshot, at every level.
// Before the fix, `result[key] = value` with key `__proto__` gave the snapshot the payload's object as prototype.
import { describe, expect, it } from "vitest";
import { diffDevice, replaceEqualDeep } from "../src/index.js";
import type { Device } from "@wattstream/core";

const ID = "D123456789012";
const EVIL = `"__proto__": {"polluted": "yes", "label": "inherited?"}, "constructor": {"prototype": {"polluted": "yes"}}, "prototype": {"polluted": "yes"}`;
const obj = (fields: string, evil: boolean) => (evil ? `{${fields}, ${EVIL}}` : `{${fields}}`);

/** A device as JSON.parse gives it, the hostile keys at every level when `evil`; `v` varies a leaf everywhere. */
const device = (evil: boolean, v: string): Device =>
  JSON.parse(
    obj(
      [
        `"id": "${ID}"`,
        `"label": "Site ${v}"`,
        `"pending": ${obj(`"label": "p${v}"`, evil)}`,
        `"comms": ${obj(`"type": "wifi", "lastHeardAt": 1`, evil)}`,
        `"channels": [${obj(`"id": "${ID}_C1", "label": "c${v}"`, evil)}]`,
        `"switches": [${obj(`"id": "${ID}_S1", "state": "open", "label": "s${v}"`, evil)}]`,
        `"phases": ${obj(`"count": 1, "grouping": [${obj(`"included": ["${ID}_C1"], "n": "${v}"`, evil)}]`, evil)}`,
      ].join(", "),
      evil,
    ),
  ) as Device;

const everyObject = (value: unknown, path = "$", out: Array<[string, object]> = []): Array<[string, object]> => {
  if (value === null || typeof value !== "object") return out;
  out.push([path, value]);
  for (const key of Object.keys(value)) everyObject((value as Record<string, unknown>)[key], `${path}.${key}`, out);
  return out;
};

const expectNoPoison = (value: unknown): void => {
  const objects = everyObject(value);
  expect(objects.length).toBeGreaterThan(10);
  for (const [path, o] of objects) {
    expect(Object.getPrototypeOf(o), path).toBe(Array.isArray(o) ? Array.prototype : Object.prototype);
    expect("polluted" in o && !Object.hasOwn(o, "polluted"), path).toBe(false);
  }
  expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
};

describe("the keyed diff and structural sharing are prototype-safe", () => {
  it.each([
    ["clean → hostile", false, true],
    ["hostile → hostile, every leaf changed", true, true],
    ["hostile → clean", true, false],
  ])("diffDevice %s: no snapshot object gets a prototype from the payload", (_name, prevEvil, nextEvil) => {
    const prev = device(prevEvil, "1");
    const next = device(nextEvil, "2");
    const { snapshot } = diffDevice(prev, next);
    expectNoPoison(snapshot);
    // The hostile keys are kept as own data where the payload has them, and nowhere else.
    for (const o of [snapshot, snapshot.comms, snapshot.channels?.[0], snapshot.switches?.[0]]) {
      expect(Object.hasOwn(o!, "__proto__")).toBe(nextEvil);
      expect(Object.hasOwn(o!, "constructor")).toBe(nextEvil);
    }
    expect(snapshot).toEqual(next);
    expect(snapshot.label).toBe("Site 2");
  });

  it("reports a payload's own constructor/__proto__ keys as additions, not as changes of inherited members", () => {
    const { events } = diffDevice(device(false, "1"), device(true, "1"));
    const top = events.filter((e) => e.type === "changed" && !e.path.slice(1).includes("/"));
    expect(top).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: "changed", path: "/__proto__", op: "add" }),
        expect.objectContaining({ type: "changed", path: "/constructor", op: "add" }),
        expect.objectContaining({ type: "changed", path: "/prototype", op: "add" }),
      ]),
    );
    for (const e of events) expect("from" in e ? e.from : undefined).not.toBe(Object);
    const back = diffDevice(device(true, "1"), device(false, "1")).events;
    expect(back).toEqual(expect.arrayContaining([expect.objectContaining({ path: "/constructor", op: "remove" })]));
  });

  it("a changed value under __proto__ is an ordinary change, and an unchanged hostile device is shared whole", () => {
    const a = device(true, "1");
    expect(diffDevice(a, device(true, "1")).snapshot).toBe(a);
    // JSON.stringify writes the own __proto__ keys back, so b carries them too, with their label changed.
    const b = JSON.parse(JSON.stringify(a).replaceAll('"inherited?"', '"changed"')) as Device;
    const { snapshot, events } = diffDevice(a, b);
    expectNoPoison(snapshot);
    expect(events).toEqual(
      expect.arrayContaining([
        { type: "changed", deviceId: ID, path: "/__proto__/label", op: "replace", from: "inherited?", to: "changed" },
        expect.objectContaining({ type: "channelChanged", channelId: `${ID}_C1`, field: "__proto__" }),
      ]),
    );
    expect(snapshot.label).toBe("Site 1");
    expect(Object.getOwnPropertyDescriptor(snapshot, "__proto__")?.value).toEqual({ polluted: "yes", label: "changed" });
    expect(snapshot.phases).not.toBe(a.phases);
  });

  it("replaceEqualDeep keeps __proto__ keys as data at every level", () => {
    const shared = replaceEqualDeep(device(false, "1"), device(true, "2"));
    expectNoPoison(shared);
    expect(Object.hasOwn(shared, "__proto__")).toBe(true);
  });
});
