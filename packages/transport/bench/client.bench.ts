// Per-request cost of `client.getDevice` (validation, pacing, ky, rate-limit parsing, schema decoding, the
// Effect runtime) against the simulator, next to a bare `fetch` + `JSON.parse` of the same URL in the same run.
// Target: at most 1.5× the bare request's time (ratio of ops/s ≥ 0.67). Wall time on a shared machine is noisy,
// so `metrics` also measures main-thread CPU time per request (client and in-process server together, as the
// baseline's figure includes both), interleaving the two in rounds and taking the median ratio.
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
  name: "transport: client.getDevice vs bare fetch + JSON.parse",
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
    const bare = async () => JSON.parse(await (await fetch(ctx.url, { headers: ctx.headers })).text()) as unknown;
    const client = () => Effect.runPromise(ctx.client.getDevice(ctx.id));
    // The main thread's CPU only: GC helper threads would charge the allocation-heavier path twice.
    const cpu = async (f: () => Promise<unknown>, n: number): Promise<number> => {
      const start = process.threadCpuUsage();
      for (let i = 0; i < n; i++) await f();
      const used = process.threadCpuUsage(start);
      return (used.user + used.system) / n;
    };
    const bareRuns: Array<number> = [];
    const clientRuns: Array<number> = [];
    for (let round = 0; round < 15; round++) {
      bareRuns.push(await cpu(bare, 40));
      clientRuns.push(await cpu(client, 40));
    }
    const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const b = median(bareRuns);
    const c = median(clientRuns);
    return [
      { metric: "CPU per request, bare fetch + JSON.parse", value: b, unit: "µs" },
      { metric: "CPU per request, client.getDevice", value: c, unit: "µs", baseline: b },
      { metric: "client / bare (CPU)", value: c / b, unit: "×", target: "≤ 1.5×", ok: c / b <= 1.5 },
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
