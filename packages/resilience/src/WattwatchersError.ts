import { Data } from "effect";
import { redactText, redactValue } from "./redact.js";
import type { RateLimitState } from "./RateLimit.js";
// Two kinds live in their own modules (type-only here), so the retry policy and the pacer do not carry them.
import type { ResponseTooLarge } from "./ResponseTooLarge.js";
import type { UnexpectedRedirect } from "./UnexpectedRedirect.js";

/**
 * Which request failed: the contract's operationId, the HTTP method and the request path (no query string).
 *
 * @category models
 */
export interface RequestContext {
  /** The contract's operationId, e.g. `"getDevice"`. */
  readonly operation: string;
  /** The HTTP method, upper case, e.g. `"GET"`. */
  readonly method: string;
  /** The request path, e.g. `"/devices/D123456789012"`. */
  readonly path: string;
}

/**
 * One entry of an error envelope; a multi-error PATCH answer (`{ errors: [...] }`) yields one per entry.
 *
 * @category models
 */
export interface ErrorEntry {
  /** SCREAMING_SNAKE code such as `"NOT_FOUND"`, when the entry had one. */
  readonly code: string | undefined;
  /** The body's own `httpCode`, which may disagree with the HTTP status (api-facts: trust the status). */
  readonly httpCode: number | undefined;
  /** The service's human message for this entry. */
  readonly message: string | undefined;
}

/**
 * Fields every {@link WattwatchersError} carries, so a handler can read them without narrowing first.
 *
 * @category models
 */
export interface ErrorFields extends RequestContext {
  /** The HTTP status, or `undefined` when no response arrived (timeouts, network errors, refused requests). */
  readonly status: number | undefined;
  /** The envelope's `code` (of the entry matching the status, else the first), when there was an envelope. */
  readonly code: string | undefined;
  /** A one-line description naming operation, method, path and status. */
  readonly message: string;
  /** The envelope's own `message`, verbatim apart from credential redaction. */
  readonly serverMessage: string | undefined;
  /** Every entry of the error envelope (one for a plain envelope, all of them for a multi-error PATCH). */
  readonly errors: ReadonlyArray<ErrorEntry>;
}

/**
 * Values that are scrubbed from every string an error keeps, in addition to anything shaped like an API key
 * (`key_…`) or a `Bearer` credential.
 *
 * @category models
 */
export interface RedactionInput {
  /** Secrets to scrub, typically the client's API key. Not stored on the error. */
  readonly secrets?: ReadonlyArray<string> | undefined;
}

/**
 * What an HTTP error class is built from; {@link errorFromResponse} fills it from a response.
 *
 * @category models
 */
export interface HttpErrorInput extends RequestContext, RedactionInput {
  /** The HTTP status of the response. */
  readonly status: number;
  /** The envelope's `code`. */
  readonly code?: string | undefined;
  /** The envelope's `message`. */
  readonly serverMessage?: string | undefined;
  /** Every envelope entry. */
  readonly errors?: ReadonlyArray<ErrorEntry> | undefined;
}

/** `operation METHOD path`, the start of every message. */
export const where = (c: RequestContext): string => `${c.operation} ${c.method} ${c.path}`;

/** The request context with every part scrubbed. */
export const redactContext = (c: RequestContext, secrets: ReadonlyArray<string>): RequestContext => ({
  operation: redactText(c.operation, secrets),
  method: redactText(c.method, secrets),
  path: redactText(c.path, secrets),
});

const redactEntry = (e: ErrorEntry, secrets: ReadonlyArray<string>): ErrorEntry => ({
  code: e.code === undefined ? undefined : redactText(e.code, secrets),
  httpCode: e.httpCode,
  message: e.message === undefined ? undefined : redactText(e.message, secrets),
});

