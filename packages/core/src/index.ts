export { InvalidIdError } from "./InvalidIdError.js";
export type { IdKind, InvalidIdReason } from "./InvalidIdError.js";
export { isDeviceId, normalizeDeviceId, parseDeviceId } from "./DeviceId.js";
export type { DeviceId } from "./DeviceId.js";
export {
  channelId,
  channelIdAt,
  isChannelId,
  isSwitchId,
  parseChannelId,
  parseSubEntityId,
  parseSwitchId,
  switchId,
} from "./SubEntityId.js";
export type { ChannelId, SubEntity, SubEntityKind, SwitchId } from "./SubEntityId.js";
export { fromUnixSeconds, InvalidWindowError, timeWindow, toUnixSeconds } from "./TimeWindow.js";
export type { InvalidWindowReason, TimeWindow } from "./TimeWindow.js";
export { isTimeZone, zoneOffset } from "./zoneOffset.js";
export type { ZoneOffset } from "./zoneOffset.js";
export {
  chunkWindow,
  GRANULARITIES,
  granularitySeconds,
  maxWindow,
  requiresTimezone,
  splitWindow,
} from "./chunkWindow.js";
export type { ChunkOptions, EnergyKind, Granularity } from "./chunkWindow.js";
export { CT_RATINGS } from "./Device.js";
export type {
  Channel,
  ChannelCategory,
  Comms,
  ContactorType,
  CtRating,
  Device,
  DeviceModel,
  DevicePatch,
  ModelCode,
  Pending,
  PhaseGroup,
  Phases,
  Switch,
  SwitchState,
} from "./Device.js";
export type {
  EnergyConversion,
  LongEnergyPoint,
  LongEnergyPointFor,
  LongEnergyPointKw,
  LongEnergyPointKwh,
  PositionalValues,
  ShortEnergyPoint,
  ShortEnergyPointFor,
  ShortEnergyPointKw,
  ShortEnergyPointKwh,
  TimestampPoint,
} from "./EnergyPoint.js";
export type {
  ModbusModel,
  ModbusPoint,
  ModbusPointOtherModel,
  ModbusPointPMC220,
  ModbusPointPMC340B,
} from "./ModbusPoint.js";
export { isErrorEnvelope, isMultiErrorEnvelope } from "./ErrorEnvelope.js";
export type { ErrorCode, ErrorEnvelope, MultiErrorEnvelope } from "./ErrorEnvelope.js";
export {
  canonicalConvertedField,
  CONVERTED_FIELD_NAMES,
  isEnergyField,
  isStrictCamelCase,
  LONG_ENERGY_FIELDS,
  MODBUS_REGISTERS,
  POWER_FACTOR_FIELDS,
  SHORT_ENERGY_FIELDS,
} from "./EnergyField.js";
export type { ConvertibleEnergyField, EnergyField } from "./EnergyField.js";
export {
  convertEnergy,
  convertPower,
  joulesToKwh,
  joulesToWh,
  kwhToJoules,
  meanPower,
  meanPowerKw,
  meanPowerW,
  pointPowerW,
  whToJoules,
} from "./Units.js";
export type { EnergyUnit, PowerUnit, Quantity } from "./Units.js";
export { ChannelLayoutMismatchError, groupByPhase, zipChannels } from "./zipChannels.js";
export type {
  GroupByPhaseResult,
  PhaseGroupChannels,
  PositionalKeys,
  ZipChannelsResult,
  ZippedChannel,
} from "./zipChannels.js";
export { convertEnergyPoint } from "./convertEnergyPoint.js";
export type { ConvertedEnergyPoint, ConvertEnergyPointResult } from "./convertEnergyPoint.js";
export { balanceRole, CHANNEL_CATEGORY, siteBalance } from "./siteBalance.js";
export type { BalanceInput, BalanceRole, SiteBalance } from "./siteBalance.js";
export { OPERATION_IDS } from "./OperationId.js";
export type { OperationId } from "./OperationId.js";
export { checkEnergyQuery } from "./checkEnergyQuery.js";
export type {
  CheckedEnergyQuery,
  EnergyOperation,
  EnergyQueryCheck,
  EnergyQueryContext,
  EnergyQueryField,
  EnergyQueryInput,
  EnergyQueryRule,
  EnergyQueryViolation,
} from "./checkEnergyQuery.js";
export { isOnline, lastHeard, OFFLINE_AFTER_SECONDS } from "./isOnline.js";
export type { HeardFrom } from "./isOnline.js";
