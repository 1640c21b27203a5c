// `npm start -w @wattstream/example-alerting`: alerts from live data. With WATTSTREAM_API_KEY set it watches your
// devices on the real API; otherwise it starts the simulator (real clock, 60× faster), takes one device
// offline for a while, and prints the alerts as they happen. Stops after --minutes real minutes (default 2).
import { asyncScheduler } from "rxjs";
import { makeClient } from "@wattstream/transport";
import { startSimulator } from "@wattstream/simulator";
import { scaledScheduler } from "@wattstream/rx";
import { alerts$, formatAlert } from "./alerts.js";

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN;
  return Number.isFinite(v) ? v : fallback;
};
const minutes = arg("minutes", 2);
const rules = { offlineAfterMs: 15 * 60_000, highPowerW: arg("above", 1500), clearPowerW: arg("clear", 1200), sustainMs: 2 * 60_000 };

const apiKey = process.env["WATTSTREAM_API_KEY"];
const sim = apiKey ? undefined : await startSimulator({ clock: "real", speed: 60, devices: 3 });
const client = makeClient(sim ? { apiKey: sim.demoKey, baseUrl: sim.baseUrl } : { apiKey: apiKey ?? "" });
const scheduler = sim ? scaledScheduler(60, { now: () => sim.clock.now() * 1000 }) : asyncScheduler;
const ids = await client.promise.listDevices();

const first = ids[0];
if (sim && first !== undefined) {
  const now = sim.clock.now();
  sim.fleet.outage(first, { from: now + 120, to: now + 40 * 60 });
  console.log(`simulator ${sim.baseUrl} (real clock ×60); ${first} goes offline for 38 simulated minutes`);
}
console.log(`watching ${ids.length} devices for ${minutes} real minute(s): offline > 15 min, channel power ≥ ${rules.highPowerW} W for 2 min`);

const sub = alerts$(client, ids, rules, scheduler).subscribe((a) => console.log(formatAlert(a)));
setTimeout(() => {
  sub.unsubscribe();
  void sim?.close();
}, minutes * 60_000);
