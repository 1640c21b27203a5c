// The simulator as its own process for backfill.bench.ts, as a real API would be: a real-clock server with
// DEVICES devices (default budgets: TPS = devices ÷ 3), announced as one JSON line on stdout; it stops on SIGTERM
// (or when its parent's stdin pipe closes) and prints its peak RSS as a second JSON line.
import { startSimulator } from "@wattstream/simulator";

const devices = Number(process.argv[2] ?? 100);
const sim = await startSimulator({ clock: "real", devices });
console.log(JSON.stringify({ baseUrl: sim.baseUrl, demoKey: sim.demoKey, ids: sim.fleet.ids().slice(0, devices) }));
const stop = (): void => {
  void sim.close().then(() => {
    console.log(JSON.stringify({ maxRssMB: process.resourceUsage().maxRSS / 1024 }));
    process.exit(0);
  });
};
process.once("SIGTERM", stop);
process.stdin.once("end", stop);
process.stdin.resume();
