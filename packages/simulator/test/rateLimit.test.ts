import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_START_TIME, startSimulator } from "../src/index.js";
import type { Http } from "./helpers.js";
import { start } from "./helpers.js";

describe("rate limits", () => {
  let h: Http | undefined;
  afterEach(() => h?.sim.close());

  it("on the default virtual clock, TPS is not limited: many requests in one virtual second all succeed", async () => {
    // No `rateLimits` at all: the simulator's own defaults (not the helper's `tps: Infinity`).
    const sim = await startSimulator();
    try {
      const auth = { headers: { Authorization: `Bearer ${sim.demoKey}` } };
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 12; i++) {
        last = await fetch(`${sim.baseUrl}/devices`, auth);
        await last.arrayBuffer();
        statuses.push(last.status);
      }
      expect(statuses).toEqual(Array.from({ length: 12 }, () => 200));
      // The headers advertise a budget no pacing client will wait for, rather than a 5 that is not enforced...
      expect(Number(last?.headers.get("X-RateLimit-TpsLimit"))).toBeGreaterThanOrEqual(1e9);
      expect(Number(last?.headers.get("X-RateLimit-TpsRemaining"))).toBeGreaterThanOrEqual(1e9);
      // ... while the daily budget still counts every request (9 devices × 3456 + 1000).
      expect(last?.headers.get("X-RateLimit-TpdLimit")).toBe(String(9 * 3456 + 1000));
      expect(last?.headers.get("X-RateLimit-TpdRemaining")).toBe(String(9 * 3456 + 1000 - 12));
    } finally {
      await sim.close();
    }
  });

  it("on the default virtual clock, TPD is still enforced on virtual time", async () => {
    const sim = await startSimulator({ rateLimits: { tpd: 2 }, startTime: DEFAULT_START_TIME + 86_400 - 10 });
    try {
      const get = (): Promise<Response> =>
        fetch(`${sim.baseUrl}/devices`, { headers: { Authorization: `Bearer ${sim.demoKey}` } });
      expect([(await get()).status, (await get()).status]).toEqual([200, 200]);
      const limited = await get();
      expect(limited.status).toBe(429);
      expect(((await limited.json()) as { code: string }).code).toBe("TOO_MANY_REQUESTS_TPD");
      sim.clock.advance(10);
      expect((await get()).status).toBe(200);
    } finally {
      await sim.close();
    }
  });

  it("an explicit per-key TPS on the default virtual clock is enforced and follows the virtual second", async () => {
    const sim = await startSimulator();
    try {
      const key = sim.fleet.addKey({ permission: "read", devices: sim.fleet.ids(), rateLimits: { tps: 2 } });
      const get = (k: string): Promise<Response> =>
        fetch(`${sim.baseUrl}/devices`, { headers: { Authorization: `Bearer ${k}` } });
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await get(key)).status);
      expect(statuses).toEqual([200, 200, 429]);
      expect((await get(sim.demoKey)).status).toBe(200); // the demo key keeps the unlimited default
      sim.clock.advance(1);
      expect((await get(key)).status).toBe(200);
    } finally {
      await sim.close();
    }
  });

  it("sends the TPS and TPD headers on every authenticated response, success or error", async () => {
    h = await start({ rateLimits: { tps: 5 } });
    const ok = await h.get("/devices");
    expect(ok.headers.get("X-RateLimit-TpsLimit")).toBe("5");
    expect(ok.headers.get("X-RateLimit-TpsRemaining")).toBe("4");
    expect(Number(ok.headers.get("X-RateLimit-TpsReset"))).toBeCloseTo(1, 5);
    // TPD scales with the key's device count: 9 × 3456 + 1000.
    expect(ok.headers.get("X-RateLimit-TpdLimit")).toBe(String(9 * 3456 + 1000));
    expect(ok.headers.get("X-RateLimit-TpdRemaining")).toBe(String(9 * 3456 + 1000 - 1));
    expect(ok.headers.get("X-RateLimit-TpdReset")).toBe("86400");
    const notFound = await h.get("/devices/D000000000000");
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get("X-RateLimit-TpsRemaining")).toBe("3");
  });

  it("answers 429 TOO_MANY_REQUESTS_TPS with Retry-After once the second's budget is spent, until the clock moves", async () => {
    h = await start({ rateLimits: { tps: 3 } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await h.get("/devices")).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await h.get("/devices");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("Retry-After")).toBe("1");
    expect(limited.headers.get("X-RateLimit-TpsRemaining")).toBe("0");
    expect(((await limited.json()) as { code: string }).code).toBe("TOO_MANY_REQUESTS_TPS");
    h.sim.clock.advance(1);
    expect((await h.get("/devices")).status).toBe(200);
  });

  it("on the real clock, scales TPS with the key's device count (devices ÷ 3) above the floor", async () => {
    // A real clock slowed almost to a stop: the scaled default applies, and no second ends mid-test.
    h = await start({ devices: 30, rateLimits: {}, clock: "real", startTime: DEFAULT_START_TIME, speed: 1e-6 });
    const first = await h.get("/devices");
    expect([first.headers.get("X-RateLimit-TpsLimit"), first.headers.get("X-RateLimit-TpsRemaining")]).toEqual(["10", "9"]);
    for (let i = 0; i < 9; i++) expect((await h.get("/devices")).status).toBe(200);
    expect((await h.get("/devices")).status).toBe(429);
    const small = h.sim.keys.configWrite;
    expect((await h.get("/devices", small.key)).headers.get("X-RateLimit-TpsLimit")).toBe("5");
    h.sim.fleet.setRateLimits(small.key, { tps: 2, tpd: 7 });
    const res = await h.get("/devices", small.key);
    expect([res.headers.get("X-RateLimit-TpsLimit"), res.headers.get("X-RateLimit-TpdLimit")]).toEqual(["2", "7"]);
  });

  it("answers TOO_MANY_REQUESTS_TPD until 00:00 UTC of the clock, then resets", async () => {
    h = await start({ rateLimits: { tps: Infinity, tpd: 3 }, startTime: DEFAULT_START_TIME + 86_400 - 100 });
    for (let i = 0; i < 3; i++) expect((await h.get("/devices")).status).toBe(200);
    const res = await h.get("/devices");
    expect(res.status).toBe(429);
    expect(((await res.json()) as { code: string }).code).toBe("TOO_MANY_REQUESTS_TPD");
    expect(res.headers.get("Retry-After")).toBe("100");
    expect(res.headers.get("X-RateLimit-TpdReset")).toBe("100");
    h.sim.clock.advance(99);
    expect((await h.get("/devices")).status).toBe(429);
    h.sim.clock.advance(1);
    const after = await h.get("/devices");
    expect(after.status).toBe(200);
    expect(after.headers.get("X-RateLimit-TpdRemaining")).toBe("2");
  });

  it("budgets are per key", async () => {
    h = await start({ rateLimits: { tps: 1 } });
    expect((await h.get("/devices")).status).toBe(200);
    expect((await h.get("/devices")).status).toBe(429);
    expect((await h.get("/devices", h.sim.keys.readOnly.key)).status).toBe(200);
  });
});
