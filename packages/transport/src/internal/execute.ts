/**
 * The one place a request meets the network: pacing, ky, the per-attempt timeout, rate-limit bookkeeping,
 * HTTP → error mapping, JSON parsing, schema decoding and the retry policy. Every operation goes through
 * {@link execute}.
 */
import { Clock, Effect } from "effect";
import type { Schedule, Semaphore } from "effect";
import type { KyInstance } from "ky";
import {
  DecodeError,
  NetworkError,
  Timeout,
  errorFromResponse,
  parseRateLimit,
  withRetry,
} from "@wattstream/resilience";
import type { Pacer, RateLimitState, RetryOptions, VerifyOutcome, WattwatchersError } from "@wattstream/resilience";
import type { ApiResponse } from "../ApiResponse.js";
import type { OperationId } from "../OperationId.js";
import type { DecodeFailure } from "./decode.js";

/** What the client shares between all its requests. */
export interface Transport {
  readonly ky: KyInstance;
  /** The `fetch` ky hands requests to (the caller's, or one forwarding bodiless requests by URL). */
  readonly fetch: (input: Request | URL | string, init?: RequestInit) => Promise<Response>;
  /** Only ever used to scrub errors: the key must never appear in one. */
  readonly secrets: ReadonlyArray<string>;
  /** Per-attempt timeout covering the request and reading the body; `undefined` = none. */
  readonly timeoutMs: number | undefined;
  /** The client's pacer (memoised, made on first use so it reads the running fiber's Clock); none = no pacing. */
  readonly pacer: Effect.Effect<Pacer> | undefined;
  /**
   * TPS slots (absent when pacing is off). A slot is held from before an attempt is sent until one second after
   * its answer arrived. Every request the server counts in one of its one-second windows then held a slot at a
   * common instant, so at most `limit` of them can land in any server second, however long requests spend in
   * transit (a grant-time sliding window alone cannot promise that when latency varies). One slot until the
   * first answer reports the key's TPS limit, so a burst of first requests cannot exceed a limit nobody knows.
   */
  readonly slots: Semaphore.Semaphore | undefined;
  /** Options of resilience's retry policy; `undefined` = a single attempt. */
  readonly retry: RetryOptions | undefined;
  /** resilience's `retryPolicy(retry)`, built once per client for the idempotent methods. */
  readonly retrySchedule: Schedule.Schedule<unknown, unknown> | undefined;
  /** The latest rate-limit state seen by any request of the client, and the slot count in force. */
  readonly state: { rateLimit: RateLimitState | undefined; slots: number; tpsLimit?: number };
}

/** One request: everything needed to send it and to decode its answer. */
export interface Call<A> {
  readonly operation: OperationId;
  readonly method: "GET" | "PATCH";
  /** The path from the API root, starting with `/`, e.g. `/devices/D123456789012`. */
  readonly path: string;
  /** The encoded query string, without `?`. */
  readonly query: string;
  /** The JSON text of the body (PATCH only). */
  readonly body?: string | undefined;
  /** What a 204 means, where it is a legitimate answer (energy and Modbus operations: `NoData`). */
  readonly noContent?: A | undefined;
  readonly decode: (json: unknown) => DecodeFailure | { readonly value: A };
}

interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

const JSON_HEADERS = { "content-type": "application/json" };

/** Sends one attempt and reads its body, within the per-attempt timeout. */
const send = <A>(t: Transport, call: Call<A>): Effect.Effect<RawResponse, NetworkError | Timeout> =>
  Effect.suspend(() => {
    const context = { operation: call.operation, method: call.method, path: call.path, secrets: t.secrets };
    const input = call.query === "" ? call.path.slice(1) : `${call.path.slice(1)}?${call.query}`;
    const timeoutMs = t.timeoutMs;
    let timedOut = false;
    const request = async (signal: AbortSignal): Promise<RawResponse> => {
      // The abort signal goes straight to fetch rather than through ky's `signal` option, which would make ky
      // combine it with its own (AbortSignal.any: weak references and a GC cost on every request); ky has
      // nothing left to abort itself, its retry and timeout being off.
      const fetchWithSignal = (req: Request | URL | string, init?: RequestInit) => t.fetch(req, { ...init, signal });
      const response = await t.ky(
        input,
        call.body === undefined
          ? { method: call.method, fetch: fetchWithSignal }
          : { method: call.method, fetch: fetchWithSignal, body: call.body, headers: JSON_HEADERS },
      );
      const text = await response.text();
      return { status: response.status, headers: response.headers, text };
    };
    // The thunk's signal aborts when the attempt is interrupted (caller interruption or the caller's
    // AbortSignal), which aborts ky's fetch, including a body that is still streaming. The timeout is a plain
    // timer on a second controller rather than an Effect race: it costs a tenth as much per request, and covers
    // reading the body too (ky's own timeout stops at the headers).
    return Effect.tryPromise({
      try: async (signal): Promise<RawResponse> => {
        if (timeoutMs === undefined) return request(signal);
        const controller = new AbortController();
        const forward = () => controller.abort(signal.reason);
        signal.addEventListener("abort", forward, { once: true });
        const timer = setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, timeoutMs);
        try {
          return await request(controller.signal);
        } finally {
          clearTimeout(timer);
          signal.removeEventListener("abort", forward);
        }
      },
      catch: (cause) => (timedOut ? new Timeout({ ...context, timeoutMs }) : new NetworkError({ ...context, cause })),
    });
  });

