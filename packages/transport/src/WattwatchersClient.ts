import { Context, Effect, Layer } from "effect";
import type { Stream } from "effect";
import { InvalidRequest } from "@wattstream/resilience";
import type { RateLimitState, RetryOptions, WattwatchersError } from "@wattstream/resilience";
import type { ApiResponse } from "./ApiResponse.js";
import type { ClientOptions } from "./ClientOptions.js";
// A value import of a module that only imports types from this one: no cycle at run time.
import { makeClient } from "./makeClient.js";
import type { NoData } from "./NoData.js";
import type {
  ChannelCategory,
  Device,
  DeviceId,
  DeviceModel,
  DevicePatch,
  EnergyConversion,
  Granularity,
  LongEnergyPoint,
  LongEnergyPointKw,
  LongEnergyPointKwh,
  ModbusPoint,
  ShortEnergyPoint,
  ShortEnergyPointKw,
  ShortEnergyPointKwh,
  TimeWindow,
  TimestampPoint,
} from "@wattstream/core";

/**
 * Options every operation takes, as its last argument.
 *
 * @example
 * ```ts
 * import { Effect } from "effect";
 * import { makeClient } from "@wattstream/transport";
 *
 * const client = makeClient({ apiKey: process.env.WATTSTREAM_API_KEY!, baseUrl: process.env.WATTSTREAM_API_URL });
 * // A poller with its own back-off sends each read once: a 500 costs one request, and the poller decides.
 * const once = client.getDevice("D123456789012", { retry: false });
 * // A patient one-off read: more retries than the client's default, for this call only.
 * const patient = client.listDevices({ retry: { maxRetries: 10, maxElapsed: "2 minutes" } });
 * ```
 * @category models
 */
export interface RequestOptions {
  /**
   * Aborting it interrupts the call and aborts the HTTP request in flight (and any retry wait).
   * @default undefined
   */
  readonly signal?: AbortSignal | undefined;
  /**
   * Who retries this call: `false` sends it once (for a caller with its own back-off, such as rx's pollers, so
   * attempts are not multiplied), retry options replace the client's `retry` for this call only. By default the
   * client's `retry` option applies (resilience's policy, on unless the client was made with `retry: false`).
   * Either way every attempt is paced and a PATCH whose outcome is unknown is only re-sent after reading back.
   * @default the client's `retry` option
   */
  readonly retry?: RetryOptions | false | undefined;
}

/**
 * `fields[energy]`: `+pf` appends power factor; `timestamp` returns only timestamps (the cheap "anything new?"
 * probe). The two are mutually exclusive, and neither combines with `filterGroup: "phases"`.
 *
 * @category models
 */
export type EnergyFieldsOption = "+pf" | "timestamp";

/**
 * A `fields[energy]` value, alone or as a one-element list.
 *
 * @category models
 */
export type FieldsOption<F extends string> = F | ReadonlyArray<F>;

/**
 * Options of the single-point energy operations (`getFirst…`/`getLatest…` short and long energy).
 *
 * @example
 * ```ts
 * import type { EnergyPointOptions } from "@wattstream/transport";
 * const latest = { convert: "kW", fields: "+pf" } as const satisfies EnergyPointOptions;
 * ```
 * @category models
 */
export interface EnergyPointOptions extends RequestOptions {
  /**
   * `convert[energy]`: `kW` gives mean power and renames `eReal` → `pRealKw`; `kWh` renames `eReal` →
   * `eRealKwh` (api-facts: query parameters). The decoded type follows it. The contract allows the answer in
   * either shape; a point that still carries raw joule fields is converted by the client (kW = J / duration /
   * 1000, kWh = J / 3 600 000, fields renamed), so the caller gets the converted names either way. The one
   * point that cannot be converted, kW without a `duration`, keeps its joules under the raw names (the
   * converted fields are then absent, as their optional types allow).
   * @default undefined (joules per interval)
   */
  readonly convert?: EnergyConversion | undefined;
  /** Extra or fewer fields; `timestamp` decodes to `TimestampPoint`. @default undefined */
  readonly fields?: FieldsOption<EnergyFieldsOption> | undefined;
  /** `"phases"` collapses channels into the device's phase groups. @default undefined */
  readonly filterGroup?: "phases" | undefined;
}

