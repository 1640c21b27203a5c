import { describe, expect, it } from "vitest";
import { parseRateLimit, parseRetryAfter, secondsUntilUtcMidnight } from "../src/index.js";

describe("parseRateLimit", () => {
  it("reads the Tps and Tpd headers from a Headers object", () => {
    const headers = new Headers({
      "X-RateLimit-TpsLimit": "5",
      "X-RateLimit-TpsRemaining": "3",
      "X-RateLimit-TpsReset": "0.731",
      "X-RateLimit-TpdLimit": "10000",
      "X-RateLimit-TpdRemaining": "9876",
      "X-RateLimit-TpdReset": "43200",
    });
    expect(parseRateLimit(headers)).toEqual({
      tps: { limit: 5, remaining: 3, resetSeconds: 0.731 },
      tpd: { limit: 10000, remaining: 9876, resetSeconds: 43200 },
    });
  });

  it("reads a plain record in any casing, with array values", () => {
    expect(
      parseRateLimit({ "x-ratelimit-tpslimit": ["7"], "X-RATELIMIT-TPSREMAINING": 6, "x-ratelimit-tpsreset": "0.5" }),
    ).toEqual({ tps: { limit: 7, remaining: 6, resetSeconds: 0.5 } });
  });

  it("accepts the older X-RateLimit-Limit/Remaining/Reset trio", () => {
    expect(parseRateLimit({ "X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "2", "X-RateLimit-Reset": "1" })).toEqual({
      tps: { limit: 5, remaining: 2, resetSeconds: 1 },
    });
    expect(
      parseRateLimit({ "X-RateLimit-Limit": "10000", "X-RateLimit-Remaining": "20", "X-RateLimit-Reset": "3600" }),
    ).toEqual({ tpd: { limit: 10000, remaining: 20, resetSeconds: 3600 } });
    // An absolute reset timestamp becomes a delay.
    const now = Date.UTC(2026, 0, 1, 12);
    expect(
      parseRateLimit({ "X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": String(now / 1000 + 90) }, { now })
        ?.tpd?.resetSeconds,
    ).toBe(90);
  });

  it("reports the older Limit/Remaining pair without a Reset as of unknown scope, never as a per-second budget", () => {
    // Without a Reset nothing says which budget it is: a daily 10,000 must not become 10,000 per second.
    const state = parseRateLimit({ "X-RateLimit-Limit": "10000", "X-RateLimit-Remaining": "9999" });
    expect(state).toEqual({ unscoped: { limit: 10000, remaining: 9999 } });
    expect(state?.tps).toBeUndefined();
    expect(state?.tpd).toBeUndefined();
    // The new headers, when present, are preferred as ever.
    expect(
      parseRateLimit({ "X-RateLimit-TpsLimit": "5", "X-RateLimit-TpsRemaining": "4", "X-RateLimit-TpsReset": "0.5", "X-RateLimit-Limit": "9" }),
    ).toEqual({ tps: { limit: 5, remaining: 4, resetSeconds: 0.5 } });
  });

  it("prefers the new headers over the old trio", () => {
    const state = parseRateLimit({
      "X-RateLimit-TpsLimit": "5",
      "X-RateLimit-TpsRemaining": "5",
      "X-RateLimit-TpsReset": "1",
      "X-RateLimit-Limit": "9",
      "X-RateLimit-Remaining": "9",
      "X-RateLimit-Reset": "1",
    });
    expect(state).toEqual({ tps: { limit: 5, remaining: 5, resetSeconds: 1 } });
  });

  it("fills a missing TPD reset with the time to the next 00:00 UTC", () => {
    const now = Date.UTC(2026, 0, 1, 23, 30);
    expect(parseRateLimit({ "X-RateLimit-TpdLimit": "100", "X-RateLimit-TpdRemaining": "1" }, { now })?.tpd?.resetSeconds).toBe(
      1800,
    );
    expect(secondsUntilUtcMidnight(Date.UTC(2026, 0, 1))).toBe(86_400);
  });

  it("returns undefined without rate-limit headers and ignores garbage", () => {
    expect(parseRateLimit(undefined)).toBeUndefined();
    expect(parseRateLimit(new Headers({ "content-type": "application/json" }))).toBeUndefined();
    expect(parseRateLimit({ "X-RateLimit-TpsLimit": "lots", "X-RateLimit-TpsRemaining": "" })).toBeUndefined();
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates", () => {
    expect(parseRetryAfter({ "retry-after": "4" })).toBe(4);
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    expect(parseRetryAfter({ "Retry-After": new Date(now + 10_000).toUTCString() }, { now })).toBe(10);
    expect(parseRetryAfter({ "Retry-After": "soon" })).toBeUndefined();
    expect(parseRetryAfter(new Headers())).toBeUndefined();
  });
});
