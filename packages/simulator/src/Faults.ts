import type { OperationId as CoreOperationId } from "@wattstream/core";
import type { Rng } from "./internal/prng.js";

/**
 * The 14 operation IDs of the contract, used to aim faults at routes (core's `OperationId`, the same the client uses).
 *
 * @category models
 */
export type OperationId = CoreOperationId;

/**
 * What a fault does to a matching request:
 * - `latency`: answers normally after `ms` real milliseconds;
 * - `error500`: a 500 `INTERNAL_SERVER_ERROR` envelope;
 * - `edgeThrottle`: platform edge throttling, a 429 without rate-limit headers and with a non-envelope body;
 * - `reset`: the TCP connection is destroyed without an answer;
 * - `truncate`: a 200 whose JSON body is cut in half;
 * - `extraFields`: unknown fields added to every object of the body (new fields appear over time);
 * - `omitOptional`: optional fields left out of the body (a property with no value is omitted);
 * - `legacyRateLimitHeaders`: the older `X-RateLimit-{Limit,Remaining,Reset}` trio (the daily budget) instead of
 *   the six TPS/TPD headers (api-facts: accept both).
 *
 * @category models
 */
export type FaultKind =
  | "latency"
  | "error500"
  | "edgeThrottle"
  | "reset"
  | "truncate"
  | "extraFields"
  | "omitOptional"
  | "legacyRateLimitHeaders";

/**
 * A scripted or random fault, aimed at operations and/or a device.
 *
 * @example
 * ```ts
 * // The next two short-energy reads of one device fail with 500, then it recovers.
 * sim.faults.add({ kind: "error500", operation: "getShortEnergyData", device: "D123456789012", times: 2 });
 * // One request in ten anywhere is edge-throttled, decided by the seeded fault PRNG.
 * sim.faults.add({ kind: "edgeThrottle", probability: 0.1 });
 * ```
 * @category models
 */
export interface FaultRule {
  /** What to do. */
  readonly kind: FaultKind;
  /** Only these operations. @default every operation */
  readonly operation?: OperationId | ReadonlyArray<OperationId>;
  /** Only requests about this device ID. @default every request */
  readonly device?: string;
  /** How many matching requests to affect, then the rule expires. @default unlimited */
  readonly times?: number;
  /** Chance of affecting a matching request, drawn from the seeded fault PRNG. @default 1 */
  readonly probability?: number;
  /** Delay for `latency`, in real milliseconds. @default 100 */
  readonly ms?: number;
}

/**
 * One fault as the client saw it; `sim.faults.log` lists them in order. Never contains the API key.
 *
 * @category models
 */
export interface FaultLogEntry {
  /** Request sequence number (1-based, counts every request the simulator received). */
  readonly seq: number;
  /** Simulator clock at the time, Unix seconds. */
  readonly at: number;
  readonly kind: FaultKind;
  readonly operation: OperationId;
  readonly method: string;
  /** Path and query string. */
  readonly path: string;
  readonly device?: string;
}

/**
 * Fault controls of a running simulator.
 *
 * @example
 * ```ts
 * const remove = sim.faults.add({ kind: "reset", operation: "getDevice", times: 1 });
 * // ... exercise the client ...
 * expect(sim.faults.log.map((e) => e.kind)).toEqual(["reset"]);
 * remove();
 * ```
 * @category services
 */
export interface Faults {
  /** Adds a rule; returns a function that removes it. */
  readonly add: (rule: FaultRule) => () => void;
  /** Removes every rule (the log is kept). */
  readonly clear: () => void;
  /** Every injected fault so far, oldest first. */
  readonly log: ReadonlyArray<FaultLogEntry>;
  /** Empties the log. */
  readonly clearLog: () => void;
}

interface ActiveRule {
  readonly rule: FaultRule;
  used: number;
}

/** @internal */
export interface FaultEngine extends Faults {
  /** The faults that fire for one request (at most one of each kind), logging each. */
  readonly pick: (request: Omit<FaultLogEntry, "kind">) => ReadonlySet<FaultKind> & { readonly latencyMs: number };
}

/** @internal */
export const makeFaults = (rng: Rng, initial: ReadonlyArray<FaultRule>): FaultEngine => {
  let rules: ActiveRule[] = initial.map((rule) => ({ rule, used: 0 }));
  const log: FaultLogEntry[] = [];
  const matches = (r: FaultRule, op: OperationId, device: string | undefined): boolean => {
    if (r.operation !== undefined) {
      const ops: ReadonlyArray<OperationId> = typeof r.operation === "string" ? [r.operation] : r.operation;
      if (!ops.includes(op)) return false;
    }
    return r.device === undefined || r.device === device;
  };
  return {
    add: (rule) => {
      const active = { rule, used: 0 };
      rules.push(active);
      return () => {
        rules = rules.filter((r) => r !== active);
      };
    },
    clear: () => {
      rules = [];
    },
    get log() {
      return log;
    },
    clearLog: () => {
      log.length = 0;
    },
    pick: (request) => {
      const fired = new Set<FaultKind>() as Set<FaultKind> & { latencyMs: number };
      fired.latencyMs = 0;
      for (const active of rules) {
        const { rule } = active;
        if (fired.has(rule.kind)) continue;
        if (!matches(rule, request.operation, request.device)) continue;
        if (rule.times !== undefined && active.used >= rule.times) continue;
        if (rule.probability !== undefined && rng.next() >= rule.probability) continue;
        active.used++;
        fired.add(rule.kind);
        if (rule.kind === "latency") fired.latencyMs = rule.ms ?? 100;
        log.push({ ...request, kind: rule.kind });
      }
      rules = rules.filter((r) => r.rule.times === undefined || r.used < r.rule.times);
      return fired;
    },
  };
};
