import type { Device } from "@wattstream/core";
import { closeSync, existsSync, ftruncateSync, openSync, statSync, writeSync } from "node:fs";
import { Effect, Stream } from "effect";
import type { Granularity, TimeWindow } from "@wattstream/core";
import { chunkWindow, granularitySeconds, requiresTimezone, timeWindow } from "@wattstream/core";
import { Unprocessable } from "@wattstream/resilience";
import { isNoData } from "@wattstream/transport";
import { connect } from "../connect.js";
import { iso } from "../deviceView.js";
import { onInterrupt } from "../interrupt.js";
import { formatError } from "../formatError.js";
import { makeOutput } from "../Output.js";
import { deviceIdArg } from "../parsers.js";
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

/** A window as the user reads it. */
const span = (w: TimeWindow): string => `${iso(w.fromTs)} – ${iso(w.toTs)}`;

const isUnprocessable = (e: unknown): e is Unprocessable => e instanceof Unprocessable;

/**
 * `wattstream sync ID... --from --to`: long energy over any window, chunked with core's `chunkWindow` (the
 * vendor's table by granularity; a chunk still refused with 422 is read through transport's `longEnergyRange`,
 * which splits it), devices one after another, written as NDJSON or CSV. Per chunk the answer is sorted and a
 * point at or before the last one written is dropped (chunk edges share aggregated buckets), so each interval is
 * written once, in order. A 204 (never reported) for a chunk of a device that had data in others is reported in
 * the summary. A chunk that still fails after the client's retries stops the sync with a message naming the
 * device and window, a non-zero exit code, and the checkpoint kept at that chunk, so the same command resumes
 * there. With `--checkpoint`, progress is recorded as it goes; Ctrl-C stops cleanly (exit 130) and the same
 * command resumes where it stopped.
 */
export const main = async (ctx: CommandContext, ids: ReadonlyArray<string>, opts: SyncCommandOptions): Promise<number> => {
  // A database URL as --out: the store path (packages/cli/src/internal/store/), resumable from the database.
  if (opts.out !== undefined && /^(sqlite:|postgres(ql)?:\/\/)/.test(opts.out))
    return (await import("../store/syncToStore.js")).syncToStore(ctx, ids, { ...opts, out: opts.out });
  const out = makeOutput(ctx.io, ctx.options);
  const devices = [...new Set(ids.map((id) => deviceIdArg(id)))];
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
    const records = new Map<string, Device>();
    for (const id of devices) records.set(id, await conn.client.promise.getDevice(id, { signal: interrupt.signal }));
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
    const summary: Array<string> = [];
    /** Says why a window gave no interval: before the device's first data, or a gap in it (never a silent empty success). */
    const emptyWindowNote = async (id: string, w: TimeWindow): Promise<string> => {
      const first = await conn.client.promise.getFirstLongEnergyData(id, { signal: interrupt.signal }).catch(() => undefined);
      const firstTs = first === undefined || isNoData(first) ? undefined : first.timestamp;
      return firstTs !== undefined && firstTs >= w.toTs
        ? `${id}: 0 intervals: the device has no data before ${iso(firstTs)} (its first data point); ${span(w)} is earlier`
        : `${id}: 0 intervals in ${span(w)}: the device reported nothing in that period`;
    };
    try {
      for (const id of devices) {
        const start = next[id] ?? window.fromTs;
        let points = 0;
        progress.update(id, start - window.fromTs, 0);
        if (start < window.toTs) {
          const zone = zoneOf(id);
          const query = { granularity: opts.granularity, ...(zone === undefined ? {} : { timezone: zone }) };
          const chunks = chunkWindow({ fromTs: start, toTs: window.toTs }, "long", opts.granularity, zone === undefined ? {} : { timezone: zone });
          let lastSave = Date.now();
          // Across chunks: a point at or before the last one written is a bucket two chunks share. On resume, the
          // points before `start` were written by the earlier run.
          let last = resumed?.next[id] === undefined ? -Infinity : start - 1;
          const noData: Array<TimeWindow> = [];
          let refused = 0;
          for (const chunk of chunks) {
            // One chunk per request; a 422 for the period is split by transport's longEnergyRange (api-facts).
            const read = conn.client.getLongEnergyData(id, { fromTs: chunk.fromTs, toTs: chunk.toTs, ...query }).pipe(
              Effect.catchIf(isUnprocessable, () => Stream.runCollect(conn.client.longEnergyRange(id, chunk, query))),
            );
            let answer: Effect.Success<typeof read>;
            try {
              answer = await Effect.runPromise(read, { signal: interrupt.signal });
            } catch (error) {
              if (interrupt.signal.aborted) {
                interrupted = true;
                break;
              }
              // Persistent failure (the client's retries are spent): stop here, never skip the chunk silently.
              save();
              out.warn(
                `sync stopped: ${id} ${span(chunk)} failed: ${formatError(error, conn.secrets, false).replace(/^wattstream: /, "")}; ${
                  opts.checkpoint === undefined
                    ? "no --checkpoint, so a new run starts over"
                    : `progress saved to ${opts.checkpoint}: run the same command again to resume from this window`
                }`,
              );
              throw error;
            }
            if (isNoData(answer)) {
              noData.push(chunk);
            } else {
              const list = [...(answer as ReadonlyArray<SyncPoint>)];
              // Only points of the window asked for (a bucket may start up to one bucket before it, when it
              // straddles the chunk's start): one dated in 2100 must not hide every later point as "already written".
              const bucket = granularitySeconds(opts.granularity) ?? 31 * 86_400;
              const valid = list.filter((p) => Number.isSafeInteger(p.timestamp) && p.timestamp < chunk.toTs && p.timestamp > chunk.fromTs - bucket);
              // Sorted deterministically (the same rule as rx): one point per timestamp, in order.
              refused += list.length - valid.length;
              valid.sort((a, b) => a.timestamp - b.timestamp);
              for (const point of valid) {
                if (point.timestamp <= last) continue;
                last = point.timestamp;
                write(opts.format === "csv" ? csvRow(id, point, columns) : ndjsonLine(id, point));
                points++;
                // The next request starts after this interval: its end (or, without a duration, just after it).
                next[id] = Math.max(next[id] ?? start, point.timestamp + (typeof point.duration === "number" && point.duration > 0 ? point.duration : 1));
              }
            }
            next[id] = Math.max(next[id] ?? start, chunk.toTs);
            progress.update(id, Math.min(window.toTs, next[id]) - window.fromTs, points);
            if (Date.now() - lastSave >= SAVE_EVERY_MS) {
              save();
              lastSave = Date.now();
            }
            if (interrupt.signal.aborted) {
              interrupted = true;
              break;
            }
          }
          if (interrupted) break;
          if (noData.length > 0 && noData.length < chunks.length)
            summary.push(
              `${id}: the service answered 204 (never reported long energy) for ${noData.length} of ${chunks.length} windows although others had data: ${noData.map(span).join(", ")}`,
            );
          else if (noData.length > 0) summary.push(`${id}: no long energy at all (204: the device never reported any)`);
          else if (points === 0 && resumed?.next[id] === undefined) summary.push(await emptyWindowNote(id, { fromTs: start, toTs: window.toTs }));
          if (refused > 0) summary.push(`${id}: ${refused} point${refused === 1 ? " was" : "s were"} not written (timestamp not whole seconds, or outside the window asked for)`);
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
    for (const line of summary) out.warn(line);
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
