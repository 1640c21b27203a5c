/**
 * The one place a request meets the network: pacing, ky, the per-attempt timeout, rate-limit bookkeeping,
 * HTTP → error mapping, JSON parsing, schema decoding and the retry policy. Every operation goes through
 * {@link execute}.
 */
import { Clock, Effect } from "effect";
import type { Semaphore } from "effect";
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
  /** Only ever used to scrub errors: the key must never appear in one. */
  readonly secrets: ReadonlyArray<string>;
  /** Per-attempt timeout covering the request and reading the body; `undefined` = none. */
  readonly timeoutMs: number | undefined;
  /** The client's pacer (memoised, made on first use so it reads the running fiber's Clock); none = no pacing. */
  readonly pacer: Effect.Effect<Pacer> | undefined;
  /**
   * Until a response has reported the key's budgets, attempts go one at a time, so a burst of first requests
   * (a fleet poller starting) cannot exceed a TPS limit nobody knows yet. Absent when pacing is off.
   */
  readonly warmUp: Semaphore.Semaphore | undefined;
  /** Options of resilience's retry policy; `undefined` = a single attempt. */
  readonly retry: RetryOptions | undefined;
  /** The latest rate-limit state seen by any request of the client. */
  readonly state: { rateLimit: RateLimitState | undefined };
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

const send = <A>(t: Transport, call: Call<A>) => {
  const context = { operation: call.operation, method: call.method, path: call.path, secrets: t.secrets };
  const input = call.query === "" ? call.path.slice(1) : `${call.path.slice(1)}?${call.query}`;
  // The signal handed to the thunk aborts when the attempt is interrupted (timeout, caller interruption or
  // the caller's AbortSignal), which aborts ky's fetch, including a body that is still streaming.
  const http = Effect.tryPromise({
    try: async (signal): Promise<RawResponse> => {
      const response = await t.ky(input, {
        method: call.method,
        signal,
        ...(call.body === undefined ? {} : { body: call.body, headers: JSON_HEADERS }),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, text };
    },
    catch: (cause) => new NetworkError({ ...context, cause }),
  });
  return t.timeoutMs === undefined
    ? http
    : Effect.timeoutOrElse(http, {
        duration: t.timeoutMs,
        orElse: () => Effect.fail(new Timeout({ ...context, timeoutMs: t.timeoutMs })),
      });
};

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

/** One attempt, paced (and one at a time while the key's budgets are still unknown). */
const pacedAttempt = <A>(t: Transport, call: Call<A>): Effect.Effect<ApiResponse<A>, WattwatchersError> => {
  const { pacer: getPacer, warmUp } = t;
  if (getPacer === undefined) return attempt(t, call, undefined);
  return Effect.gen(function* () {
    const pacer = yield* getPacer;
    const once = attempt(t, call, pacer).pipe(Effect.tapError((e) => pacer.observe(e)));
    if (warmUp === undefined || t.state.rateLimit !== undefined) return yield* once;
    // Re-checked under the permit: the request that held it may just have learnt the budgets.
    return yield* warmUp.withPermit(
      Effect.suspend(() => (t.state.rateLimit === undefined ? once : Effect.succeed(undefined))),
    ).pipe(Effect.flatMap((r) => (r === undefined ? once : Effect.succeed(r))));
  });
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
  const retried =
    t.retry === undefined
      ? once
      : withRetry(once, { method: call.method, options: t.retry, ...(verify === undefined ? {} : { verify }) });
  return abortable(retried, signal);
};