const httpFields = (input: HttpErrorInput): HttpErrorFields => {
  const secrets = input.secrets ?? [];
  const context = redactContext(input, secrets);
  const code = input.code === undefined ? undefined : redactText(input.code, secrets);
  const serverMessage = input.serverMessage === undefined ? undefined : redactText(input.serverMessage, secrets);
  const errors = (input.errors ?? []).map((e) => redactEntry(e, secrets));
  const extra = errors.length > 1 ? ` (+${errors.length - 1} more)` : "";
  const detail = [code, serverMessage].filter((s) => s !== undefined && s !== "").join(": ");
  return {
    ...context,
    status: input.status,
    code,
    serverMessage,
    errors,
    message: `${where(context)} failed with ${input.status}${detail === "" ? "" : ` ${detail}`}${extra}`,
  };
};

/**
 * Fields of the errors built from an HTTP answer: {@link ErrorFields} with a definite status.
 *
 * @category models
 */
export interface HttpErrorFields extends ErrorFields {
  /** The HTTP status of the response. */
  readonly status: number;
}

/**
 * 400 `BAD_REQUEST`: the service rejected the request as malformed (also used for other unexpected 4xx).
 *
 * @example
 * ```ts
 * import { BadRequest } from "@wattstream/resilience"
 * const e = new BadRequest({ operation: "getDevice", method: "GET", path: "/devices/x", status: 400 })
 * e._tag // "BadRequest"
 * ```
 * @category errors
 */
export class BadRequest extends Data.TaggedError("BadRequest")<HttpErrorFields> {
  constructor(input: HttpErrorInput) {
    super(httpFields(input));
  }
}

/**
 * 401 `UNAUTHORIZED`: the API key is missing or invalid.
 *
 * @example
 * ```ts
 * import { Unauthorized } from "@wattstream/resilience"
 * new Unauthorized({ operation: "listDevices", method: "GET", path: "/devices", status: 401 }).message
 * ```
 * @category errors
 */
export class Unauthorized extends Data.TaggedError("Unauthorized")<HttpErrorFields> {
  constructor(input: HttpErrorInput) {
    super(httpFields(input));
  }
}

/**
 * 403 `FORBIDDEN`: the key lacks the device or the write permission.
 *
 * @example
 * ```ts
 * import { Forbidden } from "@wattstream/resilience"
 * new Forbidden({ operation: "updateDevice", method: "PATCH", path: "/devices/D123456789012", status: 403 })
 * ```
 * @category errors
 */
export class Forbidden extends Data.TaggedError("Forbidden")<HttpErrorFields> {
  constructor(input: HttpErrorInput) {
    super(httpFields(input));
  }
}

/**
 * 403 `NOT_PERMITTED`: the key is not recognised for this action.
 *
 * @example
 * ```ts
 * import { NotPermitted } from "@wattstream/resilience"
 * new NotPermitted({ operation: "listDevices", method: "GET", path: "/devices", status: 403, code: "NOT_PERMITTED" })
 * ```
 * @category errors
 */
export class NotPermitted extends Data.TaggedError("NotPermitted")<HttpErrorFields> {
  constructor(input: HttpErrorInput) {
    super(httpFields(input));
  }
}

/**
 * 404 `NOT_FOUND`: no such resource, or one the key may not see (the service does not distinguish them).
 *
 * @example
 * ```ts
 * import { NotFound } from "@wattstream/resilience"
 * new NotFound({ operation: "getDevice", method: "GET", path: "/devices/D123456789012", status: 404 })
 * ```
 * @category errors
 */
export class NotFound extends Data.TaggedError("NotFound")<HttpErrorFields> {
  constructor(input: HttpErrorInput) {
    super(httpFields(input));
  }
}

/**
 * 422 `UNPROCESSABLE_ENTITY`: e.g. a bad timestamp or a window over the maximum.
 *
 * @example
 * ```ts
 * import { Unprocessable } from "@wattstream/resilience"
 * new Unprocessable({ operation: "getLongEnergyData", method: "GET", path: "/long-energy/D123456789012", status: 422 })
 * ```
 * @category errors
 */
export class Unprocessable extends Data.TaggedError("Unprocessable")<HttpErrorFields> {
  constructor(input: HttpErrorInput) {
    super(httpFields(input));
  }
}

