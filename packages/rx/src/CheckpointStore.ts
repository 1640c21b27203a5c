/**
 * What an energy stream needs to resume exactly where it stopped: the watermark (start of the next interval
 * not yet emitted), fingerprints of the intervals emitted within the settle window (to tell a revision from a
 * duplicate after a restart), the holes still expected to back-fill, and the learned reporting lag.
 *
 * @category models
 */
export interface EnergyCheckpoint {
  readonly watermark: number;
  /** `[timestamp, fingerprint]` of emitted intervals still inside the settle window, ascending. */
  readonly seen: ReadonlyArray<readonly [number, number]>;
  /** `[fromTs, toTs, gapDeadline]` of missing intervals still expected (Unix seconds). */
  readonly holes: ReadonlyArray<readonly [number, number, number]>;
  /** Learned reporting lag, seconds. */
  readonly lag: number;
}

/** Identifies one stream of one device, e.g. `{ deviceId: "D123456789012", stream: "short" }`. @category models */
export interface CheckpointKey {
  readonly deviceId: string;
  readonly stream: string;
}

/**
 * Where streams keep their checkpoints. Delivery guarantee: `save` runs after a poll's events were delivered
 * (by default after every batch that emitted something or moved the watermark), so
 * - across a hard crash (no unsubscribe), delivery is **at-least-once**: the restart repeats what was delivered
 *   after the last completed save — at the default cadence at most one batch, with `checkpointEvery` at most that
 *   much of the stream — and loses nothing;
 * - across a clean stop (unsubscribe, which saves once more), it is **exactly-once**.
 *
 * @example
 * ```ts
 * import { memoryCheckpointStore, shortEnergy$ } from "@wattstream/rx";
 * const checkpoints = memoryCheckpointStore();
 * shortEnergy$(client, "D123456789012", { checkpoints }).subscribe(console.log);
 * ```
 * @category services
 */
export interface CheckpointStore {
  load(key: CheckpointKey): Promise<EnergyCheckpoint | undefined>;
  save(key: CheckpointKey, checkpoint: EnergyCheckpoint): Promise<void>;
}

/**
 * The storage key of a checkpoint; safe as a file name (device IDs are `[A-Z0-9]`).
 *
 * @example
 * ```ts
 * import { checkpointKey } from "@wattstream/rx";
 * checkpointKey({ deviceId: "D123456789012", stream: "short" }); // "short-D123456789012"
 * ```
 * @category constructors
 */
export const checkpointKey = (key: CheckpointKey): string => `${key.stream}-${key.deviceId}`;

/**
 * An in-memory {@link CheckpointStore} (checkpoints are copied, so later mutation cannot leak in); for tests
 * and for processes that only need to survive re-subscription.
 *
 * @example
 * ```ts
 * import { memoryCheckpointStore } from "@wattstream/rx";
 * const store = memoryCheckpointStore();
 * await store.save({ deviceId: "D123456789012", stream: "short" }, { watermark: 0, seen: [], holes: [], lag: 0 });
 * ```
 * @category constructors
 */
export const memoryCheckpointStore = (): CheckpointStore & { readonly size: number } => {
  const map = new Map<string, string>();
  return {
    load: (key) => {
      const raw = map.get(checkpointKey(key));
      return Promise.resolve(raw === undefined ? undefined : (JSON.parse(raw) as EnergyCheckpoint));
    },
    save: (key, checkpoint) => {
      map.set(checkpointKey(key), JSON.stringify(checkpoint));
      return Promise.resolve();
    },
    get size() {
      return map.size;
    },
  };
};
