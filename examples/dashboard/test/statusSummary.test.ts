import type { StreamStatus } from "@wattstream/rx";
import { describe, expect, it } from "vitest";
import { RateLimited } from "@wattstream/resilience";
import { summarize } from "../src/statusSummary.ts";

// The map's key names the stream; the status itself is the same for a device's and the fleet's stream.
const ev = (_stream: string, status: StreamStatus["status"], extra: Partial<StreamStatus> = {}): StreamStatus => ({
  type: "status",
  status,
  ...extra,
});

describe("summarize", () => {
  it("is live with no trouble", () => {
    expect(summarize(new Map(), false)).toEqual({ health: "live", text: "live" });
    expect(summarize(new Map([["a", ev("a", "ok")]]), false).health).toBe("live");
  });
  it("lets the worst stream win and counts the troubled ones", () => {
    const latest = new Map([
      ["energy:a", ev("a", "retrying", { retryAt: Date.UTC(2026, 0, 5, 0, 1, 2) })],
      ["device:b", ev("b", "rateLimited", { retryAt: Date.UTC(2026, 0, 5, 0, 0, 30) })],
      ["device:c", ev("c", "ok")],
    ]);
    expect(summarize(latest, false)).toEqual({ health: "rateLimited", text: "rate limited until 00:00:30 UTC (2 streams)" });
  });
  it("says how many polls failed when degraded", () => {
    expect(summarize(new Map([["x", ev("x", "degraded", { attempt: 4 })]]), false).text).toBe(
      "degraded: 4 failed polls in a row, retrying (1 stream)",
    );
  });
  it("says paused while the tab is hidden, whatever the streams said last", () => {
    expect(summarize(new Map([["x", ev("x", "retrying")]]), true).health).toBe("paused");
  });
  it("says which budget a 429 hit, from resilience's classification", () => {
    const ctx = { operation: "getDevice", method: "GET", path: "/devices/D123456789012" } as const;
    const at = Date.UTC(2026, 0, 5, 0, 0, 30);
    const daily = ev("a", "rateLimited", { retryAt: at, error: new RateLimited({ ...ctx, scope: "tpd" }) });
    expect(summarize(new Map([["a", daily]]), false).text).toBe("rate limited (daily budget spent) until 00:00:30 UTC (1 stream)");
    const edge = ev("a", "rateLimited", { retryAt: at, error: new RateLimited({ ...ctx, scope: "edge" }) });
    expect(summarize(new Map([["a", edge]]), false).text).toBe("rate limited (platform throttling) until 00:00:30 UTC (1 stream)");
    const tps = ev("a", "rateLimited", { retryAt: at, error: new RateLimited({ ...ctx, scope: "tps", retryAfter: 1 }) });
    expect(summarize(new Map([["a", tps]]), false).text).toBe("rate limited until 00:00:30 UTC (1 stream)");
  });
});
