import Table from "cli-table3";
import { ago, iso, shortId } from "../deviceView.js";
import type { Output } from "../Output.js";
import type { SiteBalance } from "@wattstream/core";
import { describeEvent, eventDevice, formatPower } from "./formatEvent.js";
import type { ChannelPower, WatchEvent } from "./WatchEvent.js";

interface Row {
  label: string | undefined;
  model: string | undefined;
  online: boolean | undefined;
  lastHeardAt: number | undefined;
  /** When data last arrived from the device: its latest interval's end, or its last contact if later. */
  lastDataAt: number | undefined;
  balance: SiteBalance | undefined;
  intervalTs: number | undefined;
  channels: ReadonlyArray<ChannelPower>;
  switches: Map<string, string | undefined>;
  /** Values waiting under `pending` for the device, by JSON pointer (rx's pendingSet / pendingApplied). */
  pending: Map<string, unknown>;
  status: string;
}

/** Options of {@link liveView}. */
export interface LiveViewOptions {
  /** The first line: what is being watched and where. */
  readonly title: string;
  /** The data's clock, Unix seconds (the simulator's when it runs the show). */
  readonly now: () => number;
  readonly withChannels: boolean;
  /** How many recent events to show under the table. @default 8 */
  readonly logLines?: number;
}

/** A live view on a terminal. */
export interface LiveView {
  readonly push: (event: WatchEvent) => void;
  /** Draws the final frame and gives the cursor back. */
  readonly close: () => void;
}

const ESC = "\u001b[";

/** Cuts `line` after `width` visible characters, skipping colour escapes when counting. */
const cut = (line: string, width: number): string => {
  if (line.length <= width) return line;
  let visible = 0;
  let i = 0;
  while (i < line.length) {
    if (line.startsWith(ESC, i)) {
      const end = line.slice(i).search(/[A-Za-z]/);
      i += end < 0 ? line.length : end + 1;
      continue;
    }
    if (visible === width) return `${line.slice(0, i)}${ESC}0m`;
    visible++;
    i++;
  }
  return line;
};

const latest = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined ? b : b === undefined ? a : Math.max(a, b);

