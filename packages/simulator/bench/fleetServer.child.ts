// The simulator as its own process for packages/rx/bench/runner.bench.ts, as a real API would be: a real-clock
// server with DEVICES devices and the service's default budgets (TPS = devices ÷ 3 per simulated second, TPD
// per device-day), so its CPU never shows up in the client's event loop. Announces itself as one JSON line on
// stdout; each line "stats" on stdin is answered with its CPU time so far (ms) and its request count; when stdin
// closes it stops and prints its peak RSS.
// Usage: fleetServer.child.ts <devices> [speed]
import { createInterface } from "node:readline";
import { startSimulator } from "../src/index.ts";

const devices = Number(process.argv[2] ?? 100);
const speed = Number(process.argv[3] ?? 1);
const sim = await startSimulator({ clock: "real", speed, devices });
console.log(JSON.stringify({ baseUrl: sim.baseUrl, demoKey: sim.demoKey, devices: sim.fleet.ids().length }));
const input = createInterface({ input: process.stdin });
input.on("line", (line) => {
  if (line.trim() !== "stats") return;
  const { user, system } = process.cpuUsage();
  console.log(JSON.stringify({ cpuMs: (user + system) / 1000 }));
});
input.once("close", () => {
  void sim.close().then(() => {
    console.log(JSON.stringify({ maxRssMB: process.resourceUsage().maxRSS / 1024 }));
    process.exit(0);
  });
});
