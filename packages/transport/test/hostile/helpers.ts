// Small hostile HTTP servers (node:http on 127.0.0.1, port 0) and a process guard: every hostile test asserts
// its typed result and that nothing escaped as an unhandled rejection or an uncaught exception.
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { afterAll, afterEach, beforeAll, expect } from "vitest";

/** A real-shaped key: what the server under test may echo back. */
export const KEY = "key_Hx7Qm2Zr9Tn4Vb6Kc1Lp8Sd3Fg5Wj0Ya";

export const DEVICE_ID = "D123456789012";

/** A minimal contract-valid device record. */
export const device = (extra: Record<string, unknown> = {}) => ({
  id: DEVICE_ID,
  model: "6W",
  comms: { type: "wifi" },
  channels: [{ id: `${DEVICE_ID}_C1`, label: "Mains" }],
  ...extra,
});

export interface Hostile {
  /** `http://127.0.0.1:<port>`, the origin of the server. */
  readonly origin: string;
  /** Requests received so far, in order. */
  readonly requests: Array<{ readonly method: string; readonly url: string; readonly authorization: string | undefined }>;
  readonly close: () => Promise<void>;
}

/** Starts a server answering every request with `handler`; closed (connections included) by `close`. */
export const hostileServer = async (
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<Hostile> => {
  const requests: Array<{ method: string; url: string; authorization: string | undefined }> = [];
  const server: Server = createServer((req, res) => {
    requests.push({ method: req.method ?? "", url: req.url ?? "", authorization: req.headers.authorization });
    // A client that hangs up mid-answer is expected here; the write error must not become an uncaught one.
    res.on("error", () => undefined);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return {
    origin: `http://127.0.0.1:${address.port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

/** Sends JSON with the given status and headers. */
export const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(text);
};

/**
 * Installs `unhandledRejection` / `uncaughtException` listeners for the file and fails any test during which one
 * fired.
 */
export const guardProcess = (): void => {
  const escaped: Array<unknown> = [];
  const onRejection = (reason: unknown) => escaped.push(reason);
  const onException = (error: unknown) => escaped.push(error);
  beforeAll(() => {
    process.on("unhandledRejection", onRejection);
    process.on("uncaughtException", onException);
  });
  afterEach(async () => {
    // Give stray promise rejections a turn to surface before judging.
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(escaped, "an unhandled rejection or uncaught exception escaped").toEqual([]);
  });
  afterAll(() => {
    process.off("unhandledRejection", onRejection);
    process.off("uncaughtException", onException);
  });
};
