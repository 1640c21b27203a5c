// store's back-fill pipeline on both drivers: every interval once with its channel rows, each device's checkpoint
// at the window's end, batches of a device committed in order one at a time, fetching that goes on while the
// database is slow (up to maxPendingBatches), a failing source fails the back-fill without writing a checkpoint
// past its data, and an interrupted one keeps what arrived.
import { afterAll, describe, expect, it } from "vitest";
import { Deferred, Effect, Fiber, Stream } from "effect";
import { parseDeviceId } from "@wattstream/core";
import type { DeviceId, LongEnergyPoint } from "@wattstream/core";
import { backfill, openStore } from "../src/index.js";
import type { BackfillDevice, EnergyStore, Store } from "../src/index.js";
import { drivers } from "./drivers.js";
import { interval, layout } from "./events.js";

const all = drivers();
afterAll(async () => {
  for (const d of all) await d.cleanup();
});

const T0 = 1_700_000_100 - (1_700_000_100 % 300);
const ids = ["D100000000001", "D100000000002", "D100000000003"].map((id) => parseDeviceId(id));
const pointsOf = (id: DeviceId, from: number, n: number): Array<LongEnergyPoint> =>
  Array.from({ length: n }, (_, k) => (interval(from + k * 300, 0, id) as { point: LongEnergyPoint }).point);
const device = (id: DeviceId, n: number, points: Stream.Stream<LongEnergyPoint, string> = Stream.fromIterable(pointsOf(id, T0, n))): BackfillDevice<string> => ({
  deviceId: id,
  fromTs: T0,
  toTs: T0 + n * 300,
  points,
  channels: layout(id),
});

const scalar = async (store: Store, sql: string): Promise<number> => Number(Object.values((await store.query<Record<string, unknown>>(sql))[0]!)[0]);
const watermarks = async (store: Store): Promise<Record<string, number>> =>
  Object.fromEntries((await store.query<{ device_id: string; watermark: number | string }>("select device_id, watermark from checkpoints")).map((r) => [r.device_id, Number(r.watermark)]));

