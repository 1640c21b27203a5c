// Per-request cost of `client.getDevice` (validation, pacing, ky, rate-limit parsing, schema decoding, the
// Effect runtime) against the simulator, next to a bare `fetch` + `JSON.parse` of the same URL in the same run:
// same in-process simulator, same headers, one request at a time on both sides. Target: at most 1.5× the bare
// request's time (ratio of ops/s ≥ 0.67). The simulator runs in this thread, so every figure includes its share
// (the same for both sides), as it would for any caller timing a request against it.
//
// Wall-clock ops/s on a shared machine is noisy, so `metrics` interleaves the three variants in many short rounds
// and reports (1) the fastest round of each (interference only ever adds time, so the least-disturbed round is
// the fairest estimate of each one's own cost) and (2) main-thread CPU time over all rounds together (per-round
// CPU would be meaningless: the thread CPU clock advances in steps of about 4 ms, a dozen requests).
import { Effect } from "effect";
import { startSimulator } from "@wattstream/simulator";
import type { Simulator } from "@wattstream/simulator";
import { defineBench } from "../../../tools/bench/defineBench.ts";
import { makeClient } from "../src/index.ts";
import type { WattwatchersClient } from "../src/index.ts";

interface Ctx {
  readonly sim: Simulator;
  readonly client: WattwatchersClient;
  readonly id: string;
  readonly url: string;
  readonly headers: Record<string, string>;
}

export default defineBench<Ctx>({
  name: "transport: client.getDevice vs bare fetch + JSON.parse (same URL, in-process simulator, one at a time)",
  baseline: "fetch + JSON.parse",
  minRatio: 0.67,
  targetTasks: ["client.getDevice (Effect)"],
  time: 1500,
  setup: async () => {
    // TPS limiting off at the server: the benchmark measures the client, not the key's budget.
    const sim = await startSimulator({ seed: 1, rateLimits: { tps: Infinity, tpd: Infinity } });
    const id = sim.fleet.ids()[3]!;
    // The default client: retry policy and pacing on, as an application would run it.
    const client = makeClient({ apiKey: sim.demoKey, baseUrl: sim.baseUrl });
    const url = `${sim.baseUrl}/devices/${id}`;
    const headers = { authorization: `Bearer ${sim.demoKey}`, accept: "application/json" };
    // Steady state: let the JIT settle on both paths before anything is timed.
    for (let i = 0; i < 400; i++) {
      await Effect.runPromise(client.getDevice(id));
      await (await fetch(url, { headers })).text();
    }
    return {
      sim,
      client,
      id,
      url,
      headers,
    };
  },
  teardown: (ctx) => ctx.sim.close(),
  metrics: async (ctx) => {
    const variants = {
      bare: async () => JSON.parse(await (await fetch(ctx.url, { headers: ctx.headers })).text()) as unknown,
      effect: () => Effect.runPromise(ctx.client.getDevice(ctx.id)),
      promise: () => ctx.client.promise.getDevice(ctx.id),
    };
    type Variant = keyof typeof variants;
    const ROUNDS = 25;
    const PER_ROUND = 60;
    const fastest: Record<Variant, number> = { bare: Infinity, effect: Infinity, promise: Infinity };
    const cpu: Record<Variant, number> = { bare: 0, effect: 0, promise: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of Object.keys(variants) as Array<Variant>) {
        const f = variants[name];
        // The main thread's CPU only: GC helper threads would charge the allocation-heavier path twice.
        const cpuStart = process.threadCpuUsage();
        const start = performance.now();
        for (let i = 0; i < PER_ROUND; i++) await f();
        fastest[name] = Math.min(fastest[name], ((performance.now() - start) * 1000) / PER_ROUND);
        const used = process.threadCpuUsage(cpuStart);
        cpu[name] += used.user + used.system;
      }
    }
    const perRequest = (name: Variant) => cpu[name] / (ROUNDS * PER_ROUND);
    const round1 = (x: number) => Math.round(x);
    const ratio = (x: number) => Math.round(x * 100) / 100;
    const rows = [
      { metric: "fastest round, bare fetch + JSON.parse", value: round1(fastest.bare), unit: "µs/request" },
      { metric: "fastest round, client.getDevice (Effect)", value: round1(fastest.effect), unit: "µs/request", baseline: round1(fastest.bare) },
      { metric: "fastest round, client.promise.getDevice", value: round1(fastest.promise), unit: "µs/request", baseline: round1(fastest.bare) },
      { metric: "CPU, bare fetch + JSON.parse", value: round1(perRequest("bare")), unit: "µs/request" },
      { metric: "CPU, client.getDevice (Effect)", value: round1(perRequest("effect")), unit: "µs/request", baseline: round1(perRequest("bare")) },
      { metric: "CPU, client.promise.getDevice", value: round1(perRequest("promise")), unit: "µs/request", baseline: round1(perRequest("bare")) },
    ];
    const targets = [
      ["Effect / bare (fastest round)", fastest.effect / fastest.bare],
      ["Promise / bare (fastest round)", fastest.promise / fastest.bare],
      ["Effect / bare (CPU)", perRequest("effect") / perRequest("bare")],
      ["Promise / bare (CPU)", perRequest("promise") / perRequest("bare")],
    ] as const;
    return [
      ...rows,
      ...targets.map(([metric, r]) => ({ metric, value: ratio(r), unit: "×", target: "≤ 1.5×", ok: r <= 1.5 })),
    ];
  },
  tasks: {
    "fetch + JSON.parse": async (ctx) => {
      const response = await fetch(ctx.url, { headers: ctx.headers });
      return JSON.parse(await response.text()) as unknown;
    },
    "client.getDevice (Effect)": (ctx) => Effect.runPromise(ctx.client.getDevice(ctx.id)),
    "client.promise.getDevice": (ctx) => ctx.client.promise.getDevice(ctx.id),
  },
});
