/**
 * Where the dashboard gets its settings: the URL fragment (`#baseUrl=…&key=…`), so the API key is never sent to
 * the server that serves the page (a fragment is not part of the HTTP request, nor of the `Referer`).
 */
export interface DashboardConfig {
  /** The API's base URL, e.g. the simulator's `http://127.0.0.1:PORT`. */
  readonly baseUrl: string;
  /** The API key; kept out of every log line and error message the page shows. */
  readonly apiKey: string;
  /**
   * How the page's clock maps onto the API's: absent when they agree (the real service, or a test that runs the
   * page's clock in step with the simulator's virtual one); present for a simulator on a sped-up real clock.
   */
  readonly clock?: ClockMapping | undefined;
  /** Device poll period in API-clock milliseconds. @default 300000 (api-facts: 288 reads per device-day) */
  readonly deviceEvery: number;
  /** Minutes of short-energy history the chart starts with. @default 30 */
  readonly historyMinutes: number;
  /** Device to select first; the first switching device otherwise. */
  readonly select?: string | undefined;
}

/** The API clock reads `simStart` (Unix seconds) at wall-clock `wallStart` (epoch ms) and runs `speed` times faster. */
export interface ClockMapping {
  readonly simStart: number;
  readonly wallStart: number;
  readonly speed: number;
}

/**
 * The API clock of a {@link ClockMapping} in epoch ms (start + wall time elapsed × speed), for rx's
 * `scaledScheduler(speed, { now })`.
 */
export const apiNow =
  (clock: ClockMapping, wallNow: () => number = Date.now): (() => number) =>
  () =>
    clock.simStart * 1000 + (wallNow() - clock.wallStart) * clock.speed;

const positive = (raw: string | null, fallback: number): number => {
  const n = raw === null ? Number.NaN : Number(raw);
  return Number.isFinite(n) && n > 0 ? n : fallback;
};

/**
 * Reads the configuration from a URL fragment; `undefined` when the base URL or key is missing.
 *
 * @example
 * ```ts
 * parseConfig("#baseUrl=http%3A%2F%2F127.0.0.1%3A8080&key=key_…&speed=30&simStart=1767571200&wallStart=…");
 * ```
 */
export const parseConfig = (hash: string): DashboardConfig | undefined => {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const baseUrl = params.get("baseUrl");
  const apiKey = params.get("key");
  if (!baseUrl || !apiKey) return undefined;
  const speed = params.get("speed");
  const simStart = params.get("simStart");
  const wallStart = params.get("wallStart");
  const clock: ClockMapping | undefined =
    speed !== null && simStart !== null && wallStart !== null
      ? { speed: positive(speed, 1), simStart: Number(simStart), wallStart: Number(wallStart) }
      : undefined;
  return {
    baseUrl,
    apiKey,
    clock: clock && Number.isFinite(clock.simStart) && Number.isFinite(clock.wallStart) ? clock : undefined,
    deviceEvery: positive(params.get("deviceEvery"), 300_000),
    historyMinutes: positive(params.get("history"), 30),
    select: params.get("select") ?? undefined,
  };
};

/**
 * Builds the fragment {@link parseConfig} reads (used by `npm run dashboard` and the browser test).
 *
 * @example
 * ```ts
 * const url = `http://127.0.0.1:5173/${configFragment({ baseUrl: sim.baseUrl, apiKey: sim.demoKey })}`;
 * ```
 */
export const configFragment = (c: {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly clock?: ClockMapping | undefined;
  readonly deviceEvery?: number | undefined;
  readonly historyMinutes?: number | undefined;
  readonly select?: string | undefined;
}): string => {
  const params = new URLSearchParams({ baseUrl: c.baseUrl, key: c.apiKey });
  if (c.clock) {
    params.set("simStart", String(c.clock.simStart));
    params.set("wallStart", String(c.clock.wallStart));
    params.set("speed", String(c.clock.speed));
  }
  if (c.deviceEvery !== undefined) params.set("deviceEvery", String(c.deviceEvery));
  if (c.historyMinutes !== undefined) params.set("history", String(c.historyMinutes));
  if (c.select !== undefined) params.set("select", c.select);
  return `#${params.toString()}`;
};
