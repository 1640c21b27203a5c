import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_START_TIME } from "../src/index.js";
import type { DeviceRecord, Http, LongPoint, ShortPoint } from "./helpers.js";
import { FLEET, idAt, start } from "./helpers.js";

const NOW = DEFAULT_START_TIME;
const HOUR = 3600;
const DAY = 86_400;

describe("short energy", () => {
  let h: Http;
  let id: string;
  beforeAll(async () => {
    h = await start();
    id = idAt(h.sim, FLEET.sixM);
  });
  afterAll(() => h.sim.close());

  it("defaults to the last hour: fromTs inclusive, toTs exclusive, 30 s intervals", async () => {
    const { status, body } = await h.json<ShortPoint[]>(`/short-energy/${id}`);
    expect(status).toBe(200);
    expect(body.length).toBeGreaterThanOrEqual(118);
    expect(body[0]!.timestamp).toBe(NOW - HOUR);
    for (const p of body) {
      expect(p.duration).toBe(30);
      expect(p.eReal).toHaveLength(6);
      expect(p.eReactive).toHaveLength(6);
      expect(p.vRMS).toHaveLength(6);
      expect(p.iRMS).toHaveLength(6);
      for (const e of p.eReal) expect(Number.isInteger(e)).toBe(true);
      expect(p.timestamp + 30).toBeLessThanOrEqual(NOW);
    }
    const exact = await h.json<ShortPoint[]>(`/short-energy/${id}?fromTs=${NOW - 600}&toTs=${NOW - 300}`);
    expect(exact.body.map((p) => p.timestamp)).toEqual(Array.from({ length: 10 }, (_, k) => NOW - 600 + 30 * k));
  });

  it("answers 200 [] for an empty window of a device with data, 204 for a device that never reported", async () => {
    const empty = await h.json(`/short-energy/${id}?fromTs=${NOW - 40 * DAY}&toTs=${NOW - 40 * DAY + HOUR}`);
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual([]);
    const future = await h.json(`/short-energy/${id}?fromTs=${NOW + HOUR}&toTs=${NOW + 2 * HOUR}`);
    expect(future.body).toEqual([]);
    const never = await h.get(`/short-energy/${idAt(h.sim, FLEET.neverReported)}`);
    expect(never.status).toBe(204);
    expect(await never.text()).toBe("");
    for (const which of ["first", "latest"]) {
      expect((await h.get(`/short-energy/${idAt(h.sim, FLEET.neverReported)}/${which}`)).status).toBe(204);
    }
  });

  it("rejects a window over 12 hours with 422 and accepts exactly 12 hours", async () => {
    const over = await h.json<{ code: string; httpCode: number }>(
      `/short-energy/${id}?fromTs=${NOW - 12 * HOUR - 1}&toTs=${NOW}`,
    );
    expect(over.status).toBe(422);
    expect(over.body.code).toBe("UNPROCESSABLE_ENTITY");
    const exact = await h.json<ShortPoint[]>(`/short-energy/${id}?fromTs=${NOW - 12 * HOUR}&toTs=${NOW}`);
    expect(exact.status).toBe(200);
    expect(exact.body.length).toBe(1440 - 1);
  });

  it("answers 400 for malformed parameters and 422 for invalid timestamps", async () => {
    for (const q of ["fromTs=abc", "toTs=1.5", "fromTs=2026-01-01", "convert[energy]=MWh", "fields[energy]=foo"]) {
      const r = await h.json<{ code: string }>(`/short-energy/${id}?${q}`);
      expect([q, r.status, r.body.code]).toEqual([q, 400, "BAD_REQUEST"]);
    }
    for (const q of [`fromTs=-5`, `fromTs=${NOW * 1000}`, `fromTs=${NOW}&toTs=${NOW - 60}`]) {
      const r = await h.json<{ code: string }>(`/short-energy/${id}?${q}`);
      expect([q, r.status, r.body.code]).toEqual([q, 422, "UNPROCESSABLE_ENTITY"]);
    }
  });

  it("rejects +pf with timestamp, and either with filter[group]=phases", async () => {
    const q = (s: string): Promise<number> => h.get(`/short-energy/${id}/latest?${s}`).then((r) => r.status);
    expect(await q("fields[energy]=%2Bpf,timestamp")).toBe(400);
    expect(await q("fields[energy]=%2Bpf&filter[group]=phases")).toBe(400);
    expect(await q("fields[energy]=timestamp&filter[group]=phases")).toBe(400);
    expect(await q("filter[group]=circuits")).toBe(400);
    expect(await q("fields[energy]=%2Bpf")).toBe(200);
    // An unencoded + decodes to a space; the simulator accepts it as +pf.
    expect(await q("fields[energy]=+pf")).toBe(200);
  });

  it("appends pf with +pf and returns only timestamps with fields[energy]=timestamp", async () => {
    const pf = await h.json<ShortPoint>(`/short-energy/${id}/latest?fields[energy]=%2Bpf`);
    expect(pf.body.pf).toHaveLength(6);
    for (const v of pf.body.pf!) expect(Math.abs(v)).toBeLessThanOrEqual(1);
    const ts = await h.json<ShortPoint[]>(`/short-energy/${id}?fields[energy]=timestamp&fromTs=${NOW - 120}`);
    expect(ts.body).toEqual([{ timestamp: NOW - 120 }, { timestamp: NOW - 90 }, { timestamp: NOW - 60 }]);
  });

  it("renames energy fields on conversion: kW gives mean power, kWh energy", async () => {
    const raw = (await h.json<ShortPoint>(`/short-energy/${id}/latest`)).body;
    const kw = (await h.json<Record<string, number[]>>(`/short-energy/${id}/latest?convert[energy]=kW`)).body;
    const kwh = (await h.json<Record<string, number[]>>(`/short-energy/${id}/latest?convert[energy]=kWh`)).body;
    expect(kw["eReal"]).toBeUndefined();
    expect(kw["pRealKw"]).toEqual(raw.eReal.map((j) => Math.round((j / 30 / 1000) * 1e5) / 1e5));
    expect(kw["pReactiveKw"]).toHaveLength(6);
    expect(kw["vRMS"]).toEqual(raw.vRMS);
    expect(kwh["eRealKwh"]).toEqual(raw.eReal.map((j) => Math.round((j / 3.6e6) * 1e7) / 1e7));
    expect(kwh["eReactiveKwh"]).toHaveLength(6);
  });

  it("collapses channels into phase groups with filter[group]=phases", async () => {
    const three = idAt(h.sim, FLEET.threePhase);
    const raw = (await h.json<ShortPoint>(`/short-energy/${three}/latest`)).body;
    const grouped = (await h.json<ShortPoint>(`/short-energy/${three}/latest?filter[group]=phases`)).body;
    expect(grouped.eReal).toEqual([
      raw.eReal[0]! + raw.eReal[1]! + raw.eReal[2]!,
      raw.eReal[3]! + raw.eReal[4]! + raw.eReal[5]!,
    ]);
    expect(grouped.vRMS).toHaveLength(2);
  });

  it("first is the start of history (at least 8 days back) and latest the newest complete interval", async () => {
    const first = (await h.json<ShortPoint>(`/short-energy/${id}/first`)).body;
    expect(first.timestamp).toBeLessThanOrEqual(NOW - 8 * DAY);
    const latest = (await h.json<ShortPoint>(`/short-energy/${id}/latest`)).body;
    expect(latest.timestamp).toBeGreaterThanOrEqual(NOW - 60);
    expect(latest.timestamp + 30).toBeLessThanOrEqual(NOW);
    const before = latest.timestamp;
    h.sim.clock.advance(60);
    const later = (await h.json<ShortPoint>(`/short-energy/${id}/latest`)).body;
    expect(later.timestamp).toBe(before + 60);
  });

  it("looks plausible: solar generates by day and not at night, and the grid exports at solar noon", async () => {
    const solar = async (from: number): Promise<number> => {
      const pts = (await h.json<ShortPoint[]>(`/short-energy/${id}?fromTs=${from}&toTs=${from + HOUR}`)).body;
      return pts.reduce((a, p) => a + p.eReal[1]!, 0);
    };
    // The first device is in Sydney (UTC+11 in January): 01:00 UTC = noon, 14:00 UTC = 01:00.
    const noon = NOW - DAY + HOUR;
    expect(await solar(noon)).toBeGreaterThan(1_000_000);
    expect(await solar(NOW - DAY + 14 * HOUR)).toBe(0);
    const pts = (await h.json<ShortPoint[]>(`/short-energy/${id}?fromTs=${noon}&toTs=${noon + HOUR}`)).body;
    expect(pts.some((p) => p.eReal[0]! < 0)).toBe(true);
  });
});

