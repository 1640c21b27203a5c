import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  chunkWindow,
  fromUnixSeconds,
  GRANULARITIES,
  granularitySeconds,
  InvalidWindowError,
  maxWindow,
  requiresTimezone,
  splitWindow,
  timeWindow,
  toUnixSeconds,
} from "../src/index.js";
import type { EnergyKind, Granularity, TimeWindow } from "../src/index.js";

const DAY = 86_400;
const granularities: Granularity[] = ["5m", "15m", "30m", "hour", "day", "week", "month"];
const T0 = 1_700_000_000; // 2023-11-14T22:13:20Z

const reasonOf = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidWindowError);
    return (e as InvalidWindowError).reason;
  }
};

/** Cover exactly, contiguous, non-empty, each within the limit. */
const expectTiling = (window: TimeWindow, chunks: ReadonlyArray<TimeWindow>, limit: number): void => {
  if (window.fromTs === window.toTs) {
    expect(chunks).toEqual([]);
    return;
  }
  expect(chunks[0]!.fromTs).toBe(window.fromTs);
  expect(chunks.at(-1)!.toTs).toBe(window.toTs);
  // One assertion over all chunks (hundreds per run) keeps the property tests fast; the culprit is reported.
  const bad = chunks.find(
    (c, i) => !(c.toTs > c.fromTs) || c.toTs - c.fromTs > limit || (i > 0 && c.fromTs !== chunks[i - 1]!.toTs),
  );
  expect(bad).toBeUndefined();
};

describe("maxWindow", () => {
  it("follows the api-facts table", () => {
    expect(maxWindow("short")).toBe(12 * 3600);
    expect(maxWindow("modbus")).toBe(7 * DAY);
    expect(maxWindow("long")).toBe(7 * DAY);
    expect(maxWindow("long", "5m")).toBe(7 * DAY);
    expect(maxWindow("long", "15m")).toBe(14 * DAY);
    expect(maxWindow("long", "30m")).toBe(31 * DAY);
    expect(maxWindow("long", "hour")).toBe(90 * DAY);
    for (const g of ["day", "week", "month"] as const) expect(maxWindow("long", g)).toBe(365 * DAY);
  });

  it("every fixed limit is a whole number of buckets", () => {
    for (const g of ["5m", "15m", "30m", "hour"] as const) expect(maxWindow("long", g) % granularitySeconds(g)).toBe(0);
  });
});

describe("granularity helpers", () => {
  it("GRANULARITIES lists the seven the service accepts, finest first, with non-decreasing window limits", () => {
    expect(GRANULARITIES).toEqual(granularities);
    const limits = GRANULARITIES.map((g) => maxWindow("long", g));
    expect(limits).toEqual([...limits].sort((a, b) => a - b));
    // The tuple's element type is Granularity: every entry is accepted where a Granularity is.
    const typed: ReadonlyArray<Granularity> = GRANULARITIES;
    expect(typed.filter((g) => granularitySeconds(g) !== undefined)).toHaveLength(6);
  });
  it("requiresTimezone is true for hour and coarser", () => {
    expect(granularities.filter(requiresTimezone)).toEqual(["hour", "day", "week", "month"]);
  });
  it("granularitySeconds gives fixed lengths and undefined for month", () => {
    expect(granularities.map((g) => granularitySeconds(g))).toEqual([300, 900, 1800, 3600, DAY, 7 * DAY, undefined]);
  });
});

describe("timeWindow and Date helpers", () => {
  it("converts Dates, flooring milliseconds", () => {
    expect(toUnixSeconds(new Date("2024-01-01T00:00:00.999Z"))).toBe(1_704_067_200);
    expect(fromUnixSeconds(1_704_067_200).toISOString()).toBe("2024-01-01T00:00:00.000Z");
    expect(timeWindow(new Date("2024-01-01T00:00:00Z"), 1_704_153_600)).toEqual({
      fromTs: 1_704_067_200,
      toTs: 1_704_153_600,
    });
  });
  it("rejects reversed and fractional windows", () => {
    expect(reasonOf(() => timeWindow(10, 5))).toBe("order");
    expect(reasonOf(() => timeWindow(1.5, 5))).toBe("not-integer");
    expect(reasonOf(() => timeWindow(0, Number.NaN))).toBe("not-integer");
    expect(reasonOf(() => chunkWindow({ fromTs: 10, toTs: 5 }, "short"))).toBe("order");
  });
});

