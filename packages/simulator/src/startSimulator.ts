import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { createAdaptorServer } from "@hono/node-server";
import type { DeviceId } from "@wattstream/core";
import type { FaultRule, Faults } from "./Faults.js";
import { makeFaults } from "./Faults.js";
import type { Fleet, SimKey, SimKeys } from "./Fleet.js";
import { makeFleet, newKeyState } from "./Fleet.js";
import type { SimClock } from "./SimClock.js";
import { DEFAULT_START_TIME, makeRealClock, makeVirtualClock } from "./SimClock.js";
import type { SimState } from "./internal/app.js";
import { makeApp } from "./internal/app.js";
import { makeCacheBudget } from "./internal/responseCache.js";
import { buildFleet, DEFAULT_DEVICE_COUNT } from "./internal/fleet.js";
import type { KeyState, RateLimitOverride } from "./internal/keys.js";
import { makeKeyString } from "./internal/keys.js";
import { makeRng } from "./internal/prng.js";

/**
 * Options of {@link startSimulator}; every one is optional.
 *
 * @example
 * ```ts
 * const sim = await startSimulator({ seed: 7, devices: 50, rateLimits: { tps: 100 } });
 * ```
 * @category models
 */
export interface SimulatorOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** Seed of the fleet, the keys and the energy data: the same seed gives byte-identical responses. @default 1 */
  readonly seed?: number;
  /**
   * Number of devices. The first nine are a fixed mix (6M, 6W, 3M, 6M+3SW, 6W+3SW, a three-phase 6M4+3SW, a
   * 6M+One with a PMC-340B meter, a 3RM+3SW with a PMC-220 meter, and a 3M that has never reported); the rest
   * are drawn from the seed. @default 9
   */
  readonly devices?: number;
  /**
   * `virtual`: time moves only with `clock.advance`; `real`: wall-clock time times `speed`. On the virtual clock
   * TPS is not limited unless `rateLimits.tps` (or a key's own `tps`) is given, because its second never ends on
   * its own; see `rateLimits`. @default "virtual"
   */
  readonly clock?: "virtual" | "real";
  /** Clock start, Unix seconds. @default DEFAULT_START_TIME (virtual) or the current time (real) */
  readonly startTime?: number;
  /** Real clock only: simulated seconds per wall-clock second. @default 1 */
  readonly speed?: number;
  /** Fault rules active from the start (more can be added with `sim.faults.add`). @default [] */
  readonly faults?: ReadonlyArray<FaultRule>;
  /** Seed of the random-fault PRNG. @default seed */
  readonly faultSeed?: number;
  /**
   * TPS / TPD budgets for every key, instead of scaling them with the key's device count (devices ÷ 3 but at
   * least 5 per second; devices × 3456 + 1000 per day).
   *
   * **TPS on the virtual clock:** without an explicit `tps` (here or per key), TPS is *not limited* on the
   * virtual clock: its second only ends when you call `clock.advance`, so an enforced budget would answer 429 to
   * every request after the fifth, for ever. The headers then report `X-RateLimit-TpsLimit: 1000000000`, a
   * budget no pacing client waits for. Give `tps` to test TPS handling: the window is then the virtual second,
   * and a test advances the clock past a 429. TPD is always enforced (on virtual time, resetting at 00:00 UTC of
   * the clock). On the real clock both budgets scale by default; `{ tps: Infinity }` switches TPS off.
   * @default {}
   */
  readonly rateLimits?: RateLimitOverride;
  /**
   * Days of history each device has before the clock's start (plus 0–23 hours, drawn per device from the seed),
   * e.g. 31 for a 30-day back-fill. @default 10
   */
  readonly historyDays?: number;
  /** Back-fill speed after an outage, in seconds of data per second of clock time. @default 60 */
  readonly backfillRate?: number;
  /** Fleet-wide bound on cached serialized points (0 = effectively no cache; for benchmarks). @internal */
  readonly pointCacheLimit?: number;
}

/**
 * A running simulator: where it listens, its keys, and the clock, fleet and fault controls.
 *
 * @example
 * ```ts
 * await using sim = await startSimulator();
 * const client = makeClient({ apiKey: sim.demoKey, baseUrl: sim.baseUrl }); // from @wattstream/transport
 * sim.fleet.takeOffline(sim.fleet.ids()[0]!);
 * sim.clock.advance(600);
 * ```
 * @category models
 */
