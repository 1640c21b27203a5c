export { diffDevice, replaceEqualDeep } from "./diffDevice.js";
export type { DeviceDiff, DeviceEvent, DiffOptions } from "./diffDevice.js";
export { fromEffect } from "./fromEffect.js";
export type { FleetStatusEvent, StatusEvent, StreamStatus } from "./StatusEvent.js";
export { pauseController } from "./pauseController.js";
export type { PauseController } from "./pauseController.js";
export { device$, deviceEvents$ } from "./device$.js";
export type { DeviceClient, DeviceSnapshot, DeviceStreamOptions, DeviceUpdate } from "./device$.js";
export { fleet$ } from "./fleet$.js";
export type { FleetChange, FleetStreamOptions, FleetUpdate } from "./fleet$.js";
export { readSwitch, setSwitch, switchState$, SwitchTimeout } from "./switch.js";
export type { SetSwitchOptions, SwitchConfirmed, SwitchReading } from "./switch.js";
export { longEnergy$, modbus$, shortEnergy$ } from "./energy$.js";
export { describeAnomaly } from "./EnergyAnomaly.js";
export type { AnomalyReason } from "./EnergyAnomaly.js";
export type { AnyEnergyPoint, ChannelLayout, EnergyClient, EnergyEvent, EnergyPointOf, EnergyStreamKind, EnergyStreamOptions } from "./energy$.js";
export { EnergyPlanner } from "./planner/index.js";
export type {
  EnergyLedgerData,
  EnergyNext,
  EnergyPlan,
  EnergyPlannerOptions,
  EnergyPlanOptions,
  EnergyPlanSettings,
  EnergyRequest,
  EnergyResult,
  EnergyStep,
  StreamHealth,
} from "./planner/index.js";
export { CheckpointCorrupt, checkpointKey, decodeCheckpoint, memoryCheckpointStore, parseCheckpoint } from "./CheckpointStore.js";
export type { CheckpointKey, CheckpointStore, EnergyCheckpoint } from "./CheckpointStore.js";
export { threshold } from "./operators/threshold.js";
export type { Alert, ThresholdOptions } from "./operators/threshold.js";
export { sustained } from "./operators/sustained.js";
export { offlineFor } from "./operators/offlineFor.js";
export type { OfflineAlert } from "./operators/offlineFor.js";
export { perChannel } from "./operators/perChannel.js";
export type { ChannelReadings } from "./operators/perChannel.js";
export { meanPower } from "./operators/meanPower.js";
export type { ChannelPower, PowerReadings } from "./operators/meanPower.js";
export { perDevice } from "./perDevice.js";
export { scaledScheduler } from "./scaledScheduler.js";
export type { ScaledSchedulerOptions } from "./scaledScheduler.js";
export type { DeviceLost, PerDeviceOptions } from "./perDevice.js";
export { makeStreams } from "./makeStreams.js";
export type { EachDeviceOptions, EnergyEventOf, StreamDefaults, Streams, StreamsClient, StreamsErrorOf, StreamsOptions } from "./makeStreams.js";
export type { FleetClient } from "./fleet$.js";