/**
 * Options of `getShortEnergyData`: a window of at most 12 hours (api-facts).
 *
 * @example
 * ```ts
 * import type { ShortEnergyOptions } from "@wattstream/transport";
 * const lastHour = { fromTs: now - 3600, toTs: now } satisfies ShortEnergyOptions;
 * ```
 * @category models
 */
export interface ShortEnergyOptions extends EnergyPointOptions {
  /** Inclusive start, Unix seconds. @default now − 1 h (service side) */
  readonly fromTs?: number | undefined;
  /** Exclusive end, Unix seconds. @default fromTs + 1 h (service side) */
  readonly toTs?: number | undefined;
}

/**
 * Options of `getLongEnergyData`: the window limit depends on the granularity (7 days at 5m).
 *
 * @example
 * ```ts
 * import type { LongEnergyOptions } from "@wattstream/transport";
 * const daily = { fromTs, toTs, granularity: "day", timezone: "Australia/Sydney" } satisfies LongEnergyOptions;
 * ```
 * @category models
 */
export interface LongEnergyOptions extends ShortEnergyOptions {
  /** Bucket size. @default "5m" (service side) */
  readonly granularity?: Granularity | undefined;
  /** IANA zone the buckets are aligned in; required for `hour` and coarser. @default undefined */
  readonly timezone?: string | undefined;
}

/**
 * Options of `getFirstModbusData`/`getLatestModbusData`.
 *
 * @category models
 */
export interface ModbusPointOptions extends RequestOptions {
  /** `timestamp` returns only the timestamp. @default undefined */
  readonly fields?: FieldsOption<"timestamp"> | undefined;
}

/**
 * Options of `getModbusData`: a window of at most 7 days.
 *
 * @category models
 */
export interface ModbusOptions extends ModbusPointOptions {
  /** Inclusive start, Unix seconds. @default the first entry (service side) */
  readonly fromTs?: number | undefined;
  /** Exclusive end, Unix seconds. @default fromTs + 7 days (service side) */
  readonly toTs?: number | undefined;
}

/**
 * Options of `longEnergyRange`: a long-energy query without its window, which the helper chunks.
 *
 * @category models
 */
export type LongEnergyRangeOptions = Omit<LongEnergyOptions, "fromTs" | "toTs">;

/**
 * The options type when none are passed.
 *
 * @category models
 */
export type NoOptions = Record<never, never>;

type Elem<F> = F extends ReadonlyArray<infer E> ? E : F;
type FieldOf<O> = "fields" extends keyof O ? Elem<O["fields" & keyof O]> : undefined;
type ConvertOf<O> = "convert" extends keyof O ? O["convert" & keyof O] : undefined;

type ShortFor<C, F> = F extends "timestamp"
  ? TimestampPoint
  : C extends "kW"
    ? ShortEnergyPointKw
    : C extends "kWh"
      ? ShortEnergyPointKwh
      : ShortEnergyPoint;
type LongFor<C, F> = F extends "timestamp"
  ? TimestampPoint
  : C extends "kW"
    ? LongEnergyPointKw
    : C extends "kWh"
      ? LongEnergyPointKwh
      : LongEnergyPoint;

/**
 * The decoded short-energy point for options `O`: converted names for `convert`, `TimestampPoint` for
 * `fields: "timestamp"`.
 *
 * @category models
 */
export type ShortPointForOptions<O> = ShortFor<ConvertOf<O>, FieldOf<O>>;

/**
 * The decoded long-energy point for options `O`.
 *
 * @category models
 */
export type LongPointForOptions<O> = LongFor<ConvertOf<O>, FieldOf<O>>;

/**
 * The decoded Modbus point for options `O`: `TimestampPoint` for `fields: "timestamp"`.
 *
 * @category models
 */
export type ModbusPointForOptions<O> = FieldOf<O> extends "timestamp" ? TimestampPoint : ModbusPoint;

type Op<A> = Effect.Effect<A, WattwatchersError>;

