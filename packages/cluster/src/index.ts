export { BudgetOwner, DeviceWatcher } from "./protocol.js";
export { DEFAULT_SHARDING, deviceEntityId, keyFingerprint, NoApiKeyError, runnerLayer } from "./runner.js";
export type { RunnerOptions, RunnerStartError } from "./runner.js";
export { DevicePollFailed } from "./internal/poll.js";
export { clusterStatus, NoClusterError } from "./status.js";
export type { BudgetStatus, ClusterStatus, LagStatus, RunnerKeyStatus, RunnerStatus } from "./status.js";
