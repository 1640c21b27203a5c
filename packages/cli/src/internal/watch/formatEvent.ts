import type { SiteBalance } from "@wattstream/core";
import { iso, shortId } from "../deviceView.js";
import type { Colors } from "../Output.js";
import type { ChannelPower, WatchEvent } from "./WatchEvent.js";

/** Watts as `1.23 kW` or `850 W`; `? W` when unknown (no duration: never shown as 0 W). */
export const formatPower = (w: number | undefined): string =>
  w === undefined ? "? W" : Math.abs(w) >= 1000 ? `${(w / 1000).toFixed(2)} kW` : `${Math.round(w)} W`;

/**
 * A site's balance in words: `grid import 1.20 kW · solar 3.74 kW · using 4.94 kW`; a figure the site has no
 * channel for is left out, an unknown one shows as `? W`.
 */
export const formatBalance = (b: SiteBalance): string => {
  const grid =
    b.gridNet === undefined ? undefined : b.gridNet >= 0 ? `grid import ${formatPower(b.gridImport)}` : `grid export ${formatPower(b.gridExport)}`;
  const parts = [
    grid,
    b.generation === 0 ? undefined : `solar ${formatPower(b.generation)}`,
    b.battery === undefined ? undefined : `battery ${b.battery >= 0 ? "charging" : "discharging"} ${formatPower(Math.abs(b.battery))}`,
    b.ev === undefined ? undefined : `EV ${formatPower(b.ev)}`,
    b.gridNet === undefined ? undefined : `using ${formatPower(b.consumption)}`,
  ];
  const text = parts.filter((p) => p !== undefined).join(" · ");
  return text === "" ? "no grid or solar channel" : text;
};

const channelList = (channels: ReadonlyArray<ChannelPower>): string =>
  channels.map((c) => `${shortId(c.id)}${c.label === undefined ? "" : ` ${c.label}`} ${formatPower(c.powerW)}`).join(", ");

/** `/switches/D…_S1/pending/state` or `/pending/switches/D…_S1/state` → `S1 state`; other paths as they are. */
const pendingWhat = (path: string): string => {
  const m = /^\/(?:pending\/)?(?:switches|channels)\/([^/]+)\/(?:pending\/)?(.+)$/.exec(path);
  const [, id, field] = m ?? [];
  return id !== undefined && field !== undefined ? `${shortId(id)} ${field}` : path.replace(/^\/pending/, "");
};

const show = (u: unknown): string => (typeof u === "string" ? u : JSON.stringify(u) ?? "-");

/**
 * One human line for an event (no timestamp, no device ID: the caller prefixes those), or `undefined` for
 * events that only update state (heartbeats).
 */
export const describeEvent = (e: WatchEvent, c: Colors, withChannels: boolean): string | undefined => {
  switch (e.type) {
    case "device":
      return `${c.bold(e.label ?? "(no label)")} ${e.model ?? ""} ${e.online ? c.green("online") : c.red("offline")}, ${e.channels.length} channels${
        e.switches.length === 0 ? "" : `, switches ${e.switches.map((s) => `${shortId(s.id)} ${s.state ?? "?"}${s.pending !== undefined && s.pending !== s.state ? `→${s.pending}` : ""}`).join(" ")}`
      }`;
    case "heartbeat":
      return undefined;
    case "interval":
    case "revised": {
      const head = `${e.type === "revised" ? c.yellow("revised") : "interval"} ${e.stream} ${c.bold(formatBalance(e.balance))}`;
      return withChannels ? `${head}  ${c.dim(channelList(e.channels))}` : head;
    }
    case "gap":
      return c.yellow(`gap ${iso(e.fromTs)} – ${iso(e.toTs)} (${e.stream} energy still missing)`);
    case "status":
      return e.status === "ok"
        ? c.green("status ok (recovered)")
        : c.yellow(
            `status ${e.status}${e.attempt === undefined ? "" : ` (attempt ${e.attempt})`}${e.retryAt === undefined ? "" : `, next try ${iso(e.retryAt)}`}${
              e.error === undefined ? "" : `: ${e.error}`
            }`,
          );
    case "fleet":
      return `fleet: ${e.devices.length} devices${e.added.length > 0 ? `, added ${e.added.join(" ")}` : ""}${
        e.removed.length > 0 ? `, removed ${e.removed.join(" ")}` : ""
      }`;
    case "removed":
      return c.red(`removed: ${e.reason}`);
    case "anomaly":
      return c.yellow(`anomaly ${e.stream}: point ${show(e.timestamp)} refused, ${e.detail}`);
    case "checkpointReset":
      return c.yellow(`checkpoint reset (${e.error}); ${e.stream} energy starts over from ${iso(e.fromTs)}`);
    case "failed":
      return c.red(`failed, no longer watched (the other devices go on): ${e.error}`);
    case "switchChanged":
      return c.cyan(`switch ${shortId(e.switchId)} ${e.field}: ${show(e.from)} → ${show(e.to)}`);
    case "channelChanged":
      return `channel ${shortId(e.channelId)} ${e.field}: ${show(e.from)} → ${show(e.to)}`;
    case "labelChanged":
      return `label: ${show(e.from)} → ${show(e.to)}`;
    case "firmwareChanged":
      return `firmware: ${show(e.from)} → ${show(e.to)}`;
    case "pendingSet":
      return c.yellow(`pending: ${pendingWhat(e.path)} → ${show(e.value)} (until the device next connects)`);
    case "pendingApplied":
      return e.applied
        ? c.green(`applied: ${pendingWhat(e.path)} = ${show(e.value)}`)
        : c.yellow(`pending ${pendingWhat(e.path)} → ${show(e.value)} was not applied`);
    case "wentOffline":
      return c.red(`offline (last heard ${iso(e.lastHeardAt)})`);
    case "cameOnline":
      return c.green("back online");
    case "changed":
      return c.dim(`${e.path} ${e.op}${e.op === "remove" ? "" : ` ${show(e.to)}`}`);
  }
};

/** The device an event is about, or `*` for fleet-wide events. */
export const eventDevice = (e: WatchEvent): string => ("deviceId" in e ? e.deviceId : "*");