/**
 * The 14 operations, by operationId, with return type `R<A>` (an Effect, an Effect of `ApiResponse`, or a
 * Promise): every facade of the client has exactly this shape.
 *
 * @category models
 */
export interface Operations<R extends OperationResult> {
  /** `GET /devices`: the IDs of every device the key may see (unpaginated). */
  listDevices(options?: RequestOptions): Apply<R, ReadonlyArray<DeviceId>>;
  /**
   * `GET /devices/{id}`: the device record. Only `id` is certain (every other field is optional, as the API
   * omits what has no value); a record whose `id`, or a channel, switch or phase-group ID, belongs to another
   * device is a `DecodeError` naming both IDs.
   */
  getDevice(id: DeviceId | string, options?: RequestOptions): Apply<R, Device>;
  /**
   * `PATCH /devices/{id}`: sends `body` as it is (a full read-modify-write record works: read-only fields are
   * ignored by the service). A 200 means accepted; new values sit under `pending` until the device connects.
   */
  updateDevice(id: DeviceId | string, body: DevicePatch | Device, options?: RequestOptions): Apply<R, Device>;
  /** `GET /devices/channel-categories`. */
  getChannelCategories(options?: RequestOptions): Apply<R, ReadonlyArray<ChannelCategory>>;
  /** `GET /devices/models`. */
  getDeviceModels(options?: RequestOptions): Apply<R, ReadonlyArray<DeviceModel>>;
  /** `GET /short-energy/{id}`: 30 s points; `[]` = nothing in the window, `NoData` = never reported. */
  getShortEnergyData<const O extends ShortEnergyOptions = NoOptions>(
    id: DeviceId | string,
    options?: O,
  ): Apply<R, ReadonlyArray<ShortPointForOptions<O>> | NoData>;
  /** `GET /short-energy/{id}/first`. */
  getFirstShortEnergyData<const O extends EnergyPointOptions = NoOptions>(
    id: DeviceId | string,
    options?: O,
  ): Apply<R, ShortPointForOptions<O> | NoData>;
  /** `GET /short-energy/{id}/latest`. */
  getLatestShortEnergyData<const O extends EnergyPointOptions = NoOptions>(
    id: DeviceId | string,
    options?: O,
  ): Apply<R, ShortPointForOptions<O> | NoData>;
  /** `GET /long-energy/{id}`: 5 min (or coarser) points. */
  getLongEnergyData<const O extends LongEnergyOptions = NoOptions>(
    id: DeviceId | string,
    options?: O,
  ): Apply<R, ReadonlyArray<LongPointForOptions<O>> | NoData>;
  /** `GET /long-energy/{id}/first`. */
  getFirstLongEnergyData<const O extends EnergyPointOptions = NoOptions>(
    id: DeviceId | string,
    options?: O,
  ): Apply<R, LongPointForOptions<O> | NoData>;
  /** `GET /long-energy/{id}/latest`. */
  getLatestLongEnergyData<const O extends EnergyPointOptions = NoOptions>(
    id: DeviceId | string,
    options?: O,
  ): Apply<R, LongPointForOptions<O> | NoData>;
  /** `GET /modbus/{id}`: Modbus meter reads; `NoData` also for a device without a meter. */
  getModbusData<const O extends ModbusOptions = NoOptions>(
    id: DeviceId | string,
    options?: O,
  ): Apply<R, ReadonlyArray<ModbusPointForOptions<O>> | NoData>;
  /** `GET /modbus/{id}/first`. */
  getFirstModbusData<const O extends ModbusPointOptions = NoOptions>(
    id: DeviceId | string,
    options?: O,
  ): Apply<R, ModbusPointForOptions<O> | NoData>;
  /** `GET /modbus/{id}/latest`. */
  getLatestModbusData<const O extends ModbusPointOptions = NoOptions>(
    id: DeviceId | string,
    options?: O,
  ): Apply<R, ModbusPointForOptions<O> | NoData>;
}

/**
 * Which facade an {@link Operations} value is: plain Effects, Effects of {@link ApiResponse}, or Promises.
 *
 * @category models
 */
export type OperationResult = "effect" | "response" | "promise";

/**
 * The return type of an operation in facade `R` for a decoded value `A`.
 *
 * @category models
 */
