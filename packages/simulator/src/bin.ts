#!/usr/bin/env node
// `wattstream-simulator`: runs the simulator on a real clock and prints where it listens and the demo key.
import { parseArgs } from "node:util";
import { startSimulator } from "./startSimulator.js";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    seed: { type: "string", default: "1" },
    devices: { type: "string" },
    speed: { type: "string", default: "1" },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (values.help) {
  console.log(
    "Usage: wattstream-simulator [--port 0] [--seed 1] [--devices 9] [--speed 1]\n" +
      "Serves a simulated Wattwatchers API v3 on 127.0.0.1 with a real clock (speed = simulated seconds per second).",
  );
  process.exit(0);
}

const number = (name: string, raw: string | undefined): number | undefined => {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n)) {
    console.error(`--${name} must be a number, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return n;
};

const devices = number("devices", values.devices);
const sim = await startSimulator({
  clock: "real",
  port: number("port", values.port) ?? 0,
  seed: number("seed", values.seed) ?? 1,
  speed: number("speed", values.speed) ?? 1,
  ...(devices === undefined ? {} : { devices }),
});
console.log(`Wattwatchers API v3 simulator listening on ${sim.baseUrl}`);
console.log(`Demo key (every device, full permissions): ${sim.demoKey}`);
console.log(`Try: curl -H "Authorization: Bearer ${sim.demoKey}" ${sim.baseUrl}/devices`);
const stop = (): void => {
  void sim.close().then(() => process.exit(0));
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
