/**
 * The error codes the service uses (api-facts: errors); open, because older endpoints spell some differently
 * (`Unauthorized`, `UNPROCESSABLE ENTITY`) and new ones may appear.
 *
 * @category models
 */
export type ErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_PERMITTED"
  | "NOT_FOUND"
  | "UNPROCESSABLE_ENTITY"
  | "TOO_MANY_REQUESTS_TPS"
  | "TOO_MANY_REQUESTS_TPD"
  | "INTERNAL_SERVER_ERROR"
  | (string & {});

/**
 * The error body `{ code, httpCode, message }`. `httpCode` can disagree with the HTTP status: trust the status.
 *
 * @category models
 */
export interface ErrorEnvelope {
  readonly code: ErrorCode;
  readonly httpCode?: number;
  readonly message?: string;
  readonly [key: string]: unknown;
}

/**
 * The PATCH error body: always an array of envelopes, the HTTP status being the lowest among them.
 *
 * @category models
 */
export interface MultiErrorEnvelope {
  readonly errors: ReadonlyArray<ErrorEnvelope>;
  readonly [key: string]: unknown;
}

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u);

/**
 * Whether a parsed body is an {@link ErrorEnvelope} (an object with a string `code`).
 *
 * @example
 * ```ts
 * import { isErrorEnvelope } from "@wattstream/core";
 * isErrorEnvelope({ code: "NOT_FOUND", httpCode: 404, message: "…" }); // true
 * ```
 * @category guards
 */
export const isErrorEnvelope = (u: unknown): u is ErrorEnvelope => isRecord(u) && typeof u["code"] === "string";

/**
 * Whether a parsed body is a {@link MultiErrorEnvelope} (an object whose `errors` is an array of envelopes).
 *
 * @example
 * ```ts
 * import { isMultiErrorEnvelope } from "@wattstream/core";
 * isMultiErrorEnvelope({ errors: [{ code: "BAD_REQUEST", httpCode: 400 }] }); // true
 * ```
 * @category guards
 */
export const isMultiErrorEnvelope = (u: unknown): u is MultiErrorEnvelope =>
  isRecord(u) && Array.isArray(u["errors"]) && u["errors"].every(isErrorEnvelope);
