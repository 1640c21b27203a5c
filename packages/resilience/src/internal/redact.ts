// Key redaction. api-facts: keys look like `key_` + 32 characters and travel as `Authorization: Bearer <key>`;
// they must never appear in errors, logs, snapshots or stack traces. Everything an error keeps that came from
// outside (body text, causes, paths) passes through here first.

const REDACTED = "[REDACTED]";

/** Header or property names whose values are credentials wherever they appear. */
const SENSITIVE_NAME = /^(authorization|proxy-authorization|x-api-key|api[-_]?key|apikey|token|access[-_]?token|cookie|set-cookie|password|secret)$/i;

// Broad on purpose: a false positive costs a few characters of diagnostics, a false negative leaks a credential.
const KEY_PATTERN = /key_[A-Za-z0-9_-]{8,}/g;
const BEARER_PATTERN = /\b(Bearer|Basic)\s+[^\s"',;}\]]+/gi;

/** The furthest a cause chain or nested object is followed before it is summarised. */
const MAX_DEPTH = 4;

/** Replaces every credential-shaped substring, and every explicitly listed secret, in a string. */
export const redactText = (text: string, secrets: ReadonlyArray<string> = []): string => {
  let out = text;
  for (const secret of secrets) {
    // Very short "secrets" would shred ordinary text and cannot be real keys.
    if (secret.length >= 6) out = out.split(secret).join(REDACTED);
  }
  return out.replace(KEY_PATTERN, `key_${REDACTED}`).replace(BEARER_PATTERN, `$1 ${REDACTED}`);
};

const isHeadersLike = (u: object): u is { forEach: (cb: (value: string, name: string) => void) => void } =>
  typeof Headers !== "undefined" && u instanceof Headers;

/**
 * Returns a redacted, detached copy of an arbitrary value: strings are scrubbed, objects copied with sensitive
 * properties replaced, `Headers` turned into a plain record, errors rebuilt (name, message, stack, code, cause).
 */
export const redactValue = (value: unknown, secrets: ReadonlyArray<string> = [], depth = 0): unknown => {
  if (typeof value === "string") return redactText(value, secrets);
  if (value === null || typeof value !== "object") {
    return typeof value === "function" || typeof value === "symbol" ? String(typeof value) : value;
  }
  if (depth >= MAX_DEPTH) return "[Truncated]";
  if (value instanceof Error) return redactError(value, secrets, depth);
  if (isHeadersLike(value)) {
    const record: Record<string, string> = {};
    value.forEach((v, k) => {
      record[k] = SENSITIVE_NAME.test(k) ? REDACTED : redactText(v, secrets);
    });
    return record;
  }
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redactValue(v, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SENSITIVE_NAME.test(k) ? REDACTED : redactValue(v, secrets, depth + 1);
  }
  return out;
};

/** Rebuilds an error with scrubbed text and a scrubbed cause chain; arbitrary extra properties are dropped. */
export const redactError = (error: Error, secrets: ReadonlyArray<string> = [], depth = 0): Error => {
  const cause = (error as { cause?: unknown }).cause;
  const copy = new Error(
    redactText(error.message, secrets),
    cause === undefined ? undefined : { cause: redactValue(cause, secrets, depth + 1) },
  );
  copy.name = redactText(error.name, secrets);
  if (error.stack !== undefined) copy.stack = redactText(error.stack, secrets);
  // Node's system errors carry useful codes (ECONNRESET, UND_ERR_SOCKET); keep them.
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" || typeof code === "number") {
    Object.defineProperty(copy, "code", { value: code, enumerable: true });
  }
  return copy;
};
