import { Data, Result, Schema } from "effect";

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

/**
 * A stored checkpoint that cannot be used: unreadable (empty, truncated, not JSON), of the wrong shape, or
 * implausible (a watermark in the future or older than the stream's look-back). Checkpoints are input like a
 * server's answer, so they are decoded, never trusted. The stream fails with it by default; the energy streams'
 * `restartFrom` option starts over from a given time instead.
 *
 * @example
 * ```ts
 * import { CheckpointCorrupt } from "@wattstream/rx";
 * const onError = (e: unknown) => {
 *   if (e instanceof CheckpointCorrupt) console.error(`${e.location}: ${e.problem}; delete it or pass restartFrom`);
 * };
 * ```
 * @category errors
 */
export class CheckpointCorrupt extends Data.TaggedError("CheckpointCorrupt")<{
  /** Where the checkpoint was read: a file path, or the store key (`short-D123456789012`). */
  readonly location: string;
  /** What is wrong with it, e.g. `is empty`, `is not JSON`, `Expected number at ["watermark"]`. */
  readonly problem: string;
  readonly message: string;
  readonly cause?: unknown;
}> {}

const corrupt = (location: string, problem: string, cause?: unknown): CheckpointCorrupt =>
  new CheckpointCorrupt({ location, problem, message: `checkpoint ${location} ${problem}`, ...(cause === undefined ? {} : { cause }) });

const Seconds = Schema.Number.check(Schema.isInt(), Schema.isGreaterThanOrEqualTo(0));
const CheckpointSchema = Schema.Struct({
  watermark: Seconds,
  seen: Schema.Array(Schema.Tuple([Seconds, Schema.Number.check(Schema.isInt())])),
  holes: Schema.Array(Schema.Tuple([Seconds, Seconds, Schema.Number.check(Schema.isFinite())])),
  // A reporting lag beyond a day is no lag: the poll timing built on it would be meaningless.
  lag: Schema.Number.check(Schema.isFinite(), Schema.isBetween({ minimum: 0, maximum: 86_400 })),
});

/**
 * Decodes a stored checkpoint (the parsed JSON, or whatever a custom store returns) like a server answer: the
 * shape (`watermark` and timestamps whole seconds, `seen` ascending, holes non-empty, lag 0–86 400 s) or a
 * {@link CheckpointCorrupt} naming `location` and what is wrong. Unknown extra fields are ignored.
 *
 * @example
 * ```ts
 * import { decodeCheckpoint } from "@wattstream/rx";
 * decodeCheckpoint({ watermark: 1_700_000_010, seen: [], holes: [], lag: 3 }, "my-store/short-D123456789012");
 * ```
 * @category constructors
 */
export const decodeCheckpoint = (raw: unknown, location: string): EnergyCheckpoint => {
  const decoded = Schema.decodeUnknownResult(CheckpointSchema)(raw, { errors: "all" });
  if (Result.isFailure(decoded)) return Result.getOrThrowWith(decoded, (e) => corrupt(location, `is not a checkpoint: ${e.message.replace(/\n\s*/g, " ")}`, e));
  const c = decoded.success;
  for (let i = 1; i < c.seen.length; i++)
    if ((c.seen[i]?.[0] ?? 0) <= (c.seen[i - 1]?.[0] ?? 0)) throw corrupt(location, `is not a checkpoint: seen[${i}] is not after seen[${i - 1}]`);
  for (const [i, [a, b]] of c.holes.entries()) if (b <= a) throw corrupt(location, `is not a checkpoint: holes[${i}] ends before it starts`);
  return { watermark: c.watermark, seen: c.seen, holes: c.holes, lag: c.lag };
};

/**
 * Parses a checkpoint's stored text and decodes it ({@link decodeCheckpoint}); an empty or truncated text is a
 * {@link CheckpointCorrupt} saying so.
 *
 * @example
 * ```ts
 * import { parseCheckpoint } from "@wattstream/rx";
 * parseCheckpoint('{"watermark":1700000010,"seen":[],"holes":[],"lag":3}', "checkpoints/short-D123456789012.json");
 * ```
 * @category constructors
 */
export const parseCheckpoint = (text: string, location: string): EnergyCheckpoint => {
  if (text.trim() === "") throw corrupt(location, "is empty");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    // V8's message quotes the text; a checkpoint holds no secret, but keep the message short and about the file.
    throw corrupt(location, `is not JSON (truncated or overwritten? ${text.length} characters)`, error);
  }
  return decodeCheckpoint(raw, location);
};

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
 * import { parseDeviceId } from "@wattstream/core";
 * import { memoryCheckpointStore, shortEnergy$ } from "@wattstream/rx";
 * const checkpoints = memoryCheckpointStore();
 * shortEnergy$(client, parseDeviceId("D123456789012"), { checkpoints }).subscribe(console.log);
 * ```
 * @category services
 */
export interface CheckpointStore {
  /**
   * The stored checkpoint, `undefined` when there is none, or a rejection with {@link CheckpointCorrupt} when it
   * cannot be used. Streams decode what a store returns again ({@link decodeCheckpoint}), so a custom store
   * cannot hand them a malformed one either.
   */
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
      try {
        return Promise.resolve(raw === undefined ? undefined : parseCheckpoint(raw, `memory:${checkpointKey(key)}`));
      } catch (error) {
        return Promise.reject(error as Error);
      }
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
