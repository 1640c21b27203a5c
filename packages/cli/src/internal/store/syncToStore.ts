import { Effect } from "effect";
import { parseDeviceId, timeWindow } from "@wattstream/core";
import type { WattwatchersError } from "@wattstream/resilience";
import { backfill } from "@wattstream/store";
import type { BackfillDevice, Store } from "@wattstream/store";
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
      // Where each device resumes (the database's checkpoint: everything before its watermark is stored) and its
      // channel layout, read before the back-fill starts.
      const plan = await Promise.all(
        devices.map(async (id) => {
          const saved = await store.checkpoints.load({ deviceId: id, stream: "long" });
          const start = Math.max(window.fromTs, Math.min(window.toTs, saved?.watermark ?? window.fromTs));
          if (saved !== undefined && start > window.fromTs) out.note(`${id}: resuming at ${iso(start)} from the database's checkpoint`);
          const device = await conn.client.promise.getDevice(id, { signal: interrupt.signal });
          progress.update(id, start - window.fromTs, 0);
          return { id, start, lag: saved?.lag ?? 0, channels: device.channels ?? [] };
        }),
      );
      for (const d of plan) if (d.start >= window.toTs) progress.deviceDone(d.id, 0);
      const todo: Array<BackfillDevice<WattwatchersError>> = plan
        .filter((d) => d.start < window.toTs)
        .map((d) => ({
          deviceId: d.id,
          fromTs: d.start,
          toTs: window.toTs,
          lag: d.lag,
          channels: d.channels,
          points: conn.client.longEnergyRange(d.id, { fromTs: d.start, toTs: window.toTs }, { granularity: "5m" }),
        }));
      const written = new Map<string, number>();
      // Store's pipeline: several devices fetched at once, each device's next request in flight while its
      // previous batch commits with its checkpoint; on Ctrl-C what arrived is written with a checkpoint at the
      // last interval received, and the same command resumes from there.
      const run = backfill(store.effect, todo, {
        onCommit: (id, watermark, points) => {
          written.set(id, points);
          progress.update(id, Math.min(window.toTs, watermark) - window.fromTs, points);
          if (watermark >= window.toTs) progress.deviceDone(id, points);
        },
      });
      try {
        await Effect.runPromise(run, { signal: interrupt.signal });
      } catch (error) {
        if (!interrupt.signal.aborted) throw error;
        interrupted = true;
      }
      if (interrupt.signal.aborted) interrupted = true;
      for (const n of written.values()) total += n;
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
