import { describe, expect, it } from "@effect/vitest";
import { Effect, Exit } from "effect";
import {
  BadRequest,
  classify,
  DecodeError,
  describeError,
  errorFromResponse,
  Forbidden,
  InvalidRequest,
  isIdempotent,
  isTransient,
  NetworkError,
  NotFound,
  NotPermitted,
  RATE_LIMIT_DEFAULT_WAIT_MS,
  RateLimited,
  rateLimitWaitMs,
  ResponseTooLarge,
  retryPolicy,
  ServerError,
  Timeout,
  Unauthorized,
  UnexpectedRedirect,
  Unprocessable,
  WAIT_LIMITS,
  WATTWATCHERS_ERROR_TAGS,
} from "../src/index.js";
import type { Classification, WattwatchersError } from "../src/index.js";

const get = { operation: "getDevice", method: "GET", path: "/devices/D123456789012" } as const;
const patch = { operation: "updateDevice", method: "PATCH", path: "/devices/D123456789012" } as const;

/** One error of every tag, for the request context `c`. */
const everyTag = (c: typeof get | typeof patch): Record<WattwatchersError["_tag"], WattwatchersError> => ({
  BadRequest: new BadRequest({ ...c, status: 400 }),
  Unauthorized: new Unauthorized({ ...c, status: 401 }),
  Forbidden: new Forbidden({ ...c, status: 403 }),
  NotPermitted: new NotPermitted({ ...c, status: 403, code: "NOT_PERMITTED" }),
  NotFound: new NotFound({ ...c, status: 404 }),
  Unprocessable: new Unprocessable({ ...c, status: 422 }),
  RateLimited: new RateLimited({ ...c, scope: "tps", retryAfter: 2 }),
  ServerError: new ServerError({ ...c, status: 503 }),
  UnexpectedRedirect: new UnexpectedRedirect({ ...c, status: 302, location: "https://elsewhere.example/" }),
  ResponseTooLarge: new ResponseTooLarge({ ...c, status: 200, limitBytes: 10 }),
  Timeout: new Timeout({ ...c, timeoutMs: 10_000 }),
  NetworkError: new NetworkError({ ...c, cause: new Error("socket hang up") }),
  DecodeError: new DecodeError({ ...c, status: 200, payloadPath: "$.id", expected: "string" }),
  InvalidRequest: new InvalidRequest({ ...c, input: "deviceId", rule: "device-id" }),
});

/** What each tag means, for a GET and for a PATCH: the whole policy in one table. */
const TABLE: Record<WattwatchersError["_tag"], readonly [get: string, patch: string]> = {
  BadRequest: ["fatal:invalid", "fatal:invalid"],
  Unauthorized: ["fatal:auth", "fatal:auth"],
  Forbidden: ["fatal:auth", "fatal:auth"],
  NotPermitted: ["fatal:auth", "fatal:auth"],
  NotFound: ["fatal:notFound", "fatal:notFound"],
  Unprocessable: ["fatal:unprocessable", "fatal:unprocessable"],
  // A 429 means the request was refused, so nothing was applied, whatever the method.
  RateLimited: ["rateLimited", "rateLimited"],
  ServerError: ["transient", "ambiguous"],
  UnexpectedRedirect: ["badResponse", "badResponse"],
  ResponseTooLarge: ["badResponse", "badResponse"],
  Timeout: ["transient", "ambiguous"],
  NetworkError: ["transient", "ambiguous"],
  DecodeError: ["badResponse", "badResponse"],
  InvalidRequest: ["fatal:invalid", "fatal:invalid"],
};

const label = (c: Classification): string => (c.kind === "fatal" ? `fatal:${c.reason}` : c.kind);

