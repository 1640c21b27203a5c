// Public API of @wattstream/rx/planner: the energy streams' pure planner and its models, without rxjs.
export * as EnergyPlanner from "./EnergyPlanner.js";
export type {
  EnergyNext,
  EnergyPlan,
  EnergyPlannerOptions,
  EnergyPlanSettings,
  EnergyRequest,
  EnergyResult,
  EnergyStep,
} from "./EnergyPlanner.js";
export type { AnyEnergyPoint, ChannelLayout, EnergyEvent, EnergyPlanOptions, EnergyPointOf, EnergyStreamKind } from "../EnergyEvent.js";
export type { EnergyCheckpoint } from "../CheckpointStore.js";
export type { LedgerData as EnergyLedgerData } from "../internal/EnergyLedger.js";
export type { HealthState as StreamHealth } from "../internal/verdict.js";
export type { AnomalyReason } from "../EnergyAnomaly.js";
export type { StatusEvent } from "../StatusEvent.js";
