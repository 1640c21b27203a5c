/**
 * Request validation and query encoding, done before anything is sent: parameter combinations the service is
 * known to reject fail here as a reason string (the caller turns it into `InvalidRequest`, without a network call).
 * The service's rules are core's `checkEnergyQuery` (the simulator answers with the same); what stays here is the
 * client's own strictness (a parameter the operation does not take at all is refused, not silently ignored) and
 * the encoding.
 */
import { checkEnergyQuery, parseDeviceId } from "@wattstream/core";
import type { DeviceId, EnergyKind, EnergyOperation, EnergyQueryInput, Granularity } from "@wattstream/core";

/** Every option an operation may take, after the public option types have been widened: core's query input, typed. */
export interface QueryInput extends EnergyQueryInput {
  readonly fromTs?: number | undefined;
  readonly toTs?: number | undefined;
  readonly granularity?: Granularity | undefined;
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

/**
 * The energy operation `rules` describe, for core's check: a window names its kind; without one, an operation
 * taking `convert[energy]` reads an energy point (short and long points take the same options) and one taking
 * only `fields[energy]` a Modbus point. Anything else (e.g. getDevice) is no energy query.
 */
const operationOf = (rules: QueryRules): EnergyOperation | undefined =>
  rules.window !== undefined
    ? { kind: rules.window, variant: "range" }
    : rules.convert === true
      ? { kind: "short", variant: "latest" }
      : rules.fields !== undefined
        ? { kind: "modbus", variant: "latest" }
        : undefined;

const hasAny = (input: QueryInput): boolean =>
  [input.fromTs, input.toTs, input.granularity, input.timezone, input.convert, input.fields, input.filterGroup].some((v) => v !== undefined);

/**
 * Checks `input` against `rules` and core's `checkEnergyQuery`, and encodes it. Parameter names are the
 * contract's exactly (`fields[energy]`, `filter[group]`, `convert[energy]`); brackets stay literal (they are legal
 * in a query) and values are percent-encoded, so `+pf` travels as `%2Bpf` rather than as a space. `now` (Unix
 * seconds, from the caller's Clock) is needed only for a short-energy window given by `toTs` alone ({@link needsNow}).
 */
export const buildQuery = (input: QueryInput | undefined, rules: QueryRules, now?: number): string | Invalid => {
  if (input === undefined) return "";
  // The client's own strictness: the service ignores a parameter an operation does not take; a typed client
  // refuses it, since the caller meant something by it.
  if (rules.window === undefined && (input.fromTs !== undefined || input.toTs !== undefined)) {
    return { parameter: "fromTs", rule: "no-window", reason: "this operation takes no time window" };
  }
  if (rules.granularity !== true && (input.granularity !== undefined || input.timezone !== undefined)) {
    return { parameter: "granularity", rule: "no-granularity", reason: "this operation takes no granularity" };
  }
  const operation = operationOf(rules);
  if (operation === undefined) {
    return hasAny(input) ? { parameter: "query", rule: "no-query", reason: "this operation takes no query parameters" } : "";
  }
  const fields = normalizeFields(input.fields);
  const checked = checkEnergyQuery(operation, { ...input, fields }, { now });
  if (!checked.ok) {
    const { parameter, rule, message } = checked.violation;
    const hint = rule === "window-too-long" ? " Chunk it (longEnergyRange does)." : "";
    return { parameter, rule, reason: `${message}${hint}` };
  }
  const q = checked.query;
  const parts: Array<string> = [];
  const add = (name: string, value: string | number | undefined): void => {
    if (value !== undefined) parts.push(`${name}=${encodeURIComponent(String(value))}`);
  };
  add("fromTs", q.fromTs);
  add("toTs", q.toTs);
  add("granularity", q.granularity);
  add("timezone", q.timezone);
  add("filter[group]", q.grouped ? "phases" : undefined);
  add("convert[energy]", q.convert);
  add("fields[energy]", q.fields?.join(","));
  return parts.join("&");
};

/**
 * `fields[energy]` as a list: a comma list or an array, trimmed, empty entries and duplicates dropped (which
 * values are allowed, and which exclude each other, is core's `checkEnergyQuery`).
 */
export const normalizeFields = (fields: string | ReadonlyArray<string> | undefined): ReadonlyArray<string> | undefined => {
  if (fields === undefined) return undefined;
  const list = typeof fields === "string" ? fields.split(",") : Array.isArray(fields) ? fields : [String(fields)];
  const unique = [...new Set(list.map((f) => String(f).trim()).filter((f) => f !== ""))];
  return unique.length === 0 ? undefined : unique;
};

/** Whether `buildQuery`/`checkDeviceId` returned a failure. */
export const isInvalid = (u: unknown): u is Invalid => typeof u === "object" && u !== null && "reason" in u;
