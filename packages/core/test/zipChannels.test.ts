import fc from "fast-check";
import { describe, expect, expectTypeOf, it } from "vitest";
import { ChannelLayoutMismatchError, channelIdAt, groupByPhase, parseDeviceId, zipChannels } from "../src/index.js";
import type { Channel, Device, LongEnergyPoint, ShortEnergyPoint, ShortEnergyPointKw, ZipChannelsResult, ZippedChannel } from "../src/index.js";
import examples from "./fixtures/contract-examples.json" with { type: "json" };

const device = examples.DeviceDetailsCellular as unknown as Device;
const layout = device.channels ?? [];
const long = examples.LongEnergyDataPoint as unknown as LongEnergyPoint;

/** The zipped channels of an `ok` result; fails the test otherwise. */
const zippedOf = <K extends string>(result: ZipChannelsResult<K>): ReadonlyArray<ZippedChannel<K>> => {
  if (!result.ok) throw result.error;
  return result.channels;
};

describe("zipChannels", () => {
  it("pairs every positional array with the channel at the same position", () => {
    const zipped = zippedOf(zipChannels(layout, long));
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
    expect(zipped.map((z) => z.id)).toEqual(layout.map((c, i) => channelIdAt(device.id, i)));
  });

  it("types the values by the point's positional keys, converted names included", () => {
    const kw = { timestamp: 0, duration: 30, pRealKw: [1], pReactiveKw: [0], vRMS: [240], iRMS: [1] };
    const result = zipChannels(layout.slice(0, 1), kw satisfies ShortEnergyPointKw);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [c] = result.channels;
    expect(c!.values.pRealKw).toBe(1);
    expectTypeOf(c!.values).toHaveProperty("pRealKw");
    expectTypeOf<keyof NonNullable<typeof c>["values"]>().toEqualTypeOf<"pRealKw" | "pReactiveKw" | "vRMS" | "iRMS">();
    type ShortZipped = Extract<ReturnType<typeof zipChannels<ShortEnergyPoint>>, { ok: true }>["channels"][number];
    expectTypeOf<keyof ShortZipped["values"]>().toEqualTypeOf<"eReal" | "eReactive" | "vRMS" | "iRMS" | "pf">();
  });

  it("returns (never throws) a typed error on a length mismatch instead of misaligning, a short array included", () => {
    const point: ShortEnergyPoint = { timestamp: 1550622145, duration: 30, eReal: [1, 2, 3], eReactive: [1, 2, 3], vRMS: [1, 2], iRMS: [1, 2, 3] };
    const result = zipChannels(layout.slice(0, 3), point);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(ChannelLayoutMismatchError);
    expect(result.error).toMatchObject({ _tag: "ChannelLayoutMismatchError", reason: "length", field: "vRMS", expected: 3, actual: 2, timestamp: 1550622145 });
  });

  it("pairs only the arrays a point carries, and takes an absent layout as no channels", () => {
    // api-facts: empty values are omitted; a point with only timestamp zips to channels without values.
    const bare = zippedOf(zipChannels(layout.slice(0, 2), { timestamp: 5 }));
    expect(bare.map((c) => c.values)).toEqual([{}, {}]);
    const onlyVoltage = zippedOf(zipChannels(layout.slice(0, 2), { timestamp: 5, vRMS: [240, 241] }));
    expect(onlyVoltage.map((c) => c.values)).toEqual([{ vRMS: 240 }, { vRMS: 241 }]);
    // A device record without channels: nothing to pair, and values would be mislabelled.
    expect(zipChannels(undefined, { timestamp: 5 })).toEqual({ ok: true, channels: [] });
    const noLayout = zipChannels(undefined, { timestamp: 5, eReal: [1] });
    expect(noLayout).toMatchObject({ ok: false, error: { reason: "length", field: "eReal", expected: 0, actual: 1 } });
    // Channels without labels or categories are zipped with `undefined` there.
    const [anonymous] = zippedOf(zipChannels([{ id: channelIdAt(device.id, 0) }], { timestamp: 0, eReal: [7] }));
    expect(anonymous).toEqual({ id: "D123456789012_C1", index: 0, label: undefined, categoryId: undefined, categoryLabel: undefined, values: { eReal: 7 } });
  });

  it("property: values land at their channel's position, and any length change is reported, never thrown", () => {
    const deviceId = parseDeviceId("E000000000001");
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 12 }).chain((n) => fc.tuple(fc.constant(n), fc.array(fc.integer(), { minLength: n, maxLength: n }), fc.integer({ min: -1, max: 1 }))),
        ([n, values, delta]) => {
          const channels: Channel[] = Array.from({ length: n }, (_, i) => ({ id: channelIdAt(deviceId, i) }));
          zippedOf(zipChannels(channels, { timestamp: 0, eReal: values })).forEach((z, i) => expect(z.values.eReal).toBe(values[i]));
          const other = delta === 0 ? values : delta > 0 ? [...values, 0] : values.slice(1);
          const result = zipChannels(channels, { timestamp: 0, eReal: other });
          expect(result.ok).toBe(other.length === n);
          if (!result.ok) expect(result.error).toMatchObject({ reason: "length", expected: n, actual: other.length });
        },
      ),
    );
  });
});

