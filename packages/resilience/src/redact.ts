// Key redaction, the one routine every package uses. api-facts: keys look like `key_` + 32 characters and travel
// as `Authorization: Bearer <key>`; they must never appear in errors, logs, snapshots or stack traces. Everything
// an error keeps that came from outside (body text, causes, paths, headers) passes through here first, and the CLI
// masks everything it prints with it.

const REDACTED = "[REDACTED]";

/** Header or property names whose values are credentials wherever they appear. */
const SENSITIVE_NAME = /^(authorization|proxy-authorization|x-api-key|api[-_]?key|apikey|token|access[-_]?token|cookie|set-cookie|password|secret)$/i;

// Broad on purpose: a false positive costs a few characters of diagnostics, a false negative leaks a credential.
const KEY_PATTERN = /key_[A-Za-z0-9_-]{8,}/g;
const BEARER_PATTERN = /\b(Bearer|Basic)\s+[^\s"',;}\]]+/gi;

/** The furthest a cause chain or nested object is followed before it is summarised. */
const MAX_DEPTH = 4;
/** Very short "secrets" would shred ordinary text and cannot be real keys. */
const MIN_SECRET_LENGTH = 6;

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");

const base64 = (s: string): string => {
  const bytes = new TextEncoder().encode(s);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
};

/**
 * The forms a secret can come back in from a server or a proxy echoing a request: verbatim, without the `key_`
 * prefix, URL-encoded, JSON-escaped, and base64 (plain and URL-safe, of the key and of `Bearer <key>`: debugging
 * proxies dump the header that way). Matched case-insensitively, so an upper-cased echo is caught too.
 */
const secretForms = (secret: string): ReadonlyArray<string> => {
  const forms = new Set<string>([secret]);
  if (/^key_/i.test(secret) && secret.length - 4 >= MIN_SECRET_LENGTH) forms.add(secret.slice(4));
  forms.add(encodeURIComponent(secret));
  forms.add(JSON.stringify(secret).slice(1, -1));
  for (const text of [secret, `Bearer ${secret}`]) {
    // The whole encoding (padded and not), and the part that does not depend on what follows (whole 3-byte
    // groups), for an echo of a longer text that starts with it.
    const padded = base64(text);
    const b64 = padded.replace(/=+$/, "");
    const stable = b64.slice(0, Math.floor(b64.length / 4) * 4);
    for (const f of [padded, b64, stable]) {
      forms.add(f);
      forms.add(f.replace(/\+/g, "-").replace(/\//g, "_"));
    }
  }
  return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH);
};

const patternCache = new Map<string, RegExp>();

/** One case-insensitive pattern for every form of every listed secret (cached: a client has one key). */
const secretsPattern = (secrets: ReadonlyArray<string>): RegExp | undefined => {
  const usable = secrets.filter((s) => typeof s === "string" && s.length >= MIN_SECRET_LENGTH);
  if (usable.length === 0) return undefined;
  const cacheKey = usable.join("\u0000");
  let pattern = patternCache.get(cacheKey);
  if (pattern === undefined) {
    // Longest first, so a form containing another is replaced whole.
    const forms = [...new Set(usable.flatMap(secretForms))].sort((a, b) => b.length - a.length);
    pattern = new RegExp(forms.map(escapeRegExp).join("|"), "gi");
    if (patternCache.size > 32) patternCache.clear();
    patternCache.set(cacheKey, pattern);
  }
  return pattern;
};

/**
 * Replaces every credential in a text with `[REDACTED]`: each listed secret in any form it may come back in
 * (verbatim, without its `key_` prefix, URL-encoded, JSON-escaped, base64 of the key or of `Bearer <key>`, any
 * letter case), anything shaped like an API key (`key_…`), and whatever follows `Bearer`/`Basic`. This is the one
 * redaction routine of the project: errors, the CLI and logs all use it.
 *
 * @example
 * ```ts
 * import { redactText } from "@wattstream/resilience"
 * redactText("401 for Bearer key_Zq8rT2mW4xN7bV1cL9pK3sD6fG0hJ5aE") // "401 for Bearer [REDACTED]"
 * redactText("echo: Zq8rT2mW4xN7bV1cL9pK3sD6fG0hJ5aE", ["key_Zq8rT2mW4xN7bV1cL9pK3sD6fG0hJ5aE"]) // "echo: [REDACTED]"
 * ```
 * @category error handling
 */
export const redactText = (text: string, secrets: ReadonlyArray<string> = []): string => {
  const pattern = secretsPattern(secrets);
  const out = pattern === undefined ? text : text.replace(pattern, REDACTED);
  return out.replace(KEY_PATTERN, `key_${REDACTED}`).replace(BEARER_PATTERN, `$1 ${REDACTED}`);
};

const isHeadersLike = (u: object): u is { forEach: (cb: (value: string, name: string) => void) => void } =>
  typeof Headers !== "undefined" && u instanceof Headers;

/** Sets an own data property, so a key named `__proto__` stays data and never becomes the prototype. */
const setOwn = (target: Record<string, unknown>, key: string, value: unknown): void => {
  if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
};

/**
 * Returns a redacted, detached copy of an arbitrary value: strings are scrubbed, objects copied with sensitive
 * properties replaced, `Headers` turned into a plain record, errors rebuilt (name, message, stack, code, cause).
 *
 * @example
 * ```ts
 * import { redactValue } from "@wattstream/resilience"
 * redactValue({ headers: { authorization: "Bearer abc" }, note: "key_Zq8rT2mW4xN7bV1cL9pK3sD6fG0hJ5aE" })
 * // { headers: { authorization: "[REDACTED]" }, note: "key_[REDACTED]" }
 * ```
 * @category error handling
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
      setOwn(record, k, SENSITIVE_NAME.test(k) ? REDACTED : redactText(v, secrets));
    });
    return record;
  }
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redactValue(v, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    setOwn(out, k, SENSITIVE_NAME.test(k) ? REDACTED : redactValue(v, secrets, depth + 1));
  }
  return out;
};

/** Rebuilds an error with scrubbed text and a scrubbed cause chain; arbitrary extra properties are dropped. */
const redactError = (error: Error, secrets: ReadonlyArray<string> = [], depth = 0): Error => {
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
