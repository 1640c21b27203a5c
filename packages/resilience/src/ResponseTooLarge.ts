import { Data } from "effect";
import { noResponse, redactContext, where } from "./WattwatchersError.js";
import type { ErrorFields, RedactionInput, RequestContext } from "./WattwatchersError.js";

/**
 * Constructor input of {@link ResponseTooLarge}.
 *
 * @category models
 */
export interface ResponseTooLargeInput extends RequestContext, RedactionInput {
  /** The HTTP status of the answer whose body was too large. */
  readonly status: number;
  /** The client's limit, in bytes. */
  readonly limitBytes: number;
  /** The `Content-Length` the server declared, when it declared one. */
  readonly declaredBytes?: number | undefined;
}

/**
 * The answer's body is larger than the client's `maxResponseBytes`: refused from its `Content-Length` before
 * reading, or cut off (and the connection cancelled) once that many bytes arrived, so memory stays bounded. Not
 * transient: the same request would get the same answer.
 *
 * @example
 * ```ts
 * import { ResponseTooLarge } from "@wattstream/resilience"
 * const e = new ResponseTooLarge({ operation: "listDevices", method: "GET", path: "/devices", status: 200, limitBytes: 16 * 1024 * 1024 })
 * e.limitBytes // 16777216
 * ```
 * @category errors
 */
export class ResponseTooLarge extends Data.TaggedError("ResponseTooLarge")<
  ErrorFields & { readonly status: number; readonly limitBytes: number; readonly declaredBytes: number | undefined }
> {
  constructor(input: ResponseTooLargeInput) {
    const context = redactContext(input, input.secrets ?? []);
    const declared = input.declaredBytes === undefined ? "" : ` (Content-Length ${input.declaredBytes})`;
    super({
      ...noResponse(
        context,
        `${where(context)} (${input.status}) answered with a body over the ${input.limitBytes}-byte limit${declared}`,
      ),
      status: input.status,
      limitBytes: input.limitBytes,
      declaredBytes: input.declaredBytes,
    });
  }
}
