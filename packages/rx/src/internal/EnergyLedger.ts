import type { EnergyCheckpoint } from "../CheckpointStore.js";
import type { PointLike } from "../RxClient.js";

/** FNV-1a over the point's JSON: a cheap fingerprint to tell a revision from a re-read of the same values. */
export const fingerprint = (point: unknown): number => {
  const s = JSON.stringify(point);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
};

export type LedgerEvent<P> =
  | { readonly kind: "interval"; readonly point: P }
  | { readonly kind: "revised"; readonly point: P }
  | { readonly kind: "gap"; readonly fromTs: number; readonly toTs: number };

export interface ApplyResult<P> {
  readonly events: ReadonlyArray<LedgerEvent<P>>;
  /** New intervals past the watermark arrived. */
  readonly advanced: boolean;
  /** Intervals were skipped (a hole opened): an outage, so back-fill is coming. */
  readonly holeOpened: boolean;
}

/**
 * The per-device, per-stream bookkeeping behind "every interval exactly once, then revisions, then gaps"
 * (api-facts: sync forward from a watermark, re-read a trailing settle window, treat changed values as
 * revisions). Pure: no I/O, time passed in.
 */
export class EnergyLedger {
  watermark: number;
  lag: number;
  /** Emitted intervals inside the settle window, ascending, with fingerprints (parallel arrays: compact). */
  private ts: Array<number> = [];
  private fp: Array<number> = [];
  /** [from, to, deadline] ascending by from. */
  holes: Array<[number, number, number]> = [];

  constructor(
    watermark: number,
    private readonly interval: number,
    private readonly settle: number,
    checkpoint?: EnergyCheckpoint,
  ) {
    this.watermark = checkpoint?.watermark ?? watermark;
    this.lag = checkpoint?.lag ?? 0;
    if (checkpoint) {
      for (const [t, f] of checkpoint.seen) {
        this.ts.push(t);
        this.fp.push(f);
      }
      this.holes = checkpoint.holes.map(([a, b, c]) => [a, b, c]);
    }
  }

  get oldestHole(): number | undefined {
    return this.holes[0]?.[0];
  }

  get tracked(): number {
    return this.ts.length;
  }

  checkpoint(): EnergyCheckpoint {
    return { watermark: this.watermark, seen: this.ts.map((t, i) => [t, this.fp[i] ?? 0] as const), holes: this.holes, lag: this.lag };
  }

  private indexOf(t: number): number {
    // Binary search: `ts` is ascending.
    let lo = 0;
    let hi = this.ts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.ts[mid] ?? 0;
      if (v === t) return mid;
      if (v < t) lo = mid + 1;
      else hi = mid - 1;
    }
    return -(lo + 1);
  }

  private remember(t: number, f: number): void {
    const i = this.indexOf(t);
    if (i >= 0) this.fp[i] = f;
    else {
      const at = -i - 1;
      this.ts.splice(at, 0, t);
      this.fp.splice(at, 0, f);
    }
  }

  private fillHole(t: number, duration: number): boolean {
    for (const [i, [a, b, deadline]] of this.holes.entries()) {
      if (t < a || t >= b) continue;
      const parts: Array<[number, number, number]> = [];
      if (t > a) parts.push([a, t, deadline]);
      if (t + duration < b) parts.push([t + duration, b, deadline]);
      this.holes.splice(i, 1, ...parts);
      return true;
    }
    return false;
  }

  /** Folds one read's points in; `nowS` dates new holes' gap deadlines. */
  apply<P extends PointLike>(points: ReadonlyArray<P>, nowS: number): ApplyResult<P> {
    const sorted = points.length > 1 ? [...points].sort((a, b) => a.timestamp - b.timestamp) : points;
    const events: Array<LedgerEvent<P>> = [];
    let advanced = false;
    let holeOpened = false;
    for (const point of sorted) {
      const t = point.timestamp;
      const duration = point.duration ?? this.interval;
      const f = fingerprint(point);
      if (t >= this.watermark) {
        // Less than one interval past the watermark is clock misalignment (e.g. a start time not on the
        // device's grid), not a missing interval.
        if (t - this.watermark >= duration) {
          // Skipped intervals: expected to back-fill within the settle period, reported as a gap otherwise.
          this.holes.push([this.watermark, t, nowS + this.settle]);
          holeOpened = true;
        }
        this.remember(t, f);
        this.watermark = t + duration;
        advanced = true;
        events.push({ kind: "interval", point });
        continue;
      }
      const i = this.indexOf(t);
      if (i >= 0) {
        if (this.fp[i] !== f) {
          this.fp[i] = f;
          events.push({ kind: "revised", point });
        }
      } else if (this.fillHole(t, duration)) {
        this.remember(t, f);
        events.push({ kind: "interval", point });
      }
      // Otherwise older than anything tracked (before the stream's start): not ours to emit.
    }
    return { events, advanced, holeOpened };
  }

  /** Reports holes whose settle period ran out as gaps and forgets fingerprints older than the settle window. */
  expire<P>(nowS: number): Array<LedgerEvent<P>> {
    const events: Array<LedgerEvent<P>> = [];
    this.holes = this.holes.filter(([a, b, deadline]) => {
      if (deadline > nowS) return true;
      events.push({ kind: "gap", fromTs: a, toTs: b });
      return false;
    });
    const horizon = Math.min(nowS - this.settle - this.interval, this.oldestHole ?? Infinity);
    let drop = 0;
    while (drop < this.ts.length && (this.ts[drop] ?? Infinity) < horizon) drop++;
    if (drop > 0) {
      this.ts.splice(0, drop);
      this.fp.splice(0, drop);
    }
    return events;
  }
}
