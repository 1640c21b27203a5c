import { Data } from "effect";
import { redactText } from "./redact.js";
import { noResponse, redactContext, where } from "./WattwatchersError.js";
import type { ErrorFields, RedactionInput, RequestContext } from "./WattwatchersError.js";

/**
 * Constructor input of {@link UnexpectedRedirect}.
 *
 * @category models
 */
export interface UnexpectedRedirectInput extends RequestContext, RedactionInput {
  /** The 3xx status of the answer. */
  readonly status: number;
  /** The `Location` header as sent (only its origin is kept; the rest may carry a credential). */
  readonly location?: string | null | undefined;
  /** The URL the request was sent to, to resolve a relative `Location`. */
  readonly requestUrl?: string | undefined;
}

/** The origin of a `Location` (scheme, host, port: no path, query or credentials), or `undefined`. */
const originOf = (location: string | null | undefined, base: string | undefined): string | undefined => {
  if (location === undefined || location === null || location.trim() === "") return undefined;
  try {
    const origin = new URL(location.trim(), base).origin;
    return origin === "null" ? undefined : origin;
  } catch {
    return undefined;
  }
};

/**
 * The service answered with a redirect (3xx), which it never does: the client does not follow it, so no request,
 * with or without the key, goes to another origin. Only the origin of the `Location` is kept (never its path or
 * query, which could carry a credential). Not transient: a redirect loop costs one request.
 *
 * @example
 * ```ts
 * import { UnexpectedRedirect } from "@wattstream/resilience"
 * const e = new UnexpectedRedirect({ operation: "getDevice", method: "GET", path: "/devices/D123456789012", status: 302, location: "https://elsewhere.example/x?key=1" })
 * e.locationOrigin // "https://elsewhere.example"
 * ```
 * @category errors
 */
export class UnexpectedRedirect extends Data.TaggedError("UnexpectedRedirect")<
  ErrorFields & { readonly status: number; readonly locationOrigin: string | undefined }
> {
  constructor(input: UnexpectedRedirectInput) {
    const secrets = input.secrets ?? [];
    const context = redactContext(input, secrets);
    const origin = originOf(input.location, input.requestUrl);
    const locationOrigin = origin === undefined ? undefined : redactText(origin, secrets);
    const to = locationOrigin === undefined ? "without a usable Location" : `to ${locationOrigin}`;
    super({
      ...noResponse(context, `${where(context)} was redirected (${input.status}) ${to}; redirects are never followed`),
      status: input.status,
      locationOrigin,
    });
  }
}
