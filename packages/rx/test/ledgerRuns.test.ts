import { describe, expect, it } from "vitest";
import { EnergyLedger } from "../src/internal/EnergyLedger.js";

const IV = 30;
const SETTLE = 6 * 3600;

/** A ledger resumed from `seen` (the checkpoint path: each timestamp remembered in the order given). */
const ledgerOf = (seen: ReadonlyArray<readonly [number, number]>, watermark = 1_000_000): EnergyLedger =>
  new EnergyLedger(watermark, IV, SETTLE, { watermark, seen, holes: [], lag: 0 });

/** A small deterministic generator (tests must not depend on Math.random). */
const lcg = (seed: number) => () => ((seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32);

describe("EnergyLedger's settle window as runs on the grid", () => {
  it("keeps a window without holes as one run, and its fingerprints in timestamp order", () => {
    const seen = Array.from({ length: 720 }, (_, i) => [900_000 + i * IV, i + 1] as const);
    const data = ledgerOf(seen).toData();
    expect(data.runs).toEqual([900_000, 720]);
    expect(data.fp).toEqual(seen.map(([, f]) => f));
    expect(EnergyLedger.seen(data, IV)).toEqual(seen);
    // Plain data: the same after a JSON round trip.
    expect(JSON.parse(JSON.stringify(data))).toEqual(data);
  });

  it("any insertion order (holes filled later, off-grid timestamps from an old checkpoint) gives the sorted set back", () => {
    const random = lcg(7);
    for (let round = 0; round < 50; round++) {
      const truth = new Map<number, number>();
      const seen: Array<readonly [number, number]> = [];
      for (let k = 0; k < 60; k++) {
        const t = 900_000 + Math.floor(random() * 80) * IV + (random() < 0.05 ? 7 : 0);
        const f = Math.floor(random() * 2 ** 32);
        truth.set(t, f);
        seen.push([t, f]);
      }
      const data = ledgerOf(seen).toData();
      const expected = [...truth].sort(([a], [b]) => a - b);
      expect(EnergyLedger.seen(data, IV)).toEqual(expected);
      // Runs are maximal: no two neighbours that could be one.
      for (let r = 2; r < data.runs.length; r += 2) expect(data.runs[r]).not.toBe(data.runs[r - 2]! + data.runs[r - 1]! * IV);
      // Forgetting drops exactly the timestamps before the horizon (settle + one interval before now).
      const horizon = 900_000 + Math.floor(random() * 80) * IV + 13;
      const ledger = EnergyLedger.fromData(data, IV, SETTLE);
      ledger.forget(horizon + SETTLE + IV);
      expect(EnergyLedger.seen(ledger.toData(), IV)).toEqual(expected.filter(([t]) => t >= horizon));
      // The data handed out before is unchanged (copy on write).
      expect(EnergyLedger.seen(data, IV)).toEqual(expected);
    }
  });
});
