import type { Simulator } from "@wattstream/simulator";
import type { WattwatchersClient } from "@wattstream/transport";
import { makeClient } from "@wattstream/transport";
import { FAULT_PROFILES } from "./faultProfiles.js";
import type { FaultProfile } from "./faultProfiles.js";
import type { GlobalOptions, Output } from "./Output.js";
import { UsageError } from "./UsageError.js";

/** A client and where it points: the real service, a given base URL, or a simulator started in-process. */
export interface Connection {
  readonly client: WattwatchersClient;
  /** The in-process simulator, when `--simulate` (or no key) started one. */
  readonly simulator: Simulator | undefined;
  /** Where requests go (shown to the user; never carries the key). */
  readonly baseUrl: string;
  /** Current time in Unix seconds on the clock the data lives on (the simulator's, or the wall clock). */
  readonly now: () => number;
  /** Simulated seconds per wall-clock second (1 against a real service). */
  readonly speed: number;
  /** HTTP requests sent so far (for the request rate `sync` shows). */
  readonly requests: () => number;
  /** Secrets to mask in anything printed. */
  readonly secrets: ReadonlyArray<string>;
  readonly close: () => Promise<void>;
}

/** Options for the simulator the CLI starts in-process. */
export interface SimulatorSettings {
  readonly port?: number;
  /** Real-clock start, Unix seconds. @default now */
  readonly startTime?: number;
}

/** Starts the simulator with the global `--speed/--devices/--seed/--faults` settings on a real clock. */
export const startEmbeddedSimulator = async (options: GlobalOptions, settings: SimulatorSettings = {}): Promise<Simulator> => {
  const { startSimulator } = await import("@wattstream/simulator");
  const faults = FAULT_PROFILES[(options.faults ?? "none") as FaultProfile];
  return startSimulator({
    clock: "real",
    speed: options.speed ?? 1,
    port: settings.port ?? 0,
    ...(settings.startTime === undefined ? {} : { startTime: settings.startTime }),
    ...(options.devices === undefined ? {} : { devices: options.devices }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(faults.length === 0 ? {} : { faults }),
  });
};

/** Where a request goes, without path or query (the key travels in a header, never here). */
const originOf = (input: Request | URL | string): string => {
  try {
    return new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url).origin;
  } catch {
    return "the service";
  }
};

const REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused (nothing listening there?)",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "name lookup failed (network down?)",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
};

/** A person's words for a fetch that failed without a response (`fetch failed` hides the cause), if it is one. */
const networkReason = (error: unknown): string | undefined => {
  if (!(error instanceof Error) || error.name === "AbortError") return undefined;
  const cause = (error as { readonly cause?: { readonly code?: unknown } }).cause;
  const code = typeof cause?.code === "string" ? cause.code : undefined;
  if (code === undefined) return error.name === "TypeError" ? "no response" : undefined;
  return `${REASONS[code] ?? "no response"} [${code}]`;
};

/** How a command's client reaches the service: `connections` set, through a bounded keep-alive pool of that size. */
export interface ConnectionPooling {
  readonly connections?: number | undefined;
}

/**
 * Resolves the global options into a connection: `--api-key` / `WATTSTREAM_API_KEY` and `--base-url` /
 * `WATTSTREAM_BASE_URL` for a real (or external) service; `--simulate`, or no key at all, for the embedded
 * simulator, said plainly on stderr so nobody mistakes demo data for their fleet.
 */
export const connect = async (options: GlobalOptions, out: Output, pooling: ConnectionPooling = {}): Promise<Connection> => {
  const env = out.io.env;
  // Node-only part of transport (undici), loaded only when asked for.
  const pool =
    pooling.connections === undefined ? undefined : (await import("@wattstream/transport/node")).connectionPool({ connections: pooling.connections });
  const send = pool?.fetch ?? globalThis.fetch;
  // With a pool, at most twice its connections in flight (one on each connection and one queued for it): a wave of
  // polls the TPS budget allows (thousands at 10,000 devices) then waits in the pacer as cheap queued fibers, not as
  // built HTTP requests queued for a connection, whose objects outlive young-generation collections and whose
  // building in one event-loop turn stalled `watch` (rx's README, sizing).
  const pacing = pool === undefined ? undefined : { maxInFlight: 2 * pool.options.connections };
  let requests = 0;
  let failures = 0;
  // Counts requests (retries included) on their way to the platform's fetch, and says on stderr (unless --quiet)
  // when one fails without a response, since the client's retries can take seconds before the final error.
  const fetch = async (input: Request | URL | string, init?: RequestInit): Promise<Response> => {
    requests++;
    try {
      const response = await send(input, init);
      failures = 0;
      return response;
    } catch (error) {
      const reason = networkReason(error);
      if (reason !== undefined && init?.signal?.aborted !== true) {
        failures++;
        out.note(`${originOf(input)}: ${reason} (attempt ${failures}); retrying while the retry budget lasts…`);
      }
      throw error;
    }
  };
  const apiKey = options.apiKey ?? (env["WATTSTREAM_API_KEY"] === "" ? undefined : env["WATTSTREAM_API_KEY"]);
  const baseUrl = options.baseUrl ?? (env["WATTSTREAM_BASE_URL"] === "" ? undefined : env["WATTSTREAM_BASE_URL"]);
  if (options.simulate !== true && apiKey !== undefined) {
    const client = makeClient({ apiKey, fetch, ...(baseUrl === undefined ? {} : { baseUrl }), ...(pacing === undefined ? {} : { pacing }) });
    return {
      client,
      simulator: undefined,
      baseUrl: baseUrl ?? "https://api-v3.wattwatchers.com.au",
      now: () => Date.now() / 1000,
      speed: 1,
      requests: () => requests,
      secrets: [apiKey],
      close: async () => {
        await pool?.close();
      },
    };
  }
  if (options.simulate !== true && baseUrl !== undefined)
    throw new UsageError("--base-url", "needs an API key too (--api-key or WATTSTREAM_API_KEY); or use --simulate");
  const sim = await startEmbeddedSimulator(options);
  const speed = options.speed ?? 1;
  const speedNote = speed === 1 ? "" : `, clock ${speed}× real time`;
  // Each command starts its own simulator: say so, so nobody expects a switch made in one command in the next.
  const what = `the embedded simulator at ${sim.baseUrl} (a fresh demo fleet for this command${speedNote})`;
  if (options.simulate === true) out.note(`using ${what}; set WATTSTREAM_API_KEY to use your own fleet`);
  // Said even with --quiet: nobody should mistake demo data for their own fleet.
  else out.warn(`no API key configured (--api-key or WATTSTREAM_API_KEY): using ${what}`);
  const client = makeClient({ apiKey: sim.demoKey, baseUrl: sim.baseUrl, fetch, ...(pacing === undefined ? {} : { pacing }) });
  return {
    client,
    simulator: sim,
    baseUrl: sim.baseUrl,
    now: () => sim.clock.now(),
    speed,
    requests: () => requests,
    secrets: [sim.demoKey],
    close: async () => {
      await pool?.close();
      await sim.close();
    },
  };
};
