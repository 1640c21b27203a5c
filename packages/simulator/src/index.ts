export { startSimulator } from "./startSimulator.js";
export type { Simulator, SimulatorOptions } from "./startSimulator.js";
export { DEFAULT_START_TIME } from "./SimClock.js";
export type { SimClock } from "./SimClock.js";
export type { Fleet, KeyPermission, SimKey, SimKeys } from "./Fleet.js";
export type { FaultKind, FaultLogEntry, FaultRule, Faults, OperationId } from "./Faults.js";