/**
 * A 5xx answer; transient, so the retry policy retries it (but never a PATCH without verification).
 *
 * @example
 * ```ts
 * import { ServerError } from "@wattstream/resilience"
 * new ServerError({ operation: "getDevice", method: "GET", path: "/devices/D123456789012", status: 503 })
 * ```
 * @category errors
 */
export class ServerError extends Data.TaggedError("ServerError")<HttpErrorFields> {
  constructor(input: HttpErrorInput) {
    super(httpFields(input));
  }
}

/**
 * Which budget a 429 exhausted: the key's per-second (`tps`) or per-day (`tpd`) budget, or platform-wide
 * `edge` throttling (a 429 without rate-limit headers and without an error envelope).
 *
 * @category models
 */
export type RateLimitScope = "tps" | "tpd" | "edge";

/**
 * Constructor input of {@link RateLimited}.
 *
 * @category models
 */
export interface RateLimitedInput extends Omit<HttpErrorInput, "status"> {
  /** Defaults to 429. */
  readonly status?: number | undefined;
  /** Which budget was exhausted. */
  readonly scope: RateLimitScope;
  /** The `Retry-After` header in seconds, as the server sent it (not capped), when present. */
  readonly retryAfter?: number | undefined;
  /**
   * Unix seconds at which trying again makes sense, when known: from the server's hints, capped by `WAIT_LIMITS`
   * (`errorFromResponse` never sets it more than 60 s ahead for a TPS or edge 429, 25 h for a TPD one). Schedule
   * from this, not from `retryAfter`.
   */
  readonly resetAt?: number | undefined;
  /** The rate-limit headers of the response, parsed. */
  readonly rateLimit?: RateLimitState | undefined;
}

/**
 * 429: a rate limit was hit. `tps` and `edge` are transient; `tpd` lasts until the UTC day rolls over
 * (api-facts: TPD resets 00:00 UTC), so `resetAt` says when trying again makes sense.
 *
 * @example
 * ```ts
 * import { RateLimited } from "@wattstream/resilience"
 * const e = new RateLimited({ operation: "getDevice", method: "GET", path: "/devices/D123456789012", scope: "tps", retryAfter: 1 })
 * e.scope // "tps"
 * ```
 * @category errors
 */
export class RateLimited extends Data.TaggedError("RateLimited")<
  ErrorFields & {
    readonly status: number;
    readonly scope: RateLimitScope;
    readonly retryAfter: number | undefined;
    readonly resetAt: number | undefined;
    readonly rateLimit: RateLimitState | undefined;
  }
> {
  constructor(input: RateLimitedInput) {
    const base = httpFields({ ...input, status: input.status ?? 429 });
    const resetDate = input.resetAt === undefined ? undefined : new Date(input.resetAt * 1000);
    // A hand-built error may carry any number; an unrepresentable date is left out rather than thrown on.
    const reset =
      resetDate === undefined || Number.isNaN(resetDate.getTime()) ? "" : `; resets at ${resetDate.toISOString()}`;
    const after = input.retryAfter === undefined ? "" : `; retry after ${input.retryAfter} s`;
    super({
      ...base,
      status: input.status ?? 429,
      message: `${base.message} [${input.scope} limit${after}${reset}]`,
      scope: input.scope,
      retryAfter: input.retryAfter,
      resetAt: input.resetAt,
      rateLimit: input.rateLimit,
    });
  }
}

/**
 * Constructor input of {@link Timeout}.
 *
 * @category models
 */
export interface TimeoutInput extends RequestContext, RedactionInput {
  /** The timeout that elapsed, in milliseconds. */
  readonly timeoutMs?: number | undefined;
}

/** The common fields of an error without an HTTP answer (or without one worth an envelope). */
export const noResponse = (context: RequestContext, message: string) => ({
  ...context,
  status: undefined,
  code: undefined,
  serverMessage: undefined,
  errors: [] as ReadonlyArray<ErrorEntry>,
  message,
});

/**
 * No response arrived within the timeout. Transient; a PATCH is not retried after it without verification,
 * because it may have been applied (api-facts: there is no idempotency key).
 *
 * @example
 * ```ts
 * import { Timeout } from "@wattstream/resilience"
 * new Timeout({ operation: "getDevice", method: "GET", path: "/devices/D123456789012", timeoutMs: 10_000 }).message
 * ```
 * @category errors
 */
