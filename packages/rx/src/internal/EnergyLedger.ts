import type { EnergyCheckpoint } from "../CheckpointStore.js";
import type { AnomalyReason } from "../EnergyAnomaly.js";

/** What the ledger reads of any energy or Modbus point (core's point types): its start and, if any, its length. */
interface TimedPoint {
  readonly timestamp: number;
  /** Core's Modbus reads have none (their open index signature types it `unknown`): the ledger checks it. */
  readonly duration?: unknown;
}

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

/** The one empty array every empty part of a {@link LedgerData} shares (frozen: the data is never changed). */
const NONE: ReadonlyArray<never> = Object.freeze([]);

/** The timestamps of runs on the grid (see {@link LedgerData.runs}), ascending. */
const unroll = (runs: ReadonlyArray<number>, interval: number): Array<number> => {
  const ts: Array<number> = [];
  for (let r = 0; r < runs.length; r += 2) for (let k = 0; k < (runs[r + 1] ?? 0); k++) ts.push((runs[r] ?? 0) + k * interval);
  return ts;
};

export type LedgerEvent<P> =
  | { readonly kind: "interval"; readonly point: P }
  | { readonly kind: "revised"; readonly point: P }
  | { readonly kind: "gap"; readonly fromTs: number; readonly toTs: number }
  | { readonly kind: "anomaly"; readonly point: P; readonly reason: AnomalyReason };

/** The window a read asked for, `[fromTs, toTs)`, Unix seconds. */
export interface ReadWindow {
  readonly fromTs: number;
  readonly toTs: number;
}

const isWholeNumber = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n);

/**
 * Why a point cannot be trusted, or `undefined` with its duration when it can. `durationRequired`: short and
 * long points carry one (a missing one is an anomaly); Modbus reads carry none and take the interval.
 */
export const checkPoint = (
  point: TimedPoint,
  window: ReadWindow,
  interval: number,
  durationRequired: boolean,
): { readonly reason: AnomalyReason } | { readonly duration: number } => {
  // Read as unknown: the decoded type says number, but this guards what the wire sent whatever the decoder let by.
  const t: unknown = point.timestamp;
  if (!isWholeNumber(t)) return { reason: { code: "badTimestamp" } };
  if (t < window.fromTs || t >= window.toTs) return { reason: { code: "outsideWindow", fromTs: window.fromTs, toTs: window.toTs } };
  if (t % interval !== 0) return { reason: { code: "offGrid", interval } };
  const d: unknown = point.duration;
  if (d === undefined) return durationRequired ? { reason: { code: "missingDuration" } } : { duration: interval };
  if (typeof d !== "number" || !isWholeNumber(d) || d <= 0) return { reason: { code: "badDuration" } };
  if (d % interval !== 0) return { reason: { code: "durationOffGrid", interval } };
  return { duration: d };
};

export interface ApplyResult<P> {
  readonly events: ReadonlyArray<LedgerEvent<P>>;
  /** New intervals past the watermark arrived. */
  readonly advanced: boolean;
  /** Intervals were skipped (a hole opened): an outage, so back-fill is coming. */
  readonly holeOpened: boolean;
}

/**
 * Everything an energy stream's ledger keeps (watermark, fingerprints of the settle window, holes, reported
 * anomalies), as plain data (JSON-safe: numbers, strings and arrays), so the planner's state can hold it and another
 * runtime can persist it. Public as `EnergyLedgerData`.
 *
 * @category models
 */
