import type { FaultRule } from "@wattstream/simulator";

/**
 * Named fault mixes for `--faults`, so a demo or a manual test can show the client's retries, pacing and
 * status events without writing fault rules by hand. Probabilities are drawn from the simulator's seeded
 * fault PRNG, so a seed gives the same faults.
 */
export const FAULT_PROFILES = {
  /** No injected faults. */
  none: [],
  /** Occasional server errors, slow answers and dropped connections: retries absorb them. */
  flaky: [
    { kind: "error500", probability: 0.05 },
    { kind: "latency", probability: 0.1, ms: 400 },
    { kind: "reset", probability: 0.02 },
  ],
  /** Platform edge throttling (429 without rate-limit headers) on one request in eight. */
  throttled: [{ kind: "edgeThrottle", probability: 0.125 }],
  /** Every answer 150 ms late. */
  slow: [{ kind: "latency", ms: 150 }],
  /** All of the above plus truncated bodies and unknown fields. */
  chaos: [
    { kind: "error500", probability: 0.1 },
    { kind: "edgeThrottle", probability: 0.05 },
    { kind: "latency", probability: 0.2, ms: 600 },
    { kind: "reset", probability: 0.05 },
    { kind: "truncate", probability: 0.03 },
    { kind: "extraFields", probability: 0.3 },
  ],
} as const satisfies Readonly<Record<string, ReadonlyArray<FaultRule>>>;

/** A `--faults` profile name. */
export type FaultProfile = keyof typeof FAULT_PROFILES;

/** The profile names, for `--faults` choices and help. */
export const FAULT_PROFILE_NAMES = Object.keys(FAULT_PROFILES) as ReadonlyArray<FaultProfile>;