export class Timeout extends Data.TaggedError("Timeout")<
  ErrorFields & { readonly status: undefined; readonly timeoutMs: number | undefined }
> {
  constructor(input: TimeoutInput) {
    const context = redactContext(input, input.secrets ?? []);
    const after = input.timeoutMs === undefined ? "" : ` after ${input.timeoutMs} ms`;
    super({ ...noResponse(context, `${where(context)} timed out${after}`), timeoutMs: input.timeoutMs });
  }
}

/**
 * Constructor input of {@link NetworkError}.
 *
 * @category models
 */
export interface NetworkErrorInput extends RequestContext, RedactionInput {
  /** The underlying failure (kept, redacted: name, message, stack, code and its own cause chain). */
  readonly cause: unknown;
}

const describeCause = (cause: unknown): string => {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return `${cause.message}${typeof code === "string" ? ` (${code})` : ""}`;
  }
  return typeof cause === "string" ? cause : "unknown cause";
};

/**
 * The connection failed before a complete response arrived (refused, reset, DNS, TLS, truncated body).
 *
 * @example
 * ```ts
 * import { NetworkError } from "@wattstream/resilience"
 * const e = new NetworkError({ operation: "getDevice", method: "GET", path: "/devices/D123456789012", cause: new Error("socket hang up") })
 * e.cause instanceof Error // true
 * ```
 * @category errors
 */
export class NetworkError extends Data.TaggedError("NetworkError")<
  ErrorFields & { readonly status: undefined; readonly cause: unknown }
> {
  constructor(input: NetworkErrorInput) {
    const secrets = input.secrets ?? [];
    const context = redactContext(input, secrets);
    const cause = redactValue(input.cause, secrets);
    super({ ...noResponse(context, `${where(context)} failed: ${describeCause(cause)}`), cause });
  }
}

/**
 * Constructor input of {@link DecodeError}.
 *
 * @category models
 */
export interface DecodeErrorInput extends RequestContext, RedactionInput {
  /** The HTTP status of the response that failed to decode. */
  readonly status?: number | undefined;
  /** Where in the payload decoding failed, e.g. `"$.channels[0].id"` (`"$"` for the whole body). */
  readonly payloadPath: string;
  /** What was expected there, e.g. `"string"` or `"a JSON body"`. */
  readonly expected: string;
  /** A short description of what was found instead. */
  readonly actual?: string | undefined;
  /** The decoder's own error, kept redacted. */
  readonly cause?: unknown;
}

/**
 * A response arrived but its payload did not match the contract.
 *
 * @example
 * ```ts
 * import { DecodeError } from "@wattstream/resilience"
 * const e = new DecodeError({ operation: "getDevice", method: "GET", path: "/devices/D123456789012", status: 200, payloadPath: "$.id", expected: "string", actual: "number" })
 * e.payloadPath // "$.id"
 * ```
 * @category errors
 */
export class DecodeError extends Data.TaggedError("DecodeError")<
  Omit<ErrorFields, "status"> & {
    readonly status: number | undefined;
    readonly payloadPath: string;
    readonly expected: string;
    readonly actual: string | undefined;
    readonly cause?: unknown;
  }
> {
  constructor(input: DecodeErrorInput) {
    const secrets = input.secrets ?? [];
    const context = redactContext(input, secrets);
    const payloadPath = redactText(input.payloadPath, secrets);
    const expected = redactText(input.expected, secrets);
    const actual = input.actual === undefined ? undefined : redactText(input.actual, secrets);
    const status = input.status === undefined ? "" : ` (${input.status})`;
    const got = actual === undefined ? "" : `, got ${actual}`;
    super({
      ...noResponse(context, `${where(context)}${status} could not be decoded at ${payloadPath}: expected ${expected}${got}`),
      status: input.status,
      payloadPath,
      expected,
      actual,
      ...(input.cause === undefined ? {} : { cause: redactValue(input.cause, secrets) }),
    });
  }
}

/**
 * Constructor input of {@link InvalidRequest}.
 *
 * @category models
 */
