import type { RateLimitState } from "@wattstream/resilience";

/**
 * A decoded answer together with what the response said about it: the HTTP status and the rate-limit state
 * parsed from its headers (api-facts: every successful response carries the key's TPS and TPD budgets).
 *
 * @example
 * ```ts
 * import { Effect } from "effect";
 * import { makeClient } from "@wattstream/transport";
 *
 * const client = makeClient({ apiKey: process.env.WATTSTREAM_API_KEY!, baseUrl: process.env.WATTSTREAM_API_URL });
 * const { data, status, rateLimit } = await Effect.runPromise(client.withResponse.getDevice("D123456789012"));
 * console.log(data.label, status, rateLimit?.tps?.remaining);
 * ```
 * @category models
 */
export interface ApiResponse<A> {
  /** The decoded body (or `NoData` for a 204 on an energy or Modbus operation). */
  readonly data: A;
  /** The HTTP status of the (last) attempt. */
  readonly status: number;
  /** The rate-limit headers of the response, parsed; `undefined` when it carried none. */
  readonly rateLimit: RateLimitState | undefined;
}
