// The HTTP surface: a Hono app with CORS, one route per operation, and one pipeline every request goes through
// (edge faults → auth → rate limit → server faults → device → operation → body faults).
import type { HttpBindings } from "@hono/node-server";
import type { DeviceId } from "@wattstream/core";
import { InvalidIdError, parseDeviceId } from "@wattstream/core";
import type { Context } from "hono";
import { Hono } from "hono";
import { cors } from "hono/cors";
import type { FaultEngine, FaultKind, OperationId } from "../Faults.js";
import type { SimClock } from "../SimClock.js";
import { CATEGORIES, MODELS } from "./catalogue.js";
import type { SimDevice } from "./device.js";
import { deviceRecord, settle } from "./device.js";
import type { Query, Variant } from "./query.js";
import type { CacheBudget } from "./responseCache.js";
import { longEnergy, modbus, shortEnergy } from "./energyHandlers.js";
import type { Reply } from "./envelope.js";
import { envelope, fail, failMany, ok } from "./envelope.js";
import type { KeyState, RateLimitOverride } from "./keys.js";
import { KEY_PATTERN, take } from "./keys.js";
import { validatePatch } from "./patch.js";

/** Everything the routes read and change. */
export interface SimState {
  readonly clock: SimClock;
  readonly devices: ReadonlyArray<SimDevice>;
  readonly byId: ReadonlyMap<string, SimDevice>;
  readonly keys: Map<string, KeyState>;
  global: RateLimitOverride;
  readonly backfillRate: number;
  readonly faults: FaultEngine;
  readonly cache: CacheBudget;
  seq: number;
}

type Env = { Bindings: HttpBindings };

interface RouteContext {
  readonly c: Context<Env>;
  readonly state: SimState;
  readonly key: KeyState;
  readonly now: number;
  readonly query: Query;
}

interface DeviceRouteContext extends RouteContext {
  readonly device: SimDevice;
}

const RATE_HEADERS = [
  "X-RateLimit-TpsLimit",
  "X-RateLimit-TpsRemaining",
  "X-RateLimit-TpsReset",
  "X-RateLimit-TpdLimit",
  "X-RateLimit-TpdRemaining",
  "X-RateLimit-TpdReset",
  "X-RateLimit-Limit",
  "X-RateLimit-Remaining",
  "X-RateLimit-Reset",
];

const SERIAL_MESSAGE = "Serial numbers must be 13 characters in length, starting with a B, D, E, F.";

const OPTIONAL_FIELDS = new Set([
  "label",
  "timezone",
  "firmwareVersion",
  "latestStatus",
  "shortEnergyReportingInterval",
  "pending",
  "mode",
  "lastHeardAt",
  "signalQualityDbm",
  "simId",
  "apn",
  "imsi",
  "networkId",
  "categoryId",
  "categoryLabel",
  "ctRating",
  "closedStateLabel",
  "openStateLabel",
  "contactorType",
  "phases",
  "frequency",
  "description",
]);

/** Removes the optional fields (and nothing the payload needs to be decoded) from a body, recursively. */
const omitOptional = (u: unknown): unknown => {
  if (Array.isArray(u)) return u.map(omitOptional);
  if (typeof u !== "object" || u === null) return u;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(u)) if (!OPTIONAL_FIELDS.has(k)) out[k] = omitOptional(v);
  return out;
};

/** Adds unknown fields to every object of a body: the service adds fields over time (api-facts: conventions). */
const extraFields = (u: unknown): unknown => {
  if (Array.isArray(u)) return u.map(extraFields);
  if (typeof u !== "object" || u === null) return u;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(u)) out[k] = extraFields(v);
  out["simFutureFlag"] = true;
  out["simFutureDetail"] = { level: 1, note: "an unknown field a newer API version might send" };
  return out;
};

/** Older responses carry one `X-RateLimit-{Limit,Remaining,Reset}` trio; the simulator's describes the daily budget. */
const legacy = (headers: Record<string, string>, faults: ReadonlySet<FaultKind>): Record<string, string> => {
  if (!faults.has("legacyRateLimitHeaders") || headers["X-RateLimit-TpdLimit"] === undefined) return headers;
  return {
    "X-RateLimit-Limit": headers["X-RateLimit-TpdLimit"],
    "X-RateLimit-Remaining": headers["X-RateLimit-TpdRemaining"] ?? "0",
    "X-RateLimit-Reset": headers["X-RateLimit-TpdReset"] ?? "0",
  };
};

/** Catalogue entries have no optional fields: their labels are the payload. */
const CATALOGUES: ReadonlySet<OperationId> = new Set(["getChannelCategories", "getDeviceModels"]);

const CORS_HEADERS: Readonly<Record<string, string>> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Expose-Headers": [...RATE_HEADERS, "Retry-After"].join(","),
};

