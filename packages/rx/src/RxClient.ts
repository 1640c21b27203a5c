import type { Effect } from "effect";
import type { DeviceLike } from "./diffDevice.js";

/**
 * A data point as rx needs it: a timestamp (Unix seconds, the interval start), usually a duration, and the
 * positional per-channel arrays, kept untouched. Core's `ShortEnergyPoint`, `LongEnergyPoint` and
 * `ModbusPoint` all fit.
 *
 * @category models
 */
export interface PointLike {
  readonly timestamp: number;
  readonly duration?: number;
}

/** The value transport returns for a 204: the device never reported data of that kind. @category models */
export interface NoDataLike {
  readonly _tag: "NoData";
}

/** Options rx passes to the energy list operations. @category models */
export interface RangeQuery {
  readonly fromTs: number;
  readonly toTs: number;
}

/**
 * The client operations rx uses: a structural "port" that transport's `WattwatchersClient` satisfies, so tests
 * can pass a fake with just the methods a stream needs (`Pick<RxClient, "getDevice">`).
 *
 * @example
 * ```ts
 * import type { RxClient } from "@wattstream/rx";
 * import { makeClient } from "@wattstream/transport";
 * const client: RxClient = makeClient({ apiKey: process.env.WATTSTREAM_API_KEY! });
 * ```
 * @category services
 */
export interface RxClient {
  listDevices(): Effect.Effect<ReadonlyArray<string>, unknown>;
  getDevice(id: string): Effect.Effect<DeviceLike, unknown>;
  updateDevice(id: string, body: { readonly switches?: ReadonlyArray<{ readonly id: string; readonly state: "open" | "closed" }> }): Effect.Effect<DeviceLike, unknown>;
  getShortEnergyData(id: string, query: RangeQuery): Effect.Effect<ReadonlyArray<PointLike> | NoDataLike, unknown>;
  getLatestShortEnergyData(id: string, query: { readonly fields: ReadonlyArray<"timestamp"> }): Effect.Effect<PointLike | NoDataLike, unknown>;
  getLongEnergyData(id: string, query: RangeQuery): Effect.Effect<ReadonlyArray<PointLike> | NoDataLike, unknown>;
  getLatestLongEnergyData(id: string, query: { readonly fields: ReadonlyArray<"timestamp"> }): Effect.Effect<PointLike | NoDataLike, unknown>;
  getModbusData(id: string, query: RangeQuery): Effect.Effect<ReadonlyArray<PointLike> | NoDataLike, unknown>;
  getLatestModbusData(id: string, query: { readonly fields: ReadonlyArray<"timestamp"> }): Effect.Effect<PointLike | NoDataLike, unknown>;
}