export interface LedgerData {
  readonly watermark: number;
  readonly lag: number;
  /**
   * Timestamps of the emitted intervals inside the settle window, ascending, as runs on the interval grid: flat
   * `[start, count, start, count, …]`, the k-th interval of a run starting at `start + k × interval` (one pair for a
   * window without holes, instead of 720 timestamps for a 6-h window of 30-s intervals).
   */
  readonly runs: ReadonlyArray<number>;
  /** Their fingerprints, one per interval, in the same order. */
  readonly fp: ReadonlyArray<number>;
  /** `[from, to, deadline]` ascending by from. */
  readonly holes: ReadonlyArray<readonly [number, number, number]>;
  /** Anomalies already reported: `[key, when]`. */
  readonly reported: ReadonlyArray<readonly [string, number]>;
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
    // The start of the first interval on the grid at or after the requested start (timestamps are multiples of
    // the interval; a point off that grid is an anomaly).
    this.watermark = Math.ceil((checkpoint?.watermark ?? watermark) / interval) * interval;
    this.lag = checkpoint?.lag ?? 0;
    if (checkpoint) {
      for (const [t, f] of checkpoint.seen) this.remember(t, f);
      this.holes = checkpoint.holes.map(([a, b, c]) => [a, b, c]);
    }
  }

  /**
   * A ledger over `data`, which is never changed: the fingerprint arrays are shared until the ledger first changes
   * them (copy on write), so a poll that moves nothing copies nothing.
   */
  static fromData(data: LedgerData, interval: number, settle: number): EnergyLedger {
    const ledger = new EnergyLedger(data.watermark, interval, settle);
    ledger.watermark = data.watermark;
    ledger.lag = data.lag;
    // The timestamps unrolled (this ledger's own); the fingerprints shared, not copied: `own()` copies them before
    // the first change (the cast only drops `readonly` for that).
    ledger.ts = unroll(data.runs, interval);
    ledger.fp = data.fp as Array<number>;
    ledger.owned = false;
    ledger.holes = data.holes.map(([a, b, c]) => [a, b, c]);
    if (data.reported.length > 0) ledger.reported = new Map(data.reported);
    return ledger;
  }

  /**
   * The ledger's state as plain data; later changes to the ledger do not show in it (copy on write). Changed
   * fingerprints are handed over as an exact-size copy: an array grown by `push` keeps up to half again as many
   * slots, which the state would carry between polls.
   */
  toData(): LedgerData {
    if (this.owned) this.fp = this.fp.slice();
    this.owned = false;
    const runs: Array<number> = [];
    for (const t of this.ts) {
      const n = runs.length;
      if (n > 0 && (runs[n - 2] ?? 0) + (runs[n - 1] ?? 0) * this.interval === t) runs[n - 1] = (runs[n - 1] ?? 0) + 1;
      else runs.push(t, 1);
    }
    return {
      watermark: this.watermark,
      lag: this.lag,
      // Exact size, like the fingerprints (`push` left slack).
      runs: runs.length === 0 ? NONE : runs.slice(),
      fp: this.fp,
      // Empty parts share one empty array (the data is never changed): a stream without holes keeps none of its own.
      holes: this.holes.length === 0 ? NONE : this.holes.map(([a, b, c]) => [a, b, c] as const),
      reported: this.reported.size === 0 ? NONE : [...this.reported],
    };
  }

  /** Whether `ts` and `fp` are this ledger's own (not shared with a {@link LedgerData}). */
  private owned = true;

  /** Copies the shared fingerprints before their first change. */
  private own(): void {
    if (this.owned) return;
    this.fp = this.fp.slice();
    this.owned = true;
  }

  /** The emitted intervals' timestamps of `data` with their fingerprints, ascending (a checkpoint's `seen`). */
  static seen(data: LedgerData, interval: number): Array<readonly [number, number]> {
    return unroll(data.runs, interval).map((t, i) => [t, data.fp[i] ?? 0] as const);
  }

  get oldestHole(): number | undefined {
    return this.holes[0]?.[0];
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
    this.own();
    if (i >= 0) this.fp[i] = f;
    else {
      const at = -i - 1;
      // The common case, a new interval after the others: a push (splice's insertion path is much slower).
      if (at === this.ts.length) {
        this.ts.push(t);
        this.fp.push(f);
      } else {
        this.ts.splice(at, 0, t);
        this.fp.splice(at, 0, f);
      }
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

  /** Anomalies already reported (key → when), so a bad point re-read by every poll is reported once. */
  private reported = new Map<string, number>();

  /**
   * Folds one read's points in; `nowS` dates new holes' gap deadlines. Only points that pass {@link checkPoint}
   * move the watermark; the others come back as `anomaly` events, each once (per twice the settle period).
   * Inside one answer, points are taken in timestamp order (a stable sort, so duplicates keep the answer's
   * order): the first point of a timestamp is the interval, a later one with other values a `revised`, an
   * identical one nothing — never an interval twice.
   */
  apply<P extends TimedPoint>(points: ReadonlyArray<P>, nowS: number, window: ReadWindow, durationRequired = true): ApplyResult<P> {
    const events: Array<LedgerEvent<P>> = [];
    const valid: Array<{ readonly point: P; readonly duration: number }> = [];
    for (const point of points) {
      const verdict = checkPoint(point, window, this.interval, durationRequired);
      if ("duration" in verdict) {
        valid.push({ point, duration: verdict.duration });
        continue;
      }
      const key = `${verdict.reason.code}|${String(point.timestamp)}|${fingerprint(point)}`;
      if (this.reported.has(key)) continue;
      this.reported.set(key, nowS);
      events.push({ kind: "anomaly", point, reason: verdict.reason });
    }
    if (valid.length > 1) valid.sort((a, b) => a.point.timestamp - b.point.timestamp);
    let advanced = false;
    let holeOpened = false;
    for (const { point, duration } of valid) {
      const t = point.timestamp;
      const f = fingerprint(point);
      if (t >= this.watermark) {
        if (t > this.watermark) {
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
          this.own();
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

  /** Reports holes whose settle period ran out as gaps (and forgets anomaly reports older than twice the settle). */
  expireHoles<P>(nowS: number): Array<LedgerEvent<P>> {
    const events: Array<LedgerEvent<P>> = [];
    if (this.holes.length > 0)
      this.holes = this.holes.filter(([a, b, deadline]) => {
        if (deadline > nowS) return true;
        events.push({ kind: "gap", fromTs: a, toTs: b });
        return false;
      });
    if (this.reported.size > 0) for (const [key, at] of this.reported) if (nowS - at > 2 * this.settle) this.reported.delete(key);
    return events;
  }

  /** Forgets fingerprints older than the settle window and than the oldest hole: those intervals cannot change any more. */
  forget(nowS: number): void {
    const horizon = Math.min(nowS - this.settle - this.interval, this.oldestHole ?? Infinity);
    let drop = 0;
    while (drop < this.ts.length && (this.ts[drop] ?? Infinity) < horizon) drop++;
    if (drop === 0) return;
    this.ts.splice(0, drop);
    if (this.owned) this.fp.splice(0, drop);
    else {
      // Shared fingerprints: one copy of what is kept (instead of a copy, then a splice).
      this.fp = this.fp.slice(drop);
      this.owned = true;
    }
  }

}
