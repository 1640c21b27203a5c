import { Effect, Stream } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator } from "@wattstream/simulator";
import type { Simulator } from "@wattstream/simulator";
import { Unprocessable } from "@wattstream/resilience";
import type { TimeWindow } from "@wattstream/core";
import { makeClient } from "../src/index.js";
import { longEnergyRange } from "../src/internal/longEnergyRange.js";
import type { LongEnergyOptions } from "../src/index.js";

const DAY = 86_400;

describe("longEnergyRange against the simulator", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 13, rateLimits: { tps: Infinity } });
  });
  afterAll(() => sim.close());

  it("chunks a window over 7 days into ≤ 7-day requests and streams every point once, in order", async () => {
    const requests: Array<string> = [];
    const client = makeClient({
      apiKey: sim.demoKey,
      baseUrl: sim.baseUrl,
      fetch: (input, init) => {
        requests.push(new URL(input instanceof Request ? input.url : String(input)).search);
        return fetch(input, init);
      },
    });
    const id = sim.fleet.ids()[0]!;
    const toTs = Math.floor(sim.clock.now() / 300) * 300;
    const window = { fromTs: toTs - 7 * DAY - 7200, toTs };
    const points = await client.promise.longEnergyRange(id, window);
    expect(requests).toHaveLength(2);
    const stamps = points.map((p) => p.timestamp);
    expect(new Set(stamps).size).toBe(stamps.length);
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
    expect(stamps.every((t) => t >= window.fromTs && t < window.toTs)).toBe(true);
    // Contiguous across the chunk boundary: every 5-minute interval exactly once.
    expect(stamps.slice(1).every((t, k) => t - stamps[k]! === 300)).toBe(true);
    expect(stamps[0]).toBe(window.fromTs);
  });

  it("keeps the conversion and hour buckets in a timezone", async () => {
    const client = makeClient({ apiKey: sim.demoKey, baseUrl: sim.baseUrl });
    const toTs = Math.floor(sim.clock.now() / 3600) * 3600;
    const points = await client.promise.longEnergyRange(
      sim.fleet.ids()[1]!,
      { fromTs: toTs - 2 * DAY, toTs },
      { granularity: "hour", timezone: "UTC", convert: "kWh" },
    );
    expect(points.length).toBe(48);
    expect(points.every((p) => Array.isArray(p.eRealKwh) && p.timestamp % 3600 === 0)).toBe(true);
  });

  it("is empty for a device that never reported", async () => {
    const client = makeClient({ apiKey: sim.demoKey, baseUrl: sim.baseUrl });
    const now = Math.floor(sim.clock.now());
    expect(await client.promise.longEnergyRange(sim.fleet.ids()[8]!, { fromTs: now - 10 * DAY, toTs: now })).toEqual([]);
  });

  it("refuses a malformed window before sending", async () => {
    const client = makeClient({ apiKey: sim.demoKey, baseUrl: sim.baseUrl });
    await expect(client.promise.longEnergyRange(sim.fleet.ids()[0]!, { fromTs: 10, toTs: 5 })).rejects.toMatchObject({
      _tag: "InvalidRequest",
      input: "window",
    });
  });
});

