/**
 * The one place a request meets the network: pacing, ky, the per-attempt timeout, rate-limit bookkeeping,
 * HTTP → error mapping, JSON parsing, schema decoding and the retry policy. Every operation goes through
 * {@link execute}.
 */
import { Clock, Effect } from "effect";
import type { KyInstance } from "ky";
import {
  DecodeError,
  NetworkError,
  ResponseTooLarge,
  Timeout,
  UnexpectedRedirect,
  errorFromResponse,
  parseRateLimit,
  redactText,
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
  /** The largest body read, in bytes; a larger one is refused (`ResponseTooLarge`) while reading. */
  readonly maxResponseBytes: number;
  /**
   * The client's pacer (memoised, made on first use so it reads the running fiber's Clock); none = no pacing.
   * Every attempt runs inside its `pace`: a TPS slot from before sending until a second after the answer, the
   * daily budget, Retry-After blocks (all of it resilience's; nothing is paced here).
   */
  readonly pacer: Effect.Effect<Pacer> | undefined;
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

/** What an answer can be refused as before its body is interpreted. */
type Refusal = UnexpectedRedirect | ResponseTooLarge;

const utf8 = new TextDecoder();

/**
 * Reads a body as UTF-8 text, at most `limit` bytes: a `Content-Length` over the limit is refused before reading,
 * and a body without one (chunked, endless) is cut off once the limit is passed, its stream cancelled (which
 * closes the connection), so a hostile answer costs at most `limit` bytes of memory. `undefined` = too large.
 */
const readText = async (response: Response, limit: number): Promise<string | undefined> => {
  const body = response.body;
  if (body === null) return "";
  const reader = body.getReader();
  const chunks: Array<Uint8Array> = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return utf8.decode(chunks[0]);
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return utf8.decode(all);
};

/** Drops a body that will not be read, without waiting for it (and without an unhandled rejection). */
const discard = (response: Response): void => {
  if (response.body !== null) response.body.cancel().catch(() => undefined);
};

/** Sends one attempt with ky until its status and headers are in (the body not read yet); `signal` aborts it. */
const requestHeaders = async <A>(t: Transport, call: Call<A>, signal: AbortSignal): Promise<Response | Refusal> => {
  const input = call.query === "" ? call.path.slice(1) : `${call.path.slice(1)}?${call.query}`;
  // The abort signal goes straight to fetch rather than through ky's `signal` option, which would make ky
  // combine it with its own (AbortSignal.any: weak references and a GC cost on every request); ky has nothing
  // left to abort itself, its retry and timeout being off. Redirects are never followed (the service never
  // redirects; following one would send the request, key included, wherever a Location points): `manual` gives
  // the 3xx itself to the client in Node (a status-0 `opaqueredirect` in browsers), set on the init as well, so
  // a caller's `fetch` that rebuilds the request still gets it.
  const fetchWithSignal = (req: Request | URL | string, init?: RequestInit) =>
    t.fetch(req, init === undefined ? { signal, redirect: "manual" } : { ...init, signal, redirect: "manual" });
  const response = await t.ky(
    input,
    call.body === undefined
      ? { method: call.method, fetch: fetchWithSignal, redirect: "manual" }
      : { method: call.method, fetch: fetchWithSignal, redirect: "manual", body: call.body, headers: JSON_HEADERS },
  );
  const context = { operation: call.operation, method: call.method, path: call.path, secrets: t.secrets };
  // A `fetch` of the caller's that followed a redirect anyway (`redirected`) must not pass another origin's
  // answer off as the API's.
  if (response.type === "opaqueredirect" || (response.status >= 300 && response.status <= 399) || response.redirected) {
    discard(response);
    return new UnexpectedRedirect({
      ...context,
      status: response.status,
      location: response.redirected ? response.url : response.headers.get("location"),
      requestUrl: response.url,
    });
  }
  const declaredBytes = declaredLength(response);
  if (declaredBytes !== undefined && declaredBytes > t.maxResponseBytes) {
    discard(response);
    return tooLarge(t, call, response, declaredBytes);
  }
  return response;
};

/** The `Content-Length` an answer declares, when it is a plain number. */
const declaredLength = (response: Response): number | undefined => {
  const declared = response.headers.get("content-length");
  return declared === null || !/^\d+$/.test(declared.trim()) ? undefined : Number(declared.trim());
};

const tooLarge = <A>(t: Transport, call: Call<A>, response: Response, declaredBytes: number | undefined): ResponseTooLarge =>
  new ResponseTooLarge({
    operation: call.operation,
    method: call.method,
    path: call.path,
    secrets: t.secrets,
    status: response.status,
    limitBytes: t.maxResponseBytes,
    declaredBytes,
  });

/** Reads the body of an answer whose headers are in (at most `maxResponseBytes`). */
const readBody = async <A>(t: Transport, call: Call<A>, response: Response): Promise<RawResponse | Refusal> => {
  const text = await readText(response, t.maxResponseBytes);
  if (text === undefined) return tooLarge(t, call, response, declaredLength(response));
  return { status: response.status, headers: response.headers, text };
};

/** Sends one attempt with ky and reads its body; `signal` aborts both. */
const request = async <A>(t: Transport, call: Call<A>, signal: AbortSignal): Promise<RawResponse | Refusal> => {
  const response = await requestHeaders(t, call, signal);
  return isRefusal(response) ? response : readBody(t, call, response);
};

/** A refusal rather than an answer (by class: a caller's `fetch` may answer with another realm's `Response`). */
const isRefusal = (r: Response | Refusal): r is Refusal => r instanceof UnexpectedRedirect || r instanceof ResponseTooLarge;

/**
 * Sends one attempt and reads its body. One AbortController per attempt serves every way it can end early:
 * interruption (the caller's, its AbortSignal, or Effect's timeout) and, when `timeoutMs` is given, a plain timer
 * (see {@link send}). `Effect.callback` rather than `Effect.tryPromise`, whose own controller would be a second
 * one to create and link on every request.
 */
const sendRaw = <A>(
  t: Transport,
  call: Call<A>,
  timeoutMs: number | undefined,
): Effect.Effect<RawResponse, NetworkError | Timeout | Refusal> =>
  Effect.callback<RawResponse, NetworkError | Timeout | Refusal>((resume) => {
    const a = attemptControl(t, call, timeoutMs);
    request(t, call, a.controller.signal).then(
      (raw) => {
        a.clear();
        resume("text" in raw ? Effect.succeed(raw) : Effect.fail(raw));
      },
      (cause: unknown) => {
        a.clear();
        resume(Effect.fail(a.failure(cause)));
      },
    );
    // Interrupted: abort the request (a body still streaming included); a late answer is then ignored.
    return Effect.sync(a.abort);
  });

/**
 * One attempt's AbortController and timeout timer (none when `timeoutMs` is undefined): `failure` names what a
 * rejected request was — a `Timeout` once the timer fired, else a `NetworkError`.
 */
const attemptControl = <A>(t: Transport, call: Call<A>, timeoutMs: number | undefined) => {
  const controller = new AbortController();
  let timedOut = false;
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, timeoutMs);
  return {
    controller,
    clear: () => clearTimeout(timer),
    /** Stops the timer and aborts the request (a body still streaming included). */
    abort: () => {
      clearTimeout(timer);
      controller.abort();
    },
    failure: (cause: unknown): NetworkError | Timeout => {
      const context = { operation: call.operation, method: call.method, path: call.path, secrets: t.secrets };
      return timedOut && timeoutMs !== undefined ? new Timeout({ ...context, timeoutMs }) : new NetworkError({ ...context, cause });
    },
  };
};

