import type { ChannelId, Device, DeviceId, SwitchId } from "@wattstream/core";
import { at, leaves, pointer, walk } from "./internal/keyedWalk.js";
import type { RawChange } from "./internal/keyedWalk.js";

/**
 * A typed change between two device snapshots. Paths are JSON pointers in which channel and switch array
 * positions are replaced by their IDs (`/switches/D123456789012_S1/state`, not `/switches/0/state`), because the
 * diff is keyed: a path keeps naming the same entity when the array is reordered (unlike RFC 6901 indexes).
 *
 * @category models
 */
export type DeviceEvent =
  | {
      readonly type: "switchChanged";
      readonly deviceId: DeviceId;
      readonly switchId: SwitchId;
      readonly field: string;
      readonly path: string;
      readonly from: unknown;
      readonly to: unknown;
    }
  | {
      readonly type: "channelChanged";
      readonly deviceId: DeviceId;
      readonly channelId: ChannelId;
      readonly field: string;
      readonly path: string;
      readonly from: unknown;
      readonly to: unknown;
    }
  | { readonly type: "labelChanged"; readonly deviceId: DeviceId; readonly from: unknown; readonly to: unknown }
  | { readonly type: "firmwareChanged"; readonly deviceId: DeviceId; readonly from: unknown; readonly to: unknown }
  | { readonly type: "pendingSet"; readonly deviceId: DeviceId; readonly path: string; readonly value: unknown }
  | {
      readonly type: "pendingApplied";
      readonly deviceId: DeviceId;
      readonly path: string;
      /** The value that was pending. */
      readonly value: unknown;
      /** Whether the live property now holds the pending value (false: the device discarded or overrode it). */
      readonly applied: boolean;
    }
  | { readonly type: "wentOffline"; readonly deviceId: DeviceId; readonly lastHeardAt: number | undefined }
  | { readonly type: "cameOnline"; readonly deviceId: DeviceId; readonly lastHeardAt: number | undefined }
  | {
      readonly type: "changed";
      readonly deviceId: DeviceId;
      readonly path: string;
      readonly op: "add" | "remove" | "replace";
      readonly from?: unknown;
      readonly to?: unknown;
    };

/**
 * The result of {@link diffDevice}: the structurally shared snapshot and the events that lead to it.
 *
 * @category models
 */
export interface DeviceDiff {
  /** `next`, except that every unchanged sub-object is the very object from `prev` (so `===` means unchanged). */
  readonly snapshot: Device;
  readonly events: ReadonlyArray<DeviceEvent>;
}

/** Options of {@link diffDevice}. @category models */
export interface DiffOptions {
  /**
   * Report `comms.lastHeardAt` / `latestStatus` moves as `changed` events. They move on every report, so they
   * are noise for most consumers; the snapshot still carries them.
   * @default false
   */
  readonly includeHeartbeat?: boolean;
}

const HEARTBEAT = new Set(["/comms/lastHeardAt", "/latestStatus"]);

const classify = (
  deviceId: DeviceId,
  change: RawChange,
  next: unknown,
  out: Array<DeviceEvent>,
  includeHeartbeat: boolean,
): void => {
  const [head, entity, field] = change.path;
  const path = pointer(change.path);
  const pendingAt = change.path.indexOf("pending");
  if (pendingAt >= 0) {
    // Writes are eventually consistent (api-facts): the requested value waits under `pending` (the device's,
    // or a switch's own) until the device connects. Expand whole objects so each pending leaf gets its event.
    const live = (p: ReadonlyArray<string>): ReadonlyArray<string> => [...p.slice(0, pendingAt), ...p.slice(pendingAt + 1)];
    const found: Array<[ReadonlyArray<string>, unknown]> = [];
    if (change.op !== "remove") {
      leaves(change.to, change.path, found);
      for (const [p, value] of found) out.push({ type: "pendingSet", deviceId, path: pointer(p), value });
    }
    if (change.op !== "add") {
      const gone: Array<[ReadonlyArray<string>, unknown]> = [];
      leaves(change.from, change.path, gone);
      for (const [p, value] of gone) {
        if (found.some(([q]) => pointer(q) === pointer(p))) continue;
        out.push({ type: "pendingApplied", deviceId, path: pointer(p), value, applied: Object.is(at(next, live(p)), value) });
      }
    }
    return;
  }
  if (change.path.length === 1 && head === "label") {
    out.push({ type: "labelChanged", deviceId, from: change.from, to: change.to });
    return;
  }
  if (change.path.length === 1 && head === "firmwareVersion") {
    out.push({ type: "firmwareChanged", deviceId, from: change.from, to: change.to });
    return;
  }
  if ((head === "switches" || head === "channels") && entity !== undefined && field !== undefined) {
    const base = { deviceId, field, path, from: change.from, to: change.to };
    // The keyed walk names entities by the `id` of `Device.channels[]` / `Device.switches[]`, which core types as
    // `ChannelId` / `SwitchId`; the path segment is that very string.
    out.push(
      head === "switches"
        ? { type: "switchChanged", switchId: entity as SwitchId, ...base }
        : { type: "channelChanged", channelId: entity as ChannelId, ...base },
    );
    return;
  }
  if (!includeHeartbeat && HEARTBEAT.has(path)) return;
  out.push(
    change.op === "add"
      ? { type: "changed", deviceId, path, op: "add", to: change.to }
      : change.op === "remove"
        ? { type: "changed", deviceId, path, op: "remove", from: change.from }
        : { type: "changed", deviceId, path, op: "replace", from: change.from, to: change.to },
  );
};

/**
 * Diffs two snapshots of one device by key (channels and switches matched by `id`) and returns the
 * structurally shared next snapshot with typed change events.
 *
 * @example
 * ```ts
 * import { diffDevice } from "@wattstream/rx";
 * const previous = await client.promise.getDevice(deviceId);
 * const fresh = await client.promise.getDevice(deviceId);
 * const { snapshot, events } = diffDevice(previous, fresh);
 * // snapshot.channels === previous.channels when no channel changed
 * for (const e of events) if (e.type === "switchChanged") console.log(e.switchId, e.from, "→", e.to);
 * ```
 * @category models
 */
export const diffDevice = (prev: Device | undefined, next: Device, options?: DiffOptions): DeviceDiff => {
  if (prev === undefined) return { snapshot: next, events: [] };
  const raw: Array<RawChange> = [];
  // The walk returns `next` with equal sub-trees swapped for `prev`'s (equal) ones: still a `Device`.
  const snapshot = walk(prev, next, [], raw) as Device;
  if (raw.length === 0) return { snapshot, events: [] };
  const events: Array<DeviceEvent> = [];
  const includeHeartbeat = options?.includeHeartbeat ?? false;
  for (const change of raw) classify(next.id, change, next, events, includeHeartbeat);
  return { snapshot, events };
};

/**
 * Returns `next` with every sub-tree that deep-equals the one in `prev` replaced by `prev`'s, in the spirit of
 * TanStack Query's `replaceEqualDeep`; arrays of objects with an `id` are matched by `id`.
 *
 * @example
 * ```ts
 * import { replaceEqualDeep } from "@wattstream/rx";
 * const a = { channels: [{ id: "D123456789012_C1", label: "Mains" }] };
 * const b = replaceEqualDeep(a, structuredClone(a)); // b === a
 * ```
 * @category models
 */
export const replaceEqualDeep = <T>(prev: unknown, next: T): T => walk(prev, next, [], undefined) as T;
