import { Effect } from "effect";
import type { Observable } from "rxjs";
import {
  BadRequest,
  DecodeError,
  Forbidden,
  InvalidRequest,
  NetworkError,
  NotFound,
  NotPermitted,
  RateLimited,
  ResponseTooLarge,
  ServerError,
  Timeout,
  Unauthorized,
  UnexpectedRedirect,
  Unprocessable,
} from "@wattstream/resilience";
import type { RateLimitScope, WattwatchersError } from "@wattstream/resilience";
import type { WattwatchersClient } from "@wattstream/transport";
import { parseChannelId, parseSwitchId } from "@wattstream/core";

/** A channel ID from its canonical spelling (core's parser: a typo fails the test at once). */
export const channelId = parseChannelId;

/** A switch ID from its canonical spelling. */
export const switchId = parseSwitchId;

/** The methods of a fake client, with the plain signatures a test writes by hand. */
export type FakeMethods<K extends keyof WattwatchersClient> = { readonly [M in K]: (...args: never[]) => Effect.Effect<unknown, unknown> };

/**
 * A fake client for the operations `K`, typed as transport's `WattwatchersClient` narrowed with `Pick` (what the
 * streams ask for). The real operations are generic over their options (the point type follows `convert` and
 * `fields`), which a hand-written fake cannot spell, hence the one cast here; the values the fakes return are built
 * as core's types (`asDevice`, typed points).
 */
export const fakeClient = <K extends keyof WattwatchersClient>(methods: FakeMethods<K>): Pick<WattwatchersClient, K> =>
  methods as unknown as Pick<WattwatchersClient, K>;

/** An Effect backed by an Observable (e.g. a TestScheduler timer), interrupted by unsubscribing it. */
export const effectFrom = <A>(source: Observable<A>, onInterrupt?: () => void): Effect.Effect<A, unknown> =>
  Effect.callback<A, unknown>((resume) => {
    let done = false;
    const sub = source.subscribe({
      next: (v) => {
        done = true;
        resume(Effect.succeed(v));
      },
      error: (e: unknown) => {
        done = true;
        resume(Effect.fail(e));
      },
    });
    return Effect.sync(() => {
      if (!done) onInterrupt?.();
      sub.unsubscribe();
    });
  });

const ctx = { operation: "test", method: "GET", path: "/test" } as const;
const STATUS: Record<string, number> = { BadRequest: 400, Unauthorized: 401, Forbidden: 403, NotPermitted: 403, NotFound: 404, Unprocessable: 422, ServerError: 500 };

/** A real error of resilience's model (what transport fails with), by tag. */
export const tagged = (tag: WattwatchersError["_tag"], extra: { readonly status?: number; readonly scope?: RateLimitScope; readonly retryAfter?: number; readonly resetAt?: number } = {}): WattwatchersError => {
  switch (tag) {
    case "RateLimited":
      return new RateLimited({ ...ctx, scope: extra.scope ?? "tps", retryAfter: extra.retryAfter, resetAt: extra.resetAt });
    case "Timeout":
      return new Timeout({ ...ctx, timeoutMs: 1_000 });
    case "NetworkError":
      return new NetworkError({ ...ctx, cause: new Error("socket hang up") });
    case "DecodeError":
      return new DecodeError({ ...ctx, payloadPath: "$.id", expected: "string" });
    case "InvalidRequest":
      return new InvalidRequest({ ...ctx, input: "x", rule: "device ID" });
    case "UnexpectedRedirect":
      return new UnexpectedRedirect({ ...ctx, status: extra.status ?? 302, location: "https://elsewhere.example/" });
    case "ResponseTooLarge":
      return new ResponseTooLarge({ ...ctx, status: extra.status ?? 200, limitBytes: 16 * 1024 * 1024 });
    default: {
      const Ctor = { BadRequest, Unauthorized, Forbidden, NotPermitted, NotFound, Unprocessable, ServerError }[tag];
      return new Ctor({ ...ctx, status: extra.status ?? STATUS[tag] ?? 500 });
    }
  }
};