const serialize = (
  reply: Reply,
  headers: Record<string, string>,
  faults: ReadonlySet<FaultKind>,
  operation: OperationId,
): Response => {
  const all: Record<string, string> = { ...CORS_HEADERS, ...legacy(headers, faults), ...reply.headers };
  if (reply.body === undefined && reply.text === undefined && reply.bytes === undefined) {
    return new Response(null, { status: reply.status, headers: all });
  }
  all["Content-Type"] = "application/json; charset=utf-8";
  const reshape = (faults.has("omitOptional") && !CATALOGUES.has(operation)) || faults.has("extraFields");
  if (reply.bytes !== undefined && !reshape && !faults.has("truncate")) {
    return new Response(reply.bytes, { status: reply.status, headers: all });
  }
  let text: string;
  const given = reply.bytes === undefined ? reply.text : new TextDecoder().decode(reply.bytes);
  if (reshape) {
    let body: unknown = given === undefined ? reply.body : JSON.parse(given);
    if (faults.has("omitOptional") && !CATALOGUES.has(operation)) body = omitOptional(body);
    if (faults.has("extraFields")) body = extraFields(body);
    text = JSON.stringify(body);
  } else {
    text = given ?? JSON.stringify(reply.body);
  }
  if (faults.has("truncate")) text = text.slice(0, Math.floor(text.length / 2));
  return new Response(text, { status: reply.status, headers: all });
};

const authError = (header: string | undefined): Reply | string => {
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  const token = match?.[1];
  if (token === undefined || !KEY_PATTERN.test(token)) {
    return fail("UNAUTHORIZED", "API key is missing or invalid.");
  }
  return token;
};

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

type Handler = (ctx: RouteContext) => Reply | Promise<Reply>;
type DeviceHandler = (ctx: DeviceRouteContext) => Reply | Promise<Reply>;

/** Wraps an operation in the shared request pipeline. */
const route =
  (state: SimState, operation: OperationId, handler: Handler, deviceParam?: true) =>
  async (c: Context<Env>): Promise<Response> => {
    const seq = ++state.seq;
    const url = new URL(c.req.url);
    const rawDevice = deviceParam ? c.req.param("id") : undefined;
    const faults = state.faults.pick({
      seq,
      at: state.clock.now(),
      operation,
      method: c.req.method,
      path: url.pathname + url.search,
      ...(rawDevice === undefined ? {} : { device: rawDevice }),
    });
    if (faults.latencyMs > 0) await delay(faults.latencyMs);
    if (faults.has("reset")) {
      c.env.incoming.socket.destroy();
      return new Response(null, { status: 500 });
    }
    // Edge throttling comes from the platform in front of the API: no rate-limit headers, no envelope.
    if (faults.has("edgeThrottle")) {
      return new Response("<html><body><h1>429 Too Many Requests</h1></body></html>", {
        status: 429,
        headers: { ...CORS_HEADERS, "Content-Type": "text/html" },
      });
    }
    // 401 and 403 NOT_PERMITTED carry no rate-limit headers: budgets are per key (api-facts: rate limits), and a
    // missing, malformed or unrecognised key has no budget to report. api-facts only promises the headers on
    // successful responses; answering an unidentifiable key without them is the most plausible reading of the
    // real service, and it keeps a client from pacing its real key by a budget that is not its own.
    const auth = authError(c.req.header("Authorization"));
    if (typeof auth !== "string") return serialize(auth, {}, faults, operation);
    const key = state.keys.get(auth);
    if (!key) return serialize(fail("NOT_PERMITTED", "This API key is not recognised."), {}, faults, operation);
    const now = state.clock.now();
    const decision = take(key, state.global, now);
    if (!decision.ok) {
      const code = decision.scope === "tps" ? "TOO_MANY_REQUESTS_TPS" : "TOO_MANY_REQUESTS_TPD";
      const message =
        decision.scope === "tps"
          ? "Too many requests per second for this API key."
          : "The daily request limit for this API key has been reached; it resets at 00:00 UTC.";
      return serialize(fail(code, message, { "Retry-After": String(decision.retryAfter) }), decision.headers, faults, operation);
    }
    if (faults.has("error500")) {
      return serialize(fail("INTERNAL_SERVER_ERROR", "An internal server error occurred."), decision.headers, faults, operation);
    }
    const params = url.searchParams;
    const query: Query = (name) => params.get(name) ?? undefined;
    const reply = await handler({ c, state, key, now, query });
    return serialize(reply, decision.headers, faults, operation);
  };

