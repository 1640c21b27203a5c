export { BudgetOwner, DeviceWatcher } from "./protocol.js";
export { DEFAULT_SHARDING, keyFingerprint, runnerLayer } from "./runner.js";
export type { RunnerOptions, RunnerStartError } from "./runner.js";
export { DevicePollFailed } from "./internal/poll.js";
export { clusterStatus, NoClusterError } from "./status.js";
export type { BudgetStatus, ClusterStatus, LagStatus, RunnerStatus } from "./status.js";
