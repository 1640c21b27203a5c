// Deterministic randomness. Energy values must be a pure function of (seed, device, channel, interval) so any
// window can be served without storing history and the same seed gives byte-identical responses.

const step = (h: number, p: number): number => {
  // Fold the part in 32-bit halves so Unix timestamps and large counters hash fully.
  h = Math.imul(h ^ (p >>> 0), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h ^ (Math.floor(p / 4294967296) >>> 0), 0xc2b2ae35);
  return h ^ (h >>> 16);
};

/**
 * Mixes three numbers into one well-distributed 32-bit hash (a murmur3-style finaliser). Fixed arity: this runs
 * a few million times per long window, so no rest-parameter array.
 */
export const mix = (a: number, b: number, c: number): number => {
  let h = step(step(step(0x9e3779b9, a), b), c);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
  return (h ^ (h >>> 15)) >>> 0;
};

/** Hashes a string to 32 bits (FNV-1a), to key per-device randomness by ID. */
export const hashString = (s: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
};

/** A small sequential PRNG (mulberry32) for building the fleet and random faults. */
export interface Rng {
  /** Next uniform number in [0, 1). */
  readonly next: () => number;
  /** Next integer in [0, n). */
  readonly int: (n: number) => number;
  /** One element of a non-empty list. */
  readonly pick: <A>(items: ReadonlyArray<A>) => A;
}

export const makeRng = (seed: number): Rng => {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  const pick = <A>(items: ReadonlyArray<A>): A => {
    const item = items[int(items.length)];
    if (item === undefined) throw new RangeError("pick from an empty list");
    return item;
  };
  return { next, int, pick };
};
