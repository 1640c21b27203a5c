// The service's error bodies (api-facts: errors): `{ code, httpCode, message }`, and for PATCH validation
// `{ errors: [envelope, ...] }` with the HTTP status the lowest among them.

export type ErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_PERMITTED"
  | "NOT_FOUND"
  | "METHOD_NOT_ALLOWED"
  | "UNPROCESSABLE_ENTITY"
  | "TOO_MANY_REQUESTS_TPS"
  | "TOO_MANY_REQUESTS_TPD"
  | "INTERNAL_SERVER_ERROR";

const STATUS: Readonly<Record<ErrorCode, number>> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_PERMITTED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  UNPROCESSABLE_ENTITY: 422,
  TOO_MANY_REQUESTS_TPS: 429,
  TOO_MANY_REQUESTS_TPD: 429,
  INTERNAL_SERVER_ERROR: 500,
};

export interface Envelope {
  readonly code: ErrorCode;
  readonly httpCode: number;
  readonly message: string;
}

export const envelope = (code: ErrorCode, message: string): Envelope => ({ code, httpCode: STATUS[code], message });

/** What a route answers: a status and an optional JSON body, plus extra headers. */
export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  /** The body already serialized as JSON (hot paths build it from cached parts); wins over `body`. */
  readonly text?: string;
  /** The body as UTF-8 JSON bytes (a cached whole response); wins over `text` and `body`. */
  readonly bytes?: Uint8Array<ArrayBuffer>;
  readonly headers?: Readonly<Record<string, string>>;
}

export const fail = (code: ErrorCode, message: string, headers?: Record<string, string>): Reply => ({
  status: STATUS[code],
  body: envelope(code, message),
  ...(headers ? { headers } : {}),
});

export const failMany = (errors: ReadonlyArray<Envelope>): Reply => ({
  status: Math.min(...errors.map((e) => e.httpCode)),
  body: { errors },
});

export const ok = (body: unknown): Reply => ({ status: 200, body });

export const noContent: Reply = { status: 204 };
