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
});
