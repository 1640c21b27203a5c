import { Cause, Effect, Exit, Option, Scheduler, Stream } from "effect";
import ky from "ky";
import type { DeviceId, TimeWindow } from "@wattstream/core";
import { InvalidRequest, makePacer, WAIT_LIMITS } from "@wattstream/resilience";
import type { Pacer, PacerOptions, WattwatchersError } from "@wattstream/resilience";
import type { ApiResponse } from "./ApiResponse.js";
import type { ClientOptions } from "./ClientOptions.js";
import { CLIENT_DEFAULTS } from "./ClientOptions.js";
import { NoData } from "./NoData.js";
import type { OperationId } from "./OperationId.js";
import type {
  LongEnergyRangeOptions,
  Operations,
  RequestOptions,
  WattwatchersClient,
} from "./WattwatchersClient.js";
import { checkApiKey, checkBaseUrl } from "./internal/baseUrl.js";
import type { Invalid, QueryInput, QueryRules } from "./internal/buildQuery.js";
import { buildQuery, checkDeviceId, isInvalid, needsNow, normalizeFields } from "./internal/buildQuery.js";
import type { Decode } from "./internal/decoders.js";
import {
  decodeChannelCategories,
  decodeDeviceIds,
  deviceDecoder,
  decodeDeviceModels,
  energyDecoder,
  modbusDecoder,
} from "./internal/decoders.js";
import type { Transport } from "./internal/execute.js";
import { execute } from "./internal/execute.js";
import { forwardRequest } from "./internal/forwardRequest.js";
import { longEnergyRange } from "./internal/longEnergyRange.js";
import { patchApplied } from "./internal/patchApplied.js";

type Method = "GET" | "PATCH";
type Answer = Effect.Effect<ApiResponse<unknown>, WattwatchersError>;

/**
 * The client's own pacer, made on the first request's fiber so it reads that fiber's Clock (TestClock in tests),
 * then kept in a plain variable: `Effect.cached` costs several microseconds on every request. Two first requests
 * racing may both build one; the first stored wins and both use it.
 */
const lazyPacer = (options: PacerOptions): Effect.Effect<Pacer> => {
  let pacer: Pacer | undefined;
  return Effect.suspend(() =>
    pacer !== undefined ? Effect.succeed(pacer) : Effect.map(makePacer(options), (made) => (pacer ??= made)),
  );
};

const isPacer = (u: unknown): u is Pacer =>
  typeof u === "object" && u !== null && typeof (u as { take?: unknown }).take === "function";

const configError = (input: string, rule: string, detail: string): InvalidRequest =>
  new InvalidRequest({ operation: "makeClient", method: "-", path: "-", input, rule, detail });

/**
 * Makes a client for the Wattwatchers REST API v3: the 14 operations (named by the contract's operationIds) as
 * Effects that fail with `WattwatchersError`, plus `promise` and `withResponse` facades, `rateLimit()` and
 * `longEnergyRange`. Requests go through ky (retry off: resilience's policy retries, once), are validated before
 * sending, paced, timed out, and decoded with Effect Schema. Throws `InvalidRequest` (operation `makeClient`)
 * for a malformed key or a non-HTTPS, non-loopback base URL.
 *
 * @example
 * ```ts
 * import { Effect } from "effect";
 * import { isNoData, makeClient } from "@wattstream/transport";
 *
 * // WATTSTREAM_API_URL unset: the real API
 * const client = makeClient({ apiKey: process.env.WATTSTREAM_API_KEY!, baseUrl: process.env.WATTSTREAM_API_URL });
 * const program = Effect.gen(function* () {
 *   const [first] = yield* client.listDevices();
 *   const points = yield* client.getLongEnergyData(first!, { convert: "kWh" });
 *   if (!isNoData(points)) console.log(points[0]?.eRealKwh);
 * });
 * await Effect.runPromise(program);
 * ```
 * @category constructors
 */
