// Grep-able proof that the API key never leaks: every error kind the client produces is serialised every way a
// program might (String, JSON.stringify, util.inspect with hidden fields, the stack, the cause chain, Effect's
// Cause rendering) and the key must appear in none of it.
import { inspect } from "node:util";
import { Cause, Effect, Exit } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator } from "@wattstream/simulator";
import type { Simulator } from "@wattstream/simulator";
import { WATTWATCHERS_ERROR_TAGS } from "@wattstream/resilience";
import { makeClient } from "../src/index.js";

let sim: Simulator;
let rateLimited: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 11, rateLimits: { tps: Infinity } });
  rateLimited = await startSimulator({ seed: 11, rateLimits: { tps: 5 } });
});
afterAll(async () => {
  await sim.close();
  await rateLimited.close();
});

const serialisations = (error: unknown, cause: Cause.Cause<unknown>): ReadonlyArray<string> => {
  const out = [
    String(error),
    JSON.stringify(error),
    inspect(error, { depth: Infinity, showHidden: true, getters: true }),
    (error as Error).stack ?? "",
    Cause.pretty(cause),
    inspect(cause, { depth: Infinity }),
  ];
  let c: unknown = (error as { cause?: unknown }).cause;
  for (let depth = 0; c !== undefined && depth < 10; depth++) {
    out.push(String(c), JSON.stringify(c) ?? "", inspect(c, { depth: Infinity, showHidden: true }));
    c = (c as { cause?: unknown } | null)?.cause;
  }
  return out;
};

describe("the API key never leaks", () => {
  it("from any error kind, however it is serialised", async () => {
    const key = sim.demoKey;
    const ids = sim.fleet.ids();
    const collected: Array<{ readonly key: string; readonly exit: Exit.Exit<unknown, unknown> }> = [];
    const run = async (apiKey: string, effect: Effect.Effect<unknown, unknown>) => {
      collected.push({ key: apiKey, exit: await Effect.runPromiseExit(effect) });
    };
    const c = makeClient({ apiKey: key, baseUrl: sim.baseUrl, retry: false, pacing: false });

    await run(key, c.updateDevice(ids[1]!, { label: 5 } as never)); // BadRequest
    const badKey = "key_thisIsNotAValidKeyBecause!!!!!!";
    const unauthorized = makeClient({ apiKey: badKey, baseUrl: sim.baseUrl, retry: false });
    await run(badKey, unauthorized.listDevices()); // Unauthorized
    const unknownKey = `key_${"Q".repeat(32)}`;
    const notPermitted = makeClient({ apiKey: unknownKey, baseUrl: sim.baseUrl, retry: false });
    await run(unknownKey, notPermitted.listDevices()); // NotPermitted
    const readOnly = makeClient({ apiKey: sim.keys.readOnly.key, baseUrl: sim.baseUrl, retry: false });
    await run(sim.keys.readOnly.key, readOnly.updateDevice(sim.keys.readOnly.devices()[0]!, { label: "x" })); // Forbidden
    await run(sim.keys.readOnly.key, readOnly.getDevice(ids[1]!)); // NotFound
    // Unprocessable: without fromTs long energy starts at the first entry (~10 days back), which only the service
    // knows, so the over-long window is the service's 422, not the client's refusal.
    await run(key, c.getLongEnergyData(ids[0]!, { toTs: Math.floor(sim.clock.now()) })); // Unprocessable
    sim.faults.add({ kind: "error500", operation: "getDevice", times: 1 });
    await run(key, c.getDevice(ids[0]!)); // ServerError
    sim.faults.add({ kind: "edgeThrottle", operation: "getDevice", times: 1 });
    await run(key, c.getDevice(ids[0]!)); // RateLimited edge
    sim.faults.add({ kind: "reset", operation: "getDevice", times: 1 });
    await run(key, c.getDevice(ids[0]!)); // NetworkError
    sim.faults.add({ kind: "truncate", operation: "getDevice", times: 1 });
    await run(key, c.getDevice(ids[0]!)); // DecodeError
    sim.faults.add({ kind: "latency", operation: "getDevice", ms: 2_000, times: 1 });
    // Timeout: a real 100 ms timeout against a 2 s delay, so the request is really cut.
    const impatient = makeClient({ apiKey: key, baseUrl: sim.baseUrl, retry: false, pacing: false, timeout: 100 });
    await run(key, impatient.getDevice(ids[0]!));
    const tiny = makeClient({ apiKey: key, baseUrl: sim.baseUrl, retry: false, pacing: false, maxResponseBytes: 10 });
    await run(key, tiny.getDevice(ids[0]!)); // ResponseTooLarge
    const redirectTo = `https://${key.slice(4)}.example/steal?key=${key}`;
    const redirected = makeClient({
      apiKey: key,
      baseUrl: sim.baseUrl,
      retry: false,
      pacing: false,
      fetch: () => Promise.resolve(new Response(key, { status: 302, headers: { location: redirectTo } })),
    });
    await run(key, redirected.getDevice(ids[0]!)); // UnexpectedRedirect, the key in its Location's origin
    await run(key, c.getDevice(key)); // InvalidRequest whose input *is* the key
    await run(key, c.getLongEnergyData(ids[0]!, { granularity: "hour", timezone: key })); // ... and as a timezone

    const tpsKey = rateLimited.demoKey;
    const tps = makeClient({ apiKey: tpsKey, baseUrl: rateLimited.baseUrl, retry: false, pacing: false });
    for (let i = 0; i < 6; i++) await run(tpsKey, tps.getDeviceModels()); // RateLimited tps (the sixth)
    const tpdKey = rateLimited.fleet.addKey({ permission: "read", devices: [ids[0]!], rateLimits: { tps: Infinity, tpd: 1 } });
    const tpd = makeClient({ apiKey: tpdKey, baseUrl: rateLimited.baseUrl, retry: false, pacing: false });
    for (let i = 0; i < 2; i++) await run(tpdKey, tpd.getDevice(ids[0]!)); // RateLimited tpd (the second)

    const failures = collected.flatMap(({ key: k, exit }) =>
      Exit.isFailure(exit) ? [{ key: k, error: Cause.squash(exit.cause), cause: exit.cause }] : [],
    );
    const tags = new Set(failures.map((f) => (f.error as { _tag: string })._tag));
    // Every tag of the error model was produced by a real request through the client.
    expect([...tags].sort()).toEqual([...WATTWATCHERS_ERROR_TAGS].sort());
    const scopes = new Set(failures.flatMap((f) => ((f.error as { scope?: string }).scope ?? []) as string[]));
    expect([...scopes].sort()).toEqual(["edge", "tpd", "tps"]);
    for (const { key: k, error, cause } of failures) {
      for (const text of serialisations(error, cause)) {
        expect(text).not.toContain(k);
        expect(text).not.toContain(k.slice(4)); // the secret part, even without its prefix
      }
    }
  });

  it("nor from a refused configuration", () => {
    const key = "key_ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    for (const make of [
      () => makeClient({ apiKey: `${key} `, baseUrl: "http://127.0.0.1:1" }),
      () => makeClient({ apiKey: key, baseUrl: `http://user:${key}@example.com` }),
    ]) {
      let thrown: unknown;
      try {
        make();
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeDefined();
      const text = [String(thrown), JSON.stringify(thrown), inspect(thrown, { depth: Infinity, showHidden: true })].join("\n");
      expect(text).not.toContain(key.slice(4));
    }
  });
});
