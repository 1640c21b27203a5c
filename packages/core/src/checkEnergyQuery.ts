/**
 * The energy-query rules the service enforces (api-facts: query parameters), once: the client checks a query with
 * them before sending it, the simulator answers with them. Pure: the time and the device's first entry are given.
 */
import type { EnergyKind, Granularity } from "./chunkWindow.js";
import { GRANULARITIES, maxWindow, requiresTimezone } from "./chunkWindow.js";
import { isTimeZone } from "./zoneOffset.js";

/**
 * Which energy operation a query is for: the kind of data, and a range (`GET /short-energy/{id}`) or one point
 * (`/first`, `/latest`). A point operation takes no window; only a long-energy range takes a granularity.
 *
 * @category models
 */
export interface EnergyOperation {
  readonly kind: EnergyKind;
  readonly variant: "range" | "first" | "latest";
}

/**
 * An energy query's parameters as the caller has them: numbers from code, strings from a URL query (an empty
 * string counts as absent). Parameters the operation does not take are ignored, as the service ignores them.
 *
 * @category models
 */
export interface EnergyQueryInput {
  /** Window start, inclusive, integer Unix seconds. */
  readonly fromTs?: number | string | undefined;
  /** Window end, exclusive, integer Unix seconds. */
  readonly toTs?: number | string | undefined;
  /** Long energy only. @default "5m" */
  readonly granularity?: string | undefined;
  /** IANA time zone name; required for `hour` and coarser, ignored below. */
  readonly timezone?: string | undefined;
  /** `convert[energy]`: `kW` or `kWh` (energy, not Modbus). */
  readonly convert?: string | undefined;
  /** `fields[energy]`: a comma list or an array of `+pf` (energy, not Modbus) and `timestamp`. */
  readonly fields?: string | ReadonlyArray<string> | undefined;
  /** `filter[group]`: only `phases` (energy, not Modbus). */
  readonly filterGroup?: string | undefined;
}

/**
 * What a caller knows that a window default depends on.
 *
 * @category models
 */
export interface EnergyQueryContext {
  /** The current time, Unix seconds: short energy's `fromTs` defaults to now − 1 h. */
  readonly now?: number | undefined;
  /** The device's first entry of this kind, Unix seconds (only the service knows it): long energy's and Modbus's `fromTs` default. */
  readonly firstEntry?: (() => number | undefined) | undefined;
}

/**
 * A `fields[energy]` value: `+pf` appends power factor, `timestamp` asks for timestamps only.
 *
 * @category models
 */
export type EnergyQueryField = "+pf" | "timestamp";

/**
 * A query that passed {@link checkEnergyQuery}: the given values, typed, and the window with its defaults filled in.
 *
 * @category models
 */
export interface CheckedEnergyQuery {
  /** `fromTs` as given (not defaulted). */
  readonly fromTs: number | undefined;
  /** `toTs` as given (not defaulted). */
  readonly toTs: number | undefined;
  /**
   * The window the service reads, defaults filled in; absent for a point operation, or where a default is not
   * known here (long energy or Modbus without `fromTs` and no `firstEntry`, short energy without `fromTs` and no `now`).
   */
  readonly window: { readonly fromTs: number; readonly toTs: number } | undefined;
  /** As given (long-energy range only); the service's default is `5m`. */
  readonly granularity: Granularity | undefined;
  /** As given, checked when the granularity requires one (hour and coarser). */
  readonly timezone: string | undefined;
  readonly convert: "kW" | "kWh" | undefined;
  /** Canonical `fields[energy]` values, duplicates dropped; absent when none were asked for. */
  readonly fields: ReadonlyArray<EnergyQueryField> | undefined;
  /** `fields[energy]` includes `+pf`. */
  readonly pf: boolean;
  /** `fields[energy]` is `timestamp`. */
  readonly timestampOnly: boolean;
  /** `filter[group]=phases`. */
  readonly grouped: boolean;
}

/**
 * The name of a broken rule, stable for code to branch on.
 *
 * @category models
 */
export type EnergyQueryRule =
  | "convert"
  | "no-convert"
  | "filter-group"
  | "fields"
  | "pf-with-timestamp"
  | "fields-with-phases"
  | "granularity"
  | "timezone-required"
  | "timezone"
  | "timestamp"
  | "window-order"
  | "window-too-long";

/**
 * Why a query is refused: the parameter, the rule it broke, the message the service answers with, and its
 * status (400 for a malformed parameter, 422 for an impossible timestamp or window).
 *
 * @category models
 */
export interface EnergyQueryViolation {
  readonly parameter: "fromTs" | "toTs" | "granularity" | "timezone" | "convert[energy]" | "fields[energy]" | "filter[group]";
  readonly rule: EnergyQueryRule;
  readonly message: string;
  readonly status: 400 | 422;
}

/**
 * The result of {@link checkEnergyQuery}.
 *
 * @category models
 */
export type EnergyQueryCheck =
  | { readonly ok: true; readonly query: CheckedEnergyQuery }
  | { readonly ok: false; readonly violation: EnergyQueryViolation };

const HOUR = 3600;
const WEEK = 7 * 86_400;
// Year 3000: anything later is not a plausible timestamp in seconds (likely milliseconds), so it is a 422.
const MAX_TS = 32_503_680_000;
const INTEGER = /^-?\d+$/;

const refuse = (
  parameter: EnergyQueryViolation["parameter"],
  rule: EnergyQueryRule,
  message: string,
  status: 400 | 422 = 400,
): EnergyQueryCheck => ({ ok: false, violation: { parameter, rule, message, status } });

const describeSeconds = (seconds: number): string =>
  seconds % 86_400 === 0 ? `${seconds / 86_400} days` : seconds % HOUR === 0 ? `${seconds / HOUR} hours` : `${seconds} seconds`;

