// Redirects: the service never redirects, so a 3xx is never followed. It becomes UnexpectedRedirect naming the
// Location's origin only, no request (with or without the key) reaches another origin, and a loop costs one.
import { Effect } from "effect";
import { afterEach, describe, expect, it } from "vitest";
import { makeClient } from "../../src/index.js";
import { DEVICE_ID, device, guardProcess, hostileServer, json, KEY } from "./helpers.js";
import type { Hostile } from "./helpers.js";

guardProcess();
const servers: Array<Hostile> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
const start = async (...args: Parameters<typeof hostileServer>) => {
  const s = await hostileServer(...args);
  servers.push(s);
  return s;
};

describe("a redirect is never followed", () => {
  it.each([301, 302, 303, 307, 308])("a cross-origin %i is an UnexpectedRedirect; the other origin sees nothing", async (status) => {
    const elsewhere = await start((_req, res) => json(res, 200, device({ label: "not the API's data" })));
    const api = await start((_req, res) => {
      res.writeHead(status, { location: `${elsewhere.origin}/devices/${DEVICE_ID}?key=${KEY}` });
      res.end(`moved, ${KEY}`);
    });
    const client = makeClient({ apiKey: KEY, baseUrl: api.origin });
    const error = await Effect.runPromise(Effect.flip(client.getDevice(DEVICE_ID)));
    expect(error).toMatchObject({ _tag: "UnexpectedRedirect", status, locationOrigin: elsewhere.origin, path: `/devices/${DEVICE_ID}` });
    expect(error.message).toContain(elsewhere.origin);
    expect(JSON.stringify(error)).not.toContain(KEY);
    expect(api.requests).toHaveLength(1);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it("a PATCH answered with 307 is not re-sent anywhere", async () => {
    const elsewhere = await start((_req, res) => json(res, 200, device()));
    const api = await start((_req, res) => {
      res.writeHead(307, { location: `${elsewhere.origin}/devices/${DEVICE_ID}` });
      res.end();
    });
    const client = makeClient({ apiKey: KEY, baseUrl: api.origin });
    const error = await Effect.runPromise(Effect.flip(client.updateDevice(DEVICE_ID, { label: "x" })));
    expect(error).toMatchObject({ _tag: "UnexpectedRedirect", status: 307, method: "PATCH" });
    expect(api.requests.map((r) => r.method)).toEqual(["PATCH"]);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it("a redirect loop costs exactly one request, retries on", async () => {
    const api = await start((req, res) => {
      res.writeHead(302, { location: req.url ?? "/" });
      res.end();
    });
    const client = makeClient({ apiKey: KEY, baseUrl: api.origin, retry: { maxRetries: 10 } });
    const error = await Effect.runPromise(Effect.flip(client.listDevices()));
    expect(error).toMatchObject({ _tag: "UnexpectedRedirect", status: 302, locationOrigin: api.origin });
    expect(api.requests).toHaveLength(1);
  });

  it("a Location that is missing or not a URL still gives the typed error", async () => {
    const api = await start((req, res) => {
      res.writeHead(302, req.url?.endsWith("models") === true ? {} : { location: "http://[not a url" });
      res.end();
    });
    const client = makeClient({ apiKey: KEY, baseUrl: api.origin, pacing: false });
    const flipped: ReadonlyArray<Effect.Effect<unknown, unknown>> = [Effect.flip(client.getDeviceModels()), Effect.flip(client.getChannelCategories())];
    for (const effect of flipped) {
      const error = await Effect.runPromise(effect);
      expect(error).toMatchObject({ _tag: "UnexpectedRedirect", status: 302, locationOrigin: undefined });
    }
  });

  it("a caller's fetch that follows redirects anyway cannot pass the other origin's answer off as the API's", async () => {
    const elsewhere = await start((_req, res) => json(res, 200, [DEVICE_ID]));
    const api = await start((_req, res) => {
      res.writeHead(302, { location: `${elsewhere.origin}/devices` });
      res.end();
    });
    const following = (input: Request | URL | string, init?: RequestInit) => fetch(input, { ...init, redirect: "follow" });
    const client = makeClient({ apiKey: KEY, baseUrl: api.origin, fetch: following });
    const error = await Effect.runPromise(Effect.flip(client.listDevices()));
    expect(error).toMatchObject({ _tag: "UnexpectedRedirect", status: 200, locationOrigin: elsewhere.origin });
    // undici drops Authorization on a cross-origin redirect; the key never reached the other origin.
    expect(elsewhere.requests.map((r) => r.authorization)).toEqual([undefined]);
  });
});
