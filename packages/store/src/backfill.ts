import { Effect, Fiber, Semaphore, Stream } from "effect";
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
 * while a device's batch commits (with its checkpoint, in one transaction) its next batch is already being
 * fetched; at most one batch per device waits, so memory stays bounded by `fetchConcurrency × 2 × batchSize`
 * intervals. When interrupted or when a device's source fails, what arrived is written with a checkpoint at the
 * last interval received before the back-fill ends; the rest is fetched again on resume from the checkpoints,
 * which are never ahead of the data.
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
  Effect.gen(function* () {
    const batchSize = options.batchSize ?? 2016;
    const writes = yield* Semaphore.make(options.writeConcurrency ?? 2);
    let points = 0;
    let transactions = 0;
    const one = (device: BackfillDevice<E>) =>
      Effect.gen(function* () {
        const key = { deviceId: device.deviceId, stream: "long" };
        const channels = device.channels ?? [];
        let buffer: Array<StorableEvent> = [];
        let watermark = device.fromTs;
        let count = 0;
        let pending: Fiber.Fiber<void, StoreWriteError> | undefined;
        // Hands the buffer to a writer fiber once the previous batch of this device has committed; a commit,
        // once started, finishes even if the back-fill is interrupted (nothing half-written, checkpoint exact).
        const flush = Effect.gen(function* () {
          const events = buffer;
          buffer = [];
          const checkpoint: EnergyCheckpoint = { watermark, seen: [], holes: [], lag: device.lag ?? 0 };
          const written = count;
          if (pending !== undefined) yield* Fiber.join(pending);
          pending = yield* Effect.forkChild(
            Effect.uninterruptible(
              writes.withPermit(store.write(events, [[key, checkpoint]])).pipe(
                Effect.tap(() =>
                  Effect.sync(() => {
                    transactions++;
                    options.onCommit?.(device.deviceId, checkpoint.watermark, written);
                  }),
                ),
                Effect.asVoid,
              ),
            ),
          );
        });
        yield* Stream.runForEach(device.points, (point) => {
          buffer.push({ type: "interval", deviceId: device.deviceId, stream: "long", point, channels });
          watermark = point.timestamp + (point.duration ?? 300);
          count++;
          points++;
          return buffer.length >= batchSize ? flush : Effect.void;
        }).pipe(
          // Interrupted, or the source failed: what arrived is written, with a checkpoint at the last interval
          // received, before the back-fill ends (a write that fails here leaves it to be fetched again on resume).
          Effect.onError(() => Effect.ignore(Effect.andThen(flush, () => (pending === undefined ? Effect.void : Fiber.join(pending))))),
        );
        watermark = Math.max(watermark, device.toTs);
        yield* flush;
        if (pending !== undefined) yield* Fiber.join(pending);
      });
    yield* Effect.forEach(devices, one, { concurrency: options.fetchConcurrency ?? 8, discard: true });
    return { points, transactions };
  });
