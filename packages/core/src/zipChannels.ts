// Energy arrays are positional: eReal[k] belongs to channels[k] (api-facts: IDs). A stale channel layout silently
// mislabels data, so every array's length is checked against the layout before anything is paired.
import type { Channel, Phases } from "./Device.js";
import type { ChannelId } from "./SubEntityId.js";

/**
 * Why an energy point does not fit the device's channel layout: an array whose length differs from the number of
 * channels (`reason: "length"`), or a phase group naming a channel the layout lacks (`reason: "unknown-channel"`).
 * Returned (never thrown) by {@link zipChannels} and {@link groupByPhase}; an `Error`, so it can be thrown or
 * passed to an error channel as it is.
 *
 * @example
 * ```ts
 * import { zipChannels } from "@wattstream/core";
 * const zipped = zipChannels([], { timestamp: 0, duration: 30, eReal: [1] });
 * if (!zipped.ok) console.log(zipped.error.field, zipped.error.expected, zipped.error.actual); // eReal 0 1
 * ```
 * @category errors
 */
export class ChannelLayoutMismatchError extends Error {
  /** Discriminator, so the error fits tagged-error unions (Effect `catchTag`). */
  readonly _tag = "ChannelLayoutMismatchError" as const;
  readonly reason: "length" | "unknown-channel";
  /** The positional field (e.g. `eReal`) or, for `unknown-channel`, the channel ID. */
  readonly field: string;
  /** Channels in the layout. */
  readonly expected: number;
  /** Values in the array (for `unknown-channel`, -1). */
  readonly actual: number;
  /** The point's timestamp, when it had one. */
  readonly timestamp: number | undefined;

  constructor(reason: "length" | "unknown-channel", field: string, expected: number, actual: number, timestamp?: number) {
    super(
      reason === "length"
        ? `Channel layout mismatch: ${field} has ${actual} values for ${expected} channels` +
            (timestamp === undefined ? "" : ` at ${timestamp}`)
        : `Channel layout mismatch: phase group includes ${field}, which is not among the ${expected} channels`,
    );
    this.name = "ChannelLayoutMismatchError";
    this.reason = reason;
    this.field = field;
    this.expected = expected;
    this.actual = actual;
    this.timestamp = timestamp;
  }
}

/**
 * The keys of `P` whose values are positional number arrays (`eReal`, `vRMS`, `pf`, `pRealKw`, …).
 *
 * @category models
 */
export type PositionalKeys<P> = keyof {
  // Key remapping drops the index signature that keeps payload types open, leaving the declared fields.
  [K in keyof P as string extends K
    ? never
    : K extends string
      ? NonNullable<P[K]> extends ReadonlyArray<number>
        ? K
        : never
      : never]: P[K];
} &
  string;

/**
 * One channel of one energy point: its ID, position, label and category, and its value from every positional
 * array of the point.
 *
 * @category models
 */
export interface ZippedChannel<K extends string = string> {
  readonly id: ChannelId;
  /** Zero-based position in the energy arrays (the channel number minus one). */
  readonly index: number;
  readonly label: string | undefined;
  readonly categoryId: number | undefined;
  readonly categoryLabel: string | undefined;
  /** This channel's value from each positional array the point carried. */
  readonly values: { readonly [F in K]?: number };
}

/**
 * What {@link zipChannels} gives: the zipped channels, or why the point does not fit the layout.
 *
 * @category models
 */
export type ZipChannelsResult<K extends string = string> =
  | { readonly ok: true; readonly channels: ReadonlyArray<ZippedChannel<K>> }
  | { readonly ok: false; readonly error: ChannelLayoutMismatchError };

/**
 * Pairs every positional array of an energy point with the device's channels, giving one record per channel.
 * Any array-valued field counts, so converted (`pRealKw`) and future fields are paired too. Never throws: an
 * array the point lacks is simply not among a channel's `values` (api-facts: empty values are omitted); an array
 * whose length differs from the number of channels (a short one included) gives `{ ok: false, error }` with a
 * {@link ChannelLayoutMismatchError}, because pairing it would mislabel data. An absent layout (`undefined`, a
 * device record without `channels`) counts as no channels: only a point without values fits it.
 *
 * @example
 * ```ts
 * import { zipChannels } from "@wattstream/core";
 * import type { Channel, ChannelId } from "@wattstream/core";
 * const channels: Channel[] = [
 *   { id: "D123456789012_C1" as ChannelId, label: "Grid" },
 *   { id: "D123456789012_C2" as ChannelId, label: "Solar" },
 * ];
 * const zipped = zipChannels(channels, { timestamp: 0, duration: 30, eReal: [1200, -300], vRMS: [240, 240] });
 * if (zipped.ok) zipped.channels[0]?.values.eReal; // 1200
 * ```
 * @category operators
 */
