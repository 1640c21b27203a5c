import { describe, expect, it } from "vitest";
import { errorFromResponse, isTransient, isWattwatchersError } from "../src/index.js";

const ctx = { operation: "getDevice", method: "GET", path: "/devices/D123456789012" } as const;
const NOW = Date.UTC(2026, 0, 15, 22, 0, 0); // 2 h before the UTC day rolls over
const env = (code: string, httpCode: number, message = `${code} happened`) => ({ code, httpCode, message });

describe("errorFromResponse", () => {
  it.each([
    [400, "BAD_REQUEST", "BadRequest"],
    [401, "UNAUTHORIZED", "Unauthorized"],
    [403, "FORBIDDEN", "Forbidden"],
    [403, "NOT_PERMITTED", "NotPermitted"],
    [404, "NOT_FOUND", "NotFound"],
    [422, "UNPROCESSABLE_ENTITY", "Unprocessable"],
    [500, "INTERNAL_SERVER_ERROR", "ServerError"],
    [502, "BAD_GATEWAY", "ServerError"],
    [405, "METHOD_NOT_ALLOWED", "BadRequest"],
  ] as const)("maps %i %s to %s with the envelope's code and message", (status, code, tag) => {
    const e = errorFromResponse({ ...ctx, status, body: env(code, status, "the message") });
    expect(e._tag).toBe(tag);
    expect(e.status).toBe(status);
    expect(e.code).toBe(code);
    expect(e.serverMessage).toBe("the message");
    expect(e.errors).toEqual([{ code, httpCode: status, message: "the message" }]);
    expect(e.message).toContain("getDevice");
    expect(e.message).toContain("GET /devices/D123456789012");
    expect(e.message).toContain(String(status));
    expect(e.message).toContain("the message");
    expect(isWattwatchersError(e)).toBe(true);
  });

  it("trusts the HTTP status over the body's httpCode", () => {
    const e = errorFromResponse({ ...ctx, status: 404, body: env("BAD_REQUEST", 400) });
    expect(e._tag).toBe("NotFound");
    expect(e.status).toBe(404);
    expect(e.errors[0]?.httpCode).toBe(400);
  });

  it("keeps every entry of a multi-error envelope and picks the one matching the status", () => {
    const body = { errors: [env("UNPROCESSABLE_ENTITY", 422, "bad ctRating"), env("BAD_REQUEST", 400, "bad label")] };
    const e = errorFromResponse({ operation: "updateDevice", method: "PATCH", path: "/devices/D123456789012", status: 400, body });
    expect(e._tag).toBe("BadRequest");
    expect(e.code).toBe("BAD_REQUEST");
    expect(e.serverMessage).toBe("bad label");
    expect(e.errors.map((x) => x.message)).toEqual(["bad ctRating", "bad label"]);
    expect(e.message).toContain("+1 more");
  });

  it("parses a JSON body given as text and tolerates a non-JSON body", () => {
    const fromText = errorFromResponse({ ...ctx, status: 401, body: JSON.stringify(env("UNAUTHORIZED", 401)) });
    expect(fromText.code).toBe("UNAUTHORIZED");
    const html = errorFromResponse({ ...ctx, status: 503, body: "<html>oops</html>" });
    expect(html._tag).toBe("ServerError");
    expect(html.code).toBeUndefined();
    expect(html.errors).toEqual([]);
  });

  it("a 429 with no rate-limit headers and a non-envelope body is edge throttling", () => {
    const e = errorFromResponse({ ...ctx, status: 429, headers: { "Retry-After": "3" }, body: "Too Many Requests", now: NOW });
    expect(e._tag).toBe("RateLimited");
    if (e._tag !== "RateLimited") return;
    expect(e.scope).toBe("edge");
    expect(e.retryAfter).toBe(3);
    expect(e.resetAt).toBe(NOW / 1000 + 3);
    expect(isTransient(e)).toBe(true);
  });

  it("a 429 with the TPS code is tps and transient, with the parsed limits", () => {
    const headers = new Headers({
      "Retry-After": "1",
      "X-RateLimit-TpsLimit": "5",
      "X-RateLimit-TpsRemaining": "0",
      "X-RateLimit-TpsReset": "0.4",
    });
    const e = errorFromResponse({ ...ctx, status: 429, headers, body: env("TOO_MANY_REQUESTS_TPS", 429), now: NOW });
    if (e._tag !== "RateLimited") throw new Error(`unexpected ${e._tag}`);
    expect(e.scope).toBe("tps");
    expect(e.rateLimit?.tps).toEqual({ limit: 5, remaining: 0, resetSeconds: 0.4 });
    expect(isTransient(e)).toBe(true);
  });

  it("a 429 with the TPD code is tpd, not transient, and resets at the next 00:00 UTC", () => {
    const e = errorFromResponse({ ...ctx, status: 429, body: env("TOO_MANY_REQUESTS_TPD", 429), now: NOW });
    if (e._tag !== "RateLimited") throw new Error(`unexpected ${e._tag}`);
    expect(e.scope).toBe("tpd");
    expect(e.resetAt).toBe(Date.UTC(2026, 0, 16) / 1000);
    expect(isTransient(e)).toBe(false);
    expect(e.message).toContain("2026-01-16T00:00:00.000Z");
  });

  it("a 429 without a code is classified by its headers", () => {
    const tpd = errorFromResponse({
      ...ctx,
      status: 429,
      headers: { "x-ratelimit-tpdlimit": "10000", "x-ratelimit-tpdremaining": "0", "x-ratelimit-tpdreset": "600" },
      body: "",
      now: NOW,
    });
    expect(tpd._tag === "RateLimited" && tpd.scope).toBe("tpd");
    expect(tpd._tag === "RateLimited" && tpd.resetAt).toBe(NOW / 1000 + 600);
    const tps = errorFromResponse({
      ...ctx,
      status: 429,
      headers: { "X-RateLimit-TpsLimit": "5", "X-RateLimit-TpsRemaining": "0" },
      now: NOW,
    });
    expect(tps._tag === "RateLimited" && tps.scope).toBe("tps");
  });

  it("never treats 4xx other than 429 as transient", () => {
    for (const status of [400, 401, 403, 404, 409, 422]) {
      expect(isTransient(errorFromResponse({ ...ctx, status }))).toBe(false);
    }
    expect(isTransient(new Error("plain"))).toBe(false);
  });
});
