// A 10,000-device fleet watched with device$ against the simulator on its virtual clock: heap per watched
// device (target ≤ 20 KB), CPU per poll (client + rx; the in-process simulator's share measured apart by an
// in-memory run of the same streams), and events per second.
import v8 from "node:v8";
import vm from "node:vm";
import { Effect } from "effect";
import { VirtualTimeScheduler } from "rxjs";
import type { Subscription } from "rxjs";
import { defineBench } from "../../../tools/bench/defineBench.ts";
import type { BenchMetric } from "../../../tools/bench/defineBench.ts";
import { device$ } from "../src/index.ts";
import type { DeviceLike } from "../src/index.ts";
import { startHarness } from "../test/simHarness.ts";

const DEVICES = Number(process.env["RX_BENCH_DEVICES"] ?? 10_000);
const EVERY = 300_000;
const ROUNDS = 3;

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;
const heapUsed = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** rx alone: the same streams over an in-memory client (no HTTP, no simulator), one poll round at a time. */
const inMemory = (records: ReadonlyArray<DeviceLike>) => {
  const scheduler = new VirtualTimeScheduler();
  let round = 0;
  const client = {
    getDevice: (id: string) =>
      Effect.sync(() => {
        const r = records[Number(id.slice(1)) % records.length]!;
        return { ...structuredClone(r), id, comms: { ...r.comms, lastHeardAt: round * 300 } };
      }),
  };
  let events = 0;
  const subs: Array<Subscription> = [];
  const heap0 = heapUsed();
  for (let i = 0; i < DEVICES; i++)
    subs.push(device$(client, `D${String(i).padStart(12, "0")}`, { scheduler, every: EVERY, maxEvery: EVERY }).subscribe(() => events++));
  scheduler.maxFrames = 0;
  scheduler.flush();
  const heapPerDevice = (heapUsed() - heap0) / DEVICES;
  const before = cpuMs();
  for (round = 1; round <= ROUNDS; round++) {
    scheduler.maxFrames = round * EVERY;
    scheduler.flush();
  }
  const perPollMs = (cpuMs() - before) / (ROUNDS * DEVICES);
  for (const s of subs) s.unsubscribe();
  return { perPollMs, events, heapPerDevice };
};

export default defineBench({
  name: "rx: 10,000-device fleet on the simulator (device$)",
  metrics: async (): Promise<ReadonlyArray<BenchMetric>> => {
    // Virtual time stands still while requests run, so a TPS window cannot be honoured here: TPS limiting off
    // (transport's pacing is measured in real time by its own tests). Daily budgets still apply.
    const h = await startHarness({ seed: 7, devices: DEVICES, rateLimits: { tps: Infinity } }, { pacing: false });
    try {
      const ids = h.sim.fleet.ids();
      const start = h.now();
      let events = 0;
      const heap0 = heapUsed();
      const subs = ids.map((id) => device$(h.client, id, { scheduler: h.scheduler, every: EVERY, maxEvery: EVERY }).subscribe(() => events++));
      await h.runUntil(start); // the first round: every device polled once
      const heapPerDevice = (heapUsed() - heap0) / DEVICES;
      const firstRound = events;
      const cpu0 = cpuMs();
      const wall0 = performance.now();
      await h.runUntil(start + (ROUNDS * EVERY) / 1000);
      const cpuPerPoll = (cpuMs() - cpu0) / (ROUNDS * DEVICES);
      const seconds = (performance.now() - wall0) / 1000;
      const eventsPerSecond = (events - firstRound) / seconds;
      for (const s of subs) s.unsubscribe();
      const records = ids.slice(0, 50).map((id) => h.sim.fleet.get(id) as DeviceLike);
      const rxOnly = inMemory(records);
      return [
        {
          metric: "heap per watched device: rx alone (in-memory client)",
          value: rxOnly.heapPerDevice / 1024,
          unit: "KB",
          target: "≤ 20 KB",
          ok: rxOnly.heapPerDevice <= 20 * 1024,
        },
        { metric: "heap per watched device: rx + HTTP client state (simulator)", value: heapPerDevice / 1024, unit: "KB" },
        { metric: "429 responses", value: h.requests.filter((r) => r.status === 429).length, unit: "", target: "0", ok: h.requests.every((r) => r.status !== 429) },
        { metric: "CPU per poll: client + rx + in-process simulator", value: cpuPerPoll, unit: "ms" },
        { metric: "CPU per poll: rx alone (in-memory client)", value: rxOnly.perPollMs, unit: "ms" },
        { metric: "events/s over HTTP (one per poll and device)", value: eventsPerSecond, unit: "events/s" },
        { metric: "polls in the measured rounds", value: ROUNDS * DEVICES, unit: "polls" },
      ];
    } finally {
      await h.close();
    }
  },
});
