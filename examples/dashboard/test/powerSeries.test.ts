import { describe, expect, it } from "vitest";
import { contiguousRuns, emptySeries, toPowerPoint, upsertPoint } from "../src/powerSeries.ts";
import type { PowerPoint } from "../src/powerSeries.ts";

const pt = (timestamp: number, ...watts: Array<number>): PowerPoint => ({ timestamp, duration: 30, watts });

describe("toPowerPoint", () => {
  it("turns joules per interval into mean watts per channel", () => {
    expect(toPowerPoint({ timestamp: 60, duration: 30, eReal: [30_000, -1_500, 0] }, 30)).toEqual(pt(60, 1000, -50, 0));
  });
  it("uses the fallback interval when the point has no usable duration", () => {
    expect(toPowerPoint({ timestamp: 0, eReal: [600] }, 60).watts).toEqual([10]);
    expect(toPowerPoint({ timestamp: 0, duration: 0, eReal: [600] }, 30).duration).toBe(30);
  });
});

describe("upsertPoint", () => {
  it("keeps intervals in timestamp order, back-fills included", () => {
    let s = emptySeries(10);
    for (const t of [0, 30, 90, 60]) s = upsertPoint(s, pt(t, t));
    expect(s.points.map((p) => p.timestamp)).toEqual([0, 30, 60, 90]);
  });
  it("returns the same series for a repeated interval, a new one for a revision", () => {
    const s = upsertPoint(upsertPoint(emptySeries(5), pt(0, 1)), pt(30, 2));
    expect(upsertPoint(s, pt(30, 2))).toBe(s);
    const revised = upsertPoint(s, pt(30, 3));
    expect(revised).not.toBe(s);
    expect(revised.points[1]).toEqual(pt(30, 3));
    // Structural sharing: the untouched interval is the same object.
    expect(revised.points[0]).toBe(s.points[0]);
    expect(s.points[1]).toEqual(pt(30, 2));
  });
  it("keeps only the newest `capacity` intervals and ignores older ones once full", () => {
    let s = emptySeries(3);
    for (const t of [0, 30, 60, 90, 120]) s = upsertPoint(s, pt(t, 1));
    expect(s.points.map((p) => p.timestamp)).toEqual([60, 90, 120]);
    expect(upsertPoint(s, pt(0, 1))).toBe(s);
  });
});

describe("contiguousRuns", () => {
  it("breaks the line where intervals are missing", () => {
    const runs = contiguousRuns([pt(0), pt(30), pt(90), pt(120), pt(240)]);
    expect(runs.map((r) => r.map((p) => p.timestamp))).toEqual([[0, 30], [90, 120], [240]]);
  });
  it("has no runs for no points", () => {
    expect(contiguousRuns([])).toEqual([]);
  });
});
