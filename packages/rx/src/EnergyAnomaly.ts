/**
 * Why an energy stream refused a point the server sent. Such a point never moves the watermark or the
 * checkpoint: it is reported as an `anomaly` event and the stream goes on.
 *
 * - `badTimestamp`: the timestamp is not a finite whole number of seconds (e.g. `1700000000.5`).
 * - `outsideWindow`: the timestamp lies outside the window `[fromTs, toTs)` that was asked for (e.g. a point
 *   dated in 2100 in an answer about the last minute).
 * - `offGrid`: the timestamp is not a multiple of the stream's `interval` (30 s short, 300 s long and Modbus).
 * - `missingDuration`: a short- or long-energy point without `duration` (Modbus reads have none; they take the
 *   stream's interval).
 * - `badDuration`: the duration is not a positive whole number of seconds (0, negative, fractional, not a number).
 * - `durationOffGrid`: the duration is not a multiple of the interval, so the interval would end off the grid
 *   (e.g. 31 s on the 30-s grid, which would hide the next interval).
 *
 * @example
 * ```ts
 * import type { AnomalyReason } from "@wattstream/rx";
 * const text = (r: AnomalyReason) => (r.code === "outsideWindow" ? `outside ${r.fromTs}–${r.toTs}` : r.code);
 * ```
 * @category models
 */
export type AnomalyReason =
  | { readonly code: "badTimestamp" }
  | { readonly code: "outsideWindow"; readonly fromTs: number; readonly toTs: number }
  | { readonly code: "offGrid"; readonly interval: number }
  | { readonly code: "missingDuration" }
  | { readonly code: "badDuration" }
  | { readonly code: "durationOffGrid"; readonly interval: number };

/**
 * One sentence for an {@link AnomalyReason}, for logs and terminals.
 *
 * @example
 * ```ts
 * import { describeAnomaly } from "@wattstream/rx";
 * describeAnomaly({ code: "offGrid", interval: 30 }); // "timestamp not on the 30-s interval grid"
 * ```
 * @category constructors
 */
export const describeAnomaly = (reason: AnomalyReason): string => {
  switch (reason.code) {
    case "badTimestamp":
      return "timestamp is not a whole number of seconds";
    case "outsideWindow":
      return `timestamp outside the requested window [${reason.fromTs}, ${reason.toTs})`;
    case "offGrid":
      return `timestamp not on the ${reason.interval}-s interval grid`;
    case "missingDuration":
      return "point has no duration";
    case "badDuration":
      return "duration is not a positive whole number of seconds";
    case "durationOffGrid":
      return `duration is not a multiple of the ${reason.interval}-s interval`;
  }
};
