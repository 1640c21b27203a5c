import { Effect, Exit, Fiber, Semaphore, Stream } from "effect";
import type { DeviceId, LongEnergyPoint } from "@wattstream/core";
import type { ChannelLayout, EnergyCheckpoint } from "@wattstream/rx";
import type { EnergyStore } from "./EnergyStore.js";
import type { StoreWriteError } from "./StoreError.js";
import type { StorableEvent } from "./StoreEvent.js";

/** One device's part of a {@link backfill}: the intervals of `[fromTs, toTs)`, oldest first. @category models */
export interface BackfillDevice<E> {
  readonly deviceId: DeviceId;
  /** Start of the window (the checkpoint's watermark until the first batch commits), Unix seconds. */
  readonly fromTs: number;
  /** End of the window: the checkpoint's watermark once every interval is written, Unix seconds. */
  readonly toTs: number;
  /** The device's long-energy intervals in the window, oldest first (transport's `longEnergyRange`). */
  readonly points: Stream.Stream<LongEnergyPoint, E>;
  /** The device's channel layout, stored with each interval (per-channel rows). @default [] */
  readonly channels?: ChannelLayout;
  /** The `lag` kept in the checkpoint. @default 0 */
  readonly lag?: number;
}

/** Options of {@link backfill}. @category models */
export interface BackfillOptions {
  /**
   * Devices fetched at once: enough requests in flight to use the key's TPS while writes commit (the client's
   * pacer keeps them within it).
   * @default 8
   */
  readonly fetchConcurrency?: number;
  /**
   * Transactions committing at once (each device's batches still commit in order, at most one at a time).
   * @default 2
   */
  readonly writeConcurrency?: number;
  /** Intervals per transaction. @default 2016 (one 7-day request of 5-minute data) */
  readonly batchSize?: number;
  /**
   * Batches received and not yet committed, across all devices: fetching goes on while the database catches up
   * until this many wait, so memory stays within `(fetchConcurrency + maxPendingBatches) × batchSize` intervals.
   * @default 2 × fetchConcurrency
   */
  readonly maxPendingBatches?: number;
  /** Called after each batch commits: the device's new watermark and its intervals written so far. */
  readonly onCommit?: (deviceId: string, watermark: number, points: number) => void;
}

/** What a {@link backfill} wrote. @category models */
export interface BackfillResult {
  /** Intervals received and written (a re-delivered one counts, and is a no-op in the table). */
  readonly points: number;
  readonly transactions: number;
}

/**
 * Back-fills long energy into the store as a pipeline: up to `fetchConcurrency` devices are fetched at once, and
 * fetching never waits for the database until `maxPendingBatches` batches wait to commit (each batch commits with
 * its device's checkpoint in one transaction; a device's batches commit in order, one at a time; a device whose
 * last request has arrived frees its fetch slot for the next device while its batches commit). When interrupted or
 * when a device's source fails, what arrived is written with a checkpoint at the last interval received before the
 * back-fill ends; the rest is fetched again on resume from the checkpoints, which are never ahead of the data. A
 * failed write stops its device's fetching and fails the back-fill.
 *
 * @example
 * ```ts
 * import { Effect } from "effect";
 * import { makeClient } from "@wattstream/transport";
 * import { backfill, makeEnergyStore } from "@wattstream/store";
 * const client = makeClient({ apiKey: process.env["WW_API_KEY"]! });
 * const window = { fromTs: 1_767_225_600, toTs: 1_769_904_000 };
 * const program = Effect.scoped(
 *   Effect.gen(function* () {
 *     const store = yield* makeEnergyStore("sqlite:./energy.db");
 *     return yield* backfill(store, [{ deviceId: "D123456789012", ...window, points: client.longEnergyRange("D123456789012", window) }]);
 *   }),
 * );
 * ```
 * @category constructors
 */
export const backfill = <E>(
  store: EnergyStore,
  devices: ReadonlyArray<BackfillDevice<E>>,
  options: BackfillOptions = {},
): Effect.Effect<BackfillResult, E | StoreWriteError> =>
  Effect.scoped(
    Effect.gen(function* () {
      const batchSize = options.batchSize ?? 2016;
      const fetchConcurrency = options.fetchConcurrency ?? 8;
      const writes = yield* Semaphore.make(options.writeConcurrency ?? 2);
      const pendingSlots = yield* Semaphore.make(options.maxPendingBatches ?? 2 * fetchConcurrency);
      // Commits outlive their device's fetch (forked into this scope, not the device's fiber); the back-fill waits
      // for every device's last one before it returns.
      const scope = yield* Effect.scope;
      const lastCommits: Array<Fiber.Fiber<void, StoreWriteError>> = [];
      let points = 0;
      let transactions = 0;
      const one = (device: BackfillDevice<E>) =>
        Effect.gen(function* () {
          const key = { deviceId: device.deviceId, stream: "long" };
          const channels = device.channels ?? [];
          let buffer: Array<StorableEvent> = [];
          let watermark = device.fromTs;
          let count = 0;
          let previous: Fiber.Fiber<void, StoreWriteError> | undefined;
          // Hands the buffer to a commit that runs after the device's previous one; waits only while
          // maxPendingBatches batches wait. A commit, once handed over, finishes even if the back-fill is
          // interrupted (nothing half-written, checkpoint exact); one that failed stops this device here.
          const flush = Effect.gen(function* () {
            const before = previous;
            const done = before?.pollUnsafe();
            if (before !== undefined && done !== undefined && Exit.isFailure(done)) return yield* Fiber.join(before);
            const events = buffer;
            buffer = [];
            const checkpoint: EnergyCheckpoint = { watermark, seen: [], holes: [], lag: device.lag ?? 0 };
            const written = count;
            yield* pendingSlots.take(1);
            previous = yield* Effect.forkIn(
              Effect.uninterruptible(
                (before === undefined ? Effect.void : Fiber.join(before)).pipe(
                  Effect.andThen(writes.withPermit(store.write(events, [[key, checkpoint]]))),
                  Effect.tap(() =>
                    Effect.sync(() => {
                      transactions++;
                      options.onCommit?.(device.deviceId, checkpoint.watermark, written);
                    }),
                  ),
                  Effect.asVoid,
                  Effect.ensuring(pendingSlots.release(1)),
                ),
              ),
              scope,
            );
          });
          // A page of points at a time (one step of the stream per response, not one per interval).
          yield* Stream.runForEachArray(device.points, (page) =>
            Effect.gen(function* () {
              for (const point of page) {
                buffer.push({ type: "interval", deviceId: device.deviceId, stream: "long", point, channels });
                watermark = point.timestamp + (point.duration ?? 300);
                count++;
                points++;
                if (buffer.length >= batchSize) yield* flush;
              }
            }),
          ).pipe(
            // Interrupted, or the source failed: what arrived is written, with a checkpoint at the last interval
            // received, before the back-fill ends (a write that fails here leaves it to be fetched again on resume).
            Effect.onError(() => Effect.ignore(Effect.andThen(flush, () => (previous === undefined ? Effect.void : Fiber.join(previous))))),
          );
          watermark = Math.max(watermark, device.toTs);
          yield* flush;
          if (previous !== undefined) lastCommits.push(previous);
        });
      yield* Effect.forEach(devices, one, { concurrency: fetchConcurrency, discard: true });
      yield* Fiber.joinAll(lastCommits);
      return { points, transactions };
    }),
  );
