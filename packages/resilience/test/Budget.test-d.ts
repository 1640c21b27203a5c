import type { Effect, Scope } from "effect";
import { expectTypeOf } from "vitest";
import type { makeBudgetLedger, makeLeasedPacer } from "../src/index.js";
import type {
  BudgetLedger,
  BudgetLessor,
  BudgetUnavailable,
  Lease,
  LeaseRequest,
  Pacer,
  RateLimitState,
  RateLimited,
} from "../src/index.js";

// The lessor's error channel is the one typed error, never unknown; give-backs and reports cannot fail.
expectTypeOf<ReturnType<BudgetLessor["lease"]>>().toEqualTypeOf<Effect.Effect<Lease, BudgetUnavailable>>();
expectTypeOf<ReturnType<BudgetLessor["giveBack"]>>().toEqualTypeOf<Effect.Effect<void>>();
expectTypeOf<ReturnType<BudgetLessor["report"]>>().toEqualTypeOf<Effect.Effect<void>>();
expectTypeOf<BudgetUnavailable["reason"]>().toEqualTypeOf<"spent" | "busy" | "unreachable">();
// The forwarded headers are resilience's own RateLimitState, not a copy.
expectTypeOf<NonNullable<LeaseRequest["rateLimit"]>>().toEqualTypeOf<RateLimitState>();
// The leased pacer is a Pacer (what transport's `pacing` option takes), living in a Scope.
expectTypeOf<ReturnType<typeof makeLeasedPacer>>().toEqualTypeOf<Effect.Effect<Pacer, never, Scope.Scope>>();
expectTypeOf<ReturnType<typeof makeBudgetLedger>>().toEqualTypeOf<Effect.Effect<BudgetLedger>>();
expectTypeOf<ReturnType<Pacer["take"]>>().toEqualTypeOf<Effect.Effect<void, RateLimited>>();
