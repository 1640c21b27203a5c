/**
 * Request validation and query encoding, done before anything is sent: parameter combinations the service is
 * known to reject fail here as a reason string (the caller turns it into `InvalidRequest`, without a network call).
 */
import { GRANULARITIES, isTimeZone, maxWindow, parseDeviceId, requiresTimezone } from "@wattstream/core";
import type { DeviceId, EnergyKind, Granularity } from "@wattstream/core";

/** Every option an operation may take, after the public option types have been widened. */
export interface QueryInput {
  readonly fromTs?: number | undefined;
  readonly toTs?: number | undefined;
  readonly granularity?: Granularity | undefined;
  readonly timezone?: string | undefined;
  readonly convert?: string | undefined;
  readonly fields?: string | ReadonlyArray<string> | undefined;
  readonly filterGroup?: string | undefined;
}

/** Which query parameters an operation accepts (from the contract's per-path parameter lists). */
export interface QueryRules {
  /** Window kind for `fromTs`/`toTs`; absent when the operation takes no window. */
  readonly window?: EnergyKind;
  readonly granularity?: true;
  readonly convert?: true;
  readonly filterGroup?: true;
  /** Allowed `fields[energy]` values. */
  readonly fields?: ReadonlyArray<string>;
}

const CONVERTS: ReadonlyArray<string> = ["kW", "kWh"];

const HOUR = 3600;
const WEEK = 7 * 86_400;

/** Whether {@link buildQuery} needs the current time: a short-energy window with `toTs` but no `fromTs`. */
export const needsNow = (input: QueryInput | undefined, rules: QueryRules): boolean =>
  rules.window === "short" && input?.fromTs === undefined && input?.toTs !== undefined;

/** A validation failure: which parameter, and why. */
export interface Invalid {
  readonly parameter: string;
  /** A stable rule name, e.g. `window-too-long`, `timezone-required`, `fields-with-phases`. */
  readonly rule: string;
  readonly reason: string;
}

/** Validates a device ID with core's rules; returns the branded ID or why it is invalid. */
export const checkDeviceId = (id: unknown): DeviceId | Invalid => {
  if (typeof id !== "string") return { parameter: "device-id", rule: "device-id", reason: "device ID must be a string" };
  try {
    return parseDeviceId(id);
  } catch (e) {
    return { parameter: "device-id", rule: "device-id", reason: e instanceof Error ? e.message : "invalid device ID" };
  }
};

const isGranularity = (g: string): g is Granularity => (GRANULARITIES as ReadonlyArray<string>).includes(g);

const checkTs = (name: string, value: unknown): Invalid | undefined =>
  value === undefined || (typeof value === "number" && Number.isSafeInteger(value) && value >= 0)
    ? undefined
    : { parameter: name, rule: "timestamp", reason: `${name} must be a non-negative integer of Unix seconds` };

/**
 * Checks `input` against `rules` and encodes it. Parameter names are the contract's exactly (`fields[energy]`,
 * `filter[group]`, `convert[energy]`); brackets stay literal (they are legal in a query) and values are
 * percent-encoded, so `+pf` travels as `%2Bpf` rather than as a space. `now` (Unix seconds, from the caller's
 * Clock) is needed only for a short-energy window given by `toTs` alone ({@link needsNow}).
 */
