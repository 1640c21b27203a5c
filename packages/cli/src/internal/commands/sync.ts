import { closeSync, existsSync, ftruncateSync, openSync, statSync, writeSync } from "node:fs";
import { Effect, Stream } from "effect";
import type { Granularity } from "@wattstream/core";
import { parseDeviceId, requiresTimezone, timeWindow } from "@wattstream/core";
import { connect } from "../connect.js";
import type { DeviceView } from "../deviceView.js";
import { iso } from "../deviceView.js";
import { onInterrupt } from "../interrupt.js";
import { makeOutput } from "../Output.js";
import type { CommandContext } from "../program.js";
import { csvHeader, csvRow, ndjsonLine } from "../sync/formats.js";
import type { CsvColumn, SyncPoint } from "../sync/formats.js";
import { syncProgress } from "../sync/progress.js";
import { loadCheckpoint, removeCheckpoint, saveCheckpoint } from "../sync/SyncCheckpoint.js";
import type { SyncCheckpoint, SyncJob } from "../sync/SyncCheckpoint.js";
import { UsageError } from "../UsageError.js";
import { ExitCode } from "../../ExitCode.js";

/** Options of `wattstream sync`. */
export interface SyncCommandOptions {
  readonly from: number;
  readonly to: number;
  readonly granularity: Granularity;
  readonly timezone?: string;
  readonly format: "ndjson" | "csv";
  readonly out?: string;
  readonly checkpoint?: string;
}

/** How often (real ms) progress is written to the checkpoint while points stream in. */
const SAVE_EVERY_MS = 250;

/**
 * `wattstream sync ID... --from --to`: long energy over any window via transport's `longEnergyRange` (chunked
 * by granularity, split again on a 422), devices one after another, written as NDJSON or CSV. With
 * `--checkpoint`, progress is recorded as it goes; Ctrl-C stops cleanly (exit 130) and the same command
 * resumes where it stopped.
 */