describe("long energy", () => {
  let h: Http;
  let id: string;
  beforeAll(async () => {
    h = await start();
    id = idAt(h.sim, FLEET.sixM);
  });
  afterAll(() => h.sim.close());

  it("each 5-minute interval is exactly the sum of its ten 30 s intervals", async () => {
    const from = NOW - 2 * HOUR;
    const long = (await h.json<LongPoint[]>(`/long-energy/${id}?fromTs=${from}&toTs=${from + HOUR}`)).body;
    const short = (await h.json<ShortPoint[]>(`/short-energy/${id}?fromTs=${from}&toTs=${from + HOUR}`)).body;
    expect(long).toHaveLength(12);
    expect(short).toHaveLength(120);
    long.forEach((l, i) => {
      expect(l.timestamp).toBe(from + 300 * i);
      expect(l.duration).toBe(300);
      const parts = short.slice(10 * i, 10 * i + 10);
      for (let ch = 0; ch < 6; ch++) {
        expect(l.eReal[ch]).toBe(parts.reduce((a, p) => a + p.eReal[ch]!, 0));
        expect(l.eReactive[ch]).toBe(parts.reduce((a, p) => a + p.eReactive[ch]!, 0));
        expect(l.eRealPositive[ch]).toBe(parts.reduce((a, p) => a + Math.max(0, p.eReal[ch]!), 0));
        expect(l.vRMSMin[ch]).toBe(Math.min(...parts.map((p) => p.vRMS[ch]!)));
        expect(l.iRMSMax[ch]).toBe(Math.max(...parts.map((p) => p.iRMS[ch]!)));
      }
    });
  });

  it("eRealPositive − eRealNegative = eReal (and likewise reactive) at every granularity", async () => {
    const checks: string[] = [
      `fromTs=${NOW - DAY}&toTs=${NOW}`,
      `fromTs=${NOW - 3 * DAY}&toTs=${NOW}&granularity=30m`,
      `fromTs=${NOW - 7 * DAY}&toTs=${NOW}&granularity=day&timezone=Australia/Sydney`,
    ];
    for (const q of checks) {
      const pts = (await h.json<LongPoint[]>(`/long-energy/${id}?${q}`)).body;
      expect(pts.length).toBeGreaterThan(0);
      for (const p of pts) {
        p.eReal.forEach((e, ch) => {
          expect(p.eRealPositive[ch]! - p.eRealNegative[ch]!).toBe(e);
          expect(p.eReactivePositive[ch]! - p.eReactiveNegative[ch]!).toBe(p.eReactive[ch]);
          expect(p.eRealNegative[ch]).toBeGreaterThanOrEqual(0);
        });
      }
    }
  });

  it("aggregates 15m/30m buckets from 5m and days on local midnights of the requested timezone", async () => {
    const from = NOW - DAY;
    const five = (await h.json<LongPoint[]>(`/long-energy/${id}?fromTs=${from}&toTs=${NOW}`)).body;
    const fifteen = (await h.json<LongPoint[]>(`/long-energy/${id}?fromTs=${from}&toTs=${NOW}&granularity=15m`)).body;
    expect(fifteen).toHaveLength(96);
    expect(fifteen[0]!.duration).toBe(900);
    expect(fifteen[1]!.eReal[0]).toBe(five[3]!.eReal[0]! + five[4]!.eReal[0]! + five[5]!.eReal[0]!);
    // NOW is 00:00 UTC = 11:00 in Sydney (UTC+11): Sydney days start at 13:00 UTC.
    const days = (
      await h.json<LongPoint[]>(`/long-energy/${id}?fromTs=${NOW - 5 * DAY}&toTs=${NOW}&granularity=day&timezone=Australia/Sydney`)
    ).body;
    expect(days.map((d) => d.timestamp % DAY)).toEqual(days.map(() => 13 * HOUR));
    expect(days[0]!.duration).toBe(DAY);
    const hours = (
      await h.json<LongPoint[]>(`/long-energy/${id}?fromTs=${NOW - DAY}&toTs=${NOW}&granularity=hour&timezone=Australia/Adelaide`)
    ).body;
    // Adelaide is UTC+10:30, so its hours start at :30 UTC.
    expect(hours[0]!.timestamp % HOUR).toBe(1800);
  });

  it("requires a valid timezone for hour and coarser (400) and ignores it below", async () => {
    for (const g of ["hour", "day", "week", "month"]) {
      const r = await h.json<{ code: string }>(`/long-energy/${id}?granularity=${g}&fromTs=${NOW - DAY}&toTs=${NOW}`);
      expect([g, r.status, r.body.code]).toEqual([g, 400, "BAD_REQUEST"]);
    }
    expect((await h.get(`/long-energy/${id}?granularity=day&timezone=Mars/Olympus&fromTs=${NOW - DAY}`)).status).toBe(400);
    // A UTC offset is not an IANA name, although Intl accepts it (api-facts: query parameters).
    expect((await h.get(`/long-energy/${id}?granularity=day&timezone=%2B10:00&fromTs=${NOW - DAY}`)).status).toBe(400);
    expect((await h.get(`/long-energy/${id}?granularity=30m&timezone=Mars/Olympus&fromTs=${NOW - DAY}`)).status).toBe(200);
    expect((await h.get(`/long-energy/${id}?granularity=2m`)).status).toBe(400);
  });

  it("rejects windows over the granularity's limit with 422: 7 days at 5m, 14 at 15m, 31 at 30m, 90 at hour", async () => {
    const limits: ReadonlyArray<readonly [string, number]> = [
      ["5m", 7],
      ["15m", 14],
      ["30m", 31],
      ["hour", 90],
      ["day", 365],
    ];
    for (const [g, days] of limits) {
      const tz = "&timezone=UTC";
      const ok = await h.get(`/long-energy/${id}?granularity=${g}${tz}&fromTs=${NOW - days * DAY}&toTs=${NOW}`);
      const over = await h.get(`/long-energy/${id}?granularity=${g}${tz}&fromTs=${NOW - days * DAY - 1}&toTs=${NOW}`);
      expect([g, ok.status, over.status]).toEqual([g, 200, 422]);
    }
  });

  it("defaults to the first entry and 7 days after it", async () => {
    const first = (await h.json<LongPoint>(`/long-energy/${id}/first`)).body;
    const all = (await h.json<LongPoint[]>(`/long-energy/${id}`)).body;
    expect(all[0]!.timestamp).toBe(first.timestamp);
    expect(all.at(-1)!.timestamp).toBe(first.timestamp + 7 * DAY - 300);
    expect(all).toHaveLength(7 * 288);
  });

  it("latest advances with the clock and first/latest support +pf, timestamp, kW and phases", async () => {
    const before = (await h.json<LongPoint>(`/long-energy/${id}/latest`)).body.timestamp;
    h.sim.clock.advance(300);
    expect((await h.json<LongPoint>(`/long-energy/${id}/latest`)).body.timestamp).toBe(before + 300);
    expect((await h.json(`/long-energy/${id}/latest?fields[energy]=timestamp`)).body).toEqual({ timestamp: before + 300 });
    const pf = (await h.json<LongPoint>(`/long-energy/${id}/first?fields[energy]=%2Bpf`)).body;
    expect(pf["pf"]).toHaveLength(6);
    const kw = (await h.json<Record<string, unknown>>(`/long-energy/${id}/latest?convert[energy]=kW`)).body;
    expect(Object.keys(kw)).toEqual(
      expect.arrayContaining(["pRealKw", "pRealPositiveKw", "pRealNegativeKw", "pReactiveKw", "vRMSMin"]),
    );
    const three = idAt(h.sim, FLEET.threePhase);
    const grouped = (await h.json<LongPoint>(`/long-energy/${three}/latest?filter[group]=phases`)).body;
    expect(grouped.eReal).toHaveLength(2);
    expect(grouped.eRealPositive[0]! - grouped.eRealNegative[0]!).toBe(grouped.eReal[0]);
  });

  it("204 for a device that never reported, [] for an empty window", async () => {
    expect((await h.get(`/long-energy/${idAt(h.sim, FLEET.neverReported)}`)).status).toBe(204);
    const empty = await h.json(`/long-energy/${id}?fromTs=${NOW - 300 * DAY}&toTs=${NOW - 299 * DAY}`);
    expect([empty.status, empty.body]).toEqual([200, []]);
  });
});

