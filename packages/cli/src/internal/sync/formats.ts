import { joulesToKwh } from "@wattstream/core";
import { iso } from "../deviceView.js";

/** A long-energy point as sync writes it: positional arrays, kept as they came. */
export interface SyncPoint {
  readonly timestamp: number;
  readonly duration?: number;
  readonly eReal?: ReadonlyArray<number>;
  readonly [key: string]: unknown;
}

/** A CSV column of one channel of one device. */
export interface CsvColumn {
  readonly deviceId: string;
  /** Position in the device's energy arrays (api-facts: arrays are positional, `eReal[k]` ↔ `channels[k]`). */
  readonly index: number;
  readonly header: string;
}

// RFC 4180: quote fields holding a comma, quote or line break, doubling inner quotes.
const csvField = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** One NDJSON line: the point as decoded, with its device ID first. */
export const ndjsonLine = (deviceId: string, point: SyncPoint): string => `${JSON.stringify({ deviceId, ...point })}\n`;

/** The CSV header: one column per channel, labelled `<channel ID> <label> (kWh)`. */
export const csvHeader = (columns: ReadonlyArray<CsvColumn>): string =>
  `${["device", "timestamp", "duration", ...columns.map((c) => c.header)].map(csvField).join(",")}\r\n`;

/** One CSV row: real energy per channel in kWh (core's `joulesToKwh`: raw values are joules, api-facts); other devices' columns stay empty. */
export const csvRow = (deviceId: string, point: SyncPoint, columns: ReadonlyArray<CsvColumn>): string => {
  const cells = columns.map((c) => {
    if (c.deviceId !== deviceId) return "";
    const joules = point.eReal?.[c.index];
    return typeof joules === "number" ? joulesToKwh(joules).toFixed(6) : "";
  });
  return `${[deviceId, iso(point.timestamp), String(point.duration ?? ""), ...cells].map(csvField).join(",")}\r\n`;
};
