// One steady-state poll of a short-energy stream with a full settle window (6 h = 720 intervals tracked): the pure
// planner (`EnergyPlanner.next` + `onResult` on immutable, JSON-safe state, which copies the ledger's arrays per
// step) against the mutable ledger the stream used in place before the split (`expireHoles` + `forget` + `apply`, no copies).
// Target: a planner step at most 100 µs, so 10,000 devices polled every 30 s cost ≤ 3.4 % of one core.
import { parseDeviceId } from "@wattstream/core";
import type { ShortEnergyPoint } from "@wattstream/core";
import { defineBench } from "../../../tools/bench/defineBench.ts";
import { EnergyPlanner } from "../src/index.ts";
import type { EnergyPlan } from "../src/index.ts";
import { EnergyLedger } from "../src/internal/EnergyLedger.ts";

const STEP = 30;
const SETTLE = 6 * 3600;
const T0 = 1_700_000_010;
const TRACKED = SETTLE / STEP;
const BATCH = 50;
const point = (t: number): ShortEnergyPoint => ({ timestamp: t, duration: STEP, eReal: [t % 7, 1, 2, 3, 4, 5] }) as ShortEnergyPoint;

/** A stream that has emitted a full settle window and is due for its next interval. */
const steady = (): { plan: EnergyPlan<"short">; at: number } => {
  let plan = EnergyPlanner.initialState({ kind: "short", deviceId: parseDeviceId("D123456789012"), fromTs: T0, channels: [] }, T0 * 1000);
  const next = EnergyPlanner.next({ ...plan, dueAt: 0 }, (T0 + SETTLE) * 1000);
  if (next.kind !== "request") throw new Error("not due");
  const points = Array.from({ length: TRACKED }, (_, i) => point(T0 + i * STEP));
  plan = EnergyPlanner.onResult(next.state, (T0 + SETTLE) * 1000, points).state;
  return { plan, at: T0 + SETTLE + STEP + 1 };
};

let planner = steady();
const ledger = new EnergyLedger(T0, STEP, SETTLE);
ledger.apply(
  Array.from({ length: TRACKED }, (_, i) => point(T0 + i * STEP)),
  T0 + SETTLE,
  { fromTs: T0, toTs: T0 + SETTLE + 1 },
);
let ledgerAt = T0 + SETTLE + STEP + 1;

export default defineBench({
  name: "rx: one energy poll step, full settle window (720 intervals tracked)",
  baseline: "mutable ledger in place (before the planner)",
  tasks: {
    "mutable ledger in place (before the planner)": {
      batch: BATCH,
      fn: () => {
        for (let i = 0; i < BATCH; i++) {
          const t = ledger.watermark;
          ledger.expireHoles(ledgerAt);
          ledger.forget(ledgerAt);
          ledger.apply([point(t)], ledgerAt, { fromTs: t, toTs: ledgerAt + 1 });
          ledgerAt += STEP;
        }
      },
    },
    "EnergyPlanner.next + onResult (immutable state)": {
      batch: BATCH,
      fn: () => {
        for (let i = 0; i < BATCH; i++) {
          const next = EnergyPlanner.next({ ...planner.plan, dueAt: 0 }, planner.at * 1000);
          if (next.kind !== "request") throw new Error("not due");
          const step = EnergyPlanner.onResult(next.state, planner.at * 1000, [point(planner.plan.ledger.watermark)]);
          planner = { plan: step.state, at: planner.at + STEP };
        }
      },
    },
  },
  metrics: () => {
    planner = steady();
    const n = 5_000;
    // CPU time, not wall time: the figure should not depend on what else the machine runs.
    const cpu = (): number => {
      const u = process.cpuUsage();
      return u.user + u.system;
    };
    const start = cpu();
    for (let i = 0; i < n; i++) {
      const next = EnergyPlanner.next({ ...planner.plan, dueAt: 0 }, planner.at * 1000);
      if (next.kind !== "request") throw new Error("not due");
      const step = EnergyPlanner.onResult(next.state, planner.at * 1000, [point(planner.plan.ledger.watermark)]);
      planner = { plan: step.state, at: planner.at + STEP };
    }
    const us = (cpu() - start) / n;
    return [
      { metric: "planner step (next + onResult), CPU µs", value: Math.round(us * 10) / 10, unit: "µs", target: "≤ 100 µs", ok: us <= 100 },
      { metric: "tracked intervals after the run", value: planner.plan.ledger.fp.length, unit: "intervals", target: `≈ ${TRACKED}`, ok: Math.abs(planner.plan.ledger.fp.length - TRACKED) <= 2 },
    ];
  },
});
