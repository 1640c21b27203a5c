// The cluster's side of the budget owner's recovery: an owner that starts where a predecessor stored its books
// (wattstream_cluster_budget) adopts the open leases stored with them and grants the rest at once; from a row
// without them (written by an older version) it waits one lease lifetime after that owner's last grant. Either
// way it spends no more of the day than the stored grants left. (The ledger's rules themselves are tested in
// @wattstream/resilience; this proves the stored row reaches it.)
import { Effect, Fiber, Layer, Redacted } from "effect";
import { SqlClient } from "effect/sql/SqlClient";
import * as PgClient from "@effect/sql-pg/PgClient";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator } from "@wattstream/simulator";
import type { Simulator } from "@wattstream/simulator";
import { openStore } from "@wattstream/store";
import type { Store } from "@wattstream/store";
import type { OpenLease } from "@wattstream/resilience";
import { keyFingerprint, runnerLayer } from "../src/index.ts";
import { ensureClusterTables, writeBudgetRow } from "../src/internal/tables.ts";
import { freePort, freshDatabase, until } from "./harness.ts";
import { startProxy } from "./proxy.ts";
import type { LoggedRequest, Proxy } from "./proxy.ts";

const DEVICES = 4;
// The simulator's TPD for the key (devices × 3456 + 1000), as the predecessor would have stored it.
const TPD = DEVICES * 3456 + 1000;
const LEFT_TODAY = 7;
// Lease lifetime of this runner: ttl 300 ms + max latency 700 ms + 1 s + 50 ms.
const LIFETIME_MS = 2050;

describe("a budget owner taking over from stored books", () => {
  let sim: Simulator;
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    sim = await startSimulator({ clock: "real", speed: 60, devices: DEVICES });
  }, 60_000);

  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
    await sim?.close();
  }, 60_000);

  /**
   * Stores a predecessor's books (its last grant just now, 7 requests of the day left, and `open` as its open
   * leases, or none stored at all), starts a runner on them, and returns what it sent.
   */
  const takeOver = async (open: ReadonlyArray<OpenLease> | null) => {
    const db = await freshDatabase();
    const log: Array<LoggedRequest> = [];
    const proxy: Proxy = await startProxy(sim.baseUrl, "r1", log);
    const store: Store = await openStore(db.url);
    const lastGrantAt = Date.now();
    await Effect.runPromise(
      Effect.gen(function* () {
        const sql = yield* SqlClient;
        yield* ensureClusterTables(sql);
        const books = {
          day: Math.floor(lastGrantAt / 86_400_000),
          grantedToday: TPD - LEFT_TODAY,
          tpsLimit: 50,
          tpdLimit: TPD,
          runners: [],
          openLeases: open ?? [],
        };
        yield* writeBudgetRow(sql, keyFingerprint(sim.demoKey), books, lastGrantAt);
        // A row as an older version wrote it: no open leases column value.
        if (open === null) yield* sql`update wattstream_cluster_budget set open_leases = null`;
      }).pipe(Effect.provide(PgClient.layer({ url: Redacted.make(db.url) }))),
    );
    const fiber = Effect.runFork(
      Layer.launch(
        runnerLayer({
          postgres: db.url,
          apiKey: sim.demoKey,
          baseUrl: proxy.baseUrl,
          listen: { host: "127.0.0.1", port: await freePort() },
          listEveryMs: 500,
          lease: { size: 5, ttlMs: 300, maxLatencyMs: 700 },
        }),
      ),
    );
    cleanups.push(async () => {
      await Effect.runPromise(Fiber.interrupt(fiber));
      await proxy.close();
      await store.close();
      await db.drop();
    });
    await until("a first request", async () => (log.length > 0 ? true : undefined), 30_000);
    const first = Math.min(...log.map((e) => e.at));
    // The runner's own figures, written every second: wait until they were written 3 s after the first request
    // (4 devices' state and energy polls at 60× want dozens of requests by then).
    await until(
      "figures written 3 s after the first request",
      async () => {
        const [row] = await store.query<{ updated_at: string }>("select updated_at from wattstream_cluster_runner_stats");
        return row !== undefined && Number(row.updated_at) > first + 3000 ? true : undefined;
      },
      30_000,
      500,
    );
    return { lastGrantAt, first, log };
  };

  it("from books without open leases: waits out the predecessor's leases and spends only what it left of the day", async () => {
    const { lastGrantAt, first, log } = await takeOver(null);
    expect(first).toBeGreaterThanOrEqual(lastGrantAt + LIFETIME_MS);
    // Never more than the day's stored remainder (the owner may say "spent" while a lease's unused slots are still
    // out: fewer, never more); and no 429 from the service.
    expect(log.length).toBeLessThanOrEqual(LEFT_TODAY);
    expect(log.filter((e) => e.status === 429)).toEqual([]);
  }, 90_000);

  it("from books with open leases: adopts them, grants the rest at once, and spends only what the day has left", async () => {
    // 45 of the key's 50 slots still out with a runner that is gone, for the next 2 s.
    const now = Date.now();
    const { lastGrantAt, first, log } = await takeOver([{ id: "old-1", runnerId: "127.0.0.1:1", slots: 45, reclaimAt: now + 2000 }]);
    expect(first).toBeLessThan(lastGrantAt + LIFETIME_MS);
    // At most the 5 free slots before the adopted lease is reclaimed.
    expect(log.filter((e) => e.at < now + 2000).length).toBeLessThanOrEqual(5);
    expect(log.length).toBeLessThanOrEqual(LEFT_TODAY);
    expect(log.filter((e) => e.status === 429)).toEqual([]);
  }, 90_000);
});
