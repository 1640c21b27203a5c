import { describe, expect, it } from "vitest";
import { diffDevice, replaceEqualDeep } from "../src/index.js";
import type { DeviceEvent, DiffOptions } from "../src/index.js";
import { asDevice, DEVICE_ID, makeDevice } from "./fixtures/device.js";
import { switchId } from "./helpers.js";
import type { MutableDevice } from "./fixtures/device.js";

type Mutable = MutableDevice;
const fresh = (): Mutable => makeDevice();
/** diffDevice over hand-built JSON records, as core's `Device`s. */
const diff = (a: object | undefined, b: object, options?: DiffOptions) => diffDevice(a === undefined ? undefined : asDevice(a), asDevice(b), options);

describe("diffDevice", () => {
  it("returns the previous snapshot itself when nothing changed", () => {
    const a = fresh();
    const { snapshot, events } = diff(a, fresh());
    expect(snapshot).toBe(a);
    expect(events).toEqual([]);
  });

  it("has no events and no previous on the first snapshot", () => {
    const b = fresh();
    expect(diff(undefined, b)).toEqual({ snapshot: b, events: [] });
  });

  it("keeps unchanged sub-objects by reference and replaces changed ones", () => {
    const a = fresh();
    const b = fresh();
    b.switches[1]!.state = "open";
    const { snapshot } = diff(a, b);
    expect(snapshot).not.toBe(a);
    expect(snapshot.channels).toBe(a.channels);
    expect(snapshot.switches).not.toBe(a.switches);
    expect(snapshot.switches![0]).toBe(a.switches[0]);
    expect(snapshot.switches![1]).not.toBe(a.switches[1]);
    expect(snapshot.switches![1]!.state).toBe("open");
    expect(snapshot.comms).toBe(a.comms);
  });

  it("matches switches by id, not position, so a reordered array is no change", () => {
    const a = fresh();
    const b = fresh();
    b.switches.reverse();
    const { events, snapshot } = diff(a, b);
    expect(events).toEqual([]);
    expect(snapshot.switches![0]).toBe(a.switches[2]);
  });

  it("names the switch and field of a state change", () => {
    const a = fresh();
    const b = fresh();
    b.switches.reverse();
    b.switches[0]!.state = "open"; // S3 after the reverse
    expect(diff(a, b).events).toEqual<Array<DeviceEvent>>([
      {
        type: "switchChanged",
        deviceId: DEVICE_ID,
        switchId: switchId(`${DEVICE_ID}_S3`),
        field: "state",
        path: `/switches/${DEVICE_ID}_S3/state`,
        from: "closed",
        to: "open",
      },
    ]);
  });

  it("emits channelChanged, labelChanged and firmwareChanged", () => {
    const a = fresh();
    const b = fresh();
    b.channels[4]!.label = "Pool pump";
    b.label = "Warehouse 2";
    b.firmwareVersion = "50.0.0";
    const types = diff(a, b).events.map((e) => e.type).sort();
    expect(types).toEqual(["channelChanged", "firmwareChanged", "labelChanged"]);
    const ch = diff(a, b).events.find((e) => e.type === "channelChanged");
    expect(ch).toMatchObject({ channelId: `${DEVICE_ID}_C5`, field: "label", from: "Channel 5", to: "Pool pump" });
  });

  it("reports pending writes as pendingSet, then pendingApplied when the live value took it", () => {
    const a = fresh();
    const b = { ...fresh(), pending: { label: "New", switches: [{ id: `${DEVICE_ID}_S1`, state: "open" }] } };
    const set = diff(a, b).events;
    expect(set).toEqual([
      { type: "pendingSet", deviceId: DEVICE_ID, path: "/pending/label", value: "New" },
      { type: "pendingSet", deviceId: DEVICE_ID, path: `/pending/switches/${DEVICE_ID}_S1/state`, value: "open" },
    ]);
    const c = fresh();
    c.label = "New";
    c.switches[0]!.state = "open";
    const applied = diff(b, c).events.filter((e) => e.type === "pendingApplied");
    expect(applied).toEqual([
      { type: "pendingApplied", deviceId: DEVICE_ID, path: "/pending/label", value: "New", applied: true },
      { type: "pendingApplied", deviceId: DEVICE_ID, path: `/pending/switches/${DEVICE_ID}_S1/state`, value: "open", applied: true },
    ]);
    const d = fresh(); // pending dropped without the value taking effect
    expect(diff(b, d).events.filter((e) => e.type === "pendingApplied").map((e) => "applied" in e && e.applied)).toEqual([false, false]);
  });

  it("reports unknown fields and added/removed entities as generic changes with JSON pointers", () => {
    const a = fresh();
    const b: Record<string, unknown> & Mutable = fresh();
    b["futureField"] = { nested: [1, 3], "a/b": true };
    b.switches.pop();
    const events = diff(a, b).events;
    expect(events).toContainEqual({ type: "changed", deviceId: DEVICE_ID, path: "/futureField/nested/1", op: "replace", from: 2, to: 3 });
    expect(events).toContainEqual({ type: "changed", deviceId: DEVICE_ID, path: "/futureField/a~1b", op: "add", to: true });
    expect(events).toContainEqual(expect.objectContaining({ type: "changed", path: `/switches/${DEVICE_ID}_S3`, op: "remove" }));
  });

  it("ignores heartbeat fields unless asked", () => {
    const a = fresh();
    const b = fresh();
    b.comms.lastHeardAt += 30;
    const quiet = diff(a, b);
    expect(quiet.events).toEqual([]);
    expect(quiet.snapshot).not.toBe(a); // the snapshot still carries the new value
    expect(quiet.snapshot.channels).toBe(a.channels);
    expect(diff(a, b, { includeHeartbeat: true }).events).toEqual([
      { type: "changed", deviceId: DEVICE_ID, path: "/comms/lastHeardAt", op: "replace", from: 1_700_000_000.25, to: 1_700_000_030.25 },
    ]);
  });
});

describe("replaceEqualDeep", () => {
  it("returns prev for deep-equal input and next for primitives that differ", () => {
    const a = { x: [1, { y: 2 }] };
    expect(replaceEqualDeep(a, structuredClone(a))).toBe(a);
    expect(replaceEqualDeep(1, 2)).toBe(2);
    const b = { x: [1, { y: 3 }] };
    const r = replaceEqualDeep(a, b);
    expect(r).toEqual(b);
    expect(r).not.toBe(b);
  });
});
