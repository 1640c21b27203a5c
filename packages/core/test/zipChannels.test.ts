import fc from "fast-check";
import { describe, expect, expectTypeOf, it } from "vitest";
import { ChannelLayoutMismatchError, channelIdAt, groupByPhase, parseDeviceId, zipChannels } from "../src/index.js";
import type { Channel, Device, LongEnergyPoint, ShortEnergyPoint, ShortEnergyPointKw } from "../src/index.js";
import examples from "./fixtures/contract-examples.json" with { type: "json" };

const device = examples.DeviceDetailsCellular as unknown as Device;
const long = examples.LongEnergyDataPoint as unknown as LongEnergyPoint;

describe("zipChannels", () => {
  it("pairs every positional array with the channel at the same position", () => {
    const zipped = zipChannels(device.channels, long);
    expect(zipped).toHaveLength(6);
    expect(zipped[0]).toEqual({
      id: "D123456789012_C1",
      index: 0,
      label: "Grid connection",
      categoryId: 1,
      categoryLabel: "Grid connect",
      values: {
        eReal: 3586031,
        eRealNegative: 0,
        eRealPositive: 3586031,
        eReactive: 134087,
        eReactiveNegative: 11739,
        eReactivePositive: 145826,
      },
    });
    expect(zipped[2]!.values.eRealNegative).toBe(549);
    expect(zipped.map((z) => z.id)).toEqual(device.channels.map((c, i) => channelIdAt(device.id, i)));
  });

  it("types the values by the point's positional keys, converted names included", () => {
    const kw = { timestamp: 0, duration: 30, pRealKw: [1], pReactiveKw: [0], vRMS: [240], iRMS: [1] };
    const [c] = zipChannels(device.channels.slice(0, 1), kw satisfies ShortEnergyPointKw);
    expect(c!.values.pRealKw).toBe(1);
    expectTypeOf(c!.values).toHaveProperty("pRealKw");
    expectTypeOf<keyof NonNullable<typeof c>["values"]>().toEqualTypeOf<"pRealKw" | "pReactiveKw" | "vRMS" | "iRMS">();
    expectTypeOf<keyof ReturnType<typeof zipChannels<ShortEnergyPoint>>[number]["values"]>().toEqualTypeOf<
      "eReal" | "eReactive" | "vRMS" | "iRMS" | "pf"
    >();
  });

  it("throws a typed error on a length mismatch instead of misaligning", () => {
    const point: ShortEnergyPoint = { timestamp: 1550622145, duration: 30, eReal: [1, 2, 3], eReactive: [1, 2, 3], vRMS: [1, 2], iRMS: [1, 2, 3] };
    try {
      zipChannels(device.channels.slice(0, 3), point);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ChannelLayoutMismatchError);
      const err = e as ChannelLayoutMismatchError;
      expect(err).toMatchObject({ _tag: "ChannelLayoutMismatchError", reason: "length", field: "vRMS", expected: 3, actual: 2, timestamp: 1550622145 });
    }
  });

  it("property: values land at their channel's position, and any length change is caught", () => {
    const deviceId = parseDeviceId("E000000000001");
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }).chain((n) => fc.tuple(fc.constant(n), fc.array(fc.integer(), { minLength: n, maxLength: n }), fc.integer({ min: -1, max: 1 }))),
        ([n, values, delta]) => {
          const channels: Channel[] = Array.from({ length: n }, (_, i) => ({ id: channelIdAt(deviceId, i) }));
          const zipped = zipChannels(channels, { timestamp: 0, eReal: values });
          zipped.forEach((z, i) => expect(z.values.eReal).toBe(values[i]));
          const other = delta === 0 ? values : delta > 0 ? [...values, 0] : values.slice(1);
          if (delta === 0) expect(() => zipChannels(channels, { timestamp: 0, eReal: other })).not.toThrow();
          else expect(() => zipChannels(channels, { timestamp: 0, eReal: other })).toThrow(ChannelLayoutMismatchError);
        },
      ),
    );
  });
});

describe("groupByPhase", () => {
  it("groups zipped channels by the device's phase groups", () => {
    const groups = groupByPhase(device.phases, zipChannels(device.channels, long));
    expect(groups.map((g) => g.channels.map((c) => c.index))).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(groups[1]!.channels.reduce((s, c) => s + (c.values.eReal ?? 0), 0)).toBe(39 - 13 - 24);
  });

  it("returns no groups without a phase configuration, and rejects unknown channels", () => {
    expect(groupByPhase(undefined, [])).toEqual([]);
    const zipped = zipChannels(device.channels.slice(0, 3), { timestamp: 0, eReal: [1, 2, 3] });
    expect(() => groupByPhase(device.phases, zipped)).toThrow(ChannelLayoutMismatchError);
    try {
      groupByPhase(device.phases, zipped);
    } catch (e) {
      expect((e as ChannelLayoutMismatchError).reason).toBe("unknown-channel");
      expect((e as ChannelLayoutMismatchError).field).toBe("D123456789012_C4");
    }
  });
});
