import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { Result, Schema } from "effect";
import { UsageError } from "../UsageError.js";

/** What a sync run is, so a checkpoint is only ever resumed by the same sync. */
export interface SyncJob {
  readonly ids: ReadonlyArray<string>;
  readonly fromTs: number;
  readonly toTs: number;
  readonly granularity: string;
  readonly timezone: string | undefined;
  readonly format: string;
}

/**
 * The progress of a sync: per device the start of the next interval not yet written, and how many bytes of
 * the output are complete. Resuming truncates the output to `bytes` and asks from `next`, so an interrupted
 * and resumed run writes exactly the bytes of an uninterrupted one: no duplicate and no missing interval.
 */
export interface SyncCheckpoint {
  readonly version: 1;
  readonly job: SyncJob;
  readonly next: Readonly<Record<string, number>>;
  readonly bytes: number;
}

const sameJob = (a: unknown, b: SyncJob): boolean => JSON.stringify(a) === JSON.stringify(b);

const Seconds = Schema.Number.check(Schema.isInt(), Schema.isGreaterThanOrEqualTo(0));
// A checkpoint is input like a server answer: decoded, never trusted (a hand-edited or torn file must not send
// the sync to a string or negative offset).
const CheckpointSchema = Schema.Struct({
  version: Schema.Literal(1),
  job: Schema.Unknown,
  next: Schema.Record(Schema.String, Seconds),
  bytes: Seconds,
});

/** Reads a checkpoint for `job`; `undefined` when the file does not exist. */
export const loadCheckpoint = (file: string, job: SyncJob): SyncCheckpoint | undefined => {
  if (!existsSync(file)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    throw new UsageError(`--checkpoint ${file}`, "is not a wattstream sync checkpoint (unreadable JSON); delete it to start over");
  }
  const decoded = Schema.decodeUnknownResult(CheckpointSchema)(raw);
  if (Result.isFailure(decoded))
    throw new UsageError(
      `--checkpoint ${file}`,
      `is not a wattstream sync checkpoint (${decoded.failure.message.replace(/\s*\n\s*/g, " ")}); delete it to start over`,
    );
  const parsed = decoded.success;
  if (!sameJob(parsed.job, job))
    throw new UsageError(
      `--checkpoint ${file}`,
      "belongs to a different sync (devices, window, granularity, timezone or format differ); use another file or delete it",
    );
  for (const [id, ts] of Object.entries(parsed.next))
    if (!job.ids.includes(id) || ts < job.fromTs || ts > job.toTs)
      throw new UsageError(`--checkpoint ${file}`, `is not a wattstream sync checkpoint (next[${id}] = ${ts} is outside the sync); delete it to start over`);
  return { version: 1, job, next: parsed.next, bytes: parsed.bytes };
};

/** Writes a checkpoint atomically (temporary file, then rename): a crash leaves the old or the new one. */
export const saveCheckpoint = (file: string, checkpoint: SyncCheckpoint): void => {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(checkpoint)}\n`);
  renameSync(tmp, file);
};

/** Removes a finished sync's checkpoint: a checkpoint on disk always means "unfinished". */
export const removeCheckpoint = (file: string): void => rmSync(file, { force: true });
