/**
 * One budget as the last response reported it.
 *
 * @category models
 */
export interface RateLimitBudget {
  /** Transactions allowed in the budget's period. */
  readonly limit: number;
  /** Transactions left in the current period. */
  readonly remaining: number;
  /** Seconds until the period resets (fractional for TPS). */
  readonly resetSeconds: number;
}

/**
 * The key's two budgets (api-facts: per second and per day, both auto-scaled with the device count).
 *
 * @category models
 */
export interface RateLimitState {
  /** Transactions per second. */
  readonly tps?: RateLimitBudget;
  /** Transactions per day, resetting 00:00 UTC. */
  readonly tpd?: RateLimitBudget;
}

/**
 * Response headers as a `Headers` object or a plain record (any casing; array values use the first entry).
 *
 * @category models
 */
export type HeadersInput =
  | Headers
  | { readonly [name: string]: string | number | ReadonlyArray<string> | undefined | null };

/** Reads one header case-insensitively from either representation. */
export const readHeader = (headers: HeadersInput | undefined, name: string): string | undefined => {
  if (headers === undefined) return undefined;
  if (typeof Headers !== "undefined" && headers instanceof Headers) return headers.get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (key.toLowerCase() !== wanted || value === undefined || value === null) continue;
    if (Array.isArray(value)) return value.length > 0 ? String(value[0]) : undefined;
    return String(value);
  }
  return undefined;
};

const PREFIX = "x-ratelimit-";

/** The `X-RateLimit-*` headers in one pass, names lower-cased without the prefix (e.g. `"tpslimit"`). */
const collect = (headers: HeadersInput): Map<string, string> => {
  const out = new Map<string, string>();
  const add = (name: string, value: unknown) => {
    const lower = name.toLowerCase();
    if (!lower.startsWith(PREFIX) || value === undefined || value === null) return;
    const first: unknown = Array.isArray(value) ? value[0] : value;
    if (first !== undefined && !out.has(lower.slice(PREFIX.length))) out.set(lower.slice(PREFIX.length), String(first));
  };
  if (typeof Headers !== "undefined" && headers instanceof Headers) headers.forEach((value, name) => add(name, value));
  else for (const name of Object.keys(headers)) add(name, (headers as Record<string, unknown>)[name]);
  return out;
};

const num = (found: ReadonlyMap<string, string>, name: string): number | undefined => {
  const raw = found.get(name);
  if (raw === undefined || raw.trim() === "") return undefined;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
};

const SECONDS_PER_DAY = 86_400;

/**
 * Seconds from `nowMs` until the next 00:00 UTC (api-facts: the TPD budget resets then).
 *
 * @example
 * ```ts
 * import { secondsUntilUtcMidnight } from "@wattstream/resilience"
 * secondsUntilUtcMidnight(Date.UTC(2026, 0, 1, 23, 0, 0)) // 3600
 * ```
 * @category constructors
 */
export const secondsUntilUtcMidnight = (nowMs: number): number => {
  const nowSeconds = Math.floor(nowMs / 1000);
  return SECONDS_PER_DAY - (nowSeconds % SECONDS_PER_DAY);
};

const budget = (
  found: ReadonlyMap<string, string>,
  prefix: "tps" | "tpd" | "",
  defaultReset: () => number,
): RateLimitBudget | undefined => {
  const limit = num(found, `${prefix}limit`);
  const remaining = num(found, `${prefix}remaining`);
  if (limit === undefined && remaining === undefined) return undefined;
  const reset = num(found, `${prefix}reset`);
  return {
    limit: limit ?? remaining ?? 0,
    remaining: remaining ?? limit ?? 0,
    resetSeconds: reset ?? defaultReset(),
  };
};

/**
 * Options of {@link parseRateLimit}.
 *
 * @category models
 */
export interface ParseRateLimitOptions {
  /**
   * The current time in Unix milliseconds; used only to fill a missing TPD reset (next 00:00 UTC) and to turn an
   * absolute legacy reset timestamp into seconds.
   * @default Date.now()
   */
  readonly now?: number | undefined;
}

/**
 * Parses the rate-limit headers: `X-RateLimit-Tps{Limit,Remaining,Reset}` (reset in float seconds),
 * `X-RateLimit-Tpd{Limit,Remaining,Reset}` (reset in integer seconds), and the older
 * `X-RateLimit-{Limit,Remaining,Reset}`. Returns `undefined` when none is present.
 *
 * @example
 * ```ts
 * import { parseRateLimit } from "@wattstream/resilience"
 * parseRateLimit({ "X-RateLimit-TpsLimit": "5", "X-RateLimit-TpsRemaining": "4", "X-RateLimit-TpsReset": "0.42" })
 * // { tps: { limit: 5, remaining: 4, resetSeconds: 0.42 } }
 * ```
 * @category constructors
 */
export const parseRateLimit = (
  headers: HeadersInput | undefined,
  options: ParseRateLimitOptions = {},
): RateLimitState | undefined => {
  if (headers === undefined) return undefined;
  const found = collect(headers);
  if (found.size === 0) return undefined;
  const now = () => options.now ?? Date.now();
  const tps = budget(found, "tps", () => 1);
  const tpd = budget(found, "tpd", () => secondsUntilUtcMidnight(now()));
  let legacy = budget(found, "", () => 1);
  if (legacy !== undefined && legacy.resetSeconds > 1_000_000_000) {
    // Some gateways send the reset as an absolute Unix timestamp rather than a delay.
    legacy = { ...legacy, resetSeconds: Math.max(0, legacy.resetSeconds - now() / 1000) };
  }
  // The older single trio does not say which budget it describes; the contract is silent. A window resetting
  // within about a second can only be the per-second budget, anything longer is treated as the daily one.
  const legacyIsTps = legacy !== undefined && legacy.resetSeconds <= 1;
  const state: { tps?: RateLimitBudget; tpd?: RateLimitBudget } = {};
  const tpsBudget = tps ?? (legacyIsTps ? legacy : undefined);
  const tpdBudget = tpd ?? (legacy !== undefined && !legacyIsTps ? legacy : undefined);
  if (tpsBudget !== undefined) state.tps = tpsBudget;
  if (tpdBudget !== undefined) state.tpd = tpdBudget;
  return state.tps === undefined && state.tpd === undefined ? undefined : state;
};

/**
 * Parses `Retry-After` (delay in seconds, or an HTTP date) into seconds; `undefined` when absent or unreadable.
 *
 * @example
 * ```ts
 * import { parseRetryAfter } from "@wattstream/resilience"
 * parseRetryAfter({ "Retry-After": "3" }) // 3
 * ```
 * @category constructors
 */
export const parseRetryAfter = (headers: HeadersInput | undefined, options: ParseRateLimitOptions = {}): number | undefined => {
  const raw = readHeader(headers, "Retry-After")?.trim();
  if (raw === undefined || raw === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Number(raw);
  const date = Date.parse(raw);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - (options.now ?? Date.now())) / 1000));
};