/** An attempt's failure before or while its answer is read. */
type SendError = NetworkError | Timeout | Refusal;

/** An answer whose status and headers are in, its body still being read (under the attempt's timer and controller). */
interface Headed {
  readonly status: number;
  readonly headers: Headers;
  /** The body read to the end, or why it could not be (never rejects: nobody may be waiting for it). */
  readonly body: Promise<{ readonly raw: RawResponse } | { readonly error: SendError }>;
  readonly controller: AbortController;
}

/**
 * {@link sendRaw} up to the answer's headers: resumes as soon as they are in, the body then read in the background
 * under the same timer (the per-attempt timeout still covers it) and the same controller ({@link readHeaded}'s
 * interruption aborts it). An attempt interrupted after its headers leaves the body to finish or time out on its own.
 */
const sendHeaded = <A>(t: Transport, call: Call<A>, timeoutMs: number | undefined): Effect.Effect<Headed, SendError> =>
  Effect.callback<Headed, SendError>((resume) => {
    const a = attemptControl(t, call, timeoutMs);
    requestHeaders(t, call, a.controller.signal).then(
      (response) => {
        if (isRefusal(response)) {
          a.clear();
          resume(Effect.fail(response));
          return;
        }
        const body = readBody(t, call, response).then(
          (raw) => {
            a.clear();
            return "text" in raw ? { raw } : { error: raw };
          },
          (cause: unknown) => {
            a.clear();
            return { error: a.failure(cause) };
          },
        );
        resume(Effect.succeed({ status: response.status, headers: response.headers, body, controller: a.controller }));
      },
      (cause: unknown) => {
        a.clear();
        resume(Effect.fail(a.failure(cause)));
      },
    );
    return Effect.sync(a.abort);
  });

