// Per-request CPU cost the resilience layer adds around a request that succeeds first time: the pacer's take
// (lock + clock + budget bookkeeping) and the retry wrapper, against the same Effect without them. An HTTP request
// to a loopback server costs on the order of 100 µs, so a few µs here is what the transport's 1.5× target allows.
import { Effect } from "effect";
import { defineBench, perOpMicros } from "../../../tools/bench/defineBench.ts";
import { errorFromResponse, makePacer, parseRateLimit, withRetry } from "../src/index.ts";
import type { Pacer } from "../src/index.ts";

const BATCH = 1000;
const items = Array.from({ length: BATCH }, (_, i) => i);
const request = Effect.succeed(1);
const headers = new Headers({
  "X-RateLimit-TpsLimit": "10000000",
  "X-RateLimit-TpsRemaining": "9999999",
  "X-RateLimit-TpsReset": "0.5",
  "X-RateLimit-TpdLimit": "1000000",
  "X-RateLimit-TpdRemaining": "999000",
  "X-RateLimit-TpdReset": "3600",
});
const body = { code: "NOT_FOUND", httpCode: 404, message: "Device not found" };
// A typical getDevice body (6 channels, 3 phases), the JSON every successful request has to parse anyway: the
// yardstick that survives a loaded CI machine better than an absolute number of microseconds.
const deviceJson = JSON.stringify({
  id: "D123456789012",
  label: "Main switchboard",
  timezone: "Australia/Sydney",
  model: "6M+3SW",
  firmwareVersion: "3.4.1",
  latestStatus: { isHealthy: true, lastHeardAt: 1_764_000_000 },
  shortEnergyReportingInterval: 30,
  comms: { type: "4G", simId: "8961000000000000000", imsi: "505000000000000", lastHeardAt: 1_764_000_000 },
  channels: Array.from({ length: 6 }, (_, i) => ({
    id: `D123456789012_C${i + 1}`,
    label: `Circuit ${i + 1}`,
    categoryId: 10 + i,
    categoryLabel: "General power",
    ctRating: 60,
  })),
  switches: Array.from({ length: 3 }, (_, i) => ({
    id: `D123456789012_S${i + 1}`,
    label: `Switch ${i + 1}`,
    state: "closed",
    contactorType: "NO",
    closedStateLabel: "On",
    openStateLabel: "Off",
  })),
  phases: { count: 3, grouping: [{ included: ["D123456789012_C1", "D123456789012_C2"] }] },
});
const ctx404 = { operation: "getDevice", method: "GET", path: "/devices/D123456789012", status: 404, body };

interface Ctx {
  readonly pacer: Pacer;
}

const loop = (f: () => Effect.Effect<unknown, unknown>) =>
  Effect.runPromise(Effect.forEach(items, f, { discard: true }));

export default defineBench<Ctx>({
  name: "resilience: per-request overhead",
  baseline: "bare effect",
  setup: async () => ({
    // Budgets (here and in the headers) far above what the loop can reach: nothing sleeps, only bookkeeping counts.
    pacer: await Effect.runPromise(makePacer({ tps: 10_000_000, tpd: 1_000_000_000 })),
  }),
  tasks: {
    "bare effect": { batch: BATCH, fn: () => loop(() => request) },
    "pacer.pace": { batch: BATCH, fn: ({ pacer }) => loop(() => pacer.pace(request)) },
    "withRetry(GET)": { batch: BATCH, fn: () => loop(() => withRetry(request, { method: "GET" })) },
    "pace + withRetry + update": {
      batch: BATCH,
      fn: ({ pacer }) =>
        loop(() => withRetry(Effect.tap(pacer.pace(request), () => pacer.update(parseRateLimit(headers))), { method: "GET" })),
    },
    "errorFromResponse(404)": {
      batch: BATCH,
      fn: () => {
        for (let i = 0; i < BATCH; i++) errorFromResponse(ctx404);
      },
    },
  },
  metrics: async ({ pacer }) => {
    const bare = await perOpMicros(() => loop(() => request), BATCH);
    const full = await perOpMicros(
      () => loop(() => withRetry(Effect.tap(pacer.pace(request), () => pacer.update(parseRateLimit(headers))), { method: "GET" })),
      BATCH,
    );
    const parse = await perOpMicros(async () => {
      for (let i = 0; i < BATCH; i++) JSON.parse(deviceJson);
    }, BATCH);
    const added = full - bare;
    return [
      { metric: "added per request (pace + retry + header update)", value: Number(added.toFixed(2)), unit: "µs" },
      { metric: "JSON.parse of one device record", value: Number(parse.toFixed(2)), unit: "µs" },
      {
        metric: "added ÷ JSON.parse of a device record",
        value: Number((added / parse).toFixed(2)),
        unit: "×",
        target: "≤ 1×",
        ok: added <= parse,
      },
    ];
  },
});
