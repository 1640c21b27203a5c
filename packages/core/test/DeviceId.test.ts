import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidIdError, isDeviceId, normalizeDeviceId, parseDeviceId } from "../src/index.js";
import type { InvalidIdReason } from "../src/index.js";
import { ALNUM, deviceIdArb } from "./arbitraries.ts";

const reasonOf = (f: () => unknown): InvalidIdReason | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidIdError);
    return (e as InvalidIdError).reason;
  }
};

describe("parseDeviceId", () => {
  it("accepts 13 uppercase letters/digits starting with B, D, E or F", () => {
    for (const id of ["D123456789012", "B000000000000", "EZZZZZZZZZZZZ", "F1A2B3C4D5E6F"]) {
      expect(parseDeviceId(id)).toBe(id);
      expect(isDeviceId(id)).toBe(true);
    }
  });

  it.each<[string, InvalidIdReason]>([
    ["", "length"],
    ["D12345678901", "length"],
    ["D1234567890123", "length"],
    [" D123456789012", "length"],
    ["D12345678901 ", "characters"],
    ["D12345-789012", "characters"],
    ["D12345678901É", "characters"],
    ["d123456789012", "case"],
    ["D12345678901a", "case"],
    ["A123456789012", "first-letter"],
    ["C123456789012", "first-letter"],
    ["1123456789012", "first-letter"],
    ["a123456789012", "first-letter"],
  ])("rejects %j with reason %s", (input, reason) => {
    expect(reasonOf(() => parseDeviceId(input))).toBe(reason);
    expect(isDeviceId(input)).toBe(false);
  });

  it("rejects non-strings with reason type, and the guard says false", () => {
    expect(reasonOf(() => parseDeviceId(42 as unknown as string))).toBe("type");
    expect(isDeviceId(undefined)).toBe(false);
  });

  it("keeps the input and a bounded message on the error", () => {
    const long = "X".repeat(500);
    try {
      parseDeviceId(long);
      expect.unreachable();
    } catch (e) {
      const err = e as InvalidIdError;
      expect(err.input).toBe(long);
      expect(err._tag).toBe("InvalidIdError");
      expect(err.idKind).toBe("device");
      expect(err.message.length).toBeLessThan(140);
      expect(err.message).toContain("length");
    }
  });

  it("property: parse is the identity on every valid ID", () => {
    fc.assert(fc.property(deviceIdArb, (id) => parseDeviceId(id) === id && isDeviceId(id)));
  });

  it("property: any lowercase letter gives reason case", () => {
    fc.assert(
      fc.property(deviceIdArb, fc.nat(12), (id, i) => {
        fc.pre(/[A-Z]/.test(id[i]!) && i > 0);
        const bad = id.slice(0, i) + id[i]!.toLowerCase() + id.slice(i + 1);
        return reasonOf(() => parseDeviceId(bad)) === "case";
      }),
    );
  });

  it("property: any wrong length gives reason length", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...ALNUM) }), (s) => {
        fc.pre(s.length !== 13);
        return reasonOf(() => parseDeviceId(s)) === "length";
      }),
    );
  });

  it("property: a non-alphanumeric character gives reason characters", () => {
    fc.assert(
      fc.property(deviceIdArb, fc.nat(12), fc.constantFrom(" ", "-", "_", ".", "\u00e9", "\t", "/"), (id, i, c) => {
        const bad = id.slice(0, i) + c + id.slice(i + 1);
        return reasonOf(() => parseDeviceId(bad)) === "characters";
      }),
    );
  });

  it("property: a first letter other than B, D, E, F gives reason first-letter", () => {
    const other = ALNUM.filter((c) => !"BDEF".includes(c));
    fc.assert(
      fc.property(deviceIdArb, fc.constantFrom(...other), (id, c) => {
        return reasonOf(() => parseDeviceId(c + id.slice(1))) === "first-letter";
      }),
    );
  });
});

describe("normalizeDeviceId", () => {
  it("trims and uppercases human input", () => {
    expect(normalizeDeviceId("  d123456789012\n")).toBe("D123456789012");
    expect(normalizeDeviceId("e1a2b3c4d5e6f")).toBe("E1A2B3C4D5E6F");
  });

  it("still rejects what is invalid after normalizing, reporting the original input", () => {
    try {
      normalizeDeviceId(" a123456789012 ");
      expect.unreachable();
    } catch (e) {
      expect((e as InvalidIdError).reason).toBe("first-letter");
      expect((e as InvalidIdError).input).toBe(" a123456789012 ");
    }
    expect(reasonOf(() => normalizeDeviceId("D 123456789012"))).toBe("length");
    expect(reasonOf(() => normalizeDeviceId("D12345678901-"))).toBe("characters");
  });

  it("property: agrees with parseDeviceId on canonical input", () => {
    fc.assert(fc.property(deviceIdArb, (id) => normalizeDeviceId(` ${id.toLowerCase()} `) === parseDeviceId(id)));
  });
});
