import type { Duration, Schedule } from "effect";
import { Effect } from "effect";
import { expectTypeOf } from "vitest";
import { errorFromResponse, makePacer, retryPolicy, withRetry } from "../src/index.js";
import type {
  HttpError,
  NotFound,
  Pacer,
  RateLimited,
  RateLimitScope,
  Timeout,
  WattwatchersError,
} from "../src/index.js";

// The union is discriminated by the class names.
expectTypeOf<WattwatchersError["_tag"]>().toEqualTypeOf<
  | "BadRequest"
  | "Unauthorized"
  | "Forbidden"
  | "NotPermitted"
  | "NotFound"
  | "Unprocessable"
  | "RateLimited"
  | "ServerError"
  | "UnexpectedRedirect"
  | "ResponseTooLarge"
  | "Timeout"
  | "NetworkError"
  | "DecodeError"
  | "InvalidRequest"
>();

// Common fields are readable without narrowing.
expectTypeOf<WattwatchersError["status"]>().toEqualTypeOf<number | undefined>();
expectTypeOf<WattwatchersError["operation"]>().toEqualTypeOf<string>();
expectTypeOf<NotFound["status"]>().toEqualTypeOf<number>();
expectTypeOf<Timeout["status"]>().toEqualTypeOf<undefined>();
expectTypeOf<RateLimited["scope"]>().toEqualTypeOf<RateLimitScope>();

// errorFromResponse never builds a no-response kind.
expectTypeOf(errorFromResponse).returns.toEqualTypeOf<HttpError>();
expectTypeOf<Extract<HttpError, { _tag: "Timeout" }>>().toBeNever();

// catchTag narrows to the class.
declare const request: Effect.Effect<string, WattwatchersError>;
const recovered = request.pipe(Effect.catchTag("RateLimited", (e) => Effect.succeed(e.scope)));
expectTypeOf(recovered).toEqualTypeOf<Effect.Effect<string, Exclude<WattwatchersError, RateLimited>>>();

// The policy is a Schedule over any failure; withRetry adds only verify's error.
expectTypeOf(retryPolicy()).toEqualTypeOf<Schedule.Schedule<Duration.Duration, unknown>>();
declare const verifyRead: Effect.Effect<{ readonly applied: false }, NotFound>;
expectTypeOf(withRetry(request, { method: "PATCH", verify: verifyRead })).toEqualTypeOf<
  Effect.Effect<string, WattwatchersError | NotFound>
>();

// The pacer is built in an Effect (one per client, no global instance).
expectTypeOf(makePacer()).toEqualTypeOf<Effect.Effect<Pacer>>();
expectTypeOf<ReturnType<Pacer["take"]>>().toEqualTypeOf<Effect.Effect<void, RateLimited>>();