describe("classify", () => {
  it("covers every error tag, for an idempotent and a non-idempotent request", () => {
    expect(Object.keys(TABLE).sort()).toEqual([...WATTWATCHERS_ERROR_TAGS].sort());
    const gets = everyTag(get);
    const patches = everyTag(patch);
    for (const tag of WATTWATCHERS_ERROR_TAGS) {
      const [forGet, forPatch] = TABLE[tag];
      expect([tag, label(classify(gets[tag], { now: 0 }))]).toEqual([tag, forGet]);
      expect([tag, label(classify(patches[tag], { now: 0 }))]).toEqual([tag, forPatch]);
      // The classification carries the very error it was asked about.
      expect(classify(gets[tag], { now: 0 }).error).toBe(gets[tag]);
    }
  });

  it("classifies every status errorFromResponse can meet", () => {
    const cases: ReadonlyArray<readonly [number, string | undefined, string]> = [
      [400, undefined, "fatal:invalid"],
      [401, undefined, "fatal:auth"],
      [403, "FORBIDDEN", "fatal:auth"],
      [403, "NOT_PERMITTED", "fatal:auth"],
      [404, undefined, "fatal:notFound"],
      [405, undefined, "fatal:invalid"],
      [409, undefined, "fatal:invalid"],
      [413, undefined, "fatal:invalid"],
      [422, undefined, "fatal:unprocessable"],
      [429, "TOO_MANY_REQUESTS_TPS", "rateLimited"],
      [429, "TOO_MANY_REQUESTS_TPD", "rateLimited"],
      [429, undefined, "rateLimited"],
      [500, undefined, "transient"],
      [502, undefined, "transient"],
      [503, undefined, "transient"],
      [504, undefined, "transient"],
    ];
    for (const [status, code, expected] of cases) {
      const body = code === undefined ? undefined : { code, httpCode: status, message: "m" };
      const error = errorFromResponse({ ...get, status, body, now: 0 });
      expect([status, code, label(classify(error, { now: 0 }))]).toEqual([status, code, expected]);
    }
  });

  it("lets the caller's method override the error's: a GET error re-sent as part of a PATCH is ambiguous", () => {
    const timeout = new Timeout({ ...get, timeoutMs: 1 });
    expect(classify(timeout, { method: "PATCH" }).kind).toBe("ambiguous");
    expect(classify(new Timeout({ ...patch }), { method: "get" }).kind).toBe("transient");
  });

  describe("rate limits: retryAt computed once, from the error", () => {
    const rl = (c: Classification) => {
      if (c.kind !== "rateLimited") throw new Error(`expected rateLimited, got ${c.kind}`);
      return c;
    };

    it("uses the resetAt computed when the error was built, not the raw Retry-After", () => {
      const error = errorFromResponse({
        ...get,
        status: 429,
        now: 10_000,
        headers: { "Retry-After": "3" },
        body: { code: "TOO_MANY_REQUESTS_TPS", httpCode: 429 },
      });
      // Classified 1 s after the error was built: 2 s are left, and retryAt is where the error put it.
      const c = rl(classify(error, { now: 11_000 }));
      expect(c).toMatchObject({ scope: "tps", retryAt: 13_000, waitMs: 2_000, hinted: true, capped: false });
    });

    it("caps a Retry-After beyond WAIT_LIMITS and says so", () => {
      const error = errorFromResponse({
        ...get,
        status: 429,
        now: 0,
        headers: { "Retry-After": "86400" },
        body: { code: "TOO_MANY_REQUESTS_TPS", httpCode: 429 },
      });
      const c = rl(classify(error, { now: 0 }));
      expect(c).toMatchObject({ waitMs: WAIT_LIMITS.maxRetryAfterMs, retryAt: WAIT_LIMITS.maxRetryAfterMs, capped: true });
      // The same cap for a hand-built error that has only the raw hint.
      const raw = rl(classify(new RateLimited({ ...get, scope: "edge", retryAfter: 86_400 }), { now: 5 }));
      expect(raw).toMatchObject({ waitMs: WAIT_LIMITS.maxRetryAfterMs, retryAt: 5 + WAIT_LIMITS.maxRetryAfterMs, capped: true });
    });

    it("waits for the UTC reset after a TPD 429 (api-facts), capped at a day's reset", () => {
      const now = Date.UTC(2026, 5, 1, 18, 0, 0, 250);
      const error = errorFromResponse({
        ...get,
        status: 429,
        now,
        body: { code: "TOO_MANY_REQUESTS_TPD", httpCode: 429 },
      });
      const c = rl(classify(error, { now }));
      expect(c.scope).toBe("tpd");
      expect(c.retryAt).toBe(Date.UTC(2026, 5, 2));
      // A hand-built one without any hint: the next midnight too.
      const bare = rl(classify(new RateLimited({ ...get, scope: "tpd" }), { now }));
      expect(bare).toMatchObject({ retryAt: Date.UTC(2026, 5, 2), hinted: false });
      // A resetAt a year ahead (a hand-built error can carry anything) is still at most 25 h away.
      const far = rl(classify(new RateLimited({ ...get, scope: "tpd", resetAt: now / 1000 + 365 * 86_400 }), { now }));
      expect(far.waitMs).toBe(WAIT_LIMITS.maxDailyResetMs);
    });

    it("falls back to the TPS reset, then to the default wait, and never goes negative", () => {
      const tps = new RateLimited({
        ...get,
        scope: "tps",
        rateLimit: { tps: { limit: 5, remaining: 0, resetSeconds: 0.75 } },
      });
      expect(rl(classify(tps, { now: 0 }))).toMatchObject({ waitMs: 750, hinted: true });
      const edge = rl(classify(new RateLimited({ ...get, scope: "edge" }), { now: 100 }));
      expect(edge).toMatchObject({ waitMs: RATE_LIMIT_DEFAULT_WAIT_MS, retryAt: 100 + RATE_LIMIT_DEFAULT_WAIT_MS, hinted: false });
      const past = rl(classify(new RateLimited({ ...get, scope: "tps", resetAt: 1 }), { now: 60_000 }));
      expect(past).toMatchObject({ waitMs: 0, retryAt: 60_000 });
    });

    it("agrees with rateLimitWaitMs wherever the server gave a hint", () => {
      const errors = [
        new RateLimited({ ...get, scope: "tps", retryAfter: 2 }),
        new RateLimited({ ...get, scope: "edge", retryAfter: 1e9 }),
        new RateLimited({ ...get, scope: "tpd", resetAt: 3_600 }),
        new RateLimited({ ...get, scope: "tps", rateLimit: { tps: { limit: 1, remaining: 0, resetSeconds: 99 } } }),
      ];
      for (const e of errors) expect(rateLimitWaitMs(e, 0)).toBe(rl(classify(e, { now: 0 })).waitMs);
      expect(rateLimitWaitMs(new RateLimited({ ...get, scope: "edge" }), 0)).toBeUndefined();
    });
  });

  it("isTransient and isIdempotent are shorthands of the same policy", () => {
    const gets = everyTag(get);
    const transient = WATTWATCHERS_ERROR_TAGS.filter((t) => isTransient(gets[t]));
    expect(transient.sort()).toEqual(["NetworkError", "RateLimited", "ServerError", "Timeout"]);
    expect(isTransient(new RateLimited({ ...get, scope: "tpd" }))).toBe(false);
    expect(isTransient(new Error("x"))).toBe(false);
    expect(["GET", "head", "PUT", "DELETE", "OPTIONS"].every(isIdempotent)).toBe(true);
    expect(["PATCH", "post"].some(isIdempotent)).toBe(false);
  });

  it.effect("the bare retryPolicy never re-sends a request whose failure is ambiguous", () =>
    Effect.gen(function* () {
      let sent = 0;
      const request = Effect.suspend(() => {
        sent++;
        return Effect.fail(new Timeout({ ...patch, timeoutMs: 1 }));
      });
      const exit = yield* Effect.exit(Effect.retry(request, retryPolicy()));
      expect(Exit.isFailure(exit)).toBe(true);
      expect(sent).toBe(1);
    }),
  );
});