export const zipChannels = <P extends object>(
  channels: ReadonlyArray<Channel> | undefined,
  point: P,
): ZipChannelsResult<PositionalKeys<P>> => {
  const layout = channels ?? [];
  const n = layout.length;
  const timestamp = (point as { timestamp?: unknown }).timestamp;
  const fields: Array<[string, ReadonlyArray<unknown>]> = [];
  for (const [field, value] of Object.entries(point)) {
    if (!Array.isArray(value)) continue;
    if (value.length !== n) {
      const at = typeof timestamp === "number" ? timestamp : undefined;
      return { ok: false, error: new ChannelLayoutMismatchError("length", field, n, value.length, at) };
    }
    fields.push([field, value]);
  }
  return {
    ok: true,
    channels: layout.map((channel, index) => {
      const values: Record<string, unknown> = {};
      for (const [field, array] of fields) values[field] = array[index];
      return {
        id: channel.id,
        index,
        label: channel.label,
        categoryId: channel.categoryId,
        categoryLabel: channel.categoryLabel,
        values: values as ZippedChannel<PositionalKeys<P>>["values"],
      };
    }),
  };
};

/**
 * One phase group of a device with its zipped channels, in the group's order.
 *
 * @category models
 */
export interface PhaseGroupChannels<K extends string = string> {
  /** Zero-based position of the group in `phases.grouping`. */
  readonly group: number;
  readonly channels: ReadonlyArray<ZippedChannel<K>>;
}

/**
 * What {@link groupByPhase} gives: the groups, or the first channel a group names that the layout lacks.
 *
 * @category models
 */
export type GroupByPhaseResult<K extends string = string> =
  | { readonly ok: true; readonly groups: ReadonlyArray<PhaseGroupChannels<K>> }
  | { readonly ok: false; readonly error: ChannelLayoutMismatchError };

/**
 * Groups zipped channels by the device's phase groups (`phases.grouping`). Never throws: no phase configuration
 * (or no `grouping`) gives no groups, a group without `included` an empty one, and a group naming a channel the
 * layout lacks gives `{ ok: false, error }` with a {@link ChannelLayoutMismatchError} (`unknown-channel`).
 *
 * @example
 * ```ts
 * import { channelIdAt, groupByPhase, parseDeviceId, zipChannels } from "@wattstream/core";
 * const d = parseDeviceId("D123456789012");
 * const channels = [0, 1, 2, 3].map((i) => ({ id: channelIdAt(d, i) }));
 * const phases = { count: 2, grouping: [{ included: [channels[0]!.id, channels[1]!.id] }, { included: [channels[2]!.id, channels[3]!.id] }] };
 * const zipped = zipChannels(channels, { timestamp: 0, eReal: [10, 20, 30, 40] });
 * const grouped = zipped.ok ? groupByPhase(phases, zipped.channels) : undefined;
 * for (const { group, channels: members } of grouped?.ok === true ? grouped.groups : []) {
 *   console.log(group, members.reduce((sum, c) => sum + (c.values.eReal ?? 0), 0)); // 0 30, then 1 70
 * }
 * ```
 * @category operators
 */
export const groupByPhase = <K extends string>(
  phases: Phases | undefined,
  zipped: ReadonlyArray<ZippedChannel<K>>,
): GroupByPhaseResult<K> => {
  const byId = new Map<string, ZippedChannel<K>>();
  for (const z of zipped) byId.set(z.id, z);
  const groups: Array<PhaseGroupChannels<K>> = [];
  for (const [group, g] of (phases?.grouping ?? []).entries()) {
    const members: Array<ZippedChannel<K>> = [];
    for (const id of g.included ?? []) {
      const z = byId.get(id);
      if (z === undefined) return { ok: false, error: new ChannelLayoutMismatchError("unknown-channel", id, zipped.length, -1) };
      members.push(z);
    }
    groups.push({ group, channels: members });
  }
  return { ok: true, groups };
};