export type Apply<R extends OperationResult, A> = R extends "effect"
  ? Op<A>
  : R extends "response"
    ? Op<ApiResponse<A>>
    : Promise<A>;

/**
 * A Wattwatchers API v3 client: the 14 operations as Effects failing with `WattwatchersError`, the same as
 * Promises (`promise`) and with status and rate limits (`withResponse`), plus helpers.
 *
 * @example
 * ```ts
 * import { Effect } from "effect";
 * import { makeClient } from "@wattstream/transport";
 *
 * const client = makeClient({ apiKey: process.env.WATTSTREAM_API_KEY!, baseUrl: process.env.WATTSTREAM_API_URL });
 * const ids = await client.promise.listDevices();
 * const device = await Effect.runPromise(client.getDevice(ids[0]!));
 * ```
 * @category services
 */
export interface WattwatchersClient extends Operations<"effect"> {
  /** The same operations returning Promises; rejections are the same `WattwatchersError` values. */
  readonly promise: Operations<"promise"> & {
    /** {@link WattwatchersClient.longEnergyRange}, collected into one array. */
    longEnergyRange<const O extends LongEnergyRangeOptions = NoOptions>(
      id: DeviceId | string,
      window: TimeWindow,
      options?: O,
    ): Promise<ReadonlyArray<LongPointForOptions<O>>>;
  };
  /** The same operations returning `{ data, status, rateLimit }`. */
  readonly withResponse: Operations<"response">;
  /** The latest rate-limit state any response of this client reported, `undefined` before the first. */
  rateLimit(): RateLimitState | undefined;
  /**
   * Long energy over any window: chunked with core's `chunkWindow` (5m → 7 days, …), each chunk split in two
   * again if the service still answers 422 for the period, points streamed in timestamp order without
   * duplicates. A device that never reported long energy (204) gives an empty stream.
   */
  longEnergyRange<const O extends LongEnergyRangeOptions = NoOptions>(
    id: DeviceId | string,
    window: TimeWindow,
    options?: O,
  ): Stream.Stream<LongPointForOptions<O>, WattwatchersError>;
}

/**
 * The key of the {@link WattwatchersClient} service, with `layer(options)` to provide a real client.
 *
 * @category services
 */
export interface WattwatchersClientService extends Context.Service<WattwatchersClient, WattwatchersClient> {
  /**
   * A layer providing a client made by `makeClient(options)`; it fails with `InvalidRequest` (operation
   * `makeClient`) for a malformed key or an unsafe base URL instead of throwing.
   */
  readonly layer: (options: ClientOptions) => Layer.Layer<WattwatchersClient, InvalidRequest>;
}

/**
 * The client as an Effect service: `yield* WattwatchersClient` in a program, `WattwatchersClient.layer(options)`
 * to provide a real one, and `Layer.succeed(WattwatchersClient, stub)` to swap in a stub in tests, as with
 * Effect's own `HttpClient`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect";
 * import { WattwatchersClient } from "@wattstream/transport";
 *
 * const program = Effect.gen(function* () {
 *   const client = yield* WattwatchersClient;
 *   return yield* client.listDevices();
 * });
 * const ids = await Effect.runPromise(
 *   program.pipe(Effect.provide(WattwatchersClient.layer({ apiKey: process.env.WATTSTREAM_API_KEY!, baseUrl: process.env.WATTSTREAM_API_URL }))),
 * );
 * ```
 * @category services
 */
export const WattwatchersClient: WattwatchersClientService = Object.assign(
  Context.Service<WattwatchersClient>("@wattstream/transport/WattwatchersClient"),
  {
    layer: (options: ClientOptions): Layer.Layer<WattwatchersClient, InvalidRequest> =>
      Layer.effect(
        WattwatchersClient,
        Effect.try({
          try: () => makeClient(options),
          // makeClient throws nothing else; anything unexpected is still reported as a configuration problem.
          catch: (e) =>
            e instanceof InvalidRequest
              ? e
              : new InvalidRequest({ operation: "makeClient", method: "-", path: "-", input: "options", rule: "client-options", cause: e }),
        }),
      ),
  },
);
