import type { Pacer, PacerOptions, RetryOptions } from "@wattstream/resilience";

/**
 * Options of {@link makeClient}. Defaults:
 *
 * | option | default |
 * |---|---|
 * | `baseUrl` | `https://api-v3.wattwatchers.com.au` |
 * | `timeout` | 10 000 ms per attempt (request and body) |
 * | `retry` | resilience's `RETRY_DEFAULTS` (5 retries, 200 ms base, full jitter, 30 s budget) |
 * | `pacing` | on: learns the key's TPS/TPD budgets from the response headers |
 * | `fetch` | `globalThis.fetch`, called through a thin wrapper (bodiless requests forwarded by URL) |
 *
 * @example
 * ```ts
 * import { makeClient } from "@wattstream/transport";
 *
 * const client = makeClient({
 *   apiKey: process.env.WATTSTREAM_API_KEY!,
 *   timeout: 5_000,
 *   retry: { maxRetries: 3 },
 *   pacing: { tps: 5 },
 * });
 * ```
 * @category models
 */
export interface ClientOptions {
  /**
   * The API key (`key_` + 32 characters). Sent only as `Authorization: Bearer …`; it never appears in an error,
   * message or cause the client produces.
   */
  readonly apiKey: string;
  /**
   * Where the API lives. Must be HTTPS unless it is loopback (`localhost`, `127.0.0.0/8`, `[::1]`), e.g. a
   * local simulator: the key would otherwise cross a network in clear text.
   * @default "https://api-v3.wattwatchers.com.au"
   */
  readonly baseUrl?: string | URL | undefined;
  /**
   * Per-attempt timeout in milliseconds, covering the request and reading its body; `false` for none.
   * @default 10000
   */
  readonly timeout?: number | false | undefined;
  /**
   * Options of resilience's retry policy (transient failures only, Retry-After honoured, PATCH verified before
   * any re-send), or `false` for a single attempt.
   * @default {} (resilience's RETRY_DEFAULTS)
   */
  readonly retry?: RetryOptions | false | undefined;
  /**
   * Client-side rate limiting: options for a pacer of this client's own, a `Pacer` to share between clients of
   * the same key, or `false` for none.
   * @default {} (budgets learnt from the response headers)
   */
  readonly pacing?: PacerOptions | Pacer | false | undefined;
  /**
   * The `fetch` to use (instrumentation, proxies, tests); it receives ky's `Request` as it is.
   * @default a wrapper over `globalThis.fetch` that forwards a bodiless request as URL + init (cheaper for undici)
   */
  readonly fetch?: ((input: Request | URL | string, init?: RequestInit) => Promise<Response>) | undefined;
}

/** @internal The defaults, in one place. */
export const CLIENT_DEFAULTS = {
  baseUrl: "https://api-v3.wattwatchers.com.au",
  timeoutMs: 10_000,
} as const;
