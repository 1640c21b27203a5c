// Public API of @wattstream/transport: the client, its options and facades, NoData, and the response types.
export { makeClient } from "./makeClient.js";
export { WattwatchersClient } from "./WattwatchersClient.js";
export { NoData, isNoData } from "./NoData.js";
export { OPERATION_IDS } from "./OperationId.js";
export type { ClientOptions } from "./ClientOptions.js";
export type { ApiResponse } from "./ApiResponse.js";
export type { OperationId } from "./OperationId.js";
export type {
  Apply,
  EnergyFieldsOption,
  EnergyPointOptions,
  FieldsOption,
  LongEnergyOptions,
  LongPointForOptions,
  LongEnergyRangeOptions,
  ModbusOptions,
  ModbusPointForOptions,
  ModbusPointOptions,
  NoOptions,
  OperationResult,
  Operations,
  RequestOptions,
  ShortEnergyOptions,
  ShortPointForOptions,
  WattwatchersClientService,
} from "./WattwatchersClient.js";
