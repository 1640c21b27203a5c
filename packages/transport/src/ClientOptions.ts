import type { Pacer, PacerOptions, RetryOptions } from "@wattstream/resilience";

/**
 * Options of {@link makeClient}. Defaults:
 *
 * | option | default |
 * |---|---|
 * | `baseUrl` | `https://api-v3.wattwatchers.com.au` |
 * | `timeout` | 10 000 ms per attempt (request and body) |
 * | `maxResponseBytes` | 16 MiB, enforced while reading |
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
   * Per-attempt timeout in milliseconds, covering the request and reading its body; `false` for none. At most
   * 2^31 − 1 (what a timer can hold).
   * @default 10000
   */
  readonly timeout?: number | false | undefined;
  /**
   * The largest response body the client reads, in bytes. A `Content-Length` above it is refused before reading;
   * a body without one (chunked, or one that never ends) is cut off as soon as it passes the limit and the
   * connection is closed, so a hostile or broken server cannot grow memory without bound. Either way the call
   * fails with `ResponseTooLarge` (not retried). The default is about 10× the largest legitimate answer
   * (measured against the simulator, 6-channel device with `+pf`: a 7-day 5-minute long-energy window 0.98 MB,
   * 12 h of short energy 0.35 MB; a list of 100,000 device IDs 1.6 MB).
   * @default 16777216 (16 MiB)
   * @example
   * ```ts
   * import { makeClient } from "@wattstream/transport";
   * makeClient({ apiKey: process.env.WATTSTREAM_API_KEY!, maxResponseBytes: 64 * 1024 * 1024 });
   * ```
   */
  readonly maxResponseBytes?: number | undefined;
  /**
   * Options of resilience's retry policy (transient failures only, Retry-After honoured up to 60 s, PATCH verified
   * before any re-send), or `false` for a single attempt. A call's total time is bounded: the last attempt starts
   * within `maxElapsed`, then takes at most one capped server-hint wait in the pacer (≤ 60 s, usually none) and
   * one `timeout` — 40 s with the defaults when no hint applies (resilience's README, "Total time of a call").
   * This is the default of every call; a call's own `retry` option (`false` or options) replaces it for that call,
   * so a caller with its own back-off (rx's pollers) sends each request once.
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
  maxResponseBytes: 16 * 1024 * 1024,
} as const;
