import { scaledScheduler } from "@wattstream/rx";
import { CONNECTION_POOL_DEFAULTS } from "@wattstream/transport/node";
import { asyncScheduler } from "rxjs";
import { connect } from "../connect.js";
import { iso } from "../deviceView.js";
import { onInterrupt } from "../interrupt.js";
import { makeOutput } from "../Output.js";
import { deviceIdArg } from "../parsers.js";
import type { CommandContext } from "../program.js";
import { describeEvent, eventDevice } from "../watch/formatEvent.js";
import { liveView } from "../watch/liveView.js";
import type { WatchEvent } from "../watch/WatchEvent.js";
import { watchEvents$ } from "../watch/watchEvents.js";
import { ExitCode } from "../../ExitCode.js";

/** Options of `wattstream watch`. */
export interface WatchCommandOptions {
  readonly energy: "short" | "long" | "none";
  readonly channels?: boolean;
  /** Device poll period, seconds. */
  readonly every?: number;
  /** Directory of energy checkpoints. */
  readonly checkpoint?: string;
  /** Database to write events and checkpoints into (`sqlite:…`, `postgres://…`). */
  readonly store?: string;
  /** Size of the keep-alive connection pool (`--connections`). @default 32 */
  readonly connections?: number;
}

/**
 * `wattstream watch [ID...]`: rx's change events, rendered as a live table on a TTY, as lines in a pipe, or
 * as NDJSON with `--json`. Runs until Ctrl-C (exit 0: streams unsubscribed, which interrupts their fibers and
 * aborts requests in flight) or until a fatal error (bad key, unknown device).
 */
export const main = async (ctx: CommandContext, ids: ReadonlyArray<string>, opts: WatchCommandOptions): Promise<number> => {
  const out = makeOutput(ctx.io, ctx.options);
  const wanted = ids.map((id) => deviceIdArg(id));
  const interrupt = onInterrupt();
  // Polls of many devices fall due together: a bounded keep-alive pool reuses a few connections instead of opening
  // hundreds at once after every quiet gap (transport's README, "Connection pool").
  const conn = await connect(ctx.options, out, { connections: opts.connections ?? CONNECTION_POOL_DEFAULTS.connections });
  // On the embedded simulator, time is the simulator's (possibly sped up): polls land when data is due there.
  const sim = conn.simulator;
  const scheduler = sim === undefined ? asyncScheduler : scaledScheduler(conn.speed, { now: () => sim.clock.now() * 1000 });
  const withChannels = opts.channels === true;
  // Node-only part of rx (it uses node:fs), loaded only when asked for.
  const checkpoints = opts.checkpoint === undefined ? undefined : (await import("@wattstream/rx/node")).fileCheckpointStore(opts.checkpoint);
  // --store: events and checkpoints go into a database (packages/cli/src/internal/store/watchStore.ts).
  const stored = opts.store === undefined ? undefined : await (await import("../store/watchStore.js")).watchStore(opts.store, opts.checkpoint);
  const sink: { push: (e: WatchEvent) => void; close: () => void } = out.json
    ? { push: (e) => out.record(e), close: () => undefined }
    : out.tty
      ? liveView(out, {
          title: `wattstream watch · ${wanted.length === 0 ? "every device on the key" : wanted.join(" ")} · ${conn.baseUrl}${
            sim === undefined ? "" : ` (simulator${conn.speed === 1 ? "" : `, ${conn.speed}× speed`})`
          }`,
          now: conn.now,
          withChannels,
        })
      : {
          push: (e) => {
            const text = describeEvent(e, out.color, withChannels);
            if (text === undefined) return;
            const at = e.type === "interval" || e.type === "revised" ? e.timestamp : conn.now();
            const id = eventDevice(e);
            out.line(`${out.color.dim(iso(at))} ${id === "*" ? "" : `${id} `}${text}`);
          },
          close: () => undefined,
        };
  try {
    await new Promise<void>((resolve, reject) => {
      const sub = watchEvents$(conn.client, {
        ids: wanted,
        energy: opts.energy,
        scheduler,
        secrets: conn.secrets,
        ...(checkpoints === undefined ? {} : { checkpoints }),
        ...(stored === undefined ? {} : stored.options),
        ...(opts.every === undefined ? {} : { every: opts.every * 1000 }),
      }).subscribe({ next: sink.push, error: reject, complete: resolve });
      void interrupt.interrupted.then(() => {
        sub.unsubscribe();
        resolve();
      });
    });
    return ExitCode.ok;
  } finally {
    // Streams are unsubscribed (requests aborted); make sure every checkpoint save they started is on disk.
    await checkpoints?.flush();
    await stored?.close();
    sink.close();
    interrupt.dispose();
    await conn.close();
  }
};