/** Waits for the body of a {@link Headed} answer; interruption aborts its reading. */
const readHeaded = (headed: Headed): Effect.Effect<RawResponse, SendError> =>
  Effect.callback<RawResponse, SendError>((resume) => {
    headed.body.then((read) => resume("raw" in read ? Effect.succeed(read.raw) : Effect.fail(read.error)));
    return Effect.sync(() => headed.controller.abort());
  });

let liveClockPrototype: object | null | undefined;

/** Whether `clock` is Effect's default (real-time) clock rather than a TestClock or another injected one. */
const isLiveClock = (clock: Clock.Clock): boolean => {
  liveClockPrototype ??= Object.getPrototypeOf(Clock.Clock.defaultValue()) as object | null;
  return Object.getPrototypeOf(clock) === liveClockPrototype;
};

/**
 * One attempt within the per-attempt timeout, which covers reading the body too (ky's own timeout stops at the
 * headers). Time comes from the fiber's Clock: under any injected clock (TestClock in tests) the timeout is
 * Effect's own `timeoutOrElse`, whose interruption aborts the request. Under the default live clock the same rule
 * runs as a plain timer on the attempt's AbortController, because Effect's timeout race measured 1.7× the bare
 * fetch's CPU per request (and more in wall time) against the ≤ 1.5× target of the client benchmark
 * (bench/client.bench.ts), while the timer costs nothing measurable. Both end in the same `Timeout` error.
 */
const send = <A>(t: Transport, call: Call<A>): Effect.Effect<RawResponse, NetworkError | Timeout | Refusal> => {
  const timeoutMs = t.timeoutMs;
  if (timeoutMs === undefined) return sendRaw(t, call, undefined);
  return Effect.clockWith((clock) =>
    isLiveClock(clock)
      ? sendRaw(t, call, timeoutMs)
      : Effect.timeoutOrElse(sendRaw(t, call, undefined), {
          duration: timeoutMs,
          orElse: () =>
            Effect.fail(
              new Timeout({ operation: call.operation, method: call.method, path: call.path, secrets: t.secrets, timeoutMs }),
            ),
        }),
  );
};

/** The error an answer outside 2xx makes. */
const errorOf = <A>(t: Transport, call: Call<A>, raw: RawResponse, now: number): WattwatchersError =>
  errorFromResponse({
    operation: call.operation,
    method: call.method,
    path: call.path,
    secrets: t.secrets,
    status: raw.status,
    headers: raw.headers,
    body: raw.text,
    now,
  });

/** What an answer means: the decoded value, or the error its status, body or payload makes it. */
const interpret = <A>(
  t: Transport,
  call: Call<A>,
  raw: RawResponse,
  rateLimit: RateLimitState | undefined,
  now: number,
): Effect.Effect<ApiResponse<A>, WattwatchersError> => {
  if (raw.status < 200 || raw.status > 299) return Effect.fail(errorOf(t, call, raw, now));
  const context = { operation: call.operation, method: call.method, path: call.path, secrets: t.secrets };
  // api-facts: 204 = never reported data of that kind; it is a value, distinct from 200 [].
  if (raw.status === 204 && call.noContent !== undefined) {
    return Effect.succeed({ data: call.noContent, status: raw.status, rateLimit });
  }
  // JSON.parse keeps `__proto__`, `constructor` and `prototype` keys as own data properties (never as a
  // prototype), and the decoders copy them as data too (test/hostile/prototype.test.ts proves both).
  let json: unknown;
  try {
    json = JSON.parse(raw.text);
  } catch {
    // Described without quoting the body: V8's SyntaxError message quotes its start, and a server (or a proxy's
    // error page) may echo the request, key included, in exactly that place.
    const type = raw.headers.get("content-type")?.split(";")[0]?.trim();
    const kind =
      type === undefined || type === ""
        ? "a body"
        : `${/^[aeiou]/i.test(type) ? "an" : "a"} ${redactText(type.slice(0, 100), t.secrets)} body`;
    return Effect.fail(
      new DecodeError({
        ...context,
        status: raw.status,
        payloadPath: "$",
        expected: "a JSON body",
        actual: raw.text === "" ? "an empty body" : `invalid JSON (${kind} of ${raw.text.length} characters)`,
      }),
    );
  }
  const decoded = call.decode(json);
  if (!("value" in decoded)) return Effect.fail(new DecodeError({ ...context, status: raw.status, ...decoded }));
  return Effect.succeed({ data: decoded.value, status: raw.status, rateLimit });
};

