// Public API of @wattstream/resilience: the error model, rate-limit parsing, the retry policy and the pacer.
export {
  BadRequest,
  DecodeError,
  Forbidden,
  InvalidRequest,
  isWattwatchersError,
  NetworkError,
  NotFound,
  NotPermitted,
  RateLimited,
  ServerError,
  Timeout,
  Unauthorized,
  Unprocessable,
  WATTWATCHERS_ERROR_TAGS,
} from "./WattwatchersError.js";
export type {
  HttpError,
  HttpErrorFields,
  DecodeErrorInput,
  ErrorEntry,
  ErrorFields,
  HttpErrorInput,
  InvalidRequestInput,
  NetworkErrorInput,
  RateLimitedInput,
  RateLimitScope,
  RedactionInput,
  RequestContext,
  TimeoutInput,
  WattwatchersError,
} from "./WattwatchersError.js";
export { UnexpectedRedirect } from "./UnexpectedRedirect.js";
export type { UnexpectedRedirectInput } from "./UnexpectedRedirect.js";
export { ResponseTooLarge } from "./ResponseTooLarge.js";
export type { ResponseTooLargeInput } from "./ResponseTooLarge.js";
export { errorFromResponse } from "./errorFromResponse.js";
export type { ResponseInput } from "./errorFromResponse.js";
export { parseRateLimit, parseRetryAfter, secondsUntilUtcMidnight } from "./RateLimit.js";
export type { HeadersInput, ParseRateLimitOptions, RateLimitBudget, RateLimitState } from "./RateLimit.js";
export { backoffCeiling, backoffDelay } from "./backoff.js";
export type { BackoffOptions } from "./backoff.js";
export { RETRY_DEFAULTS, retryPolicy, withRetry } from "./retryPolicy.js";
export type { RetryOptions, VerifyOutcome, WithRetryOptions } from "./retryPolicy.js";
export { makePacer } from "./Pacer.js";
export { clampDelayMs, WAIT_LIMITS } from "./waitLimits.js";
export { classify, isIdempotent, isTransient, RATE_LIMIT_DEFAULT_WAIT_MS, rateLimitWaitMs } from "./classify.js";
export type { Classification, ClassifyOptions, FatalReason, RateLimitedClassification } from "./classify.js";
export { redactText, redactValue } from "./redact.js";
export { describeError } from "./describeError.js";
export type { DescribeErrorOptions } from "./describeError.js";
export type { Pacer, PacerOptions, PacerSnapshot } from "./Pacer.js";
export {
  BUDGET_LESSOR,
  BudgetReport,
  BudgetUnavailable,
  Lease,
  LeasePart,
  LeaseRequest,
  LeaseReturn,
  RateLimitStateSchema,
} from "./BudgetLessor.js";
export type { BudgetLessor } from "./BudgetLessor.js";
export { lessorOf, makeBudgetLedger } from "./BudgetLedger.js";
export type { BudgetLedger, BudgetLedgerOptions, BudgetSnapshot, OpenLease } from "./BudgetLedger.js";
export { makeLeasedPacer } from "./LeasedPacer.js";
export type { LeasedPacerOptions } from "./LeasedPacer.js";
