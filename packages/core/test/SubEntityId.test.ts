import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  channelId,
  channelIdAt,
  InvalidIdError,
  isChannelId,
  isSwitchId,
  parseChannelId,
  parseDeviceId,
  parseSubEntityId,
  parseSwitchId,
  switchId,
} from "../src/index.js";
import type { InvalidIdReason } from "../src/index.js";
import { deviceIdArb } from "./arbitraries.ts";

const reasonOf = (f: () => unknown): InvalidIdReason | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidIdError);
    return (e as InvalidIdError).reason;
  }
};

const device = parseDeviceId("D123456789012");
const entityNumber = fc.oneof(fc.integer({ min: 1, max: 64 }), fc.maxSafeInteger().filter((n) => n >= 1 && n < 1e15));

describe("channelId / switchId", () => {
  it("formats one-indexed IDs", () => {
    expect(channelId(device, 3)).toBe("D123456789012_C3");
    expect(switchId(device, 1)).toBe("D123456789012_S1");
    expect(channelId("F000000000000", 12)).toBe("F000000000000_C12");
  });

  it("rejects 0, negatives, fractions and NaN", () => {
    expect(reasonOf(() => channelId(device, 0))).toBe("zero");
    expect(reasonOf(() => switchId(device, -1))).toBe("range");
    expect(reasonOf(() => channelId(device, 1.5))).toBe("range");
    expect(reasonOf(() => channelId(device, Number.NaN))).toBe("range");
  });

  it("rejects a bad device part with the device reason", () => {
    expect(reasonOf(() => channelId("d123456789012", 1))).toBe("case");
    expect(reasonOf(() => switchId("D1", 1))).toBe("length");
  });

  it("channelIdAt maps zero-based array positions to one-indexed channel IDs", () => {
    expect(channelIdAt(device, 0)).toBe("D123456789012_C1");
    expect(channelIdAt(device, 5)).toBe("D123456789012_C6");
    expect(reasonOf(() => channelIdAt(device, -1))).toBe("range");
    expect(reasonOf(() => channelIdAt(device, 0.5))).toBe("range");
  });
});

describe("parseSubEntityId", () => {
  it("parses channels and switches", () => {
    expect(parseSubEntityId("D123456789012_C3")).toEqual({
      kind: "channel",
      deviceId: "D123456789012",
      number: 3,
      id: "D123456789012_C3",
    });
    expect(parseSubEntityId("B000000000000_S12")).toEqual({
      kind: "switch",
      deviceId: "B000000000000",
      number: 12,
      id: "B000000000000_S12",
    });
  });

  it.each<[string, InvalidIdReason]>([
    ["D123456789012_C0", "zero"],
    ["D123456789012_S00", "zero"],
    ["D123456789012_C03", "leading-zero"],
    ["D123456789012_c3", "case"],
    ["D123456789012_s1", "case"],
    ["D123456789012_X3", "kind"],
    ["D123456789012__C3", "kind"],
    ["D123456789012_", "kind"],
    ["D123456789012_C", "number"],
    ["D123456789012_C3a", "number"],
    ["D123456789012_C-3", "number"],
    ["D123456789012_C 3", "number"],
    ["D123456789012_C1234567890123456", "range"],
    ["D123456789012C3", "separator"],
    ["D123456789012", "separator"],
    ["D12345678901_C3", "length"],
    ["D12", "length"],
    ["d123456789012_C3", "case"],
    ["A123456789012_C3", "first-letter"],
    ["D12345678-012_C3", "characters"],
    ["", "length"],
  ])("rejects %j with reason %s", (input, reason) => {
    expect(reasonOf(() => parseSubEntityId(input))).toBe(reason);
    expect(isChannelId(input) || isSwitchId(input)).toBe(false);
  });

  it("parseChannelId / parseSwitchId reject the other kind with reason kind", () => {
    expect(parseChannelId("D123456789012_C3")).toBe("D123456789012_C3");
    expect(parseSwitchId("D123456789012_S3")).toBe("D123456789012_S3");
    expect(reasonOf(() => parseChannelId("D123456789012_S3"))).toBe("kind");
    expect(reasonOf(() => parseSwitchId("D123456789012_C3"))).toBe("kind");
    expect(reasonOf(() => parseSwitchId("D123456789012_c3"))).toBe("kind");
    expect(reasonOf(() => parseSwitchId("D123456789012_s3"))).toBe("case");
    expect(reasonOf(() => parseChannelId("D123456789012_C03"))).toBe("leading-zero");
    try {
      parseSwitchId("x");
    } catch (e) {
      expect((e as InvalidIdError).idKind).toBe("switch");
    }
  });

  it("property: format then parse is the identity", () => {
    fc.assert(
      fc.property(deviceIdArb, entityNumber, fc.boolean(), (d, n, isChannel) => {
        const id = isChannel ? channelId(d, n) : switchId(d, n);
        const parsed = parseSubEntityId(id);
        expect(parsed).toEqual({ kind: isChannel ? "channel" : "switch", deviceId: d, number: n, id });
        expect(isChannel ? parseChannelId(id) : parseSwitchId(id)).toBe(id);
        expect(isChannelId(id)).toBe(isChannel);
        expect(isSwitchId(id)).toBe(!isChannel);
        expect((parsed.kind === "channel" ? channelId : switchId)(parsed.deviceId, parsed.number)).toBe(id);
      }),
    );
  });

  it("property: every invalid class (leading zero, zero, case, kind, separator, number, range) gets its reason", () => {
    const letters = "ABDEFGHIJKLMNOPQRTUVWXYZ".split("");
    fc.assert(
      fc.property(deviceIdArb, entityNumber, fc.constantFrom(...letters), (d, n, other) => {
        expect(reasonOf(() => parseSubEntityId(`${d}_C0${n}`))).toBe("leading-zero");
        expect(reasonOf(() => parseSubEntityId(`${d}_S0`))).toBe("zero");
        expect(reasonOf(() => parseSubEntityId(`${d}_c${n}`))).toBe("case");
        expect(reasonOf(() => parseSubEntityId(`${d}_${other}${n}`))).toBe("kind");
        expect(reasonOf(() => parseSubEntityId(`${d}C${n}`))).toBe("separator");
        expect(reasonOf(() => parseSubEntityId(`${d}_S${n}x`))).toBe("number");
        expect(reasonOf(() => parseSubEntityId(`${d}_C`))).toBe("number");
        expect(reasonOf(() => parseSubEntityId(`${d}_C${n}0000000000000000`))).toBe("range");
        expect(reasonOf(() => parseSubEntityId(`${d.toLowerCase()}_C${n}`))).toBe("case");
      }),
    );
  });
});
