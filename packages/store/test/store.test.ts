// One behaviour suite, two drivers: everything here runs on SQLite (node:sqlite) and on a real PostgreSQL.
import { afterAll, describe, expect, it } from "vitest";
import { Subject, lastValueFrom, toArray } from "rxjs";
import { Effect } from "effect";
import { connect } from "../src/EnergyStore.js";
import { migrate } from "../src/internal/schema.js";
import { openStore, parseStoreUrl, SCHEMA_VERSION } from "../src/index.js";
import type { StorableEvent, Store } from "../src/index.js";
import { drivers } from "./drivers.js";
import { DEVICE, interval, layout } from "./events.js";

const all = drivers();
afterAll(async () => {
  for (const d of all) await d.cleanup();
});

const T0 = 1_700_000_100 - (1_700_000_100 % 300);
const key = { deviceId: DEVICE, stream: "long" };
const cp = (watermark: number) => ({ watermark, seen: [] as Array<readonly [number, number]>, holes: [], lag: 0 });

const count = async (store: Store, table: string): Promise<number> => {
  const rows = await store.query<{ n: number | string }>(`select count(*) as n from ${table}`);
  return Number(rows[0]!.n);
};

describe.each(all)("$name", (driver) => {
  const withStore = async (f: (store: Store, url: string) => Promise<void>): Promise<void> => {
    const url = await driver.fresh();
    const store = await openStore(url);
    try {
      await f(store, url);
    } finally {
      await store.close();
    }
  };

  it("opens a new database at the current schema version, and re-opens it without migrating again", async () => {
    await withStore(async (store, url) => {
      expect(store.effect.schemaVersion).toBe(SCHEMA_VERSION);
      const again = await openStore(url);
      const rows = await again.query<{ version: number }>("select version from wattstream_schema");
      expect(rows.map((r) => Number(r.version))).toEqual([SCHEMA_VERSION]);
      await again.close();
    });
  });

  it("writes an interval once: a re-delivered one is a no-op, a row per channel with its ID and values", async () => {
    await withStore(async (store) => {
      const events = [interval(T0), interval(T0 + 300), interval(T0 + 600)];
      expect(await store.write(events)).toMatchObject({ inserted: 3, revised: 0, unchanged: 0 });
      expect(await store.write(events)).toMatchObject({ inserted: 0, revised: 0, unchanged: 3 });
      expect(await count(store, "intervals")).toBe(3);
      expect(await count(store, "interval_channels")).toBe(18);
      expect(await count(store, "revisions")).toBe(0);
      const rows = await store.query<{ channel: number; channel_id: string; e_real: number }>(
        `select channel, channel_id, e_real from interval_channels where ts = ${T0 + 300} order by channel`,
      );
      const e = ((T0 + 300) / 300) % 97 * 10;
      expect(rows.map((r) => [Number(r.channel), r.channel_id, Number(r.e_real)])).toEqual(
        layout().map((c, i) => [i + 1, c.id, e + i]),
      );
    });
  });

  it("channel values: arrays of different lengths and non-numeric values give NULL, each interval its own channels", async () => {
    await withStore(async (store) => {
      const point = (ts: number, eReal: Array<unknown>, eReactive: Array<unknown>) => ({ timestamp: ts, duration: 300, eReal, eReactive });
      const events = [
        { type: "interval", deviceId: DEVICE, stream: "long", point: point(T0, [1, 2, 3], [4]), channels: layout() },
        { type: "interval", deviceId: DEVICE, stream: "long", point: point(T0 + 300, [], ["x", 5]), channels: layout() },
        { type: "interval", deviceId: DEVICE, stream: "long", point: { timestamp: T0 + 600, duration: 300 }, channels: layout() },
        { type: "interval", deviceId: DEVICE, stream: "long", point: point(T0 + 900, [7.25, null], [-1e21, 8]), channels: layout() },
      ] as Array<StorableEvent>;
      expect(await store.write(events)).toMatchObject({ inserted: 4 });
      const rows = await store.query<Record<string, unknown>>(
        "select ts, channel, e_real, e_reactive, e_real_positive from interval_channels order by ts, channel",
      );
      const n = (v: unknown) => (v === null ? null : Number(v));
      expect(rows.map((r) => [Number(r["ts"]) - T0, n(r["channel"]), n(r["e_real"]), n(r["e_reactive"]), n(r["e_real_positive"])])).toEqual([
        [0, 1, 1, 4, null],
        [0, 2, 2, null, null],
        [0, 3, 3, null, null],
        [300, 1, null, null, null],
        [300, 2, null, 5, null],
        [900, 1, 7.25, -1e21, null],
        [900, 2, null, 8, null],
      ]);
    });
  });

  it("a batch with no channel values at all (Modbus reads): every interval stored, no channel rows", async () => {
    await withStore(async (store) => {
      const read = (ts: number) => ({ type: "interval", deviceId: DEVICE, stream: "modbus", point: { timestamp: ts, kWh_Imp: ts % 1000 }, channels: [] }) as StorableEvent;
      expect(await store.write([read(T0), read(T0 + 300)], [[{ deviceId: DEVICE, stream: "modbus" }, cp(T0 + 600)]])).toMatchObject({ inserted: 2 });
      expect(await count(store, "intervals")).toBe(2);
      expect(await count(store, "interval_channels")).toBe(0);
      expect(await store.checkpoints.load({ deviceId: DEVICE, stream: "modbus" })).toEqual(cp(T0 + 600));
    });
  });

  it("a batch larger than one statement's parameter limit (2,000 intervals, 12,000 channel rows)", async () => {
    await withStore(async (store) => {
      const events = Array.from({ length: 2_000 }, (_, k) => interval(T0 + k * 300));
      expect(await store.write(events)).toMatchObject({ inserted: 2_000 });
      expect(await count(store, "interval_channels")).toBe(12_000);
    });
  });

  it("a changed interval is an update plus a revision row with the previous and current values", async () => {
    await withStore(async (store) => {
      await store.write([interval(T0), interval(T0 + 300)]);
      // The same values with keys in another order are the same interval (canonical fingerprint).
      const reordered = interval(T0);
      const p = reordered.type === "interval" ? reordered.point : undefined;
      const shuffled = { ...reordered, point: Object.fromEntries(Object.entries(p!).reverse()) as typeof p & object };
      expect(await store.write([shuffled])).toMatchObject({ unchanged: 1, revised: 0 });
      expect(await store.write([interval(T0 + 300, 5, DEVICE, "revised")])).toMatchObject({ inserted: 0, revised: 1 });
      expect(await store.write([interval(T0 + 300, 5, DEVICE, "revised")])).toMatchObject({ revised: 0, unchanged: 1 });
      expect(await count(store, "intervals")).toBe(2);
      expect(await count(store, "interval_channels")).toBe(12);
      const revs = await store.query<{ ts: number; previous: unknown; current: unknown }>("select ts, previous, current from revisions");
      expect(revs).toHaveLength(1);
      const parse = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v) as { eReal: Array<number> };
      const base = ((T0 + 300) / 300) % 97 * 10;
      expect(parse(revs[0]!.previous).eReal[0]).toBe(base);
      expect(parse(revs[0]!.current).eReal[0]).toBe(base + 5);
      const ch = await store.query<{ e_real: number }>(`select e_real from interval_channels where ts = ${T0 + 300} and channel = 1`);
      expect(Number(ch[0]!.e_real)).toBe(base + 5);
      const rc = await store.query<{ revision_count: number }>(`select revision_count from intervals where ts = ${T0 + 300}`);
      expect(Number(rc[0]!.revision_count)).toBe(1);
    });
  });

  it("the checkpoint commits with the data it covers: a failing batch leaves neither", async () => {
    await withStore(async (store) => {
      await store.write([interval(T0)], [[key, cp(T0 + 300)]]);
      const bad: StorableEvent = { type: "gap", deviceId: DEVICE, stream: "long", fromTs: Number.NaN, toTs: Number.NaN };
      await expect(store.write([interval(T0 + 300), bad], [[key, cp(T0 + 600)]])).rejects.toMatchObject({ _tag: "StoreWriteError" });
      expect(await store.checkpoints.load(key)).toEqual(cp(T0 + 300));
      expect(await count(store, "intervals")).toBe(1);
      // The store is still usable after the rollback.
      await store.write([interval(T0 + 300)], [[key, cp(T0 + 600)]]);
      expect((await store.checkpoints.load(key))?.watermark).toBe(T0 + 600);
      expect(await count(store, "intervals")).toBe(2);
    });
  });

  it("one write mixing new, re-delivered and changed intervals with the same checkpoint key twice: the last checkpoint wins", async () => {
    await withStore(async (store) => {
      await store.write([interval(T0), interval(T0 + 300)], [[key, cp(T0 + 600)]]);
      const result = await store.write(
        [interval(T0 + 300, 7, DEVICE, "revised"), interval(T0 + 900), interval(T0), interval(T0 + 600)],
        [
          [key, cp(T0 + 900)],
          [key, cp(T0 + 1200)],
        ],
      );
      expect(result).toMatchObject({ inserted: 2, revised: 1, unchanged: 1, checkpoints: 2 });
      expect(await store.checkpoints.load(key)).toEqual(cp(T0 + 1200));
      expect(await count(store, "intervals")).toBe(4);
      expect(await count(store, "interval_channels")).toBe(24);
      expect(await count(store, "revisions")).toBe(1);
      // A write of checkpoints alone.
      expect(await store.write([], [[{ deviceId: "D000000000002", stream: "long" }, cp(T0)]])).toMatchObject({ inserted: 0, checkpoints: 1 });
      expect(await store.checkpoints.load({ deviceId: "D000000000002", stream: "long" })).toEqual(cp(T0));
    });
  });

  it("a batch whose last interval already exists (changed): earlier new ones once, the change one revision, the checkpoint saved", async () => {
    await withStore(async (store) => {
      // The first write records the device's layout; on PostgreSQL the second is then first tried as one
      // statement of new intervals, which meets T0 + 900 last and must leave nothing behind when it falls back.
      await store.write([interval(T0 + 900)], [[key, cp(T0 + 1200)]]);
      const result = await store.write([interval(T0), interval(T0 + 300), interval(T0 + 600), interval(T0 + 900, 5, DEVICE, "revised")], [[key, cp(T0 + 1500)]]);
      expect(result).toMatchObject({ inserted: 3, revised: 1, unchanged: 0, checkpoints: 1 });
      expect(await store.checkpoints.load(key)).toEqual(cp(T0 + 1500));
      expect(await count(store, "intervals")).toBe(4);
      expect(await count(store, "interval_channels")).toBe(24);
      expect(await count(store, "revisions")).toBe(1);
      // And a batch of only new intervals after it: all inserted, with its checkpoint.
      expect(await store.write([interval(T0 + 1200), interval(T0 + 1500)], [[key, cp(T0 + 1800)]])).toMatchObject({ inserted: 2, revised: 0, checkpoints: 1 });
      expect(await store.checkpoints.load(key)).toEqual(cp(T0 + 1800));
      expect(await count(store, "interval_channels")).toBe(36);
    });
  });

  it("a sink writes buffered events and the checkpoint in one transaction when the stream saves", async () => {
    await withStore(async (store) => {
      const sink = store.sink({ batchSize: 1_000, flushAfterMs: 60_000 });
      const source = new Subject<StorableEvent>();
      const done = lastValueFrom(source.pipe(sink.write(), toArray()));
      source.next(interval(T0));
      source.next(interval(T0 + 300));
      expect(await count(store, "intervals")).toBe(0);
      await sink.checkpoints.save(key, cp(T0 + 600));
      expect(await count(store, "intervals")).toBe(2);
      expect((await sink.checkpoints.load(key))?.watermark).toBe(T0 + 600);
      source.next(interval(T0 + 600));
      source.complete();
      expect(await done).toHaveLength(3);
      expect(await count(store, "intervals")).toBe(3);
    });
  });

  it("stores device snapshots with their channels, gaps once, anomalies once, and skips status and unknown events", async () => {
    await withStore(async (store) => {
      const device = { id: DEVICE, label: "Shop", channels: layout().map((c, i) => ({ ...c, label: `L${i + 1}`, categoryId: 3, categoryLabel: "Lights" })) };
      const events: Array<StorableEvent> = [
        { type: "snapshot", deviceId: DEVICE, device, previous: undefined, events: [], online: true },
        { type: "gap", deviceId: DEVICE, stream: "long", fromTs: T0, toTs: T0 + 600 },
        { type: "anomaly", deviceId: DEVICE, stream: "long", timestamp: T0, kind: "negativeEnergy", channel: 2 },
        { type: "status", deviceId: DEVICE, status: "ok" },
        { type: "somethingNew", deviceId: DEVICE },
      ];
      expect(await store.write(events)).toMatchObject({ devices: 1, gaps: 1, anomalies: 1, ignored: 2 });
      expect(await store.write(events)).toMatchObject({ devices: 1, gaps: 0, anomalies: 0, ignored: 2 });
      const channels = await store.query<{ idx: number; channel_id: string; label: string; category_label: string }>(
        "select idx, channel_id, label, category_label from channels order by idx",
      );
      expect(channels.map((c) => [Number(c.idx), c.channel_id, c.label, c.category_label])).toEqual(
        layout().map((c, i) => [i + 1, c.id, `L${i + 1}`, "Lights"]),
      );
      expect(await count(store, "anomalies")).toBe(1);
      const a = await store.query<{ kind: string; ts: number }>("select kind, ts from anomalies");
      expect([a[0]!.kind, Number(a[0]!.ts)]).toEqual(["negativeEnergy", T0]);
    });
  });

  it("labels channels from the layout energy events carry, rewriting them only when the layout changes", async () => {
    await withStore(async (store) => {
      const labelled = (ts: number, label: string): StorableEvent => {
        const e = interval(ts);
        return { ...e, channels: layout().map((c, i) => ({ ...c, label: `${label}${i + 1}` })) } as StorableEvent;
      };
      await store.write([labelled(T0, "A")]);
      await store.write([labelled(T0 + 300, "A")]);
      const labels = async () => (await store.query<{ label: string }>("select label from channels order by idx")).map((r) => r.label);
      expect(await labels()).toEqual(["A1", "A2", "A3", "A4", "A5", "A6"]);
      await store.write([labelled(T0 + 600, "B")]);
      expect(await labels()).toEqual(["B1", "B2", "B3", "B4", "B5", "B6"]);
    });
  });

  it("energy_per_channel_day sums each channel per UTC day", async () => {
    await withStore(async (store) => {
      const day = 86_400 * 19_700;
      await store.write([interval(day), interval(day + 300), interval(day + 86_400)]);
      const rows = await store.query<{ day: string; channel: number; e_real: number; intervals: number }>(
        "select day, channel, e_real, intervals from energy_per_channel_day where channel = 1 order by day",
      );
      const v = (ts: number) => ((ts / 300) % 97) * 10;
      expect(rows.map((r) => [r.day, Number(r.e_real), Number(r.intervals)])).toEqual([
        [new Date(day * 1000).toISOString().slice(0, 10), v(day) + v(day + 300), 2],
        [new Date((day + 86_400) * 1000).toISOString().slice(0, 10), v(day + 86_400), 1],
      ]);
    });
  });

  it("upgrades a version-1 database with data: every interval, channel value, revision and checkpoint kept", async () => {
    const url = await driver.fresh();
    // Version 1 as a release of it wrote it: an interval row with the point, a row per channel (a 6-channel
    // interval, a revised 2-channel one of another device with a missing value), a revision, a checkpoint.
    const j = (v: unknown) => `'${JSON.stringify(v)}'`;
    const p1 = { timestamp: T0, duration: 300, eReal: [1, 2, 3, 4, 5, 6], eReactive: [0, 1, 0, 1, 0, 1], eRealPositive: [1, 2, 3, 4, 5, 6], eRealNegative: [0, 0, 0, 0, 0, 0] };
    const p2 = { timestamp: T0 + 300, duration: 300, eReal: [7.5, -2], eReactive: [3], eRealPositive: [7.5, 0], eRealNegative: [0, 2] };
    const channelRow = (d: string, t: number, c: number, id: string, p: typeof p1 | typeof p2) =>
      `insert into interval_channels values ('${d}', 'long', 300, ${t}, ${c}, '${id}', ${p.eReal[c - 1] ?? "null"}, ${p.eReactive[c - 1] ?? "null"}, ${p.eRealPositive[c - 1] ?? "null"}, ${p.eRealNegative[c - 1] ?? "null"})`;
    await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const { sql, dialect } = yield* connect(yield* parseStoreUrl(url), {});
          expect(yield* migrate(sql, dialect, 1)).toBe(1);
          const statements = [
            `insert into channels values ('${DEVICE}', 1, '${DEVICE}_C1', 'Grid', null, null), ('D2', 1, 'D2_C1', null, null, null), ('D2', 2, 'D2_C2', null, null, null)`,
            `insert into intervals values ('${DEVICE}', 'long', 300, ${T0}, ${j(p1)}, 0), ('D2', 'long', 300, ${T0 + 300}, ${j(p2)}, 1)`,
            ...[1, 2, 3, 4, 5, 6].map((c) => channelRow(DEVICE, T0, c, `${DEVICE}_C${c}`, p1)),
            ...[1, 2].map((c) => channelRow("D2", T0 + 300, c, `D2_C${c}`, p2)),
            `insert into revisions (device_id, stream, granularity, ts, previous, current, revised_at) values ('D2', 'long', 300, ${T0 + 300}, ${j({ ...p2, eReal: [7, -2] })}, ${j(p2)}, 1)`,
            `insert into checkpoints values ('${DEVICE}', 'long', ${T0 + 300}, ${j(cp(T0 + 300))}, 1)`,
          ];
          for (const statement of statements) yield* sql.unsafe(statement);
        }),
      ),
    );
    const store = await openStore(url);
    try {
      expect(store.effect.schemaVersion).toBe(SCHEMA_VERSION);
      const channels = await store.query<Record<string, unknown>>(
        "select device_id, ts, channel, channel_id, e_real, e_reactive, e_real_positive, e_real_negative from interval_channels order by device_id, ts, channel",
      );
      const n = (v: unknown) => (v === null ? null : Number(v));
      const expected = [
        ...[1, 2, 3, 4, 5, 6].map((c) => [DEVICE, T0, c, `${DEVICE}_C${c}`, p1.eReal[c - 1], p1.eReactive[c - 1], p1.eRealPositive[c - 1], p1.eRealNegative[c - 1]]),
        ...[1, 2].map((c) => ["D2", T0 + 300, c, `D2_C${c}`, p2.eReal[c - 1], p2.eReactive[c - 1] ?? null, p2.eRealPositive[c - 1], p2.eRealNegative[c - 1]]),
      ];
      expect(
        channels.map((r) => [r["device_id"], n(r["ts"]), n(r["channel"]), r["channel_id"], n(r["e_real"]), n(r["e_reactive"]), n(r["e_real_positive"]), n(r["e_real_negative"])]),
      ).toEqual(expected);
      const points = await store.query<{ point: unknown; revision_count: number }>("select point, revision_count from intervals order by device_id");
      const parse = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v) as unknown;
      expect(points.map((r) => [parse(r.point), Number(r.revision_count)])).toEqual([
        [p1, 0],
        [p2, 1],
      ]);
      expect(await count(store, "revisions")).toBe(1);
      expect(await store.checkpoints.load(key)).toEqual(cp(T0 + 300));
      const days = await store.query<{ channel: number; label: string | null; e_real: number; intervals: number }>(
        `select channel, label, e_real, intervals from energy_per_channel_day where device_id = '${DEVICE}' and channel = 1`,
      );
      expect(days.map((r) => [Number(r.channel), r.label, Number(r.e_real), Number(r.intervals)])).toEqual([[1, "Grid", 1, 1]]);
      // The upgraded database takes writes: a new interval, a changed one (a revision), the same one again (no-op).
      expect(await store.write([interval(T0 + 600)])).toMatchObject({ inserted: 1 });
      expect(await store.write([{ type: "revised", deviceId: DEVICE, stream: "long", point: { ...p1, eReal: [9, 2, 3, 4, 5, 6] }, channels: layout() } as StorableEvent])).toMatchObject({ revised: 1 });
      expect(await store.write([{ type: "interval", deviceId: DEVICE, stream: "long", point: { ...p1, eReal: [9, 2, 3, 4, 5, 6] }, channels: layout() } as StorableEvent])).toMatchObject({ unchanged: 1 });
      expect(await count(store, "revisions")).toBe(2);
      const first = await store.query<{ e_real: number }>(`select e_real from interval_channels where device_id = '${DEVICE}' and ts = ${T0} and channel = 1`);
      expect(first.map((r) => Number(r.e_real))).toEqual([9]);
      expect(await count(store, "interval_channels")).toBe(14);
    } finally {
      await store.close();
    }
  });

  it("refuses a database with a newer schema version with one typed error, writing nothing", async () => {
    const url = await driver.fresh();
    const store = await openStore(url);
    await store.query("update wattstream_schema set version = 99");
    await store.close();
    const error = await openStore(url).catch((e: unknown) => e);
    expect(error).toMatchObject({ _tag: "SchemaTooNewError", found: 99, known: SCHEMA_VERSION });
    expect(String((error as Error).message)).toContain("schema version 99");
  });
});

describe("bad store URLs", () => {
  it.each([
    ["mysql://localhost/x", "the scheme must be sqlite: or postgres://"],
    ["sqlite:", "sqlite: needs a file path"],
    ["postgres://", "postgres:// needs a host"],
    ["energy.db", "the scheme must be"],
  ])("%s → InvalidStoreUrlError", async (url, rule) => {
    await expect(openStore(url)).rejects.toMatchObject({ _tag: "InvalidStoreUrlError", rule: expect.stringContaining(rule) });
  });

  it("an unreachable PostgreSQL → StoreUnavailableError naming the host, without the password", async () => {
    const error = await openStore("postgres://me:s3cret@127.0.0.1:1/energy", { connectTimeoutMs: 2_000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ _tag: "StoreUnavailableError" });
    const text = `${String((error as Error).message)} ${JSON.stringify(error)}`;
    expect(text).toContain("127.0.0.1:1");
    expect(text).not.toContain("s3cret");
  });

  it("an SQLite file in a missing directory → StoreUnavailableError", async () => {
    await expect(openStore("sqlite:/nonexistent-dir/energy.db")).rejects.toMatchObject({ _tag: "StoreUnavailableError" });
  });
});
