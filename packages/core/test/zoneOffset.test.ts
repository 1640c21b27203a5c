import { describe, expect, it } from "vitest";
import { chunkWindow, InvalidWindowError, isTimeZone, toUnixSeconds, zoneOffset } from "../src/index.js";

// UTC offsets: Intl accepts them as time zones, but they are not IANA names, which the API requires
// (api-facts: query parameters, `timezone` is an IANA name).
const OFFSETS = ["+10:00", "-05:00", "+1030", "+10", "-00:00"];

describe("zoneOffset", () => {
  it("follows daylight saving, including half-hour zones", () => {
    const adelaide = zoneOffset("Australia/Adelaide");
    expect(adelaide(toUnixSeconds(new Date("2026-01-05T00:00:00Z")))).toBe(10.5 * 3600); // ACDT
    expect(adelaide(toUnixSeconds(new Date("2026-07-05T00:00:00Z")))).toBe(9.5 * 3600); // ACST
    expect(zoneOffset("America/New_York")(toUnixSeconds(new Date("2026-01-05T00:00:00Z")))).toBe(-5 * 3600);
  });

  it("is zero for UTC and when no zone is given", () => {
    expect(zoneOffset("UTC")(1_767_571_200)).toBe(0);
    expect(zoneOffset(undefined)(1_767_571_200)).toBe(0);
  });

  it("rejects an unknown zone with a typed error naming it", () => {
    const attempt = () => zoneOffset("Mars/Olympus");
    expect(attempt).toThrow(InvalidWindowError);
    expect(attempt).toThrow(/Mars\/Olympus/);
    try {
      attempt();
    } catch (e) {
      expect((e as InvalidWindowError).reason).toBe("timezone");
    }
  });
});

describe("isTimeZone", () => {
  it("accepts IANA names and rejects anything else", () => {
    expect(isTimeZone("Australia/Sydney")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("Mars/Olympus")).toBe(false);
    expect(isTimeZone("")).toBe(false);
  });

  it("accepts IANA names of every shape: Etc/ zones with signs, three components, hyphens", () => {
    for (const name of ["Etc/UTC", "Etc/GMT+10", "Etc/GMT-14", "America/Argentina/Buenos_Aires", "America/Port-au-Prince"]) {
      expect([name, isTimeZone(name)]).toEqual([name, true]);
    }
    // Every zone this runtime lists is an IANA name, so every one is accepted.
    expect(Intl.supportedValuesOf("timeZone").filter((z) => !isTimeZone(z))).toEqual([]);
  });

  it("rejects UTC offsets, which Intl accepts but are not IANA names", () => {
    for (const offset of OFFSETS) {
      expect(() => new Intl.DateTimeFormat("en-US", { timeZone: offset })).not.toThrow(); // what made this a bug
      expect([offset, isTimeZone(offset)]).toEqual([offset, false]);
    }
    for (const other of ["UTC+10", "Z", " Australia/Sydney", "Australia/Sydney/", "Australia//Sydney"]) {
      expect([other, isTimeZone(other)]).toEqual([other, false]);
    }
  });
});

describe("zoneOffset and isTimeZone agree", () => {
  it("zoneOffset rejects UTC offsets with the same typed error as unknown zones, and so does chunkWindow", () => {
    for (const offset of OFFSETS) {
      expect(() => zoneOffset(offset)).toThrow(InvalidWindowError);
      expect(() => chunkWindow({ fromTs: 0, toTs: 86_400 }, "long", "hour", { timezone: offset })).toThrow(
        InvalidWindowError,
      );
    }
  });

  it("zoneOffset accepts exactly the names isTimeZone accepts", () => {
    const accepts = (name: string): boolean => {
      try {
        zoneOffset(name);
        return true;
      } catch {
        return false;
      }
    };
    for (const name of ["Australia/Sydney", "UTC", "Etc/UTC", "Etc/GMT+10", "Mars/Olympus", "", ...OFFSETS]) {
      expect([name, accepts(name)]).toEqual([name, isTimeZone(name)]);
    }
  });
});