describe("longEnergyRange splitting on 422", () => {
  // A service stricter than core's table: anything over 2 days is a 422 for the period.
  const strict = (log: Array<TimeWindow>) => (o: LongEnergyOptions) => {
    const w = { fromTs: o.fromTs!, toTs: o.toTs! };
    log.push(w);
    if (w.toTs - w.fromTs > 2 * DAY) {
      return Effect.fail(
        new Unprocessable({ operation: "getLongEnergyData", method: "GET", path: "/long-energy/x", status: 422 }),
      );
    }
    const points = [];
    // One point per hour, plus a duplicate of the window's first hour that a sloppy service might resend.
    for (let t = w.fromTs; t < w.toTs; t += 3600) points.push({ timestamp: t });
    if (w.fromTs > 0) points.unshift({ timestamp: w.fromTs - 3600 });
    return Effect.succeed({ data: points, status: 200, rateLimit: undefined });
  };

  it("halves a refused chunk until the service accepts, without gaps or duplicates", async () => {
    const log: Array<TimeWindow> = [];
    const out = await Effect.runPromise(Stream.runCollect(longEnergyRange(strict(log), { fromTs: 0, toTs: 7 * DAY })));
    const stamps = out.map((p) => (p as { timestamp: number }).timestamp);
    expect(stamps).toEqual(Array.from({ length: 7 * 24 }, (_, k) => k * 3600));
    const accepted = log.filter((w) => w.toTs - w.fromTs <= 2 * DAY);
    expect(accepted.map((w) => w.fromTs)).toEqual([...accepted.map((w) => w.fromTs)].sort((a, b) => a - b));
    expect(accepted[accepted.length - 1]!.toTs).toBe(7 * DAY);
  });

  it("stops fetching when the consumer stops", async () => {
    const log: Array<TimeWindow> = [];
    const first = await Effect.runPromise(
      Stream.runCollect(Stream.take(longEnergyRange(strict(log), { fromTs: 0, toTs: 6 * DAY }, { granularity: "hour", timezone: "UTC" }), 2)),
    );
    expect(first).toHaveLength(2);
    // The 6-day chunk is refused, its first 3-day half refused, its first 1.5-day quarter served; nothing more.
    expect(log.map((w) => w.toTs - w.fromTs)).toEqual([6 * DAY, 3 * DAY, 1.5 * DAY]);
  });

  it("fails with the 422 when even a two-bucket window is refused", async () => {
    const refuseAll = () =>
      Effect.fail(new Unprocessable({ operation: "getLongEnergyData", method: "GET", path: "/long-energy/x", status: 422 }));
    let calls = 0;
    const counted = () => {
      calls++;
      return refuseAll();
    };
    const exit = await Effect.runPromiseExit(Stream.runCollect(longEnergyRange(counted, { fromTs: 0, toTs: 7 * DAY })));
    expect(exit._tag).toBe("Failure");
    // Depth-first halving: about log2(7 days / 10 min) requests, not an explosion.
    expect(calls).toBeLessThanOrEqual(12);
  });

  it("fails with DecodeError on a point without a numeric timestamp or out of order within an answer", async () => {
    const answering = (data: ReadonlyArray<unknown>) => () => Effect.succeed({ data, status: 200, rateLimit: undefined });
    const run = (data: ReadonlyArray<unknown>) =>
      Effect.runPromise(Effect.flip(Stream.runCollect(longEnergyRange(answering(data), { fromTs: 0, toTs: DAY }))));
    expect(await run([{ timestamp: 0 }, { timestamp: "300" }])).toMatchObject({
      _tag: "DecodeError",
      operation: "getLongEnergyData",
      payloadPath: "$[1].timestamp",
      actual: "string",
    });
    expect(await run([{ timestamp: 600 }, { timestamp: 300 }])).toMatchObject({
      _tag: "DecodeError",
      payloadPath: "$[1].timestamp",
      expected: expect.stringMatching(/after 600/),
    });
    expect(await run([{ timestamp: 300 }, { timestamp: 300 }])).toMatchObject({ _tag: "DecodeError", payloadPath: "$[1].timestamp" });
  });

  it("drops only the overlap with the previous answer, across chunk boundaries", async () => {
    // Two chunks whose answers share the boundary bucket: it is emitted once.
    const answers = [[{ timestamp: 0 }, { timestamp: 300 }], [{ timestamp: 300 }, { timestamp: 7 * DAY }]];
    let k = 0;
    const fetchChunk = () => Effect.succeed({ data: answers[k++] ?? [], status: 200, rateLimit: undefined });
    const points = await Effect.runPromise(Stream.runCollect(longEnergyRange(fetchChunk, { fromTs: 0, toTs: 8 * DAY })));
    expect(Array.from(points, (p) => (p as { timestamp: number }).timestamp)).toEqual([0, 300, 7 * DAY]);
  });
});

