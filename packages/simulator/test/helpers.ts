import type { Simulator, SimulatorOptions } from "../src/index.js";
import { startSimulator } from "../src/index.js";

export interface Http {
  readonly sim: Simulator;
  /** GET with the demo key (or `key`; `null` sends no Authorization header). */
  readonly get: (path: string, key?: string | null) => Promise<Response>;
  /** GET and parse JSON, asserting nothing. */
  readonly json: <A = unknown>(path: string, key?: string | null) => Promise<{ status: number; body: A; res: Response }>;
  readonly send: (
    method: string,
    path: string,
    body: unknown,
    options?: { readonly key?: string; readonly contentType?: string },
  ) => Promise<{ status: number; body: unknown; res: Response }>;
}

/** Starts a simulator on a free loopback port; TPS limiting is off unless the test asks for it. */
export const start = async (options: SimulatorOptions = {}): Promise<Http> => {
  const sim = await startSimulator({ rateLimits: { tps: Infinity }, ...options });
  const headers = (key: string | null | undefined): Record<string, string> =>
    key === null ? {} : { Authorization: `Bearer ${key ?? sim.demoKey}` };
  const get = (path: string, key?: string | null): Promise<Response> =>
    fetch(`${sim.baseUrl}${path}`, { headers: headers(key) });
  const json = async <A>(path: string, key?: string | null): Promise<{ status: number; body: A; res: Response }> => {
    const res = await get(path, key);
    const text = await res.text();
    return { status: res.status, body: (text === "" ? undefined : JSON.parse(text)) as A, res };
  };
  const send: Http["send"] = async (method, path, body, options = {}) => {
    const res = await fetch(`${sim.baseUrl}${path}`, {
      method,
      headers: { ...headers(options.key), "Content-Type": options.contentType ?? "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text === "" ? undefined : (JSON.parse(text) as unknown), res };
  };
  return { sim, get, json, send };
};

export interface ShortPoint {
  timestamp: number;
  duration: number;
  frequency?: number;
  eReal: number[];
  eReactive: number[];
  vRMS: number[];
  iRMS: number[];
  pf?: number[];
  [k: string]: unknown;
}

export interface LongPoint {
  timestamp: number;
  duration: number;
  eReal: number[];
  eRealPositive: number[];
  eRealNegative: number[];
  eReactive: number[];
  eReactivePositive: number[];
  eReactiveNegative: number[];
  vRMSMin: number[];
  vRMSMax: number[];
  iRMSMin: number[];
  iRMSMax: number[];
  [k: string]: unknown;
}

export interface DeviceRecord {
  id: string;
  label?: string;
  timezone?: string;
  model: string;
  firmwareVersion?: string;
  latestStatus?: number;
  pending?: Record<string, unknown>;
  comms: { type: string; lastHeardAt?: number; [k: string]: unknown };
  channels: { id: string; label?: string; categoryId?: number; ctRating?: number; categoryLabel?: string }[];
  switches?: {
    id: string;
    state: "open" | "closed";
    label?: string;
    contactorType?: string;
    pending?: { state?: string; contactorType?: string };
  }[];
  phases?: { count: number; grouping?: { included: string[] }[] };
  [k: string]: unknown;
}

/** Device indexes of the default fleet's fixed mix. */
export const FLEET = {
  sixM: 0,
  sixW: 1,
  threeM: 2,
  sixMSwitch: 3,
  sixWSwitch: 4,
  threePhase: 5,
  pmc340b: 6,
  pmc220: 7,
  neverReported: 8,
} as const;

export const idAt = (sim: Simulator, index: number): string => {
  const id = sim.fleet.ids()[index];
  if (id === undefined) throw new Error(`no device at ${index}`);
  return id;
};
