// The operation IDs are the contract's, shared with the simulator: their home is core. Re-exported here so
// transport's public `OPERATION_IDS` / `OperationId` keep working.
export { OPERATION_IDS } from "@wattstream/core";
export type { OperationId } from "@wattstream/core";
