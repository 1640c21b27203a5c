// `npm run dashboard`: the simulator on a sped-up real clock plus the Vite dev server, and the URL to open.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startSimulator } from "@wattstream/simulator";
import { createServer } from "vite";
import { configFragment } from "../src/config.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: {
    speed: { type: "string", default: "30" },
    seed: { type: "string", default: "1" },
    devices: { type: "string", default: "9" },
    port: { type: "string", default: "5173" },
    "sim-port": { type: "string", default: "0" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log(`npm run dashboard -- [--speed 30] [--seed 1] [--devices 9] [--port 5173] [--sim-port 0]

Starts the wattstream simulator on a real clock running --speed times faster than the wall clock, serves the
dashboard with Vite and prints the URL to open. Ctrl-C stops both.`);
  process.exit(0);
}
const int = (name: string, raw: string): number => {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got ${raw}`);
  return n;
};

const speed = int("speed", values.speed) || 1;
const sim = await startSimulator({
  clock: "real",
  speed,
  seed: int("seed", values.seed),
  devices: int("devices", values.devices),
  port: int("sim-port", values["sim-port"]),
});
// The page maps its own clock onto the simulator's with these three numbers (see `apiNow` in src/config.ts and rx's `scaledScheduler`).
const wallStart = Date.now();
const simStart = sim.clock.now();
const server = await createServer({
  configFile: join(root, "vite.config.ts"),
  root,
  server: { host: "127.0.0.1", port: int("port", values.port), strictPort: false },
});
await server.listen();
const base = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${int("port", values.port)}/`;
const url = `${base}${configFragment({ baseUrl: sim.baseUrl, apiKey: sim.demoKey, clock: { simStart, wallStart, speed } })}`;
console.log(`simulator  ${sim.baseUrl}  (real clock ×${speed}, ${values.devices} devices, seed ${values.seed})`);
console.log(`dashboard  ${url}`);
console.log("Ctrl-C to stop.");

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  await Promise.allSettled([server.close(), sim.close()]);
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
