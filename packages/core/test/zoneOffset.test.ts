import { describe, expect, it } from "vitest";
import { InvalidWindowError, isTimeZone, toUnixSeconds, zoneOffset } from "../src/index.js";

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
});