export interface InvalidRequestInput extends RequestContext, RedactionInput {
  /** Which input broke a rule, e.g. `"deviceId"`, `"window"`, `"fields"`. */
  readonly input: string;
  /** The rule, e.g. `"window-too-long"`, `"timezone-required"`, `"pf-with-timestamp"`. */
  readonly rule: string;
  /** A human explanation. */
  readonly detail?: string | undefined;
  /** The validator's own error (e.g. core's `InvalidIdError`), kept redacted. */
  readonly cause?: unknown;
}

/**
 * The request was refused before sending: a bad ID, a window over the limit, a forbidden parameter combination.
 *
 * @example
 * ```ts
 * import { InvalidRequest } from "@wattstream/resilience"
 * const e = new InvalidRequest({ operation: "getLongEnergyData", method: "GET", path: "/long-energy/D123456789012", input: "timezone", rule: "timezone-required" })
 * e.rule // "timezone-required"
 * ```
 * @category errors
 */
export class InvalidRequest extends Data.TaggedError("InvalidRequest")<
  ErrorFields & {
    readonly status: undefined;
    readonly input: string;
    readonly rule: string;
    readonly detail: string | undefined;
    readonly cause?: unknown;
  }
> {
  constructor(input: InvalidRequestInput) {
    const secrets = input.secrets ?? [];
    const context = redactContext(input, secrets);
    const name = redactText(input.input, secrets);
    const rule = redactText(input.rule, secrets);
    const detail = input.detail === undefined ? undefined : redactText(input.detail, secrets);
    super({
      ...noResponse(context, `${where(context)} refused before sending: ${name} breaks ${rule}${detail === undefined ? "" : ` (${detail})`}`),
      input: name,
      rule,
      detail,
      ...(input.cause === undefined ? {} : { cause: redactValue(input.cause, secrets) }),
    });
  }
}

/**
 * The HTTP errors `errorFromResponse` can build (everything but the no-response and pre-send kinds).
 *
 * @category models
 */
export type HttpError =
  | BadRequest
  | Unauthorized
  | Forbidden
  | NotPermitted
  | NotFound
  | Unprocessable
  | RateLimited
  | ServerError;

/**
 * Every way a Wattwatchers API call can fail; discriminate on `_tag`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import type { WattwatchersError } from "@wattstream/resilience"
 * const describe = (e: WattwatchersError) => (e._tag === "RateLimited" ? `slow down (${e.scope})` : e.message)
 * ```
 * @category errors
 */
export type WattwatchersError =
  | HttpError
  | UnexpectedRedirect
  | ResponseTooLarge
  | Timeout
  | NetworkError
  | DecodeError
  | InvalidRequest;

/**
 * The `_tag` of every {@link WattwatchersError} class.
 *
 * @category models
 */
export const WATTWATCHERS_ERROR_TAGS = [
  "BadRequest",
  "Unauthorized",
  "Forbidden",
  "NotPermitted",
  "NotFound",
  "Unprocessable",
  "RateLimited",
  "ServerError",
  "UnexpectedRedirect",
  "ResponseTooLarge",
  "Timeout",
  "NetworkError",
  "DecodeError",
  "InvalidRequest",
] as const satisfies ReadonlyArray<WattwatchersError["_tag"]>;

const TAGS: ReadonlySet<string> = new Set(WATTWATCHERS_ERROR_TAGS);

/**
 * Whether a value is one of the {@link WattwatchersError} classes (by tag and shape, so it also holds across
 * duplicated package copies).
 *
 * @example
 * ```ts
 * import { isWattwatchersError, NotFound } from "@wattstream/resilience"
 * isWattwatchersError(new NotFound({ operation: "getDevice", method: "GET", path: "/devices/x", status: 404 })) // true
 * isWattwatchersError(new Error("x")) // false
 * ```
 * @category guards
 */
export const isWattwatchersError = (u: unknown): u is WattwatchersError =>
  u instanceof Error &&
  TAGS.has((u as { _tag?: unknown })._tag as string) &&
  typeof (u as { operation?: unknown }).operation === "string";
