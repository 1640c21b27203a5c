// Type-level checks of the planner (run by the typecheck target): the kind flows from the options through the state
// to the results it takes and the events it gives, with core's point types and resilience's error union.
import type { DeviceId, LongEnergyPoint, ShortEnergyPoint } from "@wattstream/core";
import type { WattwatchersError } from "@wattstream/resilience";
import type { NoData, WattwatchersClient } from "@wattstream/transport";
import type { Effect } from "effect";
import { describe, expectTypeOf, it } from "vitest";
import { EnergyPlanner } from "../src/planner/index.js";
import type { EnergyEvent, EnergyPlan, EnergyResult, EnergyStep } from "../src/planner/index.js";

declare const id: DeviceId;
declare const _client: WattwatchersClient;
type Interval<E> = Extract<E, { readonly type: "interval" | "revised" }>;
type Status<E> = Extract<E, { readonly type: "status" }>;
type Success<T> = T extends Effect.Effect<infer A, infer _E, infer _R> ? A : never;

describe("EnergyPlanner types", () => {
  it("the kind flows from the options to the state and the events", () => {
    const short = EnergyPlanner.initialState({ kind: "short", deviceId: id }, 0);
    expectTypeOf(short).toEqualTypeOf<EnergyPlan<"short">>();
    const next = EnergyPlanner.next(short, 0);
    if (next.kind === "request") {
      const step = EnergyPlanner.onResult(next.state, 0, [] as ReadonlyArray<ShortEnergyPoint>);
      expectTypeOf(step).toEqualTypeOf<EnergyStep<"short">>();
      expectTypeOf<Interval<(typeof step.events)[number]>["point"]>().toEqualTypeOf<ShortEnergyPoint>();
      expectTypeOf<Status<(typeof step.events)[number]>["error"]>().toEqualTypeOf<WattwatchersError | undefined>();
      expectTypeOf(step.fatal).toEqualTypeOf<WattwatchersError | undefined>();
      // @ts-expect-error: neither is a bare timestamp
      EnergyPlanner.onResult(next.state, 0, 1_700_000_000);
    }
  });

  it("transport's answers (range, latest with fields, failures) are results without a cast", () => {
    type Range = Success<ReturnType<typeof _client.getShortEnergyData<{ fromTs: number; toTs: number; retry: false }>>>;
    type Latest = Success<ReturnType<typeof _client.getLatestShortEnergyData<{ fields: ["timestamp"]; retry: false }>>>;
    expectTypeOf<Range>().toExtend<EnergyResult<"short">>();
    expectTypeOf<Latest>().toExtend<EnergyResult<"short">>();
    expectTypeOf<WattwatchersError>().toExtend<EnergyResult<"short">>();
    expectTypeOf<NoData>().toExtend<EnergyResult<"long">>();
  });

  it("events are the energy streams' events", () => {
    expectTypeOf<EnergyStep<"long">["events"][number]>().toEqualTypeOf<EnergyEvent<LongEnergyPoint>>();
    // @ts-expect-error: a plain string is not a (parsed) device ID
    EnergyPlanner.initialState({ kind: "short", deviceId: "D123456789012" }, 0);
  });
});
