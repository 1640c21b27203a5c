// Node-only entry of @wattstream/transport (`@wattstream/transport/node`): a bounded keep-alive connection pool
// for the client's `fetch`. Kept out of the main entry so browsers never load undici.
import { Agent } from "undici";
import { InvalidRequest, WAIT_LIMITS } from "@wattstream/resilience";
import type { ClientOptions } from "./ClientOptions.js";
import { forwardRequest } from "./internal/forwardRequest.js";

/**
 * Options of {@link connectionPool}.
 *
 * @example
 * ```ts
 * import { connectionPool } from "@wattstream/transport/node";
 * await using pool = connectionPool({ connections: 16, keepAlive: 30_000 });
 * ```
 * @category models
 */
export interface ConnectionPoolOptions {
  /**
   * The most TCP (or TLS) connections open to one origin at a time; further requests wait for a free one (inside
   * the client's `timeout`). A whole number from 1 to 1,024. The pool carries at most `connections ÷ latency`
   * requests per second: 32 at 100 ms a request ≈ 320/s.
   * @default 32
   */
  readonly connections?: number | undefined;
  /**
   * How long an idle connection is kept open for the next request, in milliseconds (1 to 2^31 − 1). A server
   * that announces a shorter idle timeout (`Keep-Alive: timeout=N`) is believed: the connection is dropped
   * about a second before the server would close it.
   * @default 60000
   */
  readonly keepAlive?: number | undefined;
}

/**
 * A bounded keep-alive connection pool: pass its `fetch` to `makeClient`, and close it (`close()` or `await using`)
 * when the client is done.
 *
 * @example
 * ```ts
 * import { makeClient } from "@wattstream/transport";
 * import { connectionPool } from "@wattstream/transport/node";
 *
 * const pool = connectionPool();
 * const client = makeClient({ apiKey: process.env.WATTSTREAM_API_KEY!, baseUrl: process.env.WATTSTREAM_API_URL, fetch: pool.fetch });
 * console.log(await client.promise.listDevices());
 * await pool.close();
 * ```
 * @category models
 */
export interface ConnectionPool extends AsyncDisposable {
  /** A `fetch` for {@link ClientOptions.fetch} whose requests share this pool's connections. */
  readonly fetch: NonNullable<ClientOptions["fetch"]>;
  /** The options in force, defaults applied. */
  readonly options: { readonly connections: number; readonly keepAlive: number };
  /**
   * Lets requests in flight finish, then closes every connection; later requests fail (as `NetworkError`
   * through the client). Closing twice is harmless.
   */
  readonly close: () => Promise<void>;
}

/** The defaults of {@link connectionPool}. @category constants */
export const CONNECTION_POOL_DEFAULTS = { connections: 32, keepAlive: 60_000 } as const;

const MAX_CONNECTIONS = 1024;

const invalid = (input: string, detail: string): InvalidRequest =>
  new InvalidRequest({ operation: "connectionPool", method: "-", path: "-", input, rule: input, detail });

/**
 * Makes a bounded keep-alive connection pool for the client on Node (undici's `Agent`, handed to Node's own
 * `fetch` as its dispatcher). Without one, Node's `fetch` opens a new connection for every request that finds
 * none idle, so requests falling due together after a quiet gap open hundreds of connections at once (a connect
 * storm: TLS handshakes, garbage and event-loop stalls); with one, at most `connections` are open to an origin and
 * stay open across gaps shorter than `keepAlive`. Throws `InvalidRequest` (operation `connectionPool`, `input`
 * naming the option) for an out-of-range option.
 *
 * @example
 * ```ts
 * import { makeClient } from "@wattstream/transport";
 * import { connectionPool } from "@wattstream/transport/node";
 *
 * await using pool = connectionPool({ connections: 32 });
 * const client = makeClient({ apiKey: process.env.WATTSTREAM_API_KEY!, baseUrl: process.env.WATTSTREAM_API_URL, fetch: pool.fetch });
 * console.log((await client.promise.listDevices()).length);
 * ```
 * @category constructors
 */
export const connectionPool = (options: ConnectionPoolOptions = {}): ConnectionPool => {
  const connections = options.connections ?? CONNECTION_POOL_DEFAULTS.connections;
  if (!(Number.isInteger(connections) && connections >= 1 && connections <= MAX_CONNECTIONS)) {
    throw invalid("connections", `connections must be a whole number from 1 to ${MAX_CONNECTIONS}`);
  }
  const keepAlive = options.keepAlive ?? CONNECTION_POOL_DEFAULTS.keepAlive;
  if (!(typeof keepAlive === "number" && Number.isFinite(keepAlive) && keepAlive >= 1 && keepAlive <= WAIT_LIMITS.maxTimerMs)) {
    throw invalid("keepAlive", `keepAlive must be a number of milliseconds from 1 to ${WAIT_LIMITS.maxTimerMs}`);
  }
  // keepAliveMaxTimeout caps a server's own hint at ours; a shorter hint wins (undici keeps 1 s of margin).
  const agent = new Agent({ connections, keepAliveTimeout: keepAlive, keepAliveMaxTimeout: keepAlive });
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= agent.close());
  return {
    fetch: forwardRequest({ dispatcher: agent }),
    options: { connections, keepAlive },
    close,
    [Symbol.asyncDispose]: close,
  };
};
