// Several writers at once: processes migrating and writing the same new database together (both drivers), and
// two writers of overlapping batches on one PostgreSQL database. Nothing may be duplicated or lost.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, SCHEMA_VERSION } from "../src/index.js";
import { bundleChild } from "./child.js";
import type { BundledChild } from "./child.js";
import { drivers } from "./drivers.js";
import { interval } from "./events.js";

const all = drivers();
let child: BundledChild;
beforeAll(async () => {
  child = await bundleChild("writeChild");
});
afterAll(async () => {
  child.remove();
  for (const d of all) await d.cleanup();
});

const T0 = 1_700_000_100 - (1_700_000_100 % 300);
const DEVICES = ["D100000000001", "D100000000002", "D100000000003"];
const num = (v: unknown) => Number(v);

describe.concurrent.each(all)("$name", (driver) => {
  it("four processes opening a new database at once migrate it once and together write every interval once", async () => {
    const url = await driver.fresh();
    // Overlapping ranges: [0, 200), [100, 300), [200, 400), [0, 400) intervals.
    const ranges = [[0, 200], [100, 300], [200, 400], [0, 400]] as const;
    await Promise.all(ranges.map(([a, b]) => child.run([url, String(T0 + a * 300), String(T0 + b * 300), ...DEVICES])));
    const store = await openStore(url);
    const version = await store.query<{ version: number }>("select version from wattstream_schema");
    expect(version.map((v) => num(v.version))).toEqual([SCHEMA_VERSION]);
    const [i] = await store.query<{ n: number }>("select count(*) as n from intervals");
    const [c] = await store.query<{ n: number }>("select count(*) as n from interval_channels");
    const [r] = await store.query<{ n: number }>("select count(*) as n from revisions");
    expect([num(i!.n), num(c!.n), num(r!.n)]).toEqual([400 * DEVICES.length, 400 * DEVICES.length * 6, 0]);
    await store.close();
  }, 30_000);
});

describe("two writers on one PostgreSQL database", () => {
  it("overlapping batches written concurrently: every interval once, none lost, no revision for equal values", async () => {
    const url = await all.find((d) => d.name === "postgres")!.fresh();
    const [a, b] = await Promise.all([openStore(url), openStore(url)]);
    // Each writer covers the whole range in a different batch order and size, so their transactions overlap.
    const batches = (size: number, reverse: boolean) => {
      const out: Array<ReturnType<typeof interval>[]> = [];
      for (let t = 0; t < 600; t += size) out.push(DEVICES.flatMap((d) => Array.from({ length: size }, (_, k) => interval(T0 + (t + k) * 300, 0, d))));
      return reverse ? out.reverse() : out;
    };
    const write = async (store: typeof a, list: ReturnType<typeof batches>) => {
      let inserted = 0;
      for (const events of list) inserted += (await store.write(events)).inserted;
      return inserted;
    };
    const [ia, ib] = await Promise.all([write(a, batches(25, false)), write(b, batches(40, true))]);
    expect(ia + ib).toBe(600 * DEVICES.length);
    const [i] = await a.query<{ n: number }>("select count(*) as n from intervals");
    const [c] = await a.query<{ n: number }>("select count(*) as n from interval_channels");
    const [r] = await a.query<{ n: number }>("select count(*) as n from revisions");
    expect([num(i!.n), num(c!.n), num(r!.n)]).toEqual([600 * DEVICES.length, 600 * DEVICES.length * 6, 0]);
    await Promise.all([a.close(), b.close()]);
  }, 30_000);
  it("two writers of different values for the same intervals, with checkpoints: the second value of each interval is one revision of the first", async () => {
    const url = await all.find((d) => d.name === "postgres")!.fresh();
    const [a, b] = await Promise.all([openStore(url), openStore(url)]);
    const cps = (w: number) => DEVICES.map((deviceId) => [{ deviceId, stream: "long" }, { watermark: w, seen: [], holes: [], lag: 0 }] as const);
    const write = async (store: typeof a, salt: number, size: number, reverse: boolean) => {
      const starts = Array.from({ length: 300 / size }, (_, k) => k * size);
      for (const t of reverse ? starts.reverse() : starts)
        await store.write(
          DEVICES.flatMap((d) => Array.from({ length: size }, (_, k) => interval(T0 + (t + k) * 300, salt, d))),
          cps(T0 + (t + size) * 300),
        );
    };
    await Promise.all([write(a, 0, 20, false), write(b, 1, 30, true)]);
    const n = 300 * DEVICES.length;
    const [i] = await a.query<{ n: number; once: number }>("select count(*) as n, count(*) filter (where revision_count = 1) as once from intervals");
    const [c] = await a.query<{ n: number }>("select count(*) as n from interval_channels");
    // Each revision's `current` is the stored value and its `previous` the other writer's (they differ by 1 in eReal).
    const [r] = await a.query<{ n: number; matching: number }>(`select count(*) as n, count(*) filter (where r.current = i.point::jsonb
      and abs((r.current->'eReal'->>0)::float8 - (r.previous->'eReal'->>0)::float8) = 1) as matching
      from revisions r join intervals i using (device_id, stream, granularity, ts)`);
    // Channel rows follow the stored value.
    const [stale] = await a.query<{ n: number }>(`select count(*) as n from interval_channels c join intervals i using (device_id, stream, granularity, ts)
      where c.e_real <> (i.point->'eReal'->>(c.channel - 1))::float8`);
    const [k] = await a.query<{ n: number }>("select count(*) as n from checkpoints");
    expect([num(i!.n), num(i!.once), num(c!.n), num(r!.n), num(r!.matching), num(stale!.n), num(k!.n)]).toEqual([n, n, n * 6, n, n, 0, DEVICES.length]);
    await Promise.all([a.close(), b.close()]);
  }, 30_000);
});
