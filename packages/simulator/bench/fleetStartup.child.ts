// Run in a child process by server.bench.ts so RSS is the simulator's alone: starts a 10,000-device fleet, makes
// one request, prints the figures as JSON on stdout.
import { startSimulator } from "../src/index.ts";

const rssBefore = process.memoryUsage().rss;
const t0 = performance.now();
const sim = await startSimulator({ devices: 10_000, rateLimits: { tps: Infinity } });
const res = await fetch(`${sim.baseUrl}/devices`, { headers: { Authorization: `Bearer ${sim.demoKey}` } });
const ids = (await res.json()) as string[];
const startMs = performance.now() - t0;
const last = ids.at(-1) ?? "";
const one = await fetch(`${sim.baseUrl}/short-energy/${last}/latest`, { headers: { Authorization: `Bearer ${sim.demoKey}` } });
await one.text();
const rss = process.memoryUsage().rss;
await sim.close();
console.log(JSON.stringify({ startMs, rssMB: rss / 2 ** 20, rssDeltaMB: (rss - rssBefore) / 2 ** 20, devices: ids.length }));