describe("modbus", () => {
  let h: Http;
  beforeAll(async () => {
    h = await start();
  });
  afterAll(() => h.sim.close());

  it("serves PMC-340B (three-phase registers) and PMC-220 (single-phase) shapes", async () => {
    const a = (await h.json<Record<string, unknown>>(`/modbus/${idAt(h.sim, FLEET.pmc340b)}/latest`)).body;
    expect(a["model"]).toBe("PMC-340B");
    expect(Object.keys(a)).toEqual(expect.arrayContaining(["_Ia", "_Ib", "_Ic", "_Uan", "kWh_Imp", "kvarh_Q4"]));
    const b = (await h.json<Record<string, unknown>>(`/modbus/${idAt(h.sim, FLEET.pmc220)}/latest`)).body;
    expect(b["model"]).toBe("PMC-220");
    expect(Object.keys(b)).toEqual(expect.arrayContaining(["_I", "_V", "_PF", "kWh_Net"]));
    expect(b["kWh_Net"]).toBe((b["kWh_Imp"] as number) - (b["kWh_Exp"] as number));
  });

  it("has monotonic cumulative registers over a window, and rejects windows over 7 days", async () => {
    const id = idAt(h.sim, FLEET.pmc340b);
    const pts = (await h.json<Record<string, number>[]>(`/modbus/${id}?fromTs=${NOW - DAY}&toTs=${NOW}`)).body;
    // The interval ending now has not been uploaded yet (reporting lag).
    expect(pts).toHaveLength(287);
    for (let i = 1; i < pts.length; i++) expect(pts[i]!["kWh_Imp"]).toBeGreaterThanOrEqual(pts[i - 1]!["kWh_Imp"]!);
    expect((await h.get(`/modbus/${id}?fromTs=${NOW - 7 * DAY - 1}&toTs=${NOW}`)).status).toBe(422);
    const first = (await h.json<{ timestamp: number }>(`/modbus/${id}/first`)).body;
    expect(first.timestamp).toBeLessThan(NOW - 8 * DAY);
    expect((await h.json(`/modbus/${id}/first?fields[energy]=timestamp`)).body).toEqual({ timestamp: first.timestamp });
  });

  it("answers 204 for a device without a Modbus meter", async () => {
    const id = idAt(h.sim, FLEET.sixM);
    for (const p of ["", "/first", "/latest"]) expect((await h.get(`/modbus/${id}${p}`)).status).toBe(204);
  });
});

describe("device IDs in paths", () => {
  let h: Http;
  beforeAll(async () => {
    h = await start();
  });
  afterAll(() => h.sim.close());

  it("400 for a malformed serial, with the service's message", async () => {
    for (const bad of ["D12345", "A123456789012", "d123456789012", "D12345678901!"]) {
      const r = await h.json<{ code: string; message: string }>(`/devices/${bad}`);
      expect(r.status).toBe(400);
      expect(r.body.message).toContain("13 characters");
    }
  });

  it("404 for a well-formed serial that does not exist", async () => {
    const r = await h.json<DeviceRecord & { code: string }>(`/short-energy/D000000000000`);
    expect([r.status, r.body.code]).toEqual([404, "NOT_FOUND"]);
  });
});
