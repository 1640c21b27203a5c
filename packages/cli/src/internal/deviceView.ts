import type { Device } from "@wattstream/core";
import { readSwitch } from "@wattstream/rx";

// When the device last spoke and whether it is online (600 s) are core's rules, shared with rx's device$.
export { isOnline, lastHeard } from "@wattstream/core";

/** `12 s ago`, `5 min ago`, `3 h ago`, `2 d ago`, `never`. */
export const ago = (ts: number | undefined, now: number): string => {
  if (ts === undefined) return "never";
  const s = Math.max(0, Math.round(now - ts));
  if (s < 90) return `${s} s ago`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min ago`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
};

/** ISO 8601 UTC, to the second: `2026-01-05T00:00:00Z`. */
export const iso = (ts: number | undefined): string =>
  ts === undefined ? "" : `${new Date(Math.floor(ts) * 1000).toISOString().slice(0, 19)}Z`;

/** The short name of a sub-entity (`D123456789012_S1` → `S1`). */
export const shortId = (id: string): string => id.slice(id.lastIndexOf("_") + 1);

/**
 * `S1 open, S2 closed→open` (an arrow marks a pending change), or `-` without switches. Pending states are read
 * with rx's `readSwitch`: the contract puts them under the switch's own `pending`, and the device-level
 * `pending.switches[]` spelling is accepted too (api-facts: writes are eventually consistent).
 */
export const switchSummary = (d: Device): string => {
  const parts = (d.switches ?? []).map((s) => {
    const { pending } = readSwitch(d, s.id);
    return `${shortId(s.id)} ${s.state ?? "?"}${pending !== undefined && pending !== s.state ? `→${pending}` : ""}`;
  });
  return parts.length === 0 ? "-" : parts.join(", ");
};
