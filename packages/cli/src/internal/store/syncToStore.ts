import { Effect, Stream } from "effect";
import { parseDeviceId, timeWindow } from "@wattstream/core";
import type { EnergyCheckpoint } from "@wattstream/rx";
import type { Store, StorableEvent } from "@wattstream/store";
import { connect } from "../connect.js";
import { iso } from "../deviceView.js";
import { onInterrupt } from "../interrupt.js";
import { makeOutput } from "../Output.js";
import type { CommandContext } from "../program.js";
import type { SyncCommandOptions } from "../commands/sync.js";
import { syncProgress } from "../sync/progress.js";
import { UsageError } from "../UsageError.js";
import { ExitCode } from "../../ExitCode.js";
import { openStoreOrExplain } from "./openStoreOrExplain.js";

/** Intervals written per transaction (with the checkpoint that covers them). */
const BATCH = 2_000;

/**
 * `wattstream sync ID... --from --to --out <store URL>`: long energy into the store, each batch in one transaction
 * with the device's checkpoint, so a run stopped at any point (Ctrl-C, a crash, a kill) resumes from the
 * database's own checkpoint when the same command runs again, and nothing is written twice.
 */
export const syncToStore = async (ctx: CommandContext, ids: ReadonlyArray<string>, opts: SyncCommandOptions & { readonly out: string }): Promise<number> => {
  const out = makeOutput(ctx.io, ctx.options);
  const devices = [...new Set(ids.map((id) => parseDeviceId(id)))];
  if (opts.to <= opts.from) throw new UsageError(`--from ${iso(opts.from)} --to ${iso(opts.to)}`, "--to must be after --from");
  if (opts.checkpoint !== undefined) throw new UsageError("--checkpoint", "is not used with a database --out: the database keeps its own checkpoints");
  if (opts.granularity !== "5m") throw new UsageError(`--granularity ${opts.granularity}`, "a database --out stores 5-minute intervals (query coarser sums with SQL)");
  const window = timeWindow(opts.from, opts.to);
  const store = await openStoreOrExplain(opts.out, "--out");
  const interrupt = onInterrupt();
  const conn = await connect(ctx.options, out);
  try {
    const progress = syncProgress(
      out,
      devices.map((id) => ({ id, seconds: window.toTs - window.fromTs })),
      conn.requests,
    );
    let interrupted = false;
    let total = 0;
    try {
      for (const id of devices) {
        const key = { deviceId: id, stream: "long" };
        const saved = await store.checkpoints.load(key);
        // The database's checkpoint: everything before its watermark is stored already.
        const start = Math.max(window.fromTs, Math.min(window.toTs, saved?.watermark ?? window.fromTs));
        if (saved !== undefined && start > window.fromTs) out.note(`${id}: resuming at ${iso(start)} from the database's checkpoint`);
        const device = await conn.client.promise.getDevice(id, { signal: interrupt.signal });
        const channels = device.channels ?? [];
        let points = 0;
        progress.update(id, start - window.fromTs, 0);
        if (start < window.toTs) {
          let buffer: Array<StorableEvent> = [];
          let watermark = start;
          const flush = (): Promise<unknown> => {
            const events = buffer;
            buffer = [];
            const checkpoint: EnergyCheckpoint = { watermark, seen: [], holes: [], lag: saved?.lag ?? 0 };
            return store.write(events, [[key, checkpoint]]);
          };
          const run = Stream.runForEach(conn.client.longEnergyRange(id, { fromTs: start, toTs: window.toTs }, { granularity: "5m" }), (p) => {
            const point = p;
            buffer.push({ type: "interval", deviceId: id, stream: "long", point, channels });
            watermark = point.timestamp + (point.duration ?? 300);
            points++;
            progress.update(id, Math.min(window.toTs, watermark) - window.fromTs, points);
            return buffer.length >= BATCH ? Effect.promise(flush) : Effect.void;
          });
          try {
            await Effect.runPromise(run, { signal: interrupt.signal });
          } catch (error) {
            if (!interrupt.signal.aborted) throw error;
            interrupted = true;
          }
          // What arrived is written, with a checkpoint at the last interval received (on Ctrl-C too).
          if (!interrupted) watermark = window.toTs;
          await flush();
        }
        total += points;
        progress.deviceDone(id, points);
        if (interrupted || interrupt.signal.aborted) {
          interrupted = true;
          break;
        }
      }
    } finally {
      progress.stop();
    }
    if (interrupted) {
      out.warn(`interrupted: what was received is in ${store.url}; run the same command again to resume`);
      return ExitCode.interrupted;
    }
    out.note(`done: ${devices.length} device${devices.length === 1 ? "" : "s"}, ${total} intervals into ${store.url}`);
    return ExitCode.ok;
  } finally {
    interrupt.dispose();
    await conn.close();
    await closeQuietly(store);
  }
};

const closeQuietly = (store: Store): Promise<void> => store.close().catch(() => undefined);
