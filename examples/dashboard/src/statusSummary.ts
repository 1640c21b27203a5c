import { classify } from "@wattstream/resilience";
import type { WattwatchersError } from "@wattstream/resilience";
import type { StreamStatus } from "@wattstream/rx";

/** What the status line says, worst first. */
export type Health = "paused" | "rateLimited" | "degraded" | "retrying" | "live";

export interface StatusSummary {
  readonly health: Health;
  readonly text: string;
}

const rank: Record<StreamStatus["status"], number> = { ok: 0, retrying: 1, degraded: 2, rateLimited: 3 };

const clock = (ms: number): string => new Date(ms).toISOString().slice(11, 19);

/** Which budget a 429 hit, from resilience's classification (never by reading the error's fields). */
const limitOf = (error: WattwatchersError | undefined): string => {
  if (error === undefined) return "";
  const c = classify(error);
  if (c.kind !== "rateLimited") return "";
  return c.scope === "tpd" ? " (daily budget spent)" : c.scope === "edge" ? " (platform throttling)" : "";
};

/**
 * Sums up the latest status of every stream: the worst one wins; a hidden tab pauses everything. Times are on
 * the streams' scheduler clock (the API's clock), shown in UTC.
 */
export const summarize = (latest: ReadonlyMap<string, StreamStatus>, paused: boolean): StatusSummary => {
  if (paused) return { health: "paused", text: "paused: tab hidden, polling stopped" };
  let worst: StreamStatus | undefined;
  let troubled = 0;
  for (const e of latest.values()) {
    if (e.status !== "ok") troubled++;
    if (worst === undefined || rank[e.status] > rank[worst.status]) worst = e;
  }
  if (worst === undefined || worst.status === "ok") return { health: "live", text: "live" };
  const until = worst.retryAt !== undefined ? ` until ${clock(worst.retryAt)} UTC` : "";
  const streams = troubled === 1 ? "1 stream" : `${troubled} streams`;
  switch (worst.status) {
    case "rateLimited":
      return { health: "rateLimited", text: `rate limited${limitOf(worst.error)}${until} (${streams})` };
    case "degraded":
      return { health: "degraded", text: `degraded: ${worst.attempt ?? 0} failed polls in a row, retrying${until} (${streams})` };
    case "retrying":
      return { health: "retrying", text: `retrying${until} (${streams})` };
  }
};