const attempt = <A>(
  t: Transport,
  call: Call<A>,
  pacer: Pacer | undefined,
): Effect.Effect<ApiResponse<A>, WattwatchersError> =>
  Effect.gen(function* () {
    if (pacer !== undefined) {
      yield* pacer.take(1, { operation: call.operation, method: call.method, path: call.path });
    }
    const raw = yield* send(t, call);
    const now = yield* Clock.currentTimeMillis;
    const rateLimit = parseRateLimit(raw.headers, { now });
    if (rateLimit !== undefined) {
      t.state.rateLimit = rateLimit;
      if (pacer !== undefined) yield* pacer.update(rateLimit);
    }
    if (t.slots !== undefined && raw.status !== 429) {
      // The TPS budget last reported; an answer without one (an error page, legacy headers) changes nothing, and
      // a key that never reports one is not paced per second at all.
      if (rateLimit?.tps !== undefined) t.state.tpsLimit = rateLimit.tps.limit;
      const limit = Math.max(1, Math.floor(t.state.tpsLimit ?? UNLIMITED));
      if (limit !== t.state.slots) {
        t.state.slots = limit;
        yield* t.slots.resize(limit);
      }
    }
    const context = { operation: call.operation, method: call.method, path: call.path, secrets: t.secrets };
    if (raw.status < 200 || raw.status > 299) {
      return yield* Effect.fail(
        errorFromResponse({ ...context, status: raw.status, headers: raw.headers, body: raw.text, now }),
      );
    }
    // api-facts: 204 = never reported data of that kind; it is a value, distinct from 200 [].
    if (raw.status === 204 && call.noContent !== undefined) return { data: call.noContent, status: raw.status, rateLimit };
    let json: unknown;
    try {
      json = JSON.parse(raw.text);
    } catch (e) {
      return yield* Effect.fail(
        new DecodeError({
          ...context,
          status: raw.status,
          payloadPath: "$",
          expected: "a JSON body",
          actual: raw.text === "" ? "an empty body" : `invalid JSON (${e instanceof Error ? e.message : "parse error"})`,
        }),
      );
    }
    const decoded = call.decode(json);
    if (!("value" in decoded)) {
      return yield* Effect.fail(new DecodeError({ ...context, status: raw.status, ...decoded }));
    }
    return { data: decoded.value, status: raw.status, rateLimit };
  });

/** Interrupts `effect` as soon as `signal` aborts (or at once, if it already has). */
const abortable = <A, E>(effect: Effect.Effect<A, E>, signal: AbortSignal | undefined): Effect.Effect<A, E> => {
  if (signal === undefined) return effect;
  return Effect.suspend(() =>
    signal.aborted
      ? Effect.interrupt
      : Effect.raceFirst(
          effect,
          Effect.callback<never>((resume) => {
            const onAbort = () => resume(Effect.interrupt);
            signal.addEventListener("abort", onAbort, { once: true });
            return Effect.sync(() => signal.removeEventListener("abort", onAbort));
          }),
        ),
  );
};

const UNLIMITED = 1_000_000;
/** The service's TPS window: a slot is kept this long after its answer arrived. */
const TPS_WINDOW = "1 second";

/** One attempt, paced: a TPS slot, then the pacer's grant (TPD budget, Retry-After blocks). */
const pacedAttempt = <A>(t: Transport, call: Call<A>): Effect.Effect<ApiResponse<A>, WattwatchersError> => {
  const { pacer: getPacer, slots } = t;
  if (getPacer === undefined) return attempt(t, call, undefined);
  const once = Effect.flatMap(getPacer, (pacer) => attempt(t, call, pacer).pipe(Effect.tapError((e) => pacer.observe(e))));
  if (slots === undefined) return once;
  const slotted = Effect.acquireUseRelease(
    slots.take(1),
    () => once,
    // Released in the background, so the caller does not wait out the window.
    () => Effect.asVoid(Effect.forkDetach(Effect.andThen(Effect.sleep(TPS_WINDOW), slots.release(1)))),
  );
  // A key without a TPS budget has nothing to pace by: skip the slot bookkeeping (a fiber and a timer each).
  return Effect.suspend(() => (t.state.slots >= UNLIMITED ? once : slotted));
};

/**
 * Runs a call: every attempt paced, timed out and decoded; failures retried by resilience's policy (ky's own
 * retry is off, so attempts are never multiplied; a PATCH whose outcome is unknown is only re-sent after
 * `verify` read the device and found it not applied); the whole interrupted when `signal` aborts.
 */
export const execute = <A>(
  t: Transport,
  call: Call<A>,
  signal: AbortSignal | undefined,
  verify?: Effect.Effect<VerifyOutcome<ApiResponse<A>>, WattwatchersError>,
): Effect.Effect<ApiResponse<A>, WattwatchersError> => {
  const once = pacedAttempt(t, call);
  let retried = once;
  if (call.method === "PATCH" && t.retry !== undefined) {
    retried = withRetry(once, { method: call.method, options: t.retry, ...(verify === undefined ? {} : { verify }) });
  } else if (t.retrySchedule !== undefined) {
    const schedule = t.retrySchedule;
    // The policy only runs once an attempt has failed: the first failure is replayed to it as attempt one, so
    // attempt counts and delays are the policy's own, and a success costs no retry machinery at all.
    retried = Effect.catch(once, (first) => {
      let replay = true;
      const again = Effect.suspend(() => {
        if (!replay) return once;
        replay = false;
        return Effect.fail(first);
      });
      return Effect.retry(again, schedule);
    });
  }
  return abortable(retried, signal);
};
