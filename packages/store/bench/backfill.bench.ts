// A back-fill from the simulator into PostgreSQL, as `wattstream sync --out postgres://…` does it: N devices × D days
// of 5-minute long energy (default 100 × 30), devices fetched 8 at a time through transport's paced client
// (`longEnergyRange`, 7-day windows), each 2,000 intervals written with the device's checkpoint in one
// transaction. Reports wall time, intervals/s, requests/s as a share of the key's TPS (target ≥ 90 %) and 429s
// (target 0). STORE_BACKFILL_DEVICES / STORE_BACKFILL_DAYS change the size.
import { Effect, Stream } from "effect";
import { startSimulator } from "@wattstream/simulator";
import type { Simulator } from "@wattstream/simulator";
import { makeClient } from "@wattstream/transport";
import { defineBench } from "../../../tools/bench/defineBench.ts";
import { startTestPostgres } from "../../../tools/postgres/testPostgres.ts";
import type { TestPostgres } from "../../../tools/postgres/testPostgres.ts";
import { openStore } from "../src/index.ts";
import type { StorableEvent, Store } from "../src/index.ts";

const DEVICES = Number(process.env["STORE_BACKFILL_DEVICES"] ?? 100);
const DAYS = Number(process.env["STORE_BACKFILL_DAYS"] ?? 30);
const CONCURRENCY = 8;
const BATCH = 2_000;

interface Ctx {
  readonly sim: Simulator;
  readonly pg: TestPostgres;
  readonly store: Store;
}

export default defineBench<Ctx>({
  name: `store: back-fill ${DEVICES} devices × ${DAYS} days of 5-minute data from the simulator into PostgreSQL`,
  setup: async () => {
    // Real clock, default budgets: TPS = devices ÷ 3 (at least 5), as a key with this many devices would have.
    const sim = await startSimulator({ clock: "real", devices: DEVICES });
    const pg = await startTestPostgres();
    const store = await openStore(await pg.createDatabase(`backfill_${process.pid}`));
    return { sim, pg, store };
  },
  teardown: async ({ sim, pg, store }) => {
    await store.close();
    await sim.close();
    pg.stop();
  },
  metrics: async ({ sim, store }) => {
    let requests = 0;
    let throttled = 0;
    let tpsLimit = Number.NaN;
    const client = makeClient({
      apiKey: sim.demoKey,
      baseUrl: sim.baseUrl,
      fetch: async (input, init) => {
        requests++;
        const response = await fetch(input, init);
        if (response.status === 429) throttled++;
        const limit = Number(response.headers.get("x-ratelimit-tpslimit"));
        if (Number.isFinite(limit) && limit > 0) tpsLimit = limit;
        return response;
      },
    });
    const ids = sim.fleet.ids().slice(0, DEVICES);
    const toTs = Math.floor(Date.now() / 1000 / 300) * 300 - 3600;
    const fromTs = toTs - DAYS * 86_400;
    let intervals = 0;
    const started = performance.now();
    const one = async (id: string): Promise<void> => {
      const key = { deviceId: id, stream: "long" };
      let buffer: Array<StorableEvent> = [];
      let watermark = fromTs;
      const flush = () => {
        const events = buffer;
        buffer = [];
        return store.write(events, [[key, { watermark, seen: [], holes: [], lag: 0 }]]);
      };
      await Effect.runPromise(
        Stream.runForEach(client.longEnergyRange(id, { fromTs, toTs }, { granularity: "5m" }), (p) => {
          const point = p;
          buffer.push({ type: "interval", deviceId: id, stream: "long", point, channels: [] });
          watermark = point.timestamp + 300;
          intervals++;
          return buffer.length >= BATCH ? Effect.promise(flush) : Effect.void;
        }),
      );
      await flush();
    };
    const queue = [...ids];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) await one(id);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const [stored] = await store.query<{ n: number | string }>("select count(*) as n from intervals");
    const share = requests / seconds / tpsLimit;
    return [
      { metric: "wall time", value: seconds, unit: "s" },
      { metric: "intervals written (rows in intervals)", value: Number(stored!.n), unit: "intervals", target: `= ${intervals} received`, ok: Number(stored!.n) === intervals },
      { metric: "intervals per second", value: intervals / seconds, unit: "intervals/s" },
      { metric: "requests", value: requests, unit: "requests" },
      { metric: "requests per second", value: requests / seconds, unit: "req/s", baseline: tpsLimit },
      { metric: "share of the key's TPS", value: share * 100, unit: "%", target: "≥ 90 %", ok: share >= 0.9 },
      { metric: "429 responses", value: throttled, unit: "responses", target: "0", ok: throttled === 0 },
    ];
  },
});
