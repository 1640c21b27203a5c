/**
 * The contract's operationIds, one per client method and one per simulator route.
 *
 * @example
 * ```ts
 * import { OPERATION_IDS } from "@wattstream/core";
 * OPERATION_IDS.length; // 14
 * ```
 * @category models
 */
export const OPERATION_IDS = [
  "listDevices",
  "getDevice",
  "updateDevice",
  "getChannelCategories",
  "getDeviceModels",
  "getShortEnergyData",
  "getFirstShortEnergyData",
  "getLatestShortEnergyData",
  "getLongEnergyData",
  "getFirstLongEnergyData",
  "getLatestLongEnergyData",
  "getModbusData",
  "getFirstModbusData",
  "getLatestModbusData",
] as const;

/**
 * One of the 14 operationIds of the Wattwatchers API v3 contract.
 *
 * @category models
 */
export type OperationId = (typeof OPERATION_IDS)[number];
