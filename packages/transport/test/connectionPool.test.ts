// The Node entry's bounded keep-alive pool, over real HTTP on 127.0.0.1: how many TCP connections N concurrent
// requests open (counted by the server), reuse across a quiet gap, a server that drops kept-alive connections, and
// closing. No timing assertions: every wait is on an event (a request arriving, a socket closing).
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { makeClient } from "../src/index.js";
import { connectionPool, CONNECTION_POOL_DEFAULTS } from "../src/node.js";
import type { ConnectionPool } from "../src/node.js";
import { DEVICE_ID, guardProcess, KEY } from "./hostile/helpers.js";

guardProcess();

interface Counting {
  readonly origin: string;
  /** TCP connections accepted so far. */
  readonly accepted: () => number;
  /** Connections still open. */
  readonly open: () => number;
  /** Resolves once no connection is open. */
  readonly allClosed: () => Promise<void>;
  readonly close: () => Promise<void>;
}

/**
 * A server that counts its TCP connections and answers `GET /devices` with one ID; `handle` may hold or drop a
 * request (it gets the request's index on its connection). Idle connections are kept for a minute.
 */
const countingServer = async (
  handle: (req: IncomingMessage, res: ServerResponse, nthOnSocket: number, answer: () => void) => void = (_q, _s, _n, answer) => answer(),
): Promise<Counting> => {
  let accepted = 0;
  const sockets = new Set<Socket>();
  let onEmpty: Array<() => void> = [];
  const perSocket = new WeakMap<Socket, number>();
  const server: Server = createServer((req, res) => {
    res.on("error", () => undefined);
    const n = (perSocket.get(req.socket) ?? 0) + 1;
    perSocket.set(req.socket, n);
    handle(req, res, n, () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify([DEVICE_ID]));
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on("connection", (socket: Socket) => {
    accepted++;
    sockets.add(socket);
    socket.on("close", () => {
      sockets.delete(socket);
      if (sockets.size === 0) for (const f of onEmpty.splice(0)) f();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  onEmpty = [];
  return {
    origin: `http://127.0.0.1:${address.port}`,
    accepted: () => accepted,
    open: () => sockets.size,
    allClosed: () => (sockets.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => onEmpty.push(resolve))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});
const track = <A extends { close: () => Promise<void> }>(a: A): A => {
  cleanup.push(() => a.close());
  return a;
};

/** Holds answers until `k` requests are waiting at once, then answers them and every later one at once. */
const holdUntil = (k: number) => {
  const held: Array<() => void> = [];
  let released = false;
  return (_req: IncomingMessage, _res: ServerResponse, _n: number, answer: () => void) => {
    if (released) return answer();
    held.push(answer);
    if (held.length >= k) {
      released = true;
      for (const a of held.splice(0)) a();
    }
  };
};

const wave = (pool: ConnectionPool | undefined, origin: string, n: number) => {
  const client = makeClient({ apiKey: KEY, baseUrl: origin, pacing: false, retry: false, ...(pool === undefined ? {} : { fetch: pool.fetch }) });
  return Promise.all(Array.from({ length: n }, () => client.promise.listDevices()));
};

describe("connectionPool", () => {
  it("opens at most `connections` connections for many concurrent requests and reuses them after a quiet gap", async () => {
    const server = track(await countingServer(holdUntil(4)));
    const pool = track(connectionPool({ connections: 4 }));
    const first = await wave(pool, server.origin, 40);
    expect(first).toHaveLength(40);
    expect(first.every((ids) => ids[0] === DEVICE_ID)).toBe(true);
    expect(server.accepted()).toBe(4);
    // Every request answered: the connections are idle now, and still open (kept alive).
    expect(server.open()).toBe(4);
    const second = await wave(pool, server.origin, 40);
    expect(second).toHaveLength(40);
    expect(server.accepted()).toBe(4);
  });

  it("without a pool, the same burst opens a connection per request (the storm it prevents)", async () => {
    const server = track(await countingServer(holdUntil(20)));
    await wave(undefined, server.origin, 20);
    expect(server.accepted()).toBe(20);
  });

  it("answers every request when the server drops kept-alive connections (the client's retry re-sends)", async () => {
    let dropped = 0;
    // Every connection's third request is never answered: the socket is destroyed under it.
    const server = track(
      await countingServer((req, _res, n, answer) => {
        if (n === 3) {
          dropped++;
          req.socket.destroy();
        } else answer();
      }),
    );
    const pool = track(connectionPool({ connections: 2 }));
    const client = makeClient({ apiKey: KEY, baseUrl: server.origin, pacing: false, fetch: pool.fetch, retry: { baseDelay: "1 millis", maxRetries: 10 } });
    const answers = await Promise.all(Array.from({ length: 30 }, () => client.promise.listDevices()));
    expect(answers.every((ids) => ids[0] === DEVICE_ID)).toBe(true);
    expect(dropped).toBeGreaterThan(0);
    // Each dropped connection was replaced, never more than two at a time.
    expect(server.accepted()).toBeGreaterThan(2);
  });

  it("close() closes every idle connection; later requests fail as NetworkError", async () => {
    const server = track(await countingServer());
    const pool = connectionPool({ connections: 3 });
    await wave(pool, server.origin, 9);
    expect(server.open()).toBeGreaterThan(0);
    await pool.close();
    await pool.close(); // twice is harmless
    await server.allClosed();
    expect(server.open()).toBe(0);
    const client = makeClient({ apiKey: KEY, baseUrl: server.origin, pacing: false, retry: false, fetch: pool.fetch });
    await expect(client.promise.listDevices()).rejects.toMatchObject({ _tag: "NetworkError" });
  });

  it("closes with `await using`", async () => {
    const server = track(await countingServer());
    {
      await using pool = connectionPool();
      await wave(pool, server.origin, 3);
      expect(server.open()).toBeGreaterThan(0);
    }
    await server.allClosed();
    expect(server.open()).toBe(0);
  });

  it("has documented defaults", () => {
    const pool = connectionPool();
    cleanup.push(() => pool.close());
    expect(pool.options).toEqual({ connections: 32, keepAlive: 60_000 });
    expect(CONNECTION_POOL_DEFAULTS).toEqual(pool.options);
  });

  it.each([
    [{ connections: 0 }, "connections"],
    [{ connections: 1.5 }, "connections"],
    [{ connections: 5000 }, "connections"],
    [{ connections: Number.NaN }, "connections"],
    [{ keepAlive: 0 }, "keepAlive"],
    [{ keepAlive: -1 }, "keepAlive"],
    [{ keepAlive: Number.POSITIVE_INFINITY }, "keepAlive"],
    [{ keepAlive: 2 ** 31 }, "keepAlive"],
  ])("refuses %o with an InvalidRequest naming %s", (options, input) => {
    expect(() => connectionPool(options)).toThrow(expect.objectContaining({ _tag: "InvalidRequest", operation: "connectionPool", input }));
  });
});
