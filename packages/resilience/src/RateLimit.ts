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
  /**
   * The older `X-RateLimit-Limit`/`Remaining` pair sent without `X-RateLimit-Reset` (and without the new
   * headers): nothing says whether it is the per-second or the daily budget, so it is reported but paces nothing.
   */
  readonly unscoped?: { readonly limit: number; readonly remaining: number };
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

/** The nine numbers the headers can carry, keyed by the lower-cased name without `x-ratelimit-`. */
interface Found {
  tpslimit?: number;
  tpsremaining?: number;
  tpsreset?: number;
  tpdlimit?: number;
  tpdremaining?: number;
  tpdreset?: number;
  limit?: number;
  remaining?: number;
  reset?: number;
}
const KNOWN: ReadonlySet<string> = new Set([
  "tpslimit",
  "tpsremaining",
  "tpsreset",
  "tpdlimit",
  "tpdremaining",
  "tpdreset",
  "limit",
  "remaining",
  "reset",
]);

const LOOKUPS: ReadonlyArray<readonly [keyof Found, string]> = [...KNOWN].map((k) => [k as keyof Found, PREFIX + k]);

const toNumber = (value: unknown): number | undefined => {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  if (first === undefined || first === null || first === "") return undefined;
  const n = typeof first === "number" ? first : Number(String(first).trim());
  return Number.isFinite(n) && n >= 0 ? n : undefined;
};

/**
 * The `X-RateLimit-*` numbers in one pass over the headers (this runs on every response, so it avoids repeated
 * case-insensitive lookups). Returns whether any was found.
 */
const collect = (headers: HeadersInput, found: Found): boolean => {
  let any = false;
  const add = (name: string, value: unknown): void => {
    // Cheap rejections first: most headers are not X-RateLimit-* and never reach toLowerCase.
    if (name.length <= PREFIX.length || name.length > PREFIX.length + 12 || (name.charCodeAt(0) | 0x20) !== 0x78) return;
    const lower = name.toLowerCase();
    if (!lower.startsWith(PREFIX)) return;
    const key = lower.slice(PREFIX.length);
    if (!KNOWN.has(key) || found[key as keyof Found] !== undefined) return;
    const n = toNumber(value);
    if (n === undefined) return;
    found[key as keyof Found] = n;
    any = true;
  };
  if (typeof Headers !== "undefined" && headers instanceof Headers) {
    // Nine direct lookups beat iterating a fetch `Headers` (which sorts and copies the whole list) and
    // lower-casing every name on the way.
    for (const [key, name] of LOOKUPS) {
      const value = headers.get(name);
      if (value === null) continue;
      const n = toNumber(value);
      if (n === undefined) continue;
      found[key] = n;
      any = true;
    }
  } else {
    for (const name in headers) add(name, (headers as Record<string, unknown>)[name]);
  }
  return any;
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
  limit: number | undefined,
  remaining: number | undefined,
  reset: number | undefined,
  defaultReset: () => number,
): RateLimitBudget | undefined => {
  if (limit === undefined && remaining === undefined) return undefined;
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
  const f: Found = {};
  if (!collect(headers, f)) return undefined;
  const now = () => options.now ?? Date.now();
  const tps = budget(f.tpslimit, f.tpsremaining, f.tpsreset, () => 1);
  const tpd = budget(f.tpdlimit, f.tpdremaining, f.tpdreset, () => secondsUntilUtcMidnight(now()));
  if (tps === undefined && tpd === undefined && f.reset === undefined && (f.limit !== undefined || f.remaining !== undefined)) {
    // The older pair without a Reset has no scope: defaulting its reset to 1 s would turn a daily 10,000 into a
    // per-second budget (and a daily default would block a per-second key for the day at its first 0).
    return { unscoped: { limit: f.limit ?? f.remaining ?? 0, remaining: f.remaining ?? f.limit ?? 0 } };
  }
  let legacy = budget(f.limit, f.remaining, f.reset, () => 1);
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
 * Parses `Retry-After` (delay in seconds, or an HTTP date) into seconds, as the server sent it (finite, ≥ 0, not
 * capped: see `WAIT_LIMITS` for what is done with it); `undefined` when absent or unreadable.
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
  // A run of digits too long for a double is still "a very long time", not "no hint": keep it finite.
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.min(Number(raw), Number.MAX_SAFE_INTEGER);
  const date = Date.parse(raw);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - (options.now ?? Date.now())) / 1000));
};