describe("groupByPhase", () => {
  it("groups zipped channels by the device's phase groups", () => {
    const groups = groupByPhase(device.phases, zippedOf(zipChannels(layout, long)));
    if (!groups.ok) throw groups.error;
    expect(groups.groups.map((g) => g.channels.map((c) => c.index))).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(groups.groups[1]!.channels.reduce((s, c) => s + (c.values.eReal ?? 0), 0)).toBe(39 - 13 - 24);
  });

  it("returns no groups without a phase configuration, empty ones without `included`, and reports unknown channels", () => {
    expect(groupByPhase(undefined, [])).toEqual({ ok: true, groups: [] });
    expect(groupByPhase({ count: 1 }, [])).toEqual({ ok: true, groups: [] });
    expect(groupByPhase({ grouping: [{}] }, [])).toEqual({ ok: true, groups: [{ group: 0, channels: [] }] });
    const zipped = zippedOf(zipChannels(layout.slice(0, 3), { timestamp: 0, eReal: [1, 2, 3] }));
    const result = groupByPhase(device.phases, zipped);
    expect(result).toMatchObject({ ok: false, error: { reason: "unknown-channel", field: "D123456789012_C4", expected: 3 } });
    if (!result.ok) expect(result.error).toBeInstanceOf(ChannelLayoutMismatchError);
  });
});

describe("wire data never makes zipChannels or groupByPhase throw", () => {
  it("property: any layout (or none), any arrays present or absent, any lengths, any phase groups", () => {
    const deviceId = parseDeviceId("F000000000009");
    const ids = fc.integer({ min: 0, max: 5 }).map((i) => channelIdAt(deviceId, i));
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
        fc.dictionary(fc.constantFrom("eReal", "vRMS", "pf", "eRealPositive"), fc.array(fc.double(), { maxLength: 6 })),
        fc.option(fc.record({ grouping: fc.option(fc.array(fc.record({ included: fc.array(ids, { maxLength: 3 }) }, { requiredKeys: [] }), { maxLength: 3 }), { nil: undefined }) }, { requiredKeys: [] }), { nil: undefined }),
        (n, arrays, phases) => {
          const channels = n === undefined ? undefined : Array.from({ length: n }, (_, i) => ({ id: channelIdAt(deviceId, i) }));
          const result = zipChannels(channels, { timestamp: 0, ...arrays });
          expect(result.ok).toBe(Object.values(arrays).every((a) => a.length === (n ?? 0)));
          const grouped = groupByPhase(phases as Device["phases"], result.ok ? result.channels : []);
          if (grouped.ok) expect(grouped.groups).toHaveLength(phases?.grouping?.length ?? 0);
          else expect(grouped.error.reason).toBe("unknown-channel");
        },
      ),
    );
  });
});
