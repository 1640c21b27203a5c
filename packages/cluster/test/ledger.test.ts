// The budget owner's arithmetic: shares of TPS that never add up past the key's budget (cool-down included), daily
// allowances that never exceed TPD, and a new owner that waits out the leases of the one before.
import { describe, expect, it } from "vitest";
import { committed, grant, makeLedger, release } from "../src/internal/ledger.ts";

const options = { termMs: 3000, cooldownMs: 2000 };
const observed = { tpsLimit: 200, tpdLimit: 10_000 };

describe("budget ledger", () => {
  it("gives a single runner the whole TPS once the key's budget is known (one slot before)", () => {
    const l = makeLedger(options, 0, undefined);
    const opened = l.openAt;
    expect(grant(l, { runner: "a", wantDaily: 0 }, opened).tps).toBe(1);
    expect(grant(l, { runner: "a", wantDaily: 0, observed }, opened + 1).tps).toBe(200);
  });

  it("gives the probe slot to one runner when several ask before anyone knows the key's TPS", () => {
    const l = makeLedger(options, 0, undefined);
    const t = l.openAt;
    const first = ["a", "b", "c"].map((r) => grant(l, { runner: r, wantDaily: 0 }, t).tps);
    expect(first).toEqual([1, 0, 0]);
    // Renewals keep it with its holder until the budget is known; then everyone gets a share.
    expect(["b", "c", "a"].map((r) => grant(l, { runner: r, wantDaily: 0 }, t + 1000).tps)).toEqual([0, 0, 1]);
    expect(grant(l, { runner: "a", wantDaily: 0, observed }, t + 2000).tps).toBe(66);
  });

  it("never commits more than the key's TPS while runners join, shrink and die", () => {
    const l = makeLedger(options, 0, undefined);
    let t = l.openAt;
    const runners = ["a", "b", "c", "d"];
    const live = new Set(["a", "b", "c"]);
    for (let step = 0; step < 200; step++, t += 250) {
      if (step === 40) live.delete("b"); // b dies: its lease expires, its capacity cools, then goes to the others
      if (step === 80) live.add("d"); // d joins: the others shrink to the fair share first
      for (const r of runners) if (live.has(r) && (step + r.charCodeAt(0)) % 4 === 0) grant(l, { runner: r, wantDaily: 0, observed }, t);
      expect(committed(l, t)).toBeLessThanOrEqual(200);
    }
    // In the end the three live runners share the budget fairly.
    const shares = ["a", "c", "d"].map((r) => grant(l, { runner: r, wantDaily: 0, observed }, t).tps);
    for (const s of shares) expect(s).toBe(66);
  });

  it("hands out daily allowances up to TPD and no further", () => {
    const l = makeLedger(options, 0, undefined);
    let total = 0;
    for (let i = 0; i < 30; i++) total += grant(l, { runner: i % 2 === 0 ? "a" : "b", wantDaily: 600, observed }, l.openAt + i).daily;
    expect(total).toBe(10_000);
    expect(grant(l, { runner: "a", wantDaily: 600, observed }, l.openAt + 100).tpdLeft).toBe(0);
  });

  it("starts a recovered owner from the day's stored grants and grants no TPS until old leases ran out", () => {
    const l = makeLedger(options, 1_000, { day: 0, grantedToday: 9_900 });
    expect(grant(l, { runner: "a", wantDaily: 600, observed }, 1_500)).toMatchObject({ tps: 0, daily: 100 });
    expect(grant(l, { runner: "a", wantDaily: 0, observed }, 1_000 + 5_000).tps).toBe(200);
  });

  it("lets released capacity cool before another runner gets it", () => {
    const l = makeLedger(options, 0, undefined);
    const t = l.openAt;
    expect(grant(l, { runner: "a", wantDaily: 0, observed }, t).tps).toBe(200);
    release(l, "a", t + 10);
    expect(grant(l, { runner: "b", wantDaily: 0, observed }, t + 20).tps).toBe(0);
    expect(grant(l, { runner: "b", wantDaily: 0, observed }, t + 10 + 2000).tps).toBe(200);
  });
});
