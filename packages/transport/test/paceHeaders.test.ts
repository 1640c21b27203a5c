// A request's TPS slot is held from before sending until a second after its answer's *headers*: the service counted
// the request before answering, so the time the body takes to arrive and be decoded is not kept from the next
// request. Real HTTP against loopback servers that hold the body back until the test lets it go.
import type { ServerResponse } from "node:http";
import { Cause, Effect, Exit } from "effect";
import { afterEach, describe, expect, it } from "vitest";
import { makePacer, NetworkError, RateLimited, Timeout } from "@wattstream/resilience";
import type { Pacer } from "@wattstream/resilience";
import { makeClient } from "../src/index.js";
import { DEVICE_ID, device, guardProcess, hostileServer, KEY } from "./hostile/helpers.js";
import type { Hostile } from "./hostile/helpers.js";

guardProcess();
const servers: Array<Hostile> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const failure = <A, E>(exit: Exit.Exit<A, E>): unknown => (Exit.isFailure(exit) ? Cause.squash(exit.cause) : undefined);

/** A plain pacer that resolves `released` when the part of a request it paces has ended (its slot then cools). */
const watchedPacer = async () => {
  const inner = await Effect.runPromise(makePacer({ tps: 5 }));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const pacer: Pacer = {
    ...inner,
    pace: (effect, request) => Effect.ensuring(inner.pace(effect, request), Effect.sync(() => release())),
  };
  return { pacer, inner, released };
};

/** A server that sends the headers and the first half of the body at once, the rest when `finish` is called. */
const halfAnswer = async (status: number, body: string, headers: Record<string, string> = {}) => {
  let res: ServerResponse | undefined;
  let arrived!: () => void;
  const headersSent = new Promise<void>((resolve) => (arrived = resolve));
  const server = await hostileServer((_req, r) => {
    res = r;
    r.writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), ...headers });
    r.write(body.slice(0, body.length >> 1));
    arrived();
  });
  servers.push(server);
  return {
    server,
    headersSent,
    finish: () => res?.end(body.slice(body.length >> 1)),
    breakOff: () => res?.destroy(),
  };
};

describe("pacing counts a request's slot from its answer's headers", () => {
  it("releases the slot before the body is in, and still decodes the whole body", async () => {
    const api = await halfAnswer(200, JSON.stringify(device()));
    const { pacer, released, inner } = await watchedPacer();
    const client = makeClient({ apiKey: KEY, baseUrl: api.server.origin, pacing: pacer, retry: false });
    let done = false;
    const call = Effect.runPromise(client.getDevice(DEVICE_ID)).finally(() => (done = true));
    await released;
    // The slot is cooling (no request in flight for the pacer) while half the body is still to come.
    expect(done).toBe(false);
    expect(await Effect.runPromise(inner.snapshot)).toMatchObject({ inFlight: 0, recentGrants: 1 });
    api.finish();
    expect((await call).id).toBe(DEVICE_ID);
  });

  it("reads a 429's body inside the slot, so the pacer learns its Retry-After", async () => {
    const body = JSON.stringify({ code: "TOO_MANY_REQUESTS_TPS", httpCode: 429, message: "slow down" });
    const api = await halfAnswer(429, body, { "retry-after": "3" });
    const { pacer, released, inner } = await watchedPacer();
    const client = makeClient({ apiKey: KEY, baseUrl: api.server.origin, pacing: pacer, retry: false });
    const call = Effect.runPromiseExit(client.getDevice(DEVICE_ID));
    await api.headersSent;
    api.finish();
    const exit = await call;
    await released;
    expect(failure(exit)).toBeInstanceOf(RateLimited);
    // The pacer observed the 429 (Retry-After is not a rate-limit header: only the error carries it).
    expect((await Effect.runPromise(inner.snapshot)).blockedUntil).toBeGreaterThan(Date.now() + 1000);
  });

  it("a body broken off after the headers is a NetworkError, the slot already released", async () => {
    const api = await halfAnswer(200, JSON.stringify(device()));
    const { pacer, released } = await watchedPacer();
    const client = makeClient({ apiKey: KEY, baseUrl: api.server.origin, pacing: pacer, retry: false });
    const call = Effect.runPromiseExit(client.getDevice(DEVICE_ID));
    await released;
    api.breakOff();
    const exit = await call;
    expect(failure(exit)).toBeInstanceOf(NetworkError);
  });

  it("the per-attempt timeout still covers the body read after the slot was released", async () => {
    const api = await halfAnswer(200, JSON.stringify(device()));
    const { pacer, released } = await watchedPacer();
    const client = makeClient({ apiKey: KEY, baseUrl: api.server.origin, pacing: pacer, retry: false, timeout: 100 });
    const call = Effect.runPromiseExit(client.getDevice(DEVICE_ID));
    await released;
    const exit = await call;
    expect(failure(exit)).toBeInstanceOf(Timeout);
  });
});
