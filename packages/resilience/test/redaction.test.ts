import { inspect } from "node:util";
import { Cause, Effect, Exit } from "effect";
import { describe, expect, it } from "vitest";
import {
  DecodeError,
  errorFromResponse,
  InvalidRequest,
  NetworkError,
  RateLimited,
  redactText,
  redactValue,
  ResponseTooLarge,
  Timeout,
  UnexpectedRedirect,
  WATTWATCHERS_ERROR_TAGS,
} from "../src/index.js";
import type { WattwatchersError } from "../src/index.js";

// Two keys: one shaped like a real key (caught by pattern), one arbitrary (caught only because it is listed).
const KEY = "key_Zq8rT2mW4xN7bV1cL9pK3sD6fG0hJ5aE";
const ODD_SECRET = "s3cr3t-n0t-key-shaped-Value";
const secrets = [KEY, ODD_SECRET];
const leakyHeaders = { Authorization: `Bearer ${KEY}`, "X-Debug": ODD_SECRET, "Retry-After": "1" };
const leakyCause = Object.assign(new Error(`connect failed with Authorization: Bearer ${KEY} / ${ODD_SECRET}`), {
  code: "ECONNRESET",
  config: { headers: { authorization: `Bearer ${KEY}` } },
  cause: new Error(`inner ${KEY}`, { cause: { token: ODD_SECRET, nested: [`k=${KEY}`] } }),
});

const build = (secrets: ReadonlyArray<string> | undefined): ReadonlyArray<WattwatchersError> => {
  const ctx = { operation: "getDevice", method: "GET", path: "/devices/D123456789012", secrets };
  return [
  ...[400, 401, 403, 404, 422, 429, 500].map((status) =>
    errorFromResponse({
      ...ctx,
      status,
      headers: leakyHeaders,
      body: { code: `CODE_${ODD_SECRET}`, httpCode: status, message: `your key ${KEY} is ${ODD_SECRET}` },
    }),
  ),
  errorFromResponse({ ...ctx, status: 403, headers: new Headers(leakyHeaders), body: { code: "NOT_PERMITTED", message: KEY } }),
  errorFromResponse({ ...ctx, status: 429, body: `<html>${KEY}</html>` }),
  errorFromResponse({ ...ctx, path: `/devices/${KEY}`, status: 404, body: { errors: [{ code: "X", message: KEY }] } }),
  new RateLimited({ ...ctx, scope: "tpd", serverMessage: KEY }),
  new Timeout({ ...ctx, path: `/devices/${ODD_SECRET}`, timeoutMs: 10 }),
  new UnexpectedRedirect({ ...ctx, status: 302, location: `https://${ODD_SECRET}.example/cb?key=${KEY}#${KEY}` }),
  new UnexpectedRedirect({ ...ctx, status: 301, location: `/devices/${KEY}`, requestUrl: "https://api.example/devices/x" }),
  new ResponseTooLarge({ ...ctx, path: `/devices/${KEY}`, status: 200, limitBytes: 10, declaredBytes: 11 }),
  new NetworkError({ ...ctx, cause: leakyCause }),
  new NetworkError({ ...ctx, cause: { headers: new Headers({ authorization: `Bearer ${KEY}` }), msg: ODD_SECRET } }),
  new NetworkError({ ...ctx, cause: `socket closed ${KEY}` }),
  new DecodeError({ ...ctx, payloadPath: "$.label", expected: "string", actual: KEY, cause: leakyCause }),
  new InvalidRequest({ ...ctx, input: "deviceId", rule: "length", detail: `got ${KEY}`, cause: leakyCause }),
  ];
};
const every = build(secrets);
// Without the client passing its key, anything key-shaped or after "Bearer" is still scrubbed.
const unlisted = build(undefined);
const ctx = { operation: "getDevice", method: "GET", path: "/devices/D123456789012", secrets } as const;

/** Every textual rendering a log line, a snapshot or a crash report could produce, cause chains included. */
const renderings = (e: unknown): ReadonlyArray<string> => {
  const out: Array<string> = [];
  let current: unknown = e;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    out.push(String(current), JSON.stringify(current) ?? "", inspect(current, { depth: Infinity, showHidden: true }));
    if (current instanceof Error) out.push(current.stack ?? "", current.message);
    current = (current as { cause?: unknown }).cause;
  }
  // And as Effect renders it when the failure escapes.
  out.push(Cause.pretty(Cause.fail(e)));
  return out;
};

describe("key redaction", () => {
  it("covers every error kind", () => {
    expect(new Set(every.map((e) => e._tag))).toEqual(new Set(WATTWATCHERS_ERROR_TAGS));
  });

  it.each(every.map((e, i) => [i, e._tag, e] as const))("#%i %s never renders the key", (_i, _tag, error) => {
    for (const text of renderings(error)) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(KEY.slice(4));
      expect(text).not.toContain(ODD_SECRET);
    }
  });

  it.each(unlisted.map((e, i) => [i, e._tag, e] as const))(
    "#%i %s never renders a key-shaped secret even when it was not listed",
    (_i, _tag, error) => {
      for (const text of renderings(error)) expect(text).not.toContain(KEY.slice(4));
    },
  );

  it("keeps the useful part of a cause", () => {
    const e = new NetworkError({ ...ctx, cause: leakyCause });
    expect(e.cause).toBeInstanceOf(Error);
    expect((e.cause as Error).message).toContain("connect failed");
    expect((e.cause as { code?: string }).code).toBe("ECONNRESET");
    expect(e.message).toContain("ECONNRESET");
    expect(((e.cause as Error).cause as Error).message).toBe("inner [REDACTED]");
  });

  it("is also absent when the error fails an Effect", () => {
    const exit = Effect.runSyncExit(Effect.fail(every[0]!));
    expect(Exit.isFailure(exit)).toBe(true);
    expect(inspect(exit, { depth: Infinity })).not.toContain(KEY);
  });
});

describe("redactText: the key in other forms", () => {
  const forms = {
    verbatim: KEY,
    "without its prefix": KEY.slice(4),
    "upper-cased": KEY.toUpperCase(),
    "URL-encoded": encodeURIComponent(`${KEY}/x`).slice(0, -4),
    "base64 of the key": Buffer.from(KEY).toString("base64"),
    "base64 of the Authorization value": Buffer.from(`Bearer ${KEY}`).toString("base64"),
    "URL-safe base64": Buffer.from(`Bearer ${KEY}`).toString("base64url"),
  };
  it.each(Object.entries(forms))("scrubs the key %s", (_name, form) => {
    const text = redactText(`server said: ${form} (end)`, [KEY]);
    expect(text).toContain("server said: ");
    expect(text).toContain(" (end)");
    expect(text).not.toContain(form);
    expect(text.toLowerCase()).not.toContain(KEY.slice(4).toLowerCase());
  });

  it("scrubs an arbitrary secret in a URL-encoded echo and leaves ordinary text alone", () => {
    const secret = "p@ss word/with+signs";
    expect(redactText(`q=${encodeURIComponent(secret)}&x=1`, [secret])).toBe("q=[REDACTED]&x=1");
    expect(redactText("nothing to see here", [KEY, "abc"])).toBe("nothing to see here");
  });

  it("redactValue keeps a __proto__ key as data, never as the prototype", () => {
    const copy = redactValue(JSON.parse(`{"__proto__": {"polluted": "${KEY}"}, "a": {"__proto__": {"x": 1}}}`), [KEY]) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(copy["a"])).toBe(Object.prototype);
    expect((copy as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.hasOwn(copy, "__proto__")).toBe(true);
    expect(JSON.stringify(copy)).not.toContain(KEY);
  });
});
