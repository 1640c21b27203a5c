// Requests per second the simulator serves over loopback HTTP, against a plain node:http handler that returns a
// constant body (a device record's bytes: the floor any Node server pays), measured in the same run with the same
// keep-alive client. The client runs in the same process, so client-side costs count on both sides.
// Target: ≥ 0.5× the baseline. Also: a 10,000-device fleet starts in < 2 s and uses < 300 MB RSS, measured in a
// child process (RSS of the whole child: Node runtime + tsx + simulator).
import { execFile } from "node:child_process";
import type { Server } from "node:http";
import { Agent, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { defineBench } from "../../../tools/bench/defineBench.ts";
import type { Simulator } from "../src/index.ts";
import { DEFAULT_START_TIME, startSimulator } from "../src/index.ts";

const BATCH = 64;
const CONCURRENCY = 8;

interface Ctx {
  readonly sim: Simulator;
  /** The same simulator with its point cache off, for the cold figure. */
  readonly cold: Simulator;
  readonly baseline: Server;
  readonly baselineUrl: string;
  readonly agent: Agent;
  readonly devicePath: string;
  readonly shortPath: string;
  readonly coldShortPath: (i: number) => string;
}

let coldCounter = 0;

const get = (agent: Agent, url: string, key?: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: key ? { Authorization: `Bearer ${key}` } : {} }, (res) => {
      let bytes = 0;
      res.on("data", (chunk: Buffer) => (bytes += chunk.length));
      res.on("end", () => (res.statusCode === 200 ? resolve(bytes) : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on("error", reject);
    req.end();
  });

/** BATCH requests, at most CONCURRENCY in flight. */
const burst = async (agent: Agent, url: string | ((i: number) => string), key?: string): Promise<void> => {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < BATCH) {
      next++;
      await get(agent, typeof url === "string" ? url : url(next), key);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
};


export default defineBench<Ctx>({
  name: "simulator: HTTP requests per second",
  baseline: "node:http constant body",
  minRatio: 0.5,
  time: 2500,
  setup: async () => {
    const sim = await startSimulator({ rateLimits: { tps: Infinity, tpd: Infinity } });
    const cold = await startSimulator({ rateLimits: { tps: Infinity, tpd: Infinity }, pointCacheLimit: 0 });
    const id = sim.fleet.ids()[0]!;
    const auth = { headers: { Authorization: `Bearer ${sim.demoKey}` } };
    // The baseline answers with constant bodies the size of the simulator's: a device record at `/`, and the
    // 1-hour short-energy body at `/short` (a reference row, so transfer cost and simulator cost can be told apart).
    const deviceBody = await (await fetch(`${sim.baseUrl}/devices/${id}`, auth)).text();
    const shortBody = await (
      await fetch(`${sim.baseUrl}/short-energy/${id}?fromTs=${DEFAULT_START_TIME - 3600}&toTs=${DEFAULT_START_TIME}`, auth)
    ).text();
    const baseline = createServer((req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(req.url === "/short" ? shortBody : deviceBody);
    });
    await new Promise<void>((resolve) => baseline.listen(0, "127.0.0.1", resolve));
    return {
      sim,
      cold,
      baseline,
      baselineUrl: `http://127.0.0.1:${(baseline.address() as AddressInfo).port}/`,
      agent: new Agent({ keepAlive: true, maxSockets: CONCURRENCY }),
      devicePath: `${sim.baseUrl}/devices/${id}`,
      shortPath: `${sim.baseUrl}/short-energy/${id}?fromTs=${DEFAULT_START_TIME - 3600}&toTs=${DEFAULT_START_TIME}`,
      // A different hour each request, on a simulator whose point cache is off: every point is computed.
      coldShortPath: () => {
        const from = DEFAULT_START_TIME - 3600 - ((coldCounter++ * 3630) % (9 * 86_400));
        return `${cold.baseUrl}/short-energy/${id}?fromTs=${from}&toTs=${from + 3600}`;
      },
    };
  },
  teardown: async ({ sim, cold, baseline, agent }) => {
    agent.destroy();
    await sim.close();
    await cold.close();
    await new Promise<void>((resolve) => baseline.close(() => resolve()));
  },
  tasks: {
    "node:http constant body": { batch: BATCH, fn: (c) => burst(c.agent, c.baselineUrl) },
    "node:http constant 1 h short-energy body (reference)": {
      batch: BATCH,
      fn: (c) => burst(c.agent, `${c.baselineUrl}short`),
    },
    "GET /devices/{id}": { batch: BATCH, fn: (c) => burst(c.agent, c.devicePath, c.sim.demoKey) },
    "GET /short-energy/{id} (1 h, 120 points)": { batch: BATCH, fn: (c) => burst(c.agent, c.shortPath, c.sim.demoKey) },
    // Reported for honesty, not a target: the same request when its points are not cached yet.
    "GET /short-energy/{id} (1 h, cold cache)": {
      batch: BATCH,
      fn: (c) => burst(c.agent, c.coldShortPath, c.cold.demoKey),
    },
  },
  targetTasks: ["GET /devices/{id}", "GET /short-energy/{id} (1 h, 120 points)"],
  metrics: async () => {
    const child = path.join(path.dirname(fileURLToPath(import.meta.url)), "fleetStartup.child.ts");
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "--conditions=@wattstream/source", child],
      { cwd: path.dirname(child) },
    );
    const r = JSON.parse(stdout.trim().split("\n").at(-1)!) as { startMs: number; rssMB: number; devices: number };
    return [
      { metric: "10,000-device fleet: start + first listDevices", value: r.startMs, unit: "ms", target: "< 2000 ms", ok: r.startMs < 2000 },
      { metric: "10,000-device fleet: child process RSS", value: r.rssMB, unit: "MB", target: "< 300 MB", ok: r.rssMB < 300 },
      { metric: "devices listed", value: r.devices, unit: "devices", target: "10000", ok: r.devices === 10_000 },
    ];
  },
});
