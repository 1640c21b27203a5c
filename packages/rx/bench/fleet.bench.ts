// A fleet (2,000 devices by default; RX_BENCH_DEVICES=10000 for the full-scale run, several minutes on 2 cores)
// watched with device$ against the simulator on its virtual clock: heap per watched device (target ≤ 20 KB, a
// per-device figure that does not depend on the fleet's size), CPU per poll (client + rx; the in-process
// simulator's share measured apart by an in-memory run of the same streams), and events per second.
import v8 from "node:v8";
import vm from "node:vm";
import { Effect } from "effect";
import { VirtualTimeScheduler } from "rxjs";
import type { Subscription } from "rxjs";
import { defineBench } from "../../../tools/bench/defineBench.ts";
import type { BenchMetric } from "../../../tools/bench/defineBench.ts";
import { device$ } from "../src/index.ts";
import { parseDeviceId } from "@wattstream/core";
import type { Device } from "@wattstream/core";
import { fakeClient } from "../test/helpers.ts";
import { startHarness } from "../test/simHarness.ts";

const DEVICES = Number(process.env["RX_BENCH_DEVICES"] ?? 2_000);
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

/**
 * rx alone: the same streams over an in-memory client (no HTTP, no simulator). Heap per device is taken after
 * one poll round; CPU per poll on real timers (asyncScheduler, polling every 2 s for 3 rounds), because a
 * virtual-time scheduler re-sorts its queue on every timer and would dominate the figure at this size.
 */
const inMemory = async (records: ReadonlyArray<Device>) => {
  let polls = 0;
  const client = fakeClient({
    getDevice: (id: string) =>
      Effect.sync(() => {
        polls++;
        const r = records[Number(id.slice(1)) % records.length]!;
        return { ...structuredClone(r), id, comms: { ...r.comms, lastHeardAt: polls } };
      }),
  });
  const ids = Array.from({ length: DEVICES }, (_, i) => parseDeviceId(`D${String(i).padStart(12, "0")}`));
  const heap0 = heapUsed();
  const virtual = new VirtualTimeScheduler();
  let subs: Array<Subscription> = ids.map((id) => device$(client, id, { scheduler: virtual, every: EVERY, maxEvery: EVERY }).subscribe());
  virtual.maxFrames = 0;
  virtual.flush();
  const heapPerDevice = (heapUsed() - heap0) / DEVICES;
  for (const s of subs) s.unsubscribe();
  const period = 2_000;
  let events = 0;
  subs = ids.map((id) => device$(client, id, { every: period, maxEvery: period }).subscribe(() => events++));
  await new Promise((resolve) => setTimeout(resolve, 500)); // the first round
  const polls0 = polls;
  const events0 = events;
  const cpu0 = cpuMs();
  const wall0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ROUNDS * period));
  const perPollMs = (cpuMs() - cpu0) / (polls - polls0);
  const eventsPerSecond = (events - events0) / ((performance.now() - wall0) / 1000);
  for (const s of subs) s.unsubscribe();
  return { perPollMs, heapPerDevice, eventsPerSecond };
};

export default defineBench({
  name: `rx: ${DEVICES.toLocaleString("en-US")}-device fleet on the simulator (device$)`,
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
      const records = ids.slice(0, 50).map((id) => h.sim.fleet.get(id) as Device);
      const rxOnly = await inMemory(records);
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
        { metric: `events/s: rx alone (${DEVICES} devices polled every 2 s; keeps up if = devices ÷ 2)`, value: rxOnly.eventsPerSecond, unit: "events/s" },
        { metric: "polls in the measured rounds", value: ROUNDS * DEVICES, unit: "polls" },
      ];
    } finally {
      await h.close();
    }
  },
});