/** cli-table3 border characters without a rule between rows: one line per row. */
export const COMPACT = { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" } as const;

/** Visible width of a rendered line (colour escapes do not count). */
// eslint-disable-next-line no-control-regex
const visibleWidth = (line: string): number => line.replace(/\u001b\[[0-9;]*m/g, "").length;

/**
 * A cli-table3 table of `head` and `rows` no wider than `width`: columns are dropped from the right (the least
 * telling) until it fits, keeping at least the first three; wider than that, the caller cuts lines.
 */
export const fitTable = (
  head: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>,
  width: number,
  style: { readonly head: Array<string>; readonly border: Array<string> },
  chars?: Partial<Record<"mid" | "left-mid" | "mid-mid" | "right-mid", string>>,
): string => {
  for (let n = head.length; ; n--) {
    const table = new Table({ head: head.slice(0, n), style, ...(chars === undefined ? {} : { chars }) });
    for (const r of rows) table.push(r.slice(0, n));
    const text = table.toString();
    if (n <= 3 || Math.max(...text.split("\n").map(visibleWidth)) <= width) return text;
  }
};

/**
 * The TTY view of `watch`: a table with one row per device (comms, latest power, switches, stream status)
 * and the most recent events below it, redrawn in place (at most ten times a second, and every second for
 * the "last heard" ages).
 */
export const liveView = (out: Output, options: LiveViewOptions): LiveView => {
  const c = out.color;
  const stream = out.io.stdout;
  const rows = new Map<string, Row>();
  const log: Array<string> = [];
  const logLines = options.logLines ?? 8;
  let drawn = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const row = (id: string): Row => {
    let r = rows.get(id);
    if (r === undefined) {
      r = {
        label: undefined,
        model: undefined,
        online: undefined,
        lastHeardAt: undefined,
        lastDataAt: undefined,
        balance: undefined,
        intervalTs: undefined,
        channels: [],
        switches: new Map(),
        pending: new Map(),
        status: "starting",
      };
      rows.set(id, r);
    }
    return r;
  };

  const frame = (width: number): string => {
    const now = options.now();
    const dash = c.dim("-");
    const kw = (w: number | undefined): string => (w === undefined ? dash : formatPower(w));
    // Most telling columns first: when the table is wider than the terminal, columns go from the right.
    const columns: ReadonlyArray<{ readonly head: string; readonly cell: (id: string, r: Row) => string }> = [
      { head: "Device", cell: (id) => id },
      { head: "Label", cell: (_, r) => ((r.label ?? "").length > 22 ? `${(r.label ?? "").slice(0, 21)}…` : (r.label ?? "")) },
      {
        head: "Grid",
        cell: (_, r) => {
          const net = r.balance?.gridNet;
          if (r.balance === undefined || net === undefined) return r.balance === undefined ? dash : c.dim("no grid CT");
          return net >= 0 ? `import ${c.bold(kw(r.balance.gridImport))}` : `export ${c.bold(kw(r.balance.gridExport))}`;
        },
      },
      { head: "Solar", cell: (_, r) => kw(r.balance?.generation) },
      { head: "Using", cell: (_, r) => (r.balance?.gridNet === undefined ? dash : c.bold(kw(r.balance.consumption))) },
      {
        head: "Last data",
        cell: (_, r) =>
          r.online === undefined && r.lastDataAt === undefined
            ? ""
            : `${r.online === false ? c.red("offline") : c.green("online")} ${c.dim(ago(r.lastDataAt, now))}`,
      },
      { head: "Switches", cell: (_, r) => switchesOf(r) },
      { head: "Status", cell: (_, r) => (r.status === "ok" ? c.green("ok") : c.yellow(r.status)) },
      { head: "Interval", cell: (_, r) => (r.intervalTs === undefined ? "" : c.dim(iso(r.intervalTs).slice(11))) },
      { head: "Model", cell: (_, r) => r.model ?? "" },
      ...(options.withChannels
        ? [
            {
              head: "Channels",
              cell: (_: string, r: Row) =>
                r.channels.map((ch) => `${shortId(ch.id)} ${(ch.label ?? "").slice(0, 16).padEnd(16)} ${formatPower(ch.powerW).padStart(9)}`).join("\n"),
            },
          ]
        : []),
    ];
    const table = fitTable(
      columns.map((col) => col.head),
      [...rows].map(([id, r]) => columns.map((col) => col.cell(id, r))),
      width,
      { head: out.color.isColorSupported ? ["cyan"] : [], border: out.color.isColorSupported ? ["grey"] : [] },
      options.withChannels ? undefined : COMPACT,
    );
    const lines = [
      c.bold(options.title),
      c.dim(`${iso(now)} · mean power over each device's latest interval · Ctrl-C to quit`),
      table,
      ...log.slice(-logLines),
    ];
    return lines.join("\n");
  };

  const switchesOf = (r: Row): string => {
    const text = [...r.switches]
      .map(([sid, state]) => {
        // Writes are eventually consistent (api-facts): a requested state waits under the switch's own
        // `pending` (rx reports it as a pendingSet at that path); the device-level spelling is accepted too.
        const p = r.pending.get(`/switches/${sid}/pending/state`) ?? r.pending.get(`/pending/switches/${sid}/state`);
        return `${shortId(sid)} ${state ?? "?"}${p === undefined ? "" : c.yellow(`→${String(p)}`)}`;
      })
      .join(" ");
    return text === "" ? c.dim("-") : text;
  };

  const draw = (): void => {
    timer = undefined;
    const height = stream.rows !== undefined && stream.rows > 4 ? stream.rows : 60;
    const width = stream.columns !== undefined && stream.columns > 20 ? stream.columns : Infinity;
    // Wrapped lines would break the cursor arithmetic of the redraw: cut every line at the terminal's width.
    const lines = frame(width)
      .split("\n")
      .slice(0, height - 1)
      .map((l) => cut(l, width));
    // Up to the top of the previous frame, clear to the end of the screen, draw the new frame.
    const up = drawn > 0 ? `${ESC}${drawn}A\r` : "";
    stream.write(`${up}${ESC}0J${lines.join("\n")}\n`);
    drawn = lines.length;
  };

  const schedule = (): void => {
    if (timer === undefined && !closed) timer = setTimeout(draw, 100);
  };
  const tick = setInterval(schedule, 1000);
  stream.write(`${ESC}?25l`);
  draw();

  const push = (e: WatchEvent): void => {
    const id = eventDevice(e);
    if (id !== "*" && e.type !== "fleet") {
      const r = row(id);
      switch (e.type) {
        case "device":
          r.label = e.label;
          r.model = e.model;
          r.online = e.online;
          r.lastHeardAt = e.lastHeardAt;
          r.lastDataAt = latest(r.lastDataAt, e.lastHeardAt);
          for (const s of e.switches) {
            r.switches.set(s.id, s.state);
            if (s.pending !== undefined) r.pending.set(`/switches/${s.id}/pending/state`, s.pending);
          }
          if (r.status === "starting") r.status = "ok";
          break;
        case "heartbeat":
          r.lastHeardAt = e.lastHeardAt;
          r.lastDataAt = latest(r.lastDataAt, e.lastHeardAt);
          r.online = e.online;
          break;
        case "interval":
        case "revised":
          r.lastDataAt = latest(r.lastDataAt, e.timestamp + (e.duration ?? 0));
          if (r.intervalTs === undefined || e.timestamp >= r.intervalTs) {
            r.balance = e.balance;
            r.intervalTs = e.timestamp;
            r.channels = e.channels;
          }
          break;
        case "status":
          r.status = e.status === "ok" ? "ok" : e.status === "rateLimited" ? "rate limited" : `${e.status}${e.attempt === undefined ? "" : ` (${e.attempt})`}`;
          break;
        case "switchChanged":
          // Changes under a switch's `pending` arrive as pendingSet / pendingApplied, never here.
          if (e.field === "state") r.switches.set(e.switchId, typeof e.to === "string" ? e.to : undefined);
          break;
        case "labelChanged":
          r.label = typeof e.to === "string" ? e.to : undefined;
          break;
        case "pendingSet":
          r.pending.set(e.path, e.value);
          break;
        case "pendingApplied":
          r.pending.delete(e.path);
          break;
        case "wentOffline":
          r.online = false;
          break;
        case "cameOnline":
          r.online = true;
          break;
        case "removed":
          rows.delete(id);
          break;
        case "failed":
          r.status = "failed";
          break;
        default:
          break;
      }
    }
    // Intervals and heartbeats arrive constantly and show in the table; the log keeps the rarer events.
    if (e.type !== "interval" && e.type !== "heartbeat" && e.type !== "device") {
      const text = describeEvent(e, c, false);
      if (text !== undefined) log.push(`${c.dim(iso(options.now()).slice(11))} ${id === "*" ? "" : `${id} `}${text}`);
      if (log.length > logLines) log.splice(0, log.length - logLines);
    }
    schedule();
  };

  return {
    push,
    close: () => {
      if (closed) return;
      closed = true;
      clearInterval(tick);
      if (timer !== undefined) clearTimeout(timer);
      draw();
      stream.write(`${ESC}?25h`);
    },
  };
};