describe("chunkWindow", () => {
  it("chunks a 10-day 5m backfill into 7 + 3 days", () => {
    expect(chunkWindow({ fromTs: 0, toTs: 10 * DAY }, "long", "5m")).toEqual([
      { fromTs: 0, toTs: 7 * DAY },
      { fromTs: 7 * DAY, toTs: 10 * DAY },
    ]);
  });

  it("returns the window itself when it fits and nothing when it is empty", () => {
    expect(chunkWindow({ fromTs: T0, toTs: T0 + 3600 }, "short")).toEqual([{ fromTs: T0, toTs: T0 + 3600 }]);
    expect(chunkWindow({ fromTs: T0, toTs: T0 }, "modbus")).toEqual([]);
  });

  it("does not align short-energy or Modbus chunks", () => {
    const chunks = chunkWindow({ fromTs: T0 + 7, toTs: T0 + 7 + DAY }, "short");
    expect(chunks.map((c) => c.fromTs - T0)).toEqual([7, 7 + 43_200]);
  });

  it("aligns interior long-energy boundaries to bucket starts", () => {
    // From 10:07 UTC with hourly buckets: the first chunk is cut back to the hour.
    const from = Date.UTC(2024, 0, 1, 10, 7) / 1000;
    const chunks = chunkWindow({ fromTs: from, toTs: from + 200 * DAY }, "long", "hour");
    expect(chunks[0]!.fromTs).toBe(from);
    expect(chunks[0]!.toTs).toBe(from - 7 * 60 + 90 * DAY);
    expect(chunks[1]!.toTs - chunks[1]!.fromTs).toBe(90 * DAY);
  });

  it("aligns to local bucket starts in a half-hour-offset zone (Adelaide)", () => {
    const from = Date.UTC(2024, 4, 1, 0, 0) / 1000; // May: ACST, UTC+9:30, no DST
    const chunks = chunkWindow({ fromTs: from, toTs: from + 100 * DAY }, "long", "hour", {
      timezone: "Australia/Adelaide",
    });
    // Local hours start at :30 UTC.
    expect(new Date(chunks[0]!.toTs * 1000).getUTCMinutes()).toBe(30);
    expectTiling({ fromTs: from, toTs: from + 100 * DAY }, chunks, 90 * DAY);
  });

  it("aligns day, week and month chunks to local midnights, Mondays and firsts of the month", () => {
    const from = Date.UTC(2023, 0, 15, 12) / 1000;
    const window = { fromTs: from, toTs: from + 3 * 365 * DAY };
    const tz = "Australia/Sydney";
    const local = (ts: number): string =>
      new Intl.DateTimeFormat("en-GB", {
        timeZone: tz,
        weekday: "short",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        hourCycle: "h23",
      }).format(ts * 1000);
    const day = chunkWindow(window, "long", "day", { timezone: tz });
    const week = chunkWindow(window, "long", "week", { timezone: tz });
    const month = chunkWindow(window, "long", "month", { timezone: tz });
    for (const chunks of [day, week, month]) expectTiling(window, chunks, 365 * DAY);
    for (const c of day.slice(1)) expect(local(c.fromTs)).toMatch(/ 00:00$/);
    for (const c of week.slice(1)) expect(local(c.fromTs)).toMatch(/^Mon \d+,? 00:00$/);
    for (const c of month.slice(1)) expect(local(c.fromTs)).toMatch(/^\w+ 1,? 00:00$/);
  });

  it("honours a smaller maxSeconds and rejects a non-positive one", () => {
    expect(chunkWindow({ fromTs: 0, toTs: 3 * DAY }, "long", "5m", { maxSeconds: DAY })).toHaveLength(3);
    expect(reasonOf(() => chunkWindow({ fromTs: 0, toTs: 10 }, "short", undefined, { maxSeconds: 0 }))).toBe(
      "too-small",
    );
  });

  it("rejects an unknown time zone", () => {
    expect(reasonOf(() => chunkWindow({ fromTs: 0, toTs: 10 }, "long", "hour", { timezone: "Mars/Olympus" }))).toBe(
      "timezone",
    );
  });

  const kindAndGranularity = fc.oneof(
    fc.constant<[EnergyKind, Granularity | undefined]>(["short", undefined]),
    fc.constant<[EnergyKind, Granularity | undefined]>(["modbus", undefined]),
    fc.constantFrom(...granularities).map((g): [EnergyKind, Granularity] => ["long", g]),
  );
  const windowArb = (maxLen: number) =>
    fc
      .tuple(fc.integer({ min: 0, max: 2_000_000_000 }), fc.integer({ min: 0, max: maxLen }))
      .map(([fromTs, len]) => ({ fromTs, toTs: fromTs + len }));

  it("property: chunks cover the window exactly, never overlap, never exceed the limit, and are aligned", () => {
    fc.assert(
      fc.property(kindAndGranularity, windowArb(2 * 365 * DAY), fc.option(fc.integer({ min: DAY, max: 40 * DAY })), ([kind, g], w, maxSeconds) => {
        const options = maxSeconds === null ? {} : { maxSeconds };
        const chunks = chunkWindow(w, kind, g, options);
        const limit = Math.min(maxWindow(kind, g), maxSeconds ?? Infinity);
        expectTiling(w, chunks, limit);
        const step = kind === "long" ? granularitySeconds(g ?? "5m") : undefined;
        const interior = chunks.slice(1);
        if (step !== undefined && g !== "week" && limit >= step)
          expect(interior.find((c) => c.fromTs % step !== 0)).toBeUndefined();
        if (g === "week" && limit >= 7 * DAY)
          expect(interior.find((c) => new Date(c.fromTs * 1000).getUTCDay() !== 1)).toBeUndefined();
        if (g === "month" && limit >= 31 * DAY)
          expect(interior.find((c) => new Date(c.fromTs * 1000).getUTCDate() !== 1)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it("property: tiling holds in zones with DST and odd offsets", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("Australia/Sydney", "Australia/Lord_Howe", "Asia/Kathmandu", "America/Santiago", "Pacific/Chatham"),
        fc.constantFrom(...granularities),
        windowArb(60 * DAY),
        (timezone, g, w) => expectTiling(w, chunkWindow(w, "long", g, { timezone }), maxWindow("long", g)),
      ),
      { numRuns: 100 },
    );
  });
});

describe("splitWindow", () => {
  it("halves a window", () => {
    expect(splitWindow({ fromTs: 0, toTs: 100 })).toEqual([
      { fromTs: 0, toTs: 50 },
      { fromTs: 50, toTs: 100 },
    ]);
    expect(splitWindow({ fromTs: 0, toTs: 3 })).toEqual([
      { fromTs: 0, toTs: 1 },
      { fromTs: 1, toTs: 3 },
    ]);
  });

  it("moves the midpoint to a bucket start when asked", () => {
    const [a, b] = splitWindow({ fromTs: 0, toTs: 7 * 3600 }, "hour");
    expect(a).toEqual({ fromTs: 0, toTs: 3 * 3600 });
    expect(b.fromTs).toBe(3 * 3600);
  });

  it("refuses to split under two seconds", () => {
    expect(reasonOf(() => splitWindow({ fromTs: 5, toTs: 6 }))).toBe("too-small");
  });

  it("property: halves tile the window and are both non-empty", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2e9 }),
        fc.integer({ min: 2, max: 1e8 }),
        fc.option(fc.constantFrom(...granularities)),
        (fromTs, len, g) => {
          const w = { fromTs, toTs: fromTs + len };
          const halves = g === null ? splitWindow(w) : splitWindow(w, g);
          expectTiling(w, halves, g === null ? Math.ceil(len / 2) : len);
          expect(halves[0].toTs - halves[0].fromTs).toBeLessThanOrEqual(Math.ceil(len / 2));
        },
      ),
    );
  });
});
