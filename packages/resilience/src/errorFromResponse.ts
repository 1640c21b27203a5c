import { parseRateLimit, parseRetryAfter, secondsUntilUtcMidnight } from "./RateLimit.js";
import { clampDelayMs, WAIT_LIMITS } from "./waitLimits.js";
import type { HeadersInput } from "./RateLimit.js";
import {
  BadRequest,
  Forbidden,
  NotFound,
  NotPermitted,
  RateLimited,
  ServerError,
  Unauthorized,
  Unprocessable,
} from "./WattwatchersError.js";
import type {
  ErrorEntry,
  HttpError,
  RateLimitScope,
  RedactionInput,
  RequestContext,
} from "./WattwatchersError.js";

/**
 * What {@link errorFromResponse} needs from a non-2xx response.
 *
 * @category models
 */
export interface ResponseInput extends RequestContext, RedactionInput {
  /** The HTTP status; it wins over the body's `httpCode` (api-facts). */
  readonly status: number;
  /** The response headers (read for rate limits and `Retry-After`; not stored). */
  readonly headers?: HeadersInput | undefined;
  /** The body: parsed JSON, or the raw text (parsed here when it is JSON), or `undefined`. */
  readonly body?: unknown;
  /**
   * The current time in Unix milliseconds, used to turn reset delays into `resetAt`; pass the Effect `Clock`'s
   * time so virtual time applies.
   * @default Date.now()
   */
  readonly now?: number | undefined;
}

const asEntry = (u: unknown): ErrorEntry | undefined => {
  if (u === null || typeof u !== "object" || Array.isArray(u)) return undefined;
  const o = u as Record<string, unknown>;
  const code = typeof o["code"] === "string" ? o["code"] : undefined;
  const httpCode = typeof o["httpCode"] === "number" ? o["httpCode"] : undefined;
  const message = typeof o["message"] === "string" ? o["message"] : undefined;
  if (code === undefined && httpCode === undefined && message === undefined) return undefined;
  return { code, httpCode, message };
};

/** The entries of `{ code, httpCode, message }` or `{ errors: [...] }`; empty for anything else. */
const envelopeEntries = (body: unknown): ReadonlyArray<ErrorEntry> => {
  let parsed = body;
  if (typeof body === "string") {
    try {
      parsed = JSON.parse(body) as unknown;
    } catch {
      return [];
    }
  }
  if (parsed === null || typeof parsed !== "object") return [];
  const errors = (parsed as { errors?: unknown }).errors;
  if (Array.isArray(errors)) return errors.map(asEntry).filter((e): e is ErrorEntry => e !== undefined);
  const single = asEntry(parsed);
  return single === undefined || single.code === undefined ? [] : [single];
};

const hasRateLimitHeaders = (headers: HeadersInput | undefined): boolean => parseRateLimit(headers, { now: 0 }) !== undefined;

/**
 * Builds the right {@link WattwatchersError} from a non-2xx response. The HTTP status decides the class (a
 * multi-error PATCH answers with the lowest status among its entries); the envelope supplies `code`, `message`
 * and every entry; a 429 is `tpd` or `tps` by its envelope code (`TOO_MANY_REQUESTS_TPD`/`_TPS`) or, lacking one,
 * by the headers, and `edge` when it has neither rate-limit headers nor an envelope.
 *
 * @example
 * ```ts
 * import { errorFromResponse } from "@wattstream/resilience"
 * const e = errorFromResponse({
 *   operation: "getDevice", method: "GET", path: "/devices/D123456789012", status: 404,
 *   body: { code: "NOT_FOUND", httpCode: 404, message: "Device not found" },
 * })
 * e._tag // "NotFound"
 * ```
 * @category constructors
 */
export const errorFromResponse = (input: ResponseInput): HttpError => {
  const { status, headers } = input;
  const entries = envelopeEntries(input.body);
  // Prefer the entry that explains this status; the body's httpCode never overrides the status itself.
  const primary = entries.find((e) => e.httpCode === status) ?? entries[0];
  const fields = {
    operation: input.operation,
    method: input.method,
    path: input.path,
    status,
    code: primary?.code,
    serverMessage: primary?.message,
    errors: entries,
    secrets: input.secrets,
  };
  if (status === 429) return rateLimited(input, fields, entries, headers);
  if (status === 400) return new BadRequest(fields);
  if (status === 401) return new Unauthorized(fields);
  if (status === 403) return fields.code === "NOT_PERMITTED" ? new NotPermitted(fields) : new Forbidden(fields);
  if (status === 404) return new NotFound(fields);
  if (status === 422) return new Unprocessable(fields);
  // Other 4xx (405, 409, 413, 415…) are the caller's mistake too: never transient, so never retried.
  if (status >= 400 && status < 500) return new BadRequest(fields);
  // 5xx, and anything else that reached here (a 3xx or an unexpected status), is treated as a server fault.
  return new ServerError(fields);
};

const rateLimited = (
  input: ResponseInput,
  fields: ConstructorParameters<typeof BadRequest>[0],
  entries: ReadonlyArray<ErrorEntry>,
  headers: HeadersInput | undefined,
): RateLimited => {
  const nowMs = input.now ?? Date.now();
  const nowSeconds = nowMs / 1000;
  const rateLimit = parseRateLimit(headers, { now: nowMs });
  const retryAfter = parseRetryAfter(headers, { now: nowMs });
  const codes = new Set(entries.map((e) => e.code));
  let scope: RateLimitScope;
  if (codes.has("TOO_MANY_REQUESTS_TPD")) scope = "tpd";
  else if (codes.has("TOO_MANY_REQUESTS_TPS")) scope = "tps";
  else if (entries.length === 0 && !hasRateLimitHeaders(headers)) scope = "edge";
  else if (rateLimit?.tpd !== undefined && rateLimit.tpd.remaining <= 0) scope = "tpd";
  else scope = "tps";

  // Hints are the server's word, capped (WAIT_LIMITS): `resetAt` never lies further ahead than a sane reset, so
  // whoever schedules from it cannot be sent to sleep for a day by one header (the raw hints stay in
  // `retryAfter` and `rateLimit`).
  let resetAt: number | undefined;
  if (scope === "tpd") {
    // api-facts: the daily budget resets at 00:00 UTC; the header's delay is preferred when present.
    const delay = rateLimit?.tpd?.resetSeconds ?? retryAfter;
    resetAt =
      delay === undefined
        ? // The next 00:00 UTC exactly (secondsUntilUtcMidnight counts from the whole second).
          Math.floor(nowSeconds) + secondsUntilUtcMidnight(nowMs)
        : Math.ceil(nowSeconds + clampDelayMs(delay * 1000, WAIT_LIMITS.maxDailyResetMs) / 1000);
  } else if (retryAfter !== undefined) {
    resetAt = nowSeconds + clampDelayMs(retryAfter * 1000, WAIT_LIMITS.maxRetryAfterMs) / 1000;
  } else {
    const delay = scope === "tps" ? rateLimit?.tps?.resetSeconds : undefined;
    resetAt = delay === undefined ? undefined : nowSeconds + clampDelayMs(delay * 1000, WAIT_LIMITS.maxTpsResetMs) / 1000;
  }
  return new RateLimited({ ...fields, scope, retryAfter, resetAt, rateLimit });
};
