// Bodies that are not JSON (a proxy's HTML error page, an empty 200, a truncated document) are typed errors that
// describe the body without quoting it; the status still decides the class of an error answer.
import { Effect } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeClient } from "../../src/index.js";
import { DEVICE_ID, guardProcess, hostileServer, KEY } from "./helpers.js";
import type { Hostile } from "./helpers.js";

guardProcess();
const ANSWERS: Record<string, { status: number; type?: string; body: string }> = {
  "/devices": { status: 200, type: "text/html; charset=utf-8", body: "<html><body>Gateway login</body></html>" },
  "/devices/models": { status: 200, body: "" },
  "/devices/channel-categories": { status: 200, type: "application/json", body: '[{"id": 1, "label": "Grid"' },
  [`/devices/${DEVICE_ID}`]: { status: 502, type: "text/html", body: "<h1>502 Bad Gateway</h1>" },
};
let api: Hostile;
beforeAll(async () => {
  api = await hostileServer((req, res) => {
    const a = ANSWERS[req.url ?? ""] ?? { status: 404, body: "" };
    res.writeHead(a.status, a.type === undefined ? {} : { "content-type": a.type });
    res.end(a.body);
  });
});
afterAll(() => api.close());

describe("non-JSON bodies", () => {
  it("are DecodeErrors at $ naming what arrived, or the status's error", async () => {
    const client = makeClient({ apiKey: KEY, baseUrl: api.origin, pacing: false, retry: false });
    const flip = <A>(e: Effect.Effect<A, unknown>) => Effect.runPromise(Effect.flip(e));
    expect(await flip(client.listDevices())).toMatchObject({
      _tag: "DecodeError",
      status: 200,
      payloadPath: "$",
      expected: "a JSON body",
      actual: `invalid JSON (a text/html body of ${ANSWERS["/devices"]!.body.length} characters)`,
    });
    expect(await flip(client.getDeviceModels())).toMatchObject({ _tag: "DecodeError", actual: "an empty body" });
    expect(await flip(client.getChannelCategories())).toMatchObject({
      _tag: "DecodeError",
      actual: expect.stringMatching(/^invalid JSON \(an application\/json body of \d+ characters\)$/),
    });
    expect(await flip(client.getDevice(DEVICE_ID))).toMatchObject({ _tag: "ServerError", status: 502, code: undefined });
  });
});
