/**
 * A small HTTP server of the test's own (node:http on 127.0.0.1, port 0) that answers whatever the test's handler
 * says, on a virtual clock shared with an rxjs VirtualTimeScheduler, plus transport's real client pointed at it.
 * Like simHarness, virtual time only moves when no request is in flight. Also watches the process for unhandled
 * rejections and uncaught exceptions, which every hostile test asserts did not happen.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { VirtualTimeScheduler } from "rxjs";
import { makeClient } from "@wattstream/transport";
import type { ClientOptions, WattwatchersClient } from "@wattstream/transport";

export const KEY = "key_0123456789abcdefghijklmnopqrstuv";

/** What the server does with one request: an answer, or a connection dropped without one. */
export type Answer =
  | { readonly status: number; readonly body?: unknown; readonly headers?: Readonly<Record<string, string>> }
  | { readonly reset: true };

export interface HostileRequest {
  readonly path: string;
  readonly query: URLSearchParams;
  /** The virtual clock, Unix seconds. */
  readonly nowS: number;
}

export interface HostileHarness {
  readonly client: WattwatchersClient;
  readonly scheduler: VirtualTimeScheduler;
  readonly requests: Array<{ readonly at: number; readonly path: string; readonly status: number | "reset" }>;
  /** Unhandled rejections and uncaught exceptions seen while the harness ran. */
  readonly crashes: Array<unknown>;
  now(): number;
  runUntil(untilS: number): Promise<void>;
  close(): Promise<void>;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export const startHostile = async (
  startS: number,
  handler: (req: HostileRequest) => Answer,
  clientOptions: Partial<ClientOptions> = {},
): Promise<HostileHarness> => {
  const scheduler = new VirtualTimeScheduler();
  scheduler.frame = startS * 1000;
  const now = (): number => scheduler.frame / 1000;
  const requests: HostileHarness["requests"] = [];
  const crashes: Array<unknown> = [];
  const onCrash = (e: unknown): void => void crashes.push(e);
  process.on("unhandledRejection", onCrash);
  process.on("uncaughtException", onCrash);
  let inflight = 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const answer = handler({ path: url.pathname, query: url.searchParams, nowS: now() });
    if ("reset" in answer) {
      requests.push({ at: now(), path: url.pathname, status: "reset" });
      req.socket.destroy();
      return;
    }
    requests.push({ at: now(), path: url.pathname, status: answer.status });
    const body = answer.body === undefined ? "" : JSON.stringify(answer.body);
    res.writeHead(answer.status, { ...(body === "" ? {} : { "content-type": "application/json" }), ...answer.headers });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const counting: NonNullable<ClientOptions["fetch"]> = async (input, init) => {
    inflight++;
    try {
      return await fetch(input, init);
    } finally {
      inflight--;
    }
  };
  // Retry and pacing off: every fault reaches rx, whose policy is what is under test, and nothing in the client
  // sleeps on the real clock (a Retry-After would otherwise stall virtual time).
  const client = makeClient({ apiKey: KEY, baseUrl, fetch: counting, retry: false, pacing: false, ...clientOptions });
  const settle = async (): Promise<void> => {
    for (let quiet = 0; quiet < 3; ) {
      await tick();
      quiet = inflight === 0 ? quiet + 1 : 0;
    }
  };
  const runUntil = async (untilS: number): Promise<void> => {
    const until = untilS * 1000;
    for (;;) {
      await settle();
      const next = (scheduler.actions[0] as { delay?: number } | undefined)?.delay;
      const target = next === undefined ? until : Math.min(next, until);
      if (target > scheduler.frame) scheduler.frame = target;
      if (next === undefined || next > until) return;
      scheduler.maxFrames = target;
      scheduler.flush();
    }
  };
  return {
    client,
    scheduler,
    requests,
    crashes,
    now,
    runUntil,
    close: async () => {
      process.off("unhandledRejection", onCrash);
      process.off("uncaughtException", onCrash);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
};