export interface Simulator {
  /** `http://127.0.0.1:<port>`, the base URL to give a client. */
  readonly baseUrl: string;
  readonly port: number;
  /** The key that sees every device with full permissions. */
  readonly demoKey: string;
  readonly keys: SimKeys;
  readonly clock: SimClock;
  readonly fleet: Fleet;
  readonly faults: Faults;
  /** Stops the server and drops open connections. */
  readonly close: () => Promise<void>;
  readonly [Symbol.asyncDispose]: () => Promise<void>;
}

const publicKey = (k: KeyState, order: ReadonlyArray<DeviceId>): SimKey => ({
  key: k.key,
  permission: k.permission,
  devices: () => order.filter((id) => k.devices.has(id)),
});

/**
 * The simulator-wide budgets. On the virtual clock the TPS window is a virtual second, which ends only when the
 * test advances the clock: a default budget of 5 would lock a client out for good after five requests while
 * `Retry-After: 1` promised otherwise. So there TPS is unlimited unless asked for (and the headers say so, with a
 * limit no pacing client waits for); TPD keeps counting on virtual time (api-facts: rate limits).
 */
const defaultRateLimits = (kind: "virtual" | "real", given: RateLimitOverride): RateLimitOverride =>
  kind === "virtual" && given.tps === undefined ? { ...given, tps: Infinity } : given;

/**
 * Starts a local server that behaves like the Wattwatchers REST API v3 on 127.0.0.1: all 14 operations over a
 * seeded virtual fleet, with keys and permissions, rate limits, eventually consistent writes, outages with
 * back-fill, revisions and fault injection, all driven by a virtual (default) or real clock.
 *
 * @example
 * ```ts
 * import { startSimulator } from "@wattstream/simulator";
 *
 * const sim = await startSimulator({ seed: 1 });
 * const res = await fetch(`${sim.baseUrl}/devices`, { headers: { Authorization: `Bearer ${sim.demoKey}` } });
 * console.log(await res.json()); // ["D…", …]
 * sim.clock.advance(300); // five virtual minutes later
 * await sim.close();
 * ```
 * @category constructors
 */
export const startSimulator = async (options: SimulatorOptions = {}): Promise<Simulator> => {
  const seed = options.seed ?? 1;
  const count = options.devices ?? DEFAULT_DEVICE_COUNT;
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`devices must be a non-negative integer`);
  const historyDays = options.historyDays ?? 10;
  if (!Number.isFinite(historyDays) || historyDays < 0) throw new RangeError(`historyDays must be a non-negative number of days`);
  const kind = options.clock ?? "virtual";
  const clock =
    kind === "virtual"
      ? makeVirtualClock(options.startTime ?? DEFAULT_START_TIME)
      : makeRealClock(options.startTime ?? Date.now() / 1000, options.speed ?? 1);
  const devices = buildFleet({ seed, count, now: clock.now(), historyDays });
  const byId = new Map<string, (typeof devices)[number]>(devices.map((d) => [d.id, d]));
  const ids = devices.map((d) => d.id);
  const keyRng = makeRng(seed ^ 0x6b657973);
  const keys = new Map<string, KeyState>();
  const addKey = (name: string, permission: KeyState["permission"], which: ReadonlyArray<DeviceId>): KeyState => {
    const k = newKeyState(makeKeyString(keyRng), name, permission, which);
    keys.set(k.key, k);
    return k;
  };
  const demo = addKey("demo", "config", ids);
  const readOnly = addKey(
    "readOnly",
    "read",
    ids.filter((_, i) => i % 2 === 0),
  );
  const metadataWrite = addKey("metadataWrite", "metadata", ids.slice(0, 5));
  const configWrite = addKey("configWrite", "config", ids.slice(3, 8));

  const state: SimState = {
    clock,
    devices,
    byId,
    keys,
    global: defaultRateLimits(kind, options.rateLimits ?? {}),
    backfillRate: options.backfillRate ?? 60,
    faults: makeFaults(makeRng(options.faultSeed ?? seed), options.faults ?? []),
    cache: makeCacheBudget(options.pointCacheLimit),
    seq: 0,
  };
  const app = makeApp(state);
  const server = createAdaptorServer({ fetch: app.fetch, hostname: "127.0.0.1" }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections();
    });
    return closed;
  };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    demoKey: demo.key,
    keys: {
      demo: publicKey(demo, ids),
      readOnly: publicKey(readOnly, ids),
      metadataWrite: publicKey(metadataWrite, ids),
      configWrite: publicKey(configWrite, ids),
    },
    clock,
    fleet: makeFleet(devices, byId, keys, clock, keyRng),
    faults: state.faults,
    close,
    [Symbol.asyncDispose]: close,
  };
};
