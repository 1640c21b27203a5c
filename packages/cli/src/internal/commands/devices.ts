import Table from "cli-table3";
import { parseDeviceId } from "@wattstream/core";
import { connect } from "../connect.js";
import { ago, isOnline, iso, lastHeard, switchSummary } from "../deviceView.js";
import type { DeviceView } from "../deviceView.js";
import { makeOutput } from "../Output.js";
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
const channelSummary = (d: DeviceView): string => {
  const labels = (d.channels ?? []).map((c) => c.label).filter((l): l is string => typeof l === "string" && l !== "");
  let text = "";
  for (const l of labels) {
    const next = text === "" ? l : `${text}, ${l}`;
    if (next.length > 36) return `${d.channels?.length ?? 0}: ${text}, …`;
    text = next;
  }
  return `${d.channels?.length ?? 0}${text === "" ? "" : `: ${text}`}`;
};

/** `wattstream devices [ID...]`: one table row, or one NDJSON record, per device. */
export const main = async (ctx: CommandContext, ids: ReadonlyArray<string>): Promise<number> => {
  const out = makeOutput(ctx.io, ctx.options);
  // Validate every ID before any request: a typo is a usage error, not a 400 from the service.
  const wanted = ids.map((id) => parseDeviceId(id));
  const conn = await connect(ctx.options, out);
  try {
    const list = wanted.length > 0 ? wanted : await conn.client.promise.listDevices();
    // The client paces requests to the key's TPS budget; a few in flight keep latency out of the total.
    const devices = (await pool(list, 4, (id) => conn.client.promise.getDevice(id))) as unknown as ReadonlyArray<DeviceView>;
    if (out.json) {
      for (const d of devices) out.record(d);
      return ExitCode.ok;
    }
    const c = out.color;
    const now = conn.now();
    const table = new Table({
      head: ["Device", "Label", "Model", "Comms", "Last heard", "Channels", "Switches"],
      style: { head: out.color.isColorSupported ? ["cyan"] : [], border: out.color.isColorSupported ? ["grey"] : [] },
      ...(out.tty ? {} : { chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" } }),
    });
    for (const d of devices) {
      const heard = lastHeard(d);
      const online = isOnline(d, now);
      const comms = [d.comms?.type, d.comms?.mode].filter((s) => s !== undefined).join(" ");
      table.push([
        d.id,
        d.label ?? "",
        d.model ?? "",
        `${online ? c.green("online") : c.red("offline")}${comms === "" ? "" : ` ${c.dim(comms)}`}`,
        heard === undefined ? c.dim("never") : `${ago(heard, now)} ${c.dim(iso(heard))}`,
        channelSummary(d),
        switchSummary(d),
      ]);
    }
    out.line(table.toString());
    out.note(`${devices.length} device${devices.length === 1 ? "" : "s"} from ${conn.baseUrl}`);
    return ExitCode.ok;
  } finally {
    await conn.close();
  }
};
