// The fleet supervisor's start gate on a real PostgreSQL: it opens once the expected runners hold every shard
// between them (from their figures in wattstream_cluster_runner_stats), not while one is missing, holds none, or
// wrote its figures too long ago; then it opens after its timeout anyway.
import { Effect, Redacted } from "effect";
import { SqlClient } from "effect/sql/SqlClient";
import * as PgClient from "@effect/sql-pg/PgClient";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awaitRunners } from "../src/internal/startGate.ts";
import { ensureClusterTables } from "../src/internal/tables.ts";
import { freshDatabase } from "./harness.ts";

describe("the fleet supervisor's start gate", () => {
  let db: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  /** Writes one figures row per runner (shards held, written `agoMs` ago), then runs the gate for 3 runners of 300 shards. */
  const gate = (rows: ReadonlyArray<{ readonly shards: number; readonly agoMs: number }>, timeoutMs: number) =>
    Effect.runPromise(
      Effect.gen(function* () {
        const sql = yield* SqlClient;
        yield* ensureClusterTables(sql);
        yield* sql`delete from wattstream_cluster_runner_stats`;
        for (const [i, r] of rows.entries())
          yield* sql`insert into wattstream_cluster_runner_stats (runner, key_id, devices, shards, lease_tps, allowance, requests, failed_renewals, updated_at)
            values (${`10.0.0.${i}:34431`}, ${"k"}, ${0}, ${r.shards}, ${0}, ${0}, ${0}, ${0}, ${Date.now() - r.agoMs})`;
        const started = Date.now();
        const opened = yield* awaitRunners(3, 300, timeoutMs);
        return { opened, ms: Date.now() - started };
      }).pipe(Effect.provide(PgClient.layer({ url: Redacted.make(db.url) }))),
    );

  it("opens at once when the runners hold every shard between them", async () => {
    const { opened, ms } = await gate([{ shards: 100, agoMs: 0 }, { shards: 101, agoMs: 500 }, { shards: 99, agoMs: 1000 }], 10_000);
    expect(opened).toBe(true);
    expect(ms).toBeLessThan(5000);
  });

  it("stays shut while a runner is missing, holds no shard, or its figures are stale; opens after the timeout", async () => {
    for (const rows of [
      [{ shards: 150, agoMs: 0 }, { shards: 150, agoMs: 0 }],
      [{ shards: 150, agoMs: 0 }, { shards: 150, agoMs: 0 }, { shards: 0, agoMs: 0 }],
      [{ shards: 100, agoMs: 0 }, { shards: 100, agoMs: 0 }, { shards: 100, agoMs: 10_000 }],
      // Shards not all taken yet (a runner still acquiring its share).
      [{ shards: 100, agoMs: 0 }, { shards: 100, agoMs: 0 }, { shards: 60, agoMs: 0 }],
    ]) {
      const { opened, ms } = await gate(rows, 600);
      expect(opened, JSON.stringify(rows)).toBe(false);
      expect(ms).toBeGreaterThanOrEqual(600);
    }
  });
});