describe("describeError", () => {
  it("adds what the classification means, and scrubs the key", () => {
    const key = "key_Zq8rT2mW4xN7bV1cL9pK3sD6fG0hJ5aE";
    const tps = new RateLimited({ ...get, scope: "tps", retryAfter: 2 });
    expect(describeError(tps, { now: 0 })).toBe(`${tps.message} (too many requests per second; try again in 2 s)`);
    const edge = new RateLimited({ ...get, scope: "edge" });
    expect(describeError(edge, { now: 0 })).toContain("the platform is throttling requests; try again in 1 s");
    const now = Date.UTC(2026, 5, 1, 18);
    expect(describeError(new RateLimited({ ...get, scope: "tpd" }), { now })).toContain("(it resets at 00:00 UTC); try again at 2026-06-02T00:00:00.000Z");
    const lost = new Timeout({ ...patch, timeoutMs: 10 });
    expect(describeError(lost)).toContain("may or may not have been applied");
    expect(describeError(new Timeout({ ...get, timeoutMs: 10 }))).toBe(new Timeout({ ...get, timeoutMs: 10 }).message);
    const echoed = new NotFound({ ...get, status: 404, serverMessage: `no device for ${key.slice(4)}` });
    expect(describeError(echoed, { secrets: [key] })).not.toContain(key.slice(4));
  });
});