const attempt = <A>(
  t: Transport,
  call: Call<A>,
  pacer: Pacer | undefined,
): Effect.Effect<ApiResponse<A>, WattwatchersError> =>
  Effect.flatMap(send(t, call), (raw) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) => {
      const rateLimit = parseRateLimit(raw.headers, { now });
      if (rateLimit !== undefined) t.state.rateLimit = rateLimit;
      const result = interpret(t, call, raw, rateLimit, now);
      // The pacer learns from every successful answer, one without headers included (the key then has no TPS
      // budget); a failure teaches it only what its headers say (an error page or an edge 429 may carry none).
      return pacer !== undefined && (rateLimit !== undefined || (raw.status >= 200 && raw.status <= 299))
        ? Effect.andThen(pacer.update(rateLimit), result)
        : result;
    }),
  );

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

/** A successful answer's headers, adopted by the pacer; its body still to be read and decoded. */
interface Adopted {
  readonly headed: Headed;
  readonly rateLimit: RateLimitState | undefined;
  readonly now: number;
}

/**
 * One attempt whose TPS slot is held only until its answer's headers are in (plus the pacer's second): the service
 * counted the request before it answered, so reading and decoding the body — which can take longer than the request
 * under load — no longer keeps the slot from the next request. An error answer is read and interpreted inside the
 * slot, so the pacer observes a 429. Live clock only (see {@link send}): under an injected clock the body is read in
 * no time anyway, and the timeout is Effect's, over the whole attempt.
 */
const headedAttempt = <A>(
  t: Transport,
  call: Call<A>,
  pacer: Pacer,
  request: { readonly operation: OperationId; readonly method: string; readonly path: string },
): Effect.Effect<ApiResponse<A>, WattwatchersError> =>
  Effect.flatMap(
    pacer.pace(
      Effect.flatMap(sendHeaded(t, call, t.timeoutMs), (headed) =>
        Effect.flatMap(Clock.currentTimeMillis, (now): Effect.Effect<Adopted, WattwatchersError> => {
          const rateLimit = parseRateLimit(headed.headers, { now });
          if (rateLimit !== undefined) t.state.rateLimit = rateLimit;
          if (headed.status >= 200 && headed.status <= 299) return Effect.as(pacer.update(rateLimit), { headed, rateLimit, now });
          const failed = Effect.flatMap(readHeaded(headed), (raw) => Effect.fail(errorOf(t, call, raw, now)));
          return rateLimit === undefined ? failed : Effect.andThen(pacer.update(rateLimit), failed);
        }),
      ),
      request,
    ),
    (a) => Effect.flatMap(readHeaded(a.headed), (raw) => interpret(t, call, raw, a.rateLimit, a.now)),
  );

/** One attempt, run inside the pacer's `pace` (when pacing is on). */
const pacedAttempt = <A>(t: Transport, call: Call<A>): Effect.Effect<ApiResponse<A>, WattwatchersError> => {
  const getPacer = t.pacer;
  if (getPacer === undefined) return attempt(t, call, undefined);
  const request = { operation: call.operation, method: call.method, path: call.path };
  return Effect.flatMap(getPacer, (pacer) =>
    Effect.clockWith((clock) =>
      isLiveClock(clock) ? headedAttempt(t, call, pacer, request) : pacer.pace(attempt(t, call, pacer), request),
    ),
  );
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
  // resilience's withRetry for every method: it reads the clock before the first attempt, so the policy's
  // maxElapsed budget counts from there (a slow first failure, a timeout, uses up its share), and it builds the
  // schedule only once an attempt has failed, so a success costs a clock read and a `catch`. A PATCH whose
  // outcome is unknown is only re-sent after `verify` read the device and found it not applied.
  const retried =
    t.retry === undefined
      ? once
      : withRetry(once, { method: call.method, options: t.retry, ...(verify === undefined ? {} : { verify }) });
  return abortable(retried, signal);
};
