import { describe, expect, it } from "@effect/vitest";
import { Schema } from "effect";
import { BUDGET_LESSOR, BudgetReport, BudgetUnavailable, Lease, LeaseRequest, LeaseReturn } from "../src/index.js";

// The lessor's payloads cross process boundaries: each must survive an encode/decode round trip unchanged, and a
// malformed one must be refused by its schema, not half-read.
describe("BudgetLessor schemas", () => {
  it("round-trips every payload", () => {
    const rateLimit = {
      tps: { limit: 5, remaining: 0, resetSeconds: 0.4 },
      tpd: { limit: 10_000, remaining: 42, resetSeconds: 3600 },
    };
    const samples = [
      [LeaseRequest, { wanted: 10, rateLimit }],
      [LeaseRequest, { wanted: 1 }],
      [Lease, { id: "l1-7", slots: 10, ttlMs: 30_000, maxLatencyMs: 10_000 }],
      [LeaseReturn, { leaseId: "l1-7", unused: 3, rateLimit: {} }],
      [BudgetReport, { _tag: "TooManyRequests", scope: "tpd", retryAfterMs: 5000, rateLimit }],
      [BudgetReport, { _tag: "RateLimitHeaders", rateLimit }],
    ] as const;
    for (const [schema, value] of samples) {
      const codec = schema as Schema.Codec<unknown>;
      expect(Schema.decodeUnknownSync(codec)(Schema.encodeSync(codec)(value))).toEqual(value);
    }
  });

  it("refuses negative or fractional counts and unknown report kinds", () => {
    expect(() => Schema.decodeUnknownSync(Lease)({ id: "a", slots: -1, ttlMs: 1, maxLatencyMs: 1 })).toThrow();
    expect(() => Schema.decodeUnknownSync(LeaseRequest)({ wanted: 1.5 })).toThrow();
    expect(() => Schema.decodeUnknownSync(BudgetReport)({ _tag: "Nope", rateLimit: {} })).toThrow();
  });

  it("BudgetUnavailable is a tagged, encodable error with a message naming the reason", () => {
    const error = new BudgetUnavailable({ reason: "busy", retryAfterMs: 250, detail: "every slot is leased" });
    expect(error._tag).toBe("BudgetUnavailable");
    expect(error.message).toBe("request budget unavailable (busy): every slot is leased; ask again in 250 ms");
    const decoded = Schema.decodeUnknownSync(BudgetUnavailable)(Schema.encodeSync(BudgetUnavailable)(error));
    expect(decoded).toBeInstanceOf(BudgetUnavailable);
    expect(decoded.reason).toBe("busy");
    expect(BUDGET_LESSOR).toBe("@wattstream/resilience/BudgetLessor");
  });
});
