import { isTransient, WATTWATCHERS_ERROR_TAGS } from "@wattstream/resilience";
import { describe, expect, it } from "vitest";
import { Health, verdictOf } from "../src/internal/verdict.js";
import { Effect } from "effect";
import { TestScheduler } from "rxjs/testing";
import { device$ } from "../src/index.js";
import { DEVICE_ID } from "./fixtures/device.js";
import { fakeClient, tagged } from "./helpers.js";

describe("verdictOf: rx's error policy on resilience's model", () => {
  it("never disagrees with isTransient: transient errors are retried, never fatal or degraded at once", () => {
    const all = [...WATTWATCHERS_ERROR_TAGS.map((t) => tagged(t)), tagged("RateLimited", { scope: "tpd", resetAt: 86_400 }), tagged("RateLimited", { scope: "edge" })];
    for (const e of all) {
      const kind = verdictOf(e, 0).kind;
      if (isTransient(e)) expect(["retry", "rateLimited"], e._tag).toContain(kind);
      else expect(kind, e._tag).not.toBe("retry");
    }
  });

  it("follows the table", () => {
    const kinds = Object.fromEntries(WATTWATCHERS_ERROR_TAGS.map((t) => [t, verdictOf(tagged(t), 0).kind]));
    expect(kinds).toEqual({
      BadRequest: "fatal",
      Unauthorized: "fatal",
      Forbidden: "fatal",
      NotPermitted: "fatal",
      NotFound: "fatal",
      Unprocessable: "split",
      RateLimited: "rateLimited",
      ServerError: "retry",
      // A redirect or an oversized body is not transient (the same request gets the same answer) and not a key or
      // request problem either: the stream degrades and keeps polling with back-off.
      UnexpectedRedirect: "degraded",
      ResponseTooLarge: "degraded",
      Timeout: "retry",
      NetworkError: "retry",
      DecodeError: "degraded",
      InvalidRequest: "fatal",
    });
  });

  it("waits for the daily reset after a TPD 429, for Retry-After after a TPS one", () => {
    expect(verdictOf(tagged("RateLimited", { scope: "tpd", resetAt: 86_400 }), 86_000_000)).toEqual({ kind: "rateLimited", retryInMs: 400_000 });
    expect(verdictOf(tagged("RateLimited", { scope: "tps", retryAfter: 2 }), 0)).toEqual({ kind: "rateLimited", retryInMs: 2_000 });
  });

  it("reports non-transient, non-fatal failures as degraded at once, transient ones as retrying first", () => {
    const h = new Health(100, 1_000);
    expect(h.fail(verdictOf(tagged("ServerError"), 0))).toEqual({ status: "retrying", delayMs: 100 });
    const d = new Health(100, 1_000);
    expect(d.fail(verdictOf(tagged("DecodeError"), 0))).toEqual({ status: "degraded", delayMs: 100 });
  });

  it("is only asked about client failures: anything else (a defect, a plain object) ends the stream with it", () => {
    const ts = new TestScheduler((a, b) => expect(a).toEqual(b));
    const bug = new TypeError("x");
    ts.run(({ expectObservable }) => {
      expectObservable(device$(fakeClient({ getDevice: () => Effect.fail(bug) }), DEVICE_ID, { scheduler: ts })).toBe("#", undefined, bug);
    });
  });
});