/** Resolves the `{device-id}` path parameter: 400 for a malformed serial, 404 for one the key may not see. */
const withDevice =
  (handler: DeviceHandler): Handler =>
  (ctx) => {
    const raw = ctx.c.req.param("id") ?? "";
    let id: DeviceId;
    try {
      id = parseDeviceId(raw);
    } catch (e) {
      if (e instanceof InvalidIdError) return fail("BAD_REQUEST", SERIAL_MESSAGE);
      throw e;
    }
    const device = ctx.state.byId.get(id);
    // A device the key may not see is indistinguishable from one that does not exist (api-facts: errors).
    if (!device || !ctx.key.devices.has(id)) return fail("NOT_FOUND", `Device ${id} was not found.`);
    // Pending writes the device has picked up since the last request apply before anything reads the device.
    settle(device, ctx.now);
    return handler({ ...ctx, device });
  };

const update: DeviceHandler = async ({ c, key, device, now }) => {
  const type = c.req.header("Content-Type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    return fail("BAD_REQUEST", "The request body must be JSON (Content-Type: application/json).");
  }
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch {
    return fail("BAD_REQUEST", "The request body is not valid JSON.");
  }
  const outcome = validatePatch(device, body, key.permission);
  if (!outcome.ok) return "forbidden" in outcome ? fail("FORBIDDEN", outcome.forbidden) : failMany(outcome.errors);
  outcome.apply(device, now);
  return ok(deviceRecord(device, now));
};

const energy =
  (fn: typeof shortEnergy, variant: Variant): DeviceHandler =>
  ({ state, device, now, query }) =>
    fn({ device, now, rate: state.backfillRate, query, cache: state.cache }, variant);

/** Builds the Hono app serving all 14 operations over `state`. */
export const makeApp = (state: SimState): Hono<Env> => {
  const app = new Hono<Env>();
  // Preflights go through hono/cors; every other answer carries the same two CORS headers from `serialize`, set
  // up front so node-server can send its cached fast-path response without materialising a WHATWG Response.
  app.options(
    "*",
    cors({
      origin: "*",
      allowMethods: ["GET", "PATCH", "POST", "OPTIONS"],
      allowHeaders: ["Authorization", "Content-Type"],
      exposeHeaders: [...RATE_HEADERS, "Retry-After"],
      maxAge: 600,
    }),
  );
  const r = (op: OperationId, h: Handler): ReturnType<typeof route> => route(state, op, h);
  const d = (op: OperationId, h: DeviceHandler): ReturnType<typeof route> => route(state, op, withDevice(h), true);

  app.get(
    "/devices",
    r("listDevices", ({ state: s, key }) => ok(s.devices.filter((x) => key.devices.has(x.id)).map((x) => x.id))),
  );
  app.get(
    "/devices/channel-categories",
    r("getChannelCategories", () => ok(CATEGORIES)),
  );
  app.get(
    "/devices/models",
    r("getDeviceModels", () => ok(MODELS)),
  );
  app.get(
    "/devices/:id",
    d("getDevice", ({ device, now }) => ok(deviceRecord(device, now))),
  );
  // A POST on an existing device behaves as PATCH (api-facts: conventions).
  app.on(["PATCH", "POST"], "/devices/:id", d("updateDevice", update));

  const families = [
    ["short-energy", shortEnergy, ["getShortEnergyData", "getFirstShortEnergyData", "getLatestShortEnergyData"]],
    ["long-energy", longEnergy, ["getLongEnergyData", "getFirstLongEnergyData", "getLatestLongEnergyData"]],
    ["modbus", modbus, ["getModbusData", "getFirstModbusData", "getLatestModbusData"]],
  ] as const;
  for (const [prefix, fn, [range, first, latest]] of families) {
    app.get(`/${prefix}/:id`, d(range, energy(fn, "range")));
    app.get(`/${prefix}/:id/first`, d(first, energy(fn, "first")));
    app.get(`/${prefix}/:id/latest`, d(latest, energy(fn, "latest")));
  }

  // There is no PUT (api-facts: conventions): known resources answer 405 to any other method.
  const methodNotAllowed = (c: Context<Env>): Response =>
    c.json(envelope("METHOD_NOT_ALLOWED", `${c.req.method} is not supported; use PATCH.`), 405, {
      ...CORS_HEADERS,
      Allow: c.req.path.startsWith("/devices/") ? "GET, PATCH, POST" : "GET",
    });
  for (const path of [
    "/devices",
    "/devices/:id",
    "/short-energy/:id",
    "/short-energy/:id/:which",
    "/long-energy/:id",
    "/long-energy/:id/:which",
    "/modbus/:id",
    "/modbus/:id/:which",
  ]) {
    app.on(["PUT", "DELETE"], path, methodNotAllowed);
  }
  app.notFound((c) => c.json(envelope("NOT_FOUND", `No route for ${c.req.method} ${c.req.path}.`), 404, CORS_HEADERS));
  app.onError((err, c) => {
    // Never echo request headers (the key) into an error body.
    const message = err instanceof Error ? err.message : "unexpected error";
    return c.json(envelope("INTERNAL_SERVER_ERROR", `Simulator error: ${message}`), 500, CORS_HEADERS);
  });
  return app;
};