describe.each(all)("$name", (driver) => {
  const withStore = async (f: (store: Store) => Promise<void>): Promise<void> => {
    const store = await openStore(await driver.fresh());
    try {
      await f(store);
    } finally {
      await store.close();
    }
  };

  it("writes every interval once with its channel rows and ends each device's checkpoint at the window's end; a re-run is a no-op", async () => {
    await withStore(async (store) => {
      const run = () =>
        Effect.runPromise(backfill(store.effect, ids.map((id, i) => device(id, 100 + i * 7)), { batchSize: 32, fetchConcurrency: 2, writeConcurrency: 2 }));
      const result = await run();
      expect(result.points).toBe(100 + 107 + 114);
      expect(result.transactions).toBe(Math.ceil(100 / 32) + Math.ceil(107 / 32) + Math.ceil(114 / 32));
      expect(await scalar(store, "select count(*) as n from intervals")).toBe(321);
      expect(await scalar(store, "select count(*) as n from interval_channels")).toBe(321 * 6);
      expect(await watermarks(store)).toEqual({ [ids[0]!]: T0 + 100 * 300, [ids[1]!]: T0 + 107 * 300, [ids[2]!]: T0 + 114 * 300 });
      await run();
      expect(await scalar(store, "select count(*) as n from intervals")).toBe(321);
      expect(await scalar(store, "select count(*) as n from revisions")).toBe(0);
    });
  });

  it("commits a device's batches in order, one at a time, while its next batches are fetched", async () => {
    await withStore(async (store) => {
      const log: Array<string> = [];
      let inFlight = 0;
      let maxInFlight = 0;
      const spy: EnergyStore = {
        ...store.effect,
        write: (events, checkpoints) =>
          Effect.acquireUseRelease(
            Effect.sync(() => (maxInFlight = Math.max(maxInFlight, ++inFlight))),
            () => store.effect.write(events, checkpoints),
            () => Effect.sync(() => void inFlight--),
          ),
      };
      await Effect.runPromise(
        backfill(spy, [device(ids[0]!, 90)], {
          batchSize: 30,
          writeConcurrency: 4,
          onCommit: (id, watermark, points) => void log.push(`${id}@${watermark}:${points}`),
        }),
      );
      // One device: never two of its transactions at once, whatever writeConcurrency allows; checkpoints in order,
      // and the last one at the window's end (an empty final batch that only moves the checkpoint).
      expect(maxInFlight).toBe(1);
      expect(log).toEqual([
        `${ids[0]}@${T0 + 30 * 300}:30`,
        `${ids[0]}@${T0 + 60 * 300}:60`,
        `${ids[0]}@${T0 + 90 * 300}:90`,
        `${ids[0]}@${T0 + 90 * 300}:90`,
      ]);
    });
  });

  it("fetching does not wait for the database until maxPendingBatches batches wait; a fetched device frees its slot", async () => {
    await withStore(async (store) => {
      const program = Effect.gen(function* () {
        // Every commit waits for the gate; it opens once the back-fill has pulled `until` points without one.
        const gate = yield* Deferred.make<void>();
        let pulled = 0;
        let commits = 0;
        let pulledWithoutSlot = false;
        const gated: EnergyStore = { ...store.effect, write: (events, checkpoints) => Effect.andThen(Deferred.await(gate), store.effect.write(events, checkpoints)) };
        const counted = (id: DeviceId, n: number, until: number, bound?: number): BackfillDevice<string> =>
          device(
            id,
            n,
            Stream.fromIterable(pointsOf(id, T0, n)).pipe(
              Stream.tap(() =>
                Effect.suspend(() => {
                  pulled++;
                  // The point after `bound` can only be pulled once a batch has committed and freed its slot.
                  if (bound !== undefined && pulled === bound + 1 && commits === 0) pulledWithoutSlot = true;
                  return pulled === until ? Deferred.succeed(gate, undefined) : Effect.void;
                }),
              ),
            ),
          );
        const onCommit = () => void commits++;
        // One device, 3 batches may wait: 3 handed over + a 4th full one waiting for a slot = 40 points pulled.
        yield* backfill(gated, [counted(ids[0]!, 100, 40, 40)], { batchSize: 10, maxPendingBatches: 3, onCommit });
        expect(pulledWithoutSlot).toBe(false);
        expect(commits).toBe(11);
        // One fetch slot, two devices: the first device's commits still wait when the second one's points arrive.
        pulled = 0;
        commits = 0;
        const again = yield* Deferred.make<void>();
        const gated2: EnergyStore = { ...store.effect, write: (events, checkpoints) => Effect.andThen(Deferred.await(again), store.effect.write(events, checkpoints)) };
        const two = [ids[1]!, ids[2]!].map((id) =>
          device(
            id,
            20,
            Stream.fromIterable(pointsOf(id, T0, 20)).pipe(Stream.tap(() => Effect.suspend(() => (++pulled === 40 ? Deferred.succeed(again, undefined) : Effect.void)))),
          ),
        );
        yield* backfill(gated2, two, { batchSize: 10, fetchConcurrency: 1, maxPendingBatches: 8, onCommit });
        expect(commits).toBe(6);
      });
      await Effect.runPromise(program);
      expect(await scalar(store, "select count(*) as n from intervals")).toBe(140);
      expect(await watermarks(store)).toEqual({ [ids[0]!]: T0 + 100 * 300, [ids[1]!]: T0 + 20 * 300, [ids[2]!]: T0 + 20 * 300 });
    });
  });

  it("a source that fails stops the back-fill with its error, after writing what arrived with a checkpoint at its last interval", async () => {
    await withStore(async (store) => {
      const failing = Stream.concat(Stream.fromIterable(pointsOf(ids[0]!, T0, 50)), Stream.fail("server gone"));
      const exit = await Effect.runPromiseExit(backfill(store.effect, [device(ids[0]!, 100, failing)], { batchSize: 20 }));
      expect(exit._tag).toBe("Failure");
      expect(JSON.stringify(exit)).toContain("server gone");
      const stored = await scalar(store, "select count(*) as n from intervals");
      const { [ids[0]!]: watermark } = await watermarks(store);
      // Everything received is committed before the failure is reported; the checkpoint is never ahead of it.
      expect(stored).toBe(50);
      expect(watermark).toBe(T0 + 50 * 300);
    });
  });

  it("interrupted, it writes what arrived with a checkpoint at the last interval received", async () => {
    await withStore(async (store) => {
      const program = Effect.gen(function* () {
        const reached = yield* Deferred.make<void>();
        // 25 points, then a source that never ends (a slow server), as when Ctrl-C arrives mid-request.
        const points = Stream.concat(
          Stream.fromIterable(pointsOf(ids[0]!, T0, 25)),
          Stream.fromEffect(Deferred.succeed(reached, undefined)).pipe(Stream.flatMap(() => Stream.never)),
        );
        const fiber = yield* Effect.forkChild(backfill(store.effect, [device(ids[0]!, 100, points)], { batchSize: 10 }));
        yield* Deferred.await(reached);
        yield* Fiber.interrupt(fiber);
      });
      await Effect.runPromise(program);
      expect(await scalar(store, "select count(*) as n from intervals")).toBe(25);
      expect(await watermarks(store)).toEqual({ [ids[0]!]: T0 + 25 * 300 });
    });
  });
});
