// The simulator as its own process for backfill.bench.ts, as a real API would be: a real-clock server with
// DEVICES devices with HISTORY days of data (default budgets: TPS = devices ÷ 3), announced as one JSON line on
// stdout. Each line "cpu" on stdin is answered with its CPU time so far (ms); when stdin closes it stops and
// prints its peak RSS.
import { createInterface } from "node:readline";
import { startSimulator } from "@wattstream/simulator";

const devices = Number(process.argv[2] ?? 100);
// Days of history before now (the simulator's default is 10): the bench asks for its window plus a day.
const historyDays = Number(process.argv[3] ?? 10);
// Points the simulator's response cache may hold (its default: 100,000).
const pointCacheLimit = process.argv[4] === undefined ? undefined : Number(process.argv[4]);
const sim = await startSimulator({ clock: "real", devices, historyDays, ...(pointCacheLimit === undefined ? {} : { pointCacheLimit }) });
console.log(JSON.stringify({ baseUrl: sim.baseUrl, demoKey: sim.demoKey, ids: sim.fleet.ids().slice(0, devices) }));
const input = createInterface({ input: process.stdin });
input.on("line", (line) => {
  if (line.trim() !== "cpu") return;
  const { user, system } = process.cpuUsage();
  console.log(JSON.stringify({ cpuMs: (user + system) / 1000 }));
});
input.once("close", () => {
  void sim.close().then(() => {
    console.log(JSON.stringify({ maxRssMB: process.resourceUsage().maxRSS / 1024 }));
    process.exit(0);
  });
});
