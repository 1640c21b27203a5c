// Two API keys in one cluster: one runner on a real PostgreSQL against the simulator (its clock at wall speed, so
// the simulator's TPS second is the runner's), each key with its own TPS and part of the fleet, two devices seen
// by both keys. Each key gets its own fleet supervisor and budget owner; every request is logged by a proxy with
// its key's fingerprint, so each key's requests per second can be counted; no key appears in logs, status or
// tables.
import { Effect, Fiber, Layer } from "effect";
import * as Logger from "effect/Logger";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator } from "@wattstream/simulator";
import type { Simulator } from "@wattstream/simulator";
import { openStore } from "@wattstream/store";
import type { Store } from "@wattstream/store";
import { clusterStatus, keyFingerprint, runnerLayer } from "../src/index.ts";
import { freePort, freshDatabase, until } from "./harness.ts";
import { startProxy } from "./proxy.ts";
import type { LoggedRequest, Proxy } from "./proxy.ts";

const TPS_A = 4;
const TPS_B = 8;

/** The most requests in any window [t, t + 1 s) of arrival times. */
const busiestSecond = (times: ReadonlyArray<number>): number => {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let from = 0;
  for (let to = 0; to < sorted.length; to++) {
    while ((sorted[to] ?? 0) - (sorted[from] ?? 0) >= 1000) from++;
    best = Math.max(best, to - from + 1);
  }
  return best;
};

describe("several API keys in one cluster", () => {
  let sim: Simulator;
  let proxy: Proxy;
  let db: { url: string; drop: () => Promise<void> };
  let store: Store;
  let fiber: Fiber.Fiber<never, unknown>;
  let keyA = "";
  let keyB = "";
  const log: Array<LoggedRequest> = [];
  const logs: Array<string> = [];
  const watching = new Map<string, Set<string>>();

  beforeAll(async () => {
    sim = await startSimulator({ clock: "real", speed: 1, devices: 12 });
    const ids = sim.fleet.ids();
    keyA = sim.fleet.addKey({ permission: "read", devices: ids.slice(0, 7), rateLimits: { tps: TPS_A } });
    keyB = sim.fleet.addKey({ permission: "read", devices: ids.slice(5, 12), rateLimits: { tps: TPS_B } });
    proxy = await startProxy(sim.baseUrl, "r1", log);
    db = await freshDatabase();
    // Six hours of history, at most two intervals per request: more requests than either key's TPS allows.
    const fromTs = Math.floor(sim.clock.now() / 300) * 300 - 6 * 3600;
    const collect = Logger.make((o) => {
      logs.push(Logger.formatSimple.log(o));
    });
    fiber = Effect.runFork(
      Layer.launch(
        runnerLayer({
          postgres: db.url,
          apiKeys: [keyA, keyB, keyA],
          baseUrl: proxy.baseUrl,
          listen: { host: "127.0.0.1", port: await freePort() },
          energy: { fromTs, maxWindow: 600 },
          listEveryMs: 500,
          onWatch: ({ deviceId, keyId, watching: on }) => {
            const set = watching.get(keyId) ?? new Set<string>();
            watching.set(keyId, set);
            if (on) set.add(deviceId);
            else set.delete(deviceId);
          },
        }),
      ).pipe(Effect.provide(Logger.layer([collect]))),
    );
    store = await openStore(db.url);
  }, 60_000);

  afterAll(async () => {
    if (fiber !== undefined) await Effect.runPromise(Fiber.interrupt(fiber));
    await store?.close();
    await proxy?.close();
    await sim?.close();
    await db?.drop();
  }, 60_000);

  it("watches each key's devices under that key and keeps each key within its own TPS, with zero 429s", async () => {
    const a = keyFingerprint(keyA);
    const b = keyFingerprint(keyB);
    await until("seven devices watched under each key", async () => (watching.get(a)?.size === 7 && watching.get(b)?.size === 7 ? true : undefined), 30_000);
    const shared = sim.fleet.ids().slice(5, 7);
    for (const id of shared) {
      expect(watching.get(a)?.has(id), id).toBe(true);
      expect(watching.get(b)?.has(id), id).toBe(true);
    }
    // Ten busy seconds after every device started.
    const from = Date.now();
    await new Promise((r) => setTimeout(r, 10_000));
    const to = Date.now();
    const of = (key: string) => log.filter((e) => e.key === key);
    expect(log.filter((e) => e.status === 429)).toEqual([]);
    expect(new Set(log.map((e) => e.key))).toEqual(new Set([a, b]));
    expect(busiestSecond(of(a).map((e) => e.at))).toBeLessThanOrEqual(TPS_A);
    expect(busiestSecond(of(b).map((e) => e.at))).toBeLessThanOrEqual(TPS_B);
    // Each key spends its own budget while its devices have more to fetch than it allows (a one-shot slot is held
    // until a second after its answer, so with answers in a few milliseconds a key reaches a little under half of its
    // TPS — measured 2.0 of 4 and 4.0–4.8 of 8 req/s); the keys are not one budget.
    const rate = (key: string) => of(key).filter((e) => e.at >= from && e.at < to).length / ((to - from) / 1000);
    expect(rate(a)).toBeGreaterThanOrEqual(TPS_A * 0.4);
    expect(rate(b)).toBeGreaterThanOrEqual(TPS_B * 0.4);
    expect(rate(b)).toBeGreaterThan(rate(a) * 1.5);
    // A device seen by both keys is requested under both, and stored once.
    for (const id of shared) expect(new Set(log.filter((e) => e.device === id).map((e) => e.key)), id).toEqual(new Set([a, b]));
    const dup = await store.query<{ n: string }>(
      "select count(*) as n from (select device_id, ts from intervals group by device_id, stream, granularity, ts having count(*) > 1) d",
    );
    expect(Number(dup[0]?.n)).toBe(0);
    expect(await store.query("select device_id, ts from revisions")).toEqual([]);
  }, 60_000);

  it("shows each key's budget and use in status, by fingerprint; no key in status, logs or tables", async () => {
    const a = keyFingerprint(keyA);
    const b = keyFingerprint(keyB);
    const status = await until(
      "both keys' figures in status",
      async () => {
        const s = await clusterStatus(db.url);
        return s.budgets.length === 2 && s.budgets.every((k) => k.devices === 7 && k.requests > 0) ? s : undefined;
      },
      10_000,
    );
    expect(status.budgets.map((k) => [k.keyId, k.tpsLimit])).toEqual(
      [
        [a, TPS_A],
        [b, TPS_B],
      ].sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    );
    const [runner] = status.runners;
    expect(runner?.keys.map((k) => k.keyId).sort()).toEqual([a, b].sort());
    expect(runner?.devices).toBe(14);
    const tables = await store.query<{ name: string }>("select table_name as name from information_schema.tables where table_schema = 'public'");
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(["cluster_messages", "wattstream_cluster_budget", "wattstream_cluster_runner_stats"]));
    let rows = "";
    for (const { name } of tables) rows += JSON.stringify(await store.query(`select t::text as row from ${name} t`));
    expect(rows).toContain(a);
    expect(logs.join("\n")).toContain(`fleet ${a}`);
    for (const text of [JSON.stringify(status), logs.join("\n"), rows]) {
      expect(text).not.toContain(keyA);
      expect(text).not.toContain(keyB);
      expect(text).not.toMatch(/key_[A-Za-z0-9]{8,}/);
    }
  }, 30_000);
});