export const buildQuery = (input: QueryInput | undefined, rules: QueryRules, now?: number): string | Invalid => {
  if (input === undefined) return "";
  const parts: Array<string> = [];
  const add = (name: string, value: string | number): void => {
    parts.push(`${name}=${encodeURIComponent(String(value))}`);
  };
  const { fromTs, toTs, granularity, timezone, convert, filterGroup } = input;
  const fieldList = normalizeFields(input.fields);
  if (isInvalid(fieldList)) return fieldList;
  const fields = fieldList === undefined ? undefined : fieldList.join(",");

  if (rules.window !== undefined) {
    const bad = checkTs("fromTs", fromTs) ?? checkTs("toTs", toTs);
    if (bad !== undefined) return bad;
    // api-facts: a missing end has a default (short: from now − 1 h, to from + 1 h; long: from the first entry,
    // to from + 7 days); fill in what can be known here so a one-ended window is checked like a whole one. Not
    // checkable: long with only toTs (the first entry is the server's state) and Modbus (no documented default).
    const from = fromTs ?? (rules.window === "short" && now !== undefined ? Math.floor(now) - HOUR : undefined);
    const to = toTs ?? (from === undefined ? undefined : rules.window === "short" ? from + HOUR : rules.window === "long" ? from + WEEK : undefined);
    const defaulted = fromTs === undefined ? " (fromTs defaults to now − 1 h)" : toTs === undefined ? " (toTs defaults)" : "";
    if (from !== undefined && to !== undefined) {
      if (from >= to) {
        return { parameter: "toTs", rule: "window-order", reason: `fromTs (${from}) must be before toTs (${to})${defaulted}` };
      }
      // api-facts: a window over the maximum is rejected with 422, not truncated; refuse it before sending.
      const max = maxWindow(rules.window, granularity);
      if (to - from > max) {
        return {
          parameter: "toTs",
          rule: "window-too-long",
          reason: `window of ${to - from} s${defaulted} is over the ${max} s maximum for ${rules.window} energy${
            granularity === undefined ? "" : ` at ${granularity}`
          }; chunk it (longEnergyRange does)`,
        };
      }
    }
    if (fromTs !== undefined) add("fromTs", fromTs);
    if (toTs !== undefined) add("toTs", toTs);
  } else if (fromTs !== undefined || toTs !== undefined) {
    return { parameter: "fromTs", rule: "no-window", reason: "this operation takes no time window" };
  }

  if (granularity !== undefined || timezone !== undefined) {
    if (rules.granularity !== true) return { parameter: "granularity", rule: "no-granularity", reason: "this operation takes no granularity" };
    if (granularity !== undefined && !isGranularity(granularity)) {
      return { parameter: "granularity", rule: "granularity", reason: `granularity must be one of ${GRANULARITIES.join(", ")}` };
    }
    // api-facts: timezone is required for hour and coarser, ignored below.
    if (granularity !== undefined && requiresTimezone(granularity) && timezone === undefined) {
      return { parameter: "timezone", rule: "timezone-required", reason: `granularity ${granularity} requires a timezone (IANA name)` };
    }
    if (timezone !== undefined && (typeof timezone !== "string" || !isTimeZone(timezone))) {
      return { parameter: "timezone", rule: "timezone", reason: "timezone is not a known IANA time zone name" };
    }
    if (granularity !== undefined) add("granularity", granularity);
    if (timezone !== undefined) add("timezone", timezone);
  }

  if (filterGroup !== undefined) {
    if (rules.filterGroup !== true) return { parameter: "filter[group]", rule: "no-filter-group", reason: "this operation takes no filter[group]" };
    if (filterGroup !== "phases") return { parameter: "filter[group]", rule: "filter-group", reason: "filter[group] must be 'phases'" };
    // api-facts: neither +pf nor timestamp combines with filter[group]=phases.
    if (fields !== undefined) {
      return { parameter: "fields[energy]", rule: "fields-with-phases", reason: "fields[energy] cannot be combined with filter[group]=phases" };
    }
    add("filter[group]", filterGroup);
  }

  if (convert !== undefined) {
    if (rules.convert !== true) return { parameter: "convert[energy]", rule: "no-convert", reason: "this operation takes no convert[energy]" };
    if (!CONVERTS.includes(convert)) return { parameter: "convert[energy]", rule: "convert", reason: "convert[energy] must be kW or kWh" };
    add("convert[energy]", convert);
  }

  if (fields !== undefined) {
    const allowed = rules.fields ?? [];
    if (!allowed.includes(fields)) {
      // +pf and timestamp are mutually exclusive (a comma list of both is an error at the service).
      return {
        parameter: "fields[energy]",
        rule: "fields",
        reason:
          allowed.length === 0
            ? "this operation takes no fields[energy]"
            : `fields[energy] must be one of ${allowed.map((f) => JSON.stringify(f)).join(", ")}`,
      };
    }
    add("fields[energy]", fields);
  }
  return parts.join("&");
};

/**
 * `fields[energy]` as a list: a comma list or an array, duplicates dropped. `+pf` and `timestamp` are mutually
 * exclusive (api-facts: query parameters).
 */
export const normalizeFields = (
  fields: string | ReadonlyArray<string> | undefined,
): ReadonlyArray<string> | undefined | Invalid => {
  if (fields === undefined) return undefined;
  const list = typeof fields === "string" ? fields.split(",") : Array.isArray(fields) ? fields : [String(fields)];
  const unique = [...new Set(list.map((f) => String(f).trim()).filter((f) => f !== ""))];
  if (unique.includes("+pf") && unique.includes("timestamp")) {
    return { parameter: "fields[energy]", rule: "pf-with-timestamp", reason: "+pf and timestamp are mutually exclusive" };
  }
  return unique.length === 0 ? undefined : unique;
};

/** Whether `buildQuery`/`checkDeviceId` returned a failure. */
export const isInvalid = (u: unknown): u is Invalid => typeof u === "object" && u !== null && "reason" in u;
