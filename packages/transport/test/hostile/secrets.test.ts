// Key echo: a server (or a proxy's error page) that echoes the key back — in a body that is not JSON (V8's
// JSON.parse message quotes the start of the text), in an error envelope, in headers or a Location, verbatim or
// re-encoded — never gets it into any rendering of the error the client returns.
import { inspect } from "node:util";
import { Cause, Effect } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redactText } from "@wattstream/resilience";
import { makeClient } from "../../src/index.js";
import { DEVICE_ID, guardProcess, hostileServer, KEY } from "./helpers.js";
import type { Hostile } from "./helpers.js";

guardProcess();

const SECRET = KEY.slice(4);
/** Every form of the key a server could plausibly send back. */
const FORMS = [
  KEY,
  SECRET,
  KEY.toUpperCase(),
  SECRET.toLowerCase(),
  encodeURIComponent(KEY),
  Buffer.from(KEY).toString("base64"),
  Buffer.from(`Bearer ${KEY}`).toString("base64"),
  Buffer.from(`Bearer ${KEY}`).toString("base64url"),
];

/** Every 8-character piece of the secret part. */
const PIECES = Array.from({ length: SECRET.length - 7 }, (_, i) => SECRET.slice(i, i + 8).toLowerCase());

/** What each path answers: the key in a different place and form every time. */
const ANSWERS: Record<string, { status: number; type: string; body: string; headers?: Record<string, string> }> = {
  // Non-JSON 200 bodies that start with the key: V8's SyntaxError would quote exactly this.
  "/devices": { status: 200, type: "text/plain", body: `${KEY} is not allowed here` },
  "/devices/models": { status: 200, type: "text/html", body: `${SECRET}<html>` },
  "/devices/channel-categories": { status: 200, type: "application/json", body: `{"echo": "${Buffer.from(`Bearer ${KEY}`).toString("base64")}` },
  // Error envelopes echoing the key in other forms.
  [`/devices/${DEVICE_ID}`]: {
    status: 401,
    type: "application/json",
    body: JSON.stringify({ code: `BAD_${SECRET}`, httpCode: 401, message: `key ${KEY.toUpperCase()} / ${encodeURIComponent(KEY)} refused` }),
    headers: { "www-authenticate": `Bearer realm="${KEY}"`, "x-echo": SECRET },
  },
  [`/short-energy/${DEVICE_ID}`]: { status: 500, type: "text/html", body: `<pre>Authorization: Bearer ${KEY}</pre>` },
  [`/long-energy/${DEVICE_ID}`]: {
    status: 400,
    type: "application/json",
    body: JSON.stringify({ errors: [{ code: "BAD_REQUEST", message: Buffer.from(KEY).toString("base64") }, { code: "X", message: SECRET }] }),
  },
  [`/modbus/${DEVICE_ID}`]: { status: 302, type: "text/plain", body: KEY, headers: { location: `https://${SECRET}.evil.example/?k=${KEY}` } },
};

let api: Hostile;
beforeAll(async () => {
  api = await hostileServer((req, res) => {
    const path = (req.url ?? "").split("?")[0]!;
    const a = ANSWERS[path] ?? { status: 404, type: "text/plain", body: `no ${KEY}` };
    res.writeHead(a.status, { "content-type": a.type, ...(a.headers ?? {}) });
    res.end(a.body);
  });
});
afterAll(() => api.close());

const renderings = (error: unknown): ReadonlyArray<string> => {
  const out = [String(error), JSON.stringify(error), inspect(error, { depth: Infinity, showHidden: true, getters: true })];
  out.push((error as Error).stack ?? "", Cause.pretty(Cause.fail(error)));
  let c: unknown = (error as { cause?: unknown }).cause;
  for (let d = 0; c !== undefined && d < 10; d++) {
    out.push(String(c), JSON.stringify(c) ?? "", inspect(c, { depth: Infinity, showHidden: true }));
    c = (c as { cause?: unknown } | null)?.cause;
  }
  return out;
};

describe("the key echoed back never appears in an error", () => {
  it("in any form, from any place in the answer", async () => {
    const client = makeClient({ apiKey: KEY, baseUrl: api.origin, retry: false, pacing: false });
    const calls: ReadonlyArray<Effect.Effect<unknown, unknown>> = [
      client.listDevices(),
      client.getDeviceModels(),
      client.getChannelCategories(),
      client.getDevice(DEVICE_ID),
      client.getShortEnergyData(DEVICE_ID),
      client.getLongEnergyData(DEVICE_ID),
      client.getModbusData(DEVICE_ID),
    ];
    const errors = await Promise.all(calls.map((c) => Effect.runPromise(Effect.flip(c))));
    expect(errors.map((e) => (e as { _tag: string })._tag)).toEqual([
      "DecodeError",
      "DecodeError",
      "DecodeError",
      "Unauthorized",
      "ServerError",
      "BadRequest",
      "UnexpectedRedirect",
    ]);
    // A non-JSON body is described, never quoted.
    expect(errors[0]).toMatchObject({ payloadPath: "$", expected: "a JSON body", actual: `invalid JSON (a text/plain body of ${ANSWERS["/devices"]!.body.length} characters)` });
    expect(errors[1]).toMatchObject({ actual: expect.stringContaining("text/html") });
    for (const error of errors) {
      for (const text of renderings(error)) {
        for (const form of FORMS) expect(text.toLowerCase()).not.toContain(form.toLowerCase());
        // Not even a piece of it (V8's message quotes about ten characters of the body).
        for (const piece of PIECES) expect(text.toLowerCase()).not.toContain(piece);
      }
    }
  });

  it("the redaction routine the client uses is resilience's one", () => {
    for (const form of FORMS) expect(redactText(`x ${form} y`, [KEY])).toBe("x [REDACTED] y");
  });
});
