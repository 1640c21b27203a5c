// A logging reverse proxy in front of the simulator, one per runner process: every request the runner sends is
// recorded with the runner's name, the device it is about, the operation, the status and the time, so the proof
// can count 429s, requests per device per interval, and which runner polled which device when.
import { createServer, request } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import { keyFingerprint } from "../src/index.ts";

export interface LoggedRequest {
  readonly runner: string;
  /** Wall-clock ms when the request arrived. */
  readonly at: number;
  readonly path: string;
  readonly device: string | undefined;
  readonly operation: "device" | "energy" | "list" | "other";
  /** The fingerprint of the request's API key (never the key). */
  readonly key: string | undefined;
  status: number;
  /** Wall-clock ms when the answer had been passed on whole (0 until then). */
  doneAt: number;
}

export interface Proxy {
  readonly baseUrl: string;
  readonly close: () => Promise<void>;
}

const classify = (path: string): { device: string | undefined; operation: LoggedRequest["operation"] } => {
  const energy = /^\/(?:long-energy|short-energy|modbus)\/([A-Z0-9]{13})/.exec(path);
  if (energy) return { device: energy[1], operation: "energy" };
  const device = /^\/devices\/([A-Z0-9]{13})/.exec(path);
  if (device) return { device: device[1], operation: "device" };
  if (path.startsWith("/devices")) return { device: undefined, operation: "list" };
  return { device: undefined, operation: "other" };
};

export const startProxy = (target: string, runner: string, log: Array<LoggedRequest>): Promise<Proxy> => {
  const t = new URL(target);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? "/";
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const entry: LoggedRequest = { runner, at: Date.now(), path, ...classify(path), key: bearer === undefined ? undefined : keyFingerprint(bearer), status: 0, doneAt: 0 };
    log.push(entry);
    const upstream = request(
      { host: t.hostname, port: t.port, method: req.method, path, headers: { ...req.headers, host: t.host } },
      (up) => {
        entry.status = up.statusCode ?? 0;
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.on("end", () => (entry.doneAt = Date.now()));
        up.pipe(res);
      },
    );
    upstream.on("error", () => {
      entry.status = 502;
      res.destroy();
    });
    req.pipe(upstream);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      resolve({
        baseUrl: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
};