export const makeClient = (options: ClientOptions): WattwatchersClient => {
  const keyProblem = checkApiKey(options.apiKey);
  if (keyProblem !== undefined) throw configError("apiKey", "api-key", keyProblem);
  const base = checkBaseUrl(options.baseUrl ?? CLIENT_DEFAULTS.baseUrl);
  if ("reason" in base) throw configError("baseUrl", "base-url", base.reason);
  const timeout = options.timeout ?? CLIENT_DEFAULTS.timeoutMs;
  if (timeout !== false && !(Number.isFinite(timeout) && timeout > 0)) {
    throw configError("timeout", "timeout", "timeout must be a positive number of milliseconds or false");
  }
  // A timer cannot hold more: Node would fire it after 1 ms, so every attempt would time out at once.
  if (timeout !== false && timeout > WAIT_LIMITS.maxTimerMs) {
    throw configError("timeout", "timeout", `timeout must be at most ${WAIT_LIMITS.maxTimerMs} ms (what a timer can hold)`);
  }
  const maxResponseBytes = options.maxResponseBytes ?? CLIENT_DEFAULTS.maxResponseBytes;
  if (!(typeof maxResponseBytes === "number" && maxResponseBytes > 0)) {
    throw configError("maxResponseBytes", "max-response-bytes", "maxResponseBytes must be a positive number of bytes");
  }
  const apiKey = options.apiKey;

  const http = ky.create({
    // `prefix` (string joining) rather than `baseUrl` (URL resolution): ky resolves a `baseUrl` by building a
    // `Request` and a `URL` on every call, about 15 µs; the base URL is normalised to end in `/` and every path is
    // one of ours, so joining gives the same URL.
    prefix: base.url,
    headers: { authorization: `Bearer ${apiKey}`, accept: "application/json" },
    // Retries happen once, in resilience's policy: ky retrying underneath would multiply attempts.
    retry: 0,
    // The attempt's timeout is applied around request *and* body (see execute), so ky's own is off.
    timeout: false,
    // Every status is mapped to a WattwatchersError at this one edge, from status, headers and body.
    throwHttpErrors: false,
  });

  const pacing = options.pacing ?? {};
  const t: Transport = {
    ky: http,
    fetch: options.fetch ?? plainFetch,
    secrets: [apiKey],
    timeoutMs: timeout === false ? undefined : timeout,
    maxResponseBytes,
    pacer:
      pacing === false
        ? undefined
        : isPacer(pacing)
          ? Effect.succeed(pacing)
          : lazyPacer(pacing),
    retry: options.retry === false ? undefined : (options.retry ?? {}),
    state: { rateLimit: undefined },
  };

  const refuse = (operation: OperationId, method: Method, path: string, invalid: Invalid): Answer =>
    Effect.fail(
      new InvalidRequest({
        operation,
        method,
        path,
        input: invalid.parameter,
        rule: invalid.rule,
        detail: invalid.reason,
        secrets: t.secrets,
      }),
    );

  /**
   * The transport for one call: the client's own, or (when the call says who retries) a copy with that retry
   * setting. Only a call that passes `retry` pays for the copy.
   */
  const forCall = (o: RequestOptions | undefined): Transport => {
    const retry = o?.retry;
    if (retry === undefined) return t;
    return { ...t, retry: retry === false ? undefined : retry };
  };

  const plain = (operation: OperationId, path: string, decode: Decode, o: RequestOptions | undefined): Answer =>
    execute(forCall(o), { operation, method: "GET", path, query: "", decode }, o?.signal);

  /** A GET on `/<prefix>/<id><suffix>` with a validated ID and query. */
  const onDevice = (
    operation: OperationId,
    prefix: string,
    suffix: string,
    id: unknown,
    input: (QueryInput & RequestOptions) | undefined,
    rules: QueryRules,
    decode: (fields: string | undefined, deviceId: DeviceId) => Decode,
    noContent: unknown,
  ): Answer => {
    const deviceId = checkDeviceId(id);
    if (isInvalid(deviceId)) return refuse(operation, "GET", `/${prefix}/{device-id}${suffix}`, deviceId);
    const path = `/${prefix}/${deviceId}${suffix}`;
    const send = (now: number | undefined): Answer => {
      const query = buildQuery(input, rules, now);
      if (isInvalid(query)) return refuse(operation, "GET", path, query);
      const fields = normalizeFields(input?.fields);
      const fieldText = fields === undefined || isInvalid(fields) ? undefined : fields.join(",");
      return execute(forCall(input), { operation, method: "GET", path, query, decode: decode(fieldText, deviceId), noContent }, input?.signal);
    };
    // The time is read (from the fiber's Clock) only when a defaulted window end depends on it.
    return needsNow(input, rules) ? Effect.clockWith((clock) => send(clock.currentTimeMillisUnsafe() / 1000)) : send(undefined);
  };

  const ENERGY_POINT: QueryRules = { convert: true, filterGroup: true, fields: ["+pf", "timestamp"] };
  const conversion = (o: QueryInput | undefined) =>
    o?.convert === "kW" ? ("kW" as const) : o?.convert === "kWh" ? ("kWh" as const) : ("raw" as const);
  const energy =
    (operation: OperationId, kind: "short" | "long", suffix: "" | "/first" | "/latest") =>
    (id: unknown, o?: QueryInput & RequestOptions): Answer =>
      onDevice(
        operation,
        `${kind}-energy`,
        suffix,
        id,
        o,
        suffix !== "" ? ENERGY_POINT : kind === "short" ? { ...ENERGY_POINT, window: "short" } : { ...ENERGY_POINT, window: "long", granularity: true },
        (fields) => energyDecoder(kind, conversion(o), fields, suffix === "" ? "list" : "point"),
        NoData,
      );
  const modbus =
    (operation: OperationId, suffix: "" | "/first" | "/latest") =>
    (id: unknown, o?: QueryInput & RequestOptions): Answer =>
      onDevice(
        operation,
        "modbus",
        suffix,
        id,
        o,
        suffix === "" ? { window: "modbus", fields: ["timestamp"] } : { fields: ["timestamp"] },
        (fields) => modbusDecoder(fields, suffix === "" ? "list" : "point"),
        NoData,
      );

  const getDevice = (id: unknown, o?: RequestOptions): Answer =>
    onDevice("getDevice", "devices", "", id, o, {}, (_, deviceId) => deviceDecoder(deviceId), undefined);

  const updateDevice = (id: unknown, body: unknown, o?: RequestOptions): Answer => {
    const operation = "updateDevice";
    const deviceId = checkDeviceId(id);
    if (isInvalid(deviceId)) return refuse(operation, "PATCH", "/devices/{device-id}", deviceId);
    const path = `/devices/${deviceId}`;
    const decodeDevice = deviceDecoder(deviceId);
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      return refuse(operation, "PATCH", path, { parameter: "body", rule: "body", reason: "the body must be an object" });
    }
    let text: string;
    try {
      // Sent as it is: read-only fields in a read-modify-write body are ignored by the service (api-facts).
      text = JSON.stringify(body);
    } catch (e) {
      const reason = `the body is not JSON-serialisable (${e instanceof Error ? e.message : "unknown"})`;
      return refuse(operation, "PATCH", path, { parameter: "body", rule: "body", reason });
    }
    // api-facts: no idempotency key; after a lost answer the device is read before any re-send.
    const verify = Effect.map(
      execute(t, { operation: "getDevice", method: "GET", path, query: "", decode: decodeDevice }, undefined),
      (read) => (patchApplied(body, read.data) ? { applied: true as const, value: read } : { applied: false as const }),
    );
    return execute(forCall(o), { operation, method: "PATCH", path, query: "", body: text, decode: decodeDevice }, o?.signal, verify);
  };

  const response = {
    listDevices: (o?: RequestOptions) => plain("listDevices", "/devices", decodeDeviceIds, o),
    getDevice,
    updateDevice,
    getChannelCategories: (o?: RequestOptions) =>
      plain("getChannelCategories", "/devices/channel-categories", decodeChannelCategories, o),
    getDeviceModels: (o?: RequestOptions) => plain("getDeviceModels", "/devices/models", decodeDeviceModels, o),
    getShortEnergyData: energy("getShortEnergyData", "short", ""),
    getFirstShortEnergyData: energy("getFirstShortEnergyData", "short", "/first"),
    getLatestShortEnergyData: energy("getLatestShortEnergyData", "short", "/latest"),
    getLongEnergyData: energy("getLongEnergyData", "long", ""),
    getFirstLongEnergyData: energy("getFirstLongEnergyData", "long", "/first"),
    getLatestLongEnergyData: energy("getLatestLongEnergyData", "long", "/latest"),
    getModbusData: modbus("getModbusData", ""),
    getFirstModbusData: modbus("getFirstModbusData", "/first"),
    getLatestModbusData: modbus("getLatestModbusData", "/latest"),
  } satisfies Record<OperationId, (...args: never[]) => Answer>;

  type Impl = (...args: ReadonlyArray<unknown>) => Answer;
  const names = Object.keys(response) as ReadonlyArray<OperationId>;
  const signalOf = (args: ReadonlyArray<unknown>): AbortSignal | undefined => {
    for (const a of args) {
      const s = typeof a === "object" && a !== null ? (a as RequestOptions).signal : undefined;
      if (s !== undefined) return s;
    }
    return undefined;
  };
  const facade = <R>(wrap: (effect: Answer, args: ReadonlyArray<unknown>) => R) =>
    Object.fromEntries(
      names.map((name) => [name, (...args: ReadonlyArray<unknown>) => wrap((response[name] as Impl)(...args), args)]),
    );

  const effects = facade((effect) => Effect.map(effect, (r) => r.data)) as unknown as Operations<"effect">;
  const range = (id: DeviceId | string, window: TimeWindow, o?: LongEnergyRangeOptions) =>
    longEnergyRange((q) => response.getLongEnergyData(id, q), window, o);

  const client: WattwatchersClient = {
    ...effects,
    withResponse: facade((effect) => effect) as unknown as Operations<"response">,
    promise: {
      ...(facade((effect, args) => runPromise(Effect.map(effect, (r) => r.data), signalOf(args))) as unknown as Operations<"promise">),
      longEnergyRange: (id: DeviceId | string, window: TimeWindow, o?: LongEnergyRangeOptions) =>
        runPromise(Stream.runCollect(range(id, window, o)), o?.signal),
    } as WattwatchersClient["promise"],
    rateLimit: () => t.state.rateLimit,
    longEnergyRange: range as WattwatchersClient["longEnergyRange"],
  };
  return client;
};

/** The default `fetch`: the platform's, bodiless requests forwarded by URL. */
const plainFetch = forwardRequest();

/**
 * The Promise facade's scheduler: fibers resume in microtasks rather than through `setImmediate`, so a call
 * costs no extra event-loop turns beyond its own I/O (a request is a short chain of steps, never a CPU-heavy
 * loop, so nothing is starved).
 */
const promiseScheduler = new Scheduler.MixedScheduler("sync");

/** Runs an Effect as a Promise whose rejection is the error value itself (not a wrapper). */
const runPromise = <A>(effect: Effect.Effect<A, WattwatchersError>, signal: AbortSignal | undefined): Promise<A> =>
  Effect.runPromiseExit(effect, { scheduler: promiseScheduler }).then((exit) => {
    if (Exit.isSuccess(exit)) return exit.value;
    const error = Cause.findErrorOption(exit.cause);
    if (Option.isSome(error)) throw error.value;
    // Aborted through the caller's signal: reject like fetch does, with the signal's reason.
    if (signal?.aborted === true) throw signal.reason;
    throw Cause.squash(exit.cause);
  });
