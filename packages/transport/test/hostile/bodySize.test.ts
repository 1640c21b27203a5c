// Response size: the body is read at most up to maxResponseBytes (16 MiB by default). A Content-Length above it
// is refused before reading; a chunked or endless body is cut off at the limit and its connection closed. The
// failure is ResponseTooLarge (not retried) and memory stays bounded.
import { Effect } from "effect";
import { afterEach, describe, expect, it } from "vitest";
import { makeClient } from "../../src/index.js";
import { DEVICE_ID, guardProcess, hostileServer, KEY } from "./helpers.js";
import type { Hostile } from "./helpers.js";
import type { ServerResponse } from "node:http";

guardProcess();
const servers: Array<Hostile> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const MiB = 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, "[1,");

/** Writes `total` bytes (Infinity: forever) respecting back-pressure, until the client hangs up. */
const pour = (res: ServerResponse, total: number, written = { bytes: 0 }): { bytes: number } => {
  let closed = false;
  res.on("close", () => (closed = true));
  const more = (): void => {
    while (!closed && written.bytes < total) {
      written.bytes += CHUNK.length;
      if (!res.write(CHUNK)) {
        res.once("drain", more);
        return;
      }
    }
    if (!closed) res.end();
  };
  more();
  return written;
};

const rssGrowthMb = async <A>(run: () => Promise<A>): Promise<{ readonly result: A; readonly growthMb: number }> => {
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  const result = await run();
  const after = process.memoryUsage().rss;
  return { result, growthMb: (after - before) / MiB };
};

describe("bounded response size", () => {
  it("a declared 200 MB body is refused before it is read", async () => {
    const poured = { bytes: 0 };
    const api = await hostileServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": String(200 * 1000 * 1000) });
      pour(res, 200 * 1000 * 1000, poured);
    });
    servers.push(api);
    const client = makeClient({ apiKey: KEY, baseUrl: api.origin });
    const { result, growthMb } = await rssGrowthMb(() => Effect.runPromise(Effect.flip(client.listDevices())));
    expect(result).toMatchObject({ _tag: "ResponseTooLarge", status: 200, limitBytes: 16 * MiB, declaredBytes: 200_000_000 });
    expect(api.requests).toHaveLength(1); // not retried
    expect(growthMb).toBeLessThan(100);
    expect(poured.bytes).toBeLessThan(200 * 1000 * 1000);
  });

  it.each([
    ["a chunked 200 MB body", 200 * 1000 * 1000],
    ["an endless body", Infinity],
  ])("%s is cut off at the limit, memory bounded", async (_name, total) => {
    const poured = { bytes: 0 };
    const api = await hostileServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      pour(res, total, poured);
    });
    servers.push(api);
    const client = makeClient({ apiKey: KEY, baseUrl: api.origin, timeout: false });
    const { result, growthMb } = await rssGrowthMb(() =>
      Effect.runPromise(Effect.flip(client.getShortEnergyData(DEVICE_ID))),
    );
    expect(result).toMatchObject({ _tag: "ResponseTooLarge", status: 200, limitBytes: 16 * MiB, declaredBytes: undefined });
    expect(result.message).toContain("16777216-byte limit");
    expect(api.requests).toHaveLength(1);
    expect(growthMb).toBeLessThan(100);
    // The connection was closed: the server could not keep pouring (well under 200 MB left its buffers).
    expect(poured.bytes).toBeLessThan(100 * MiB);
  });

  it("the limit is an option, and a body exactly at it is read", async () => {
    const body = JSON.stringify([DEVICE_ID]);
    const api = await hostileServer((req, res) => {
      res.writeHead(200, { "content-type": "application/json", ...(req.url?.includes("models") === true ? {} : { "content-length": String(body.length) }) });
      res.end(req.url?.includes("models") === true ? "[]" : body);
    });
    servers.push(api);
    const exact = makeClient({ apiKey: KEY, baseUrl: api.origin, maxResponseBytes: body.length, pacing: false });
    expect(await Effect.runPromise(exact.listDevices())).toEqual([DEVICE_ID]);
    const smaller = makeClient({ apiKey: KEY, baseUrl: api.origin, maxResponseBytes: body.length - 1, pacing: false });
    expect(await Effect.runPromise(Effect.flip(smaller.listDevices()))).toMatchObject({
      _tag: "ResponseTooLarge",
      limitBytes: body.length - 1,
      declaredBytes: body.length,
    });
    // Without a Content-Length the count while reading decides.
    const one = makeClient({ apiKey: KEY, baseUrl: api.origin, maxResponseBytes: 1, pacing: false });
    expect(await Effect.runPromise(Effect.flip(one.getDeviceModels()))).toMatchObject({ _tag: "ResponseTooLarge", limitBytes: 1 });
  });

  it("refuses a limit that is not a positive number", () => {
    for (const maxResponseBytes of [0, -1, Number.NaN]) {
      expect(() => makeClient({ apiKey: KEY, maxResponseBytes })).toThrow(
        expect.objectContaining({ _tag: "InvalidRequest", input: "maxResponseBytes" }),
      );
    }
  });
});
