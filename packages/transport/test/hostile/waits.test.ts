// Server-supplied waits through the real client: an absurd Retry-After, TpsReset or TpdReset never makes a call
// hang. Virtual time (TestClock) drives the waits; the HTTP is real, against small loopback servers.
import { it } from "@effect/vitest";
import { Clock, Effect, Fiber } from "effect";
import { TestClock } from "effect/testing";
import { afterEach, describe, expect } from "vitest";
import { makeClient } from "../../src/index.js";
import { DEVICE_ID, device, guardProcess, hostileServer, json, KEY } from "./helpers.js";
import type { Hostile } from "./helpers.js";

guardProcess();
const servers: Array<Hostile> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
const serve = (answers: ReadonlyArray<{ status: number; headers: Record<string, string>; body?: unknown }>) =>
  Effect.promise(async () => {
    let i = 0;
    const server = await hostileServer((_req, res) => {
      const a = answers[Math.min(i++, answers.length - 1)]!;
      json(res, a.status, a.body ?? device(), a.headers);
    });
    servers.push(server);
    return server;
  });
const DAY = "86400";
const TPS_429 = { code: "TOO_MANY_REQUESTS_TPS", httpCode: 429, message: "slow down" };
const TPD_429 = { code: "TOO_MANY_REQUESTS_TPD", httpCode: 429, message: "come back tomorrow" };

describe("absurd wait hints through the client", () => {
  it.effect("TpsRemaining 0 with TpsReset of a day holds the next call 5 s, not a day", () =>
    Effect.gen(function* () {
      const api = yield* serve([
        { status: 200, headers: { "x-ratelimit-tpslimit": "5", "x-ratelimit-tpsremaining": "0", "x-ratelimit-tpsreset": DAY } },
        { status: 200, headers: {} },
      ]);
      const client = makeClient({ apiKey: KEY, baseUrl: api.origin });
      yield* client.getDevice(DEVICE_ID);
      const next = yield* Effect.forkChild(Effect.andThen(client.getDevice(DEVICE_ID), Clock.currentTimeMillis));
      yield* TestClock.adjust("5 seconds");
      expect(yield* Fiber.join(next)).toBe(5_000);
      expect(api.requests).toHaveLength(2);
    }),
  );

  it.effect("Retry-After of a day on a TPS 429 fails fast with the server's time, and blocks other calls 60 s at most", () =>
    Effect.gen(function* () {
      const api = yield* serve([
        { status: 429, headers: { "retry-after": DAY }, body: TPS_429 },
        { status: 200, headers: {} },
      ]);
      const client = makeClient({ apiKey: KEY, baseUrl: api.origin });
      const error = yield* Effect.flip(client.getDevice(DEVICE_ID));
      expect(error).toMatchObject({ _tag: "RateLimited", scope: "tps", retryAfter: 86_400, resetAt: 60 });
      expect(yield* Clock.currentTimeMillis).toBe(0); // no wait was taken
      expect(api.requests).toHaveLength(1);
      const next = yield* Effect.forkChild(Effect.andThen(client.getDevice(DEVICE_ID), Clock.currentTimeMillis));
      yield* TestClock.adjust("60 seconds");
      expect(yield* Fiber.join(next)).toBe(60_000);
    }),
  );

  it.effect("a TpdReset beyond 24.8 days gives a RateLimited whose resetAt is at most 25 h ahead", () =>
    Effect.gen(function* () {
      const api = yield* serve([
        {
          status: 429,
          headers: { "x-ratelimit-tpdlimit": "10", "x-ratelimit-tpdremaining": "0", "x-ratelimit-tpdreset": String(30 * 86_400) },
          body: TPD_429,
        },
      ]);
      const client = makeClient({ apiKey: KEY, baseUrl: api.origin });
      const error = yield* Effect.flip(client.getDevice(DEVICE_ID));
      expect(error).toMatchObject({ _tag: "RateLimited", scope: "tpd", resetAt: 25 * 3600 });
      // The next call is refused by the pacer without a request, with the same capped reset.
      const again = yield* Effect.flip(client.getDevice(DEVICE_ID));
      expect(again).toMatchObject({ _tag: "RateLimited", scope: "tpd", resetAt: 25 * 3600 });
      expect(api.requests).toHaveLength(1);
    }),
  );
});

describe("slow and silent servers", () => {
  it.effect("a server that never answers: per-attempt timeout, total time within maxElapsed + timeout", () =>
    Effect.gen(function* () {
      const api = yield* Effect.promise(() => hostileServer(() => undefined));
      servers.push(api);
      const client = makeClient({ apiKey: KEY, baseUrl: api.origin, timeout: 10_000 });
      const fiber = yield* Effect.forkChild(Effect.flip(client.getDevice(DEVICE_ID)));
      // Step virtual time, letting each attempt's real request reach the server before its timeout runs out.
      for (let t = 0; t < 120 && fiber.pollUnsafe() === undefined; t++) {
        yield* Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)));
        yield* TestClock.adjust("1 second");
      }
      const error = yield* Fiber.join(fiber);
      expect(error).toMatchObject({ _tag: "Timeout", timeoutMs: 10_000 });
      const elapsed = yield* Clock.currentTimeMillis;
      // RETRY_DEFAULTS.maxElapsed (30 s) + one timeout (10 s): the documented bound without server hints.
      expect(elapsed).toBeLessThanOrEqual(40_000);
      expect(api.requests.length).toBeGreaterThanOrEqual(2);
      expect(api.requests.length).toBeLessThanOrEqual(4);
    }),
  );

  it.effect("a body that trickles forever is cut by the same timeout", () =>
    Effect.gen(function* () {
      const api = yield* Effect.promise(() =>
        hostileServer((_req, res) => {
          res.writeHead(200, { "content-type": "application/json" });
          res.write("[");
        }),
      );
      servers.push(api);
      const client = makeClient({ apiKey: KEY, baseUrl: api.origin, timeout: 2_000, retry: false });
      const fiber = yield* Effect.forkChild(Effect.flip(client.listDevices()));
      while (api.requests.length === 0) yield* Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)));
      yield* TestClock.adjust("2 seconds");
      expect(yield* Fiber.join(fiber)).toMatchObject({ _tag: "Timeout", timeoutMs: 2_000 });
    }),
  );

  it("refuses a timeout a timer cannot hold", () => {
    expect(() => makeClient({ apiKey: KEY, timeout: 2 ** 31 })).toThrow(
      expect.objectContaining({ _tag: "InvalidRequest", input: "timeout" }),
    );
  });
});
