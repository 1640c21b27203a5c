// `npm run bench -- --baseline <ref>`: how a before/after pair is judged (tools/bench/compare.ts).
import { describe, expect, it } from "vitest";
import { bestOf, compare, direction } from "../../bench/compare.ts";
import type { BenchResult } from "../../bench/compare.ts";

const result = (tasks: Record<string, number>, metrics: ReadonlyArray<[string, number, string]>): BenchResult => ({
  file: "packages/x/bench/x.bench.ts",
  name: "x",
  tasks: Object.entries(tasks).map(([name, opsPerSec]) => ({ name, opsPerSec, rme: 1 })),
  metrics: metrics.map(([metric, value, unit]) => ({ metric, value, unit })),
});

describe("direction", () => {
  it("reads rates as higher-is-better, times and sizes (also per something) as lower, counts as neither", () => {
    expect(direction("events/s")).toBe("higher");
    expect(direction("KB")).toBe("lower");
    expect(direction("ms")).toBe("lower");
    expect(direction("µs/request")).toBe("lower");
    expect(direction("polls")).toBe("none");
    expect(direction("")).toBe("none");
    expect(direction("polls", "higher")).toBe("higher");
  });
});

describe("compare", () => {
  const before = result({ diff: 1000 }, [
    ["heap per device", 10, "KB"],
    ["CPU per poll", 0.1, "ms"],
    ["events/s", 500, "events/s"],
    ["polls", 6000, "polls"],
  ]);

  it("judges each figure in its direction against the noise band", () => {
    const after = result({ diff: 700 }, [
      ["heap per device", 10.9, "KB"],
      ["CPU per poll", 0.05, "ms"],
      ["events/s", 505, "events/s"],
      ["polls", 9000, "polls"],
    ]);
    const rows = compare(before, after, 0.2);
    expect(rows.map((r) => [r.figure, r.verdict])).toEqual([
      ["diff", "regressed"],
      ["heap per device", "within noise"],
      ["CPU per poll", "better"],
      ["events/s", "within noise"],
      ["polls", "not compared"],
    ]);
    expect(rows[0]?.ratio).toBeCloseTo(0.7);
  });

  it("a figure just outside the band regresses, just inside does not (both directions)", () => {
    const worse = compare(result({}, [["heap", 10, "KB"]]), result({}, [["heap", 12.1, "KB"]]), 0.2);
    expect(worse[0]?.verdict).toBe("regressed");
    const inside = compare(result({}, [["heap", 10, "KB"]]), result({}, [["heap", 11.9, "KB"]]), 0.2);
    expect(inside[0]?.verdict).toBe("within noise");
    const slower = compare(result({ t: 1200 }, []), result({ t: 990 }, []), 0.2);
    expect(slower[0]?.verdict).toBe("regressed");
  });

  it("shows a figure only one side has without judging it", () => {
    const rows = compare(before, result({ diff: 1000, fresh: 5 }, []), 0.2);
    expect(rows.find((r) => r.figure === "fresh")).toMatchObject({ before: undefined, after: 5, verdict: "not compared" });
    expect(rows.find((r) => r.figure === "heap per device")).toMatchObject({ after: undefined, verdict: "not compared" });
  });
});

describe("bestOf", () => {
  it("takes each figure's best run in its direction", () => {
    const best = bestOf([
      result({ diff: 900 }, [["heap", 11, "KB"], ["rate", 400, "events/s"], ["polls", 1, "polls"]]),
      result({ diff: 1100 }, [["heap", 12, "KB"], ["rate", 380, "events/s"], ["polls", 2, "polls"]]),
    ]);
    expect(best?.tasks[0]?.opsPerSec).toBe(1100);
    expect(best?.metrics.map((m) => m.value)).toEqual([11, 400, 2]);
    expect(bestOf([])).toBeUndefined();
  });
});

describe("compare, relative to the file's own baseline task", () => {
  it("adds each task ÷ the baseline task of the same run, judged: a machine slow for both tasks moves nothing", () => {
    const withBase = (tasks: Record<string, number>): BenchResult => ({ ...result(tasks, []), baselineTask: "microdiff" });
    const rows = compare(withBase({ microdiff: 1000, diffDevice: 3000 }), withBase({ microdiff: 500, diffDevice: 1500 }), 0.2);
    expect(rows.find((r) => r.figure === "diffDevice")?.verdict).toBe("regressed");
    expect(rows.find((r) => r.figure === "diffDevice ÷ microdiff (same run)")).toMatchObject({ before: 3, after: 3, verdict: "within noise" });
    expect(rows.some((r) => r.figure.startsWith("microdiff ÷"))).toBe(false);
  });
});
