import Table from "cli-table3";
import { parseDeviceId } from "@wattstream/core";
import { makeOutput } from "../Output.js";
import type { CommandContext } from "../program.js";
import { openStoreOrExplain } from "../store/openStoreOrExplain.js";
import { UsageError } from "../UsageError.js";
import { ExitCode } from "../../ExitCode.js";

/** Options of `wattstream query`. */
export interface QueryCommandOptions {
  /** First UTC day to show, `YYYY-MM-DD`. */
  readonly from?: string;
  /** Last UTC day to show, inclusive. */
  readonly to?: string;
}

interface DayRow {
  readonly device_id: string;
  readonly day: string;
  readonly channel: number | string;
  readonly channel_id: string | null;
  readonly label: string | null;
  readonly e_real: number | string | null;
  readonly intervals: number | string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * `wattstream query <store URL> [ID...]`: energy per channel per UTC day from a database written by `sync --out`
 * or `watch --store` (the store's `energy_per_channel_day` view), as a table, or NDJSON with `--json`.
 */
export const main = async (ctx: CommandContext, url: string, ids: ReadonlyArray<string>, opts: QueryCommandOptions): Promise<number> => {
  const out = makeOutput(ctx.io, ctx.options);
  const wanted = ids.map((id) => parseDeviceId(id));
  for (const [flag, value] of [["--from", opts.from], ["--to", opts.to]] as const)
    if (value !== undefined && !DAY.test(value)) throw new UsageError(`${flag} ${value}`, "expected a UTC day, e.g. 2026-01-31");
  const store = await openStoreOrExplain(url, "<store>");
  try {
    const p = (n: number) => (store.dialect === "postgres" ? `$${n}` : "?");
    const where: Array<string> = ["stream = 'long'"];
    const params: Array<unknown> = [];
    if (wanted.length > 0) where.push(`device_id in (${wanted.map((id) => (params.push(id), p(params.length))).join(", ")})`);
    if (opts.from !== undefined) where.push(`day >= ${(params.push(opts.from), p(params.length))}`);
    if (opts.to !== undefined) where.push(`day <= ${(params.push(opts.to), p(params.length))}`);
    const rows = await store.query<DayRow>(
      `select device_id, day, channel, channel_id, label, e_real, intervals from energy_per_channel_day
       where ${where.join(" and ")} order by device_id, day, channel`,
      params,
    );
    const kwh = (j: DayRow["e_real"]): number | null => (j === null ? null : Math.round((Number(j) / 3.6e6) * 1000) / 1000);
    if (out.json) {
      for (const r of rows)
        out.record({ deviceId: r.device_id, day: r.day, channel: Number(r.channel), channelId: r.channel_id, label: r.label, kWh: kwh(r.e_real), intervals: Number(r.intervals) });
      return ExitCode.ok;
    }
    const table = new Table({
      head: ["Device", "Day (UTC)", "Channel", "Label", "kWh", "Intervals"],
      style: { head: out.color.isColorSupported ? ["cyan"] : [], border: out.color.isColorSupported ? ["grey"] : [] },
      ...(out.tty ? {} : { chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" } }),
    });
    for (const r of rows) table.push([r.device_id, r.day, r.channel_id ?? String(r.channel), r.label ?? "", String(kwh(r.e_real) ?? ""), String(r.intervals)]);
    out.line(table.toString());
    out.note(`${rows.length} row${rows.length === 1 ? "" : "s"} from ${store.url}`);
    return ExitCode.ok;
  } finally {
    await store.close();
  }
};