/** A timestamp parameter as a number, or the refusal; `undefined` when absent. */
const timestamp = (name: "fromTs" | "toTs", value: number | string | undefined): number | undefined | EnergyQueryCheck => {
  if (value === undefined || value === "") return undefined;
  const ts = typeof value === "number" ? value : INTEGER.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(ts)) return refuse(name, "timestamp", `${name} must be an integer Unix timestamp in seconds.`);
  if (ts < 0 || ts > MAX_TS) return refuse(name, "timestamp", `${name} is not a valid timestamp.`, 422);
  return ts;
};

const isCheck = (u: number | undefined | EnergyQueryCheck): u is EnergyQueryCheck => typeof u === "object";

/**
 * Checks an energy query against the service's rules (api-facts: query parameters) and fills in the default
 * window: short energy from now − 1 h to from + 1 h, long energy and Modbus from the first entry to from + 7 days.
 * `+pf` and `timestamp` are mutually exclusive and neither combines with `filter[group]=phases`; Modbus takes
 * only `timestamp`; `timezone` is required for `hour` and coarser; timestamps are integer seconds; a window over
 * {@link maxWindow} is refused, not truncated. The first broken rule wins, in that order.
 *
 * @example
 * ```ts
 * import { checkEnergyQuery } from "@wattstream/core";
 * const r = checkEnergyQuery({ kind: "long", variant: "range" }, { fromTs: 0, granularity: "hour" });
 * if (!r.ok) console.log(r.violation.rule); // "timezone-required"
 * ```
 * @category guards
 */
export const checkEnergyQuery = (
  operation: EnergyOperation,
  input: EnergyQueryInput,
  context: EnergyQueryContext = {},
): EnergyQueryCheck => {
  const energy = operation.kind !== "modbus";

  let convert: CheckedEnergyQuery["convert"];
  if (input.convert !== undefined) {
    if (!energy) return refuse("convert[energy]", "no-convert", "convert[energy] is not supported for Modbus data.");
    if (input.convert !== "kWh" && input.convert !== "kW") return refuse("convert[energy]", "convert", "convert[energy] must be kWh or kW.");
    convert = input.convert;
  }

  if (input.filterGroup !== undefined && (input.filterGroup !== "phases" || !energy)) {
    return refuse("filter[group]", "filter-group", "filter[group] must be phases.");
  }
  const grouped = input.filterGroup === "phases";

  let fields: Array<EnergyQueryField> | undefined;
  if (input.fields !== undefined) {
    const list = typeof input.fields === "string" ? input.fields.split(",") : input.fields;
    fields = [];
    for (const raw of list) {
      const f = raw.trim();
      // An unencoded `+` in a URL query decodes to a space, so `pf` is `+pf` sent without encoding.
      const field: EnergyQueryField | undefined = energy && (f === "+pf" || f === "pf") ? "+pf" : f === "timestamp" ? "timestamp" : undefined;
      if (field === undefined) return refuse("fields[energy]", "fields", `fields[energy] value ${JSON.stringify(f)} is not supported.`);
      if (!fields.includes(field)) fields.push(field);
    }
  }
  const pf = fields?.includes("+pf") ?? false;
  const timestampOnly = fields?.includes("timestamp") ?? false;
  if (pf && timestampOnly) {
    return refuse("fields[energy]", "pf-with-timestamp", "fields[energy]=+pf and fields[energy]=timestamp are mutually exclusive.");
  }
  if (fields !== undefined && grouped) {
    return refuse("fields[energy]", "fields-with-phases", "fields[energy] can't be combined with filter[group]=phases.");
  }

  let granularity: Granularity | undefined;
  let timezone: string | undefined;
  if (operation.kind === "long" && operation.variant === "range") {
    if (input.granularity !== undefined) {
      granularity = GRANULARITIES.find((g) => g === input.granularity);
      if (granularity === undefined) return refuse("granularity", "granularity", `granularity must be one of ${GRANULARITIES.join(", ")}.`);
    }
    timezone = input.timezone === "" ? undefined : input.timezone;
    if (requiresTimezone(granularity ?? "5m")) {
      const message = "You must specify a valid timezone value when applying granularity of 'hour', 'day', 'week', or 'month.'";
      if (timezone === undefined) return refuse("timezone", "timezone-required", message);
      if (!isTimeZone(timezone)) return refuse("timezone", "timezone", message);
    }
  }

  let fromTs: number | undefined;
  let toTs: number | undefined;
  let window: CheckedEnergyQuery["window"];
  if (operation.variant === "range") {
    const from = timestamp("fromTs", input.fromTs);
    if (isCheck(from)) return from;
    const to = timestamp("toTs", input.toTs);
    if (isCheck(to)) return to;
    fromTs = from;
    toTs = to;
    const start =
      fromTs ??
      (operation.kind === "short" ? (context.now === undefined ? undefined : Math.floor(context.now) - HOUR) : context.firstEntry?.());
    if (start !== undefined) {
      // The service documents no Modbus default; the long-energy one (7 days) is the plausible reading.
      const end = toTs ?? start + (operation.kind === "short" ? HOUR : WEEK);
      if (end <= start) return refuse("toTs", "window-order", "toTs must be after fromTs.", 422);
      // Over-long windows are rejected, not truncated (api-facts: query parameters).
      const limit = maxWindow(operation.kind, granularity);
      if (end - start > limit) {
        return refuse("toTs", "window-too-long", `The requested time period is greater than ${describeSeconds(limit)}.`, 422);
      }
      window = { fromTs: start, toTs: end };
    }
  }

  return {
    ok: true,
    query: { fromTs, toTs, window, granularity, timezone, convert, fields, pf, timestampOnly, grouped },
  };
};
