import type { Device } from "@wattstream/core";
import { connect } from "../connect.js";
import { ago, isOnline, iso, lastHeard, switchSummary } from "../deviceView.js";
import { makeOutput } from "../Output.js";
import { COMPACT, fitTable } from "../watch/liveView.js";
import { deviceIdArg } from "../parsers.js";
import type { CommandContext } from "../program.js";
import { ExitCode } from "../../ExitCode.js";

/** Runs `work` over `items` with at most `limit` in flight, keeping the input order in the result. */
const pool = async <A, B>(items: ReadonlyArray<A>, limit: number, work: (a: A) => Promise<B>): Promise<Array<B>> => {
  const results = new Array<B>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as A);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
};

/** `6: Grid, Solar, Lights & power, …`: the count and as many labels as fit in a narrow column. */
const channelSummary = (d: Device): string => {
  const labels = (d.channels ?? []).map((c) => c.label).filter((l): l is string => typeof l === "string" && l !== "");
  let text = "";
  for (const l of labels) {
    const next = text === "" ? l : `${text}, ${l}`;
    if (next.length > 36) return `${d.channels?.length ?? 0}: ${text}, …`;
    text = next;
  }
  return `${d.channels?.length ?? 0}${text === "" ? "" : `: ${text}`}`;
};

/**
 * `wattstream devices [ID...]`: per device, a table row on a terminal (as many columns as fit its width), a plain
 * tab-separated line in a pipe, or an NDJSON record with `--json`.
 */
export const main = async (ctx: CommandContext, ids: ReadonlyArray<string>): Promise<number> => {
  const out = makeOutput(ctx.io, ctx.options);
  // Validate every ID before any request: a typo is a usage error, not a 400 from the service.
  const wanted = ids.map((id) => deviceIdArg(id));
  const conn = await connect(ctx.options, out);
  try {
    const list = wanted.length > 0 ? wanted : await conn.client.promise.listDevices();
    // The client paces requests to the key's TPS budget; a few in flight keep latency out of the total.
    const devices = await pool(list, 4, (id) => conn.client.promise.getDevice(id));
    if (out.json) {
      for (const d of devices) out.record(d);
      return ExitCode.ok;
    }
    const c = out.color;
    const now = conn.now();
    if (!out.tty) {
      // A pipe or file: one plain line per device, tab-separated, no colour (the README's "plain lines").
      for (const d of devices) {
        const heard = lastHeard(d);
        const comms = [d.comms?.type, d.comms?.mode].filter((x) => x !== undefined).join(" ");
        out.line(
          [d.id, d.label ?? "", d.model ?? "", isOnline(d, now) ? "online" : "offline", comms, heard === undefined ? "never" : iso(heard), channelSummary(d), switchSummary(d)].join("\t"),
        );
      }
    } else {
      const rows = devices.map((d) => {
        const heard = lastHeard(d);
        const comms = [d.comms?.type, d.comms?.mode].filter((x) => x !== undefined).join(" ");
        return [
          d.id,
          (d.label ?? "").length > 24 ? `${(d.label ?? "").slice(0, 23)}…` : (d.label ?? ""),
          `${isOnline(d, now) ? c.green("online") : c.red("offline")} ${heard === undefined ? c.dim("never") : ago(heard, now)}`,
          switchSummary(d),
          channelSummary(d),
          d.model ?? "",
          comms,
          heard === undefined ? "" : c.dim(iso(heard)),
        ];
      });
      const width = out.io.stdout.columns !== undefined && out.io.stdout.columns > 20 ? out.io.stdout.columns : 120;
      out.line(
        fitTable(["Device", "Label", "Last data", "Switches", "Channels", "Model", "Comms", "At (UTC)"], rows, width, {
          head: c.isColorSupported ? ["cyan"] : [],
          border: c.isColorSupported ? ["grey"] : [],
        }, COMPACT),
      );
    }
    out.note(`${devices.length} device${devices.length === 1 ? "" : "s"} from ${conn.baseUrl}`);
    return ExitCode.ok;
  } finally {
    await conn.close();
  }
};
