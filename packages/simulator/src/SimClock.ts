/**
 * The simulator's clock: every time-dependent behaviour (which data exists, `comms.lastHeardAt`, pending
 * convergence, outages and back-fill, rate-limit windows, the TPD reset at 00:00 UTC) reads it.
 *
 * @example
 * ```ts
 * const sim = await startSimulator();
 * sim.clock.now(); // 1767571200 (DEFAULT_START_TIME) on the default virtual clock
 * sim.clock.advance(300); // five minutes later: new 5-minute intervals are available
 * ```
 * @category models
 */
export interface SimClock {
  /** Current time in Unix seconds (may carry a fraction). */
  readonly now: () => number;
  /** Moves the clock forward by `seconds` (virtual clock: the only way time passes; real clock: a skip). */
  readonly advance: (seconds: number) => void;
  /** Which kind of clock this is. */
  readonly kind: "virtual" | "real";
}

/**
 * The fixed instant the virtual clock starts at by default: 2026-01-05T00:00:00Z (a Monday; 11:00 in Sydney, so
 * solar channels are generating). With the default clock the same seed gives byte-identical responses.
 *
 * @example
 * ```ts
 * const sim = await startSimulator({ clock: "virtual" });
 * sim.clock.now() === DEFAULT_START_TIME; // true
 * ```
 * @category constructors
 */
export const DEFAULT_START_TIME = 1_767_571_200;

const checkAdvance = (seconds: number): void => {
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new RangeError(`clock.advance needs a finite, non-negative number of seconds, got ${seconds}`);
  }
};

/** @internal */
export const makeVirtualClock = (start: number): SimClock => {
  let now = start;
  return {
    kind: "virtual",
    now: () => now,
    advance: (seconds) => {
      checkAdvance(seconds);
      now += seconds;
    },
  };
};

/** @internal */
export const makeRealClock = (start: number, speed: number, wallNow: () => number = Date.now): SimClock => {
  const origin = wallNow();
  let skipped = 0;
  return {
    kind: "real",
    now: () => start + ((wallNow() - origin) / 1000) * speed + skipped,
    advance: (seconds) => {
      checkAdvance(seconds);
      skipped += seconds;
    },
  };
};