export const main = async (ctx: CommandContext, ids: ReadonlyArray<string>, opts: SyncCommandOptions): Promise<number> => {
  // A database URL as --out: the store path (packages/cli/src/internal/store/), resumable from the database.
  if (opts.out !== undefined && /^(sqlite:|postgres(ql)?:\/\/)/.test(opts.out))
    return (await import("../store/syncToStore.js")).syncToStore(ctx, ids, { ...opts, out: opts.out });
  const out = makeOutput(ctx.io, ctx.options);
  const devices = [...new Set(ids.map((id) => parseDeviceId(id)))];
  if (opts.to <= opts.from) throw new UsageError(`--from ${iso(opts.from)} --to ${iso(opts.to)}`, "--to must be after --from");
  const window = timeWindow(opts.from, opts.to);
  const job: SyncJob = {
    ids: devices,
    fromTs: window.fromTs,
    toTs: window.toTs,
    granularity: opts.granularity,
    timezone: opts.timezone,
    format: opts.format,
  };
  const resumed = opts.checkpoint === undefined ? undefined : loadCheckpoint(opts.checkpoint, job);
  if (resumed !== undefined && opts.out !== undefined && (!existsSync(opts.out) || statSync(opts.out).size < resumed.bytes))
    throw new UsageError(`--out ${opts.out}`, `is shorter than the checkpoint says (${resumed.bytes} bytes): it was changed; delete the checkpoint to start over`);

  const interrupt = onInterrupt();
  const conn = await connect(ctx.options, out);
  let fd: number | undefined;
  try {
    // Channel layouts (CSV columns, api-facts: arrays are positional) and time zones, read once up front.
    const records = new Map<string, DeviceView>();
    for (const id of devices) records.set(id, (await conn.client.promise.getDevice(id, { signal: interrupt.signal })) as unknown as DeviceView);
    const zoneOf = (id: string): string | undefined => {
      if (!requiresTimezone(opts.granularity)) return undefined;
      const zone = opts.timezone ?? records.get(id)?.timezone;
      if (zone === undefined)
        throw new UsageError("--timezone", `is required for ${opts.granularity} granularity: device ${id} has no time zone of its own`);
      return zone;
    };
    const columns: Array<CsvColumn> = devices.flatMap((id) =>
      (records.get(id)?.channels ?? []).map((c, index) => ({
        deviceId: id,
        index,
        header: `${c.id}${typeof c.label === "string" && c.label !== "" ? ` ${c.label}` : ""} (kWh)`,
      })),
    );

    // Output: a file is truncated to the checkpoint's byte count, so a torn last line is rewritten whole.
    if (opts.out !== undefined) {
      fd = openSync(opts.out, resumed === undefined ? "w" : "r+");
      if (resumed !== undefined) ftruncateSync(fd, resumed.bytes);
    }
    let bytes = resumed?.bytes ?? 0;
    let position = bytes;
    const write = (text: string): void => {
      if (fd === undefined) {
        // stdout: handed over in order (a pipe may be non-blocking, where writeSync could fail with EAGAIN).
        ctx.io.stdout.write(text);
        bytes += Buffer.byteLength(text);
        return;
      }
      const buffer = Buffer.from(text, "utf8");
      let done = 0;
      while (done < buffer.length) done += writeSync(fd, buffer, done, buffer.length - done, position + done);
      position += buffer.length;
      bytes += buffer.length;
    };
    const next: Record<string, number> = { ...(resumed?.next ?? {}) };
    const save = (): void => {
      if (opts.checkpoint === undefined) return;
      const checkpoint: SyncCheckpoint = { version: 1, job, next: { ...next }, bytes };
      saveCheckpoint(opts.checkpoint, checkpoint);
      if (out.verbose) out.note(`checkpoint saved: ${bytes} bytes, ${Object.entries(next).map(([id, ts]) => `${id} up to ${iso(ts)}`).join(", ")}`);
    };
    if (resumed === undefined && opts.format === "csv") write(csvHeader(columns));
    if (resumed !== undefined) out.note(`resuming from ${opts.checkpoint}`);

    const progress = syncProgress(
      out,
      devices.map((id) => ({ id, seconds: window.toTs - window.fromTs })),
      conn.requests,
    );
    let interrupted = false;
    try {
      for (const id of devices) {
        const start = next[id] ?? window.fromTs;
        let points = 0;
        progress.update(id, start - window.fromTs, 0);
        if (start < window.toTs) {
          const zone = zoneOf(id);
          let lastSave = Date.now();
          const stream = conn.client.longEnergyRange(
            id,
            { fromTs: start, toTs: window.toTs },
            { granularity: opts.granularity, ...(zone === undefined ? {} : { timezone: zone }) },
          );
          const run = Stream.runForEach(stream, (p) =>
            Effect.sync(() => {
              const point = p as unknown as SyncPoint;
              write(opts.format === "csv" ? csvRow(id, point, columns) : ndjsonLine(id, point));
              // The next request starts after this interval: its end (or, without a duration, just after it).
              next[id] = point.timestamp + (point.duration ?? 1);
              points++;
              progress.update(id, Math.min(window.toTs, next[id]) - window.fromTs, points);
              if (Date.now() - lastSave >= SAVE_EVERY_MS) {
                save();
                lastSave = Date.now();
              }
            }),
          );
          try {
            await Effect.runPromise(run, { signal: interrupt.signal });
          } catch (error) {
            if (interrupt.signal.aborted) {
              interrupted = true;
              break;
            }
            throw error;
          }
        }
        next[id] = window.toTs;
        save();
        progress.deviceDone(id, points);
        if (interrupt.signal.aborted) {
          interrupted = true;
          break;
        }
      }
    } finally {
      progress.stop();
    }
    if (interrupted) {
      save();
      out.warn(
        opts.checkpoint === undefined
          ? "interrupted (no --checkpoint, so a new run starts over)"
          : `interrupted: progress saved to ${opts.checkpoint}; run the same command again to resume`,
      );
      return ExitCode.interrupted;
    }
    if (opts.checkpoint !== undefined) removeCheckpoint(opts.checkpoint);
    out.note(`done: ${devices.length} device${devices.length === 1 ? "" : "s"}, ${bytes} bytes${opts.out === undefined ? "" : ` in ${opts.out}`}`);
    return ExitCode.ok;
  } catch (error) {
    // Ctrl-C before streaming began (reading the devices): nothing written, nothing to resume.
    if (interrupt.signal.aborted) {
      out.warn("interrupted before any data was written");
      return ExitCode.interrupted;
    }
    throw error;
  } finally {
    if (fd !== undefined) closeSync(fd);
    interrupt.dispose();
    await conn.close();
  }
};
