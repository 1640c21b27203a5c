// The domain types the client returns are core's (one concept, one place); re-exported here for the modules
// of this package.
export type {
  ChannelCategory,
  Device,
  DeviceModel,
  DevicePatch,
  LongEnergyPoint,
  LongEnergyPointKw,
  LongEnergyPointKwh,
  ModbusPoint,
  ShortEnergyPoint,
  ShortEnergyPointKw,
  ShortEnergyPointKwh,
  TimestampPoint,
} from "@wattstream/core";
