/**
 * Long energy over any window. The service rejects (422), never truncates, an over-long window (api-facts), so
 * the window is chunked with core's `chunkWindow` (the vendor notebook's table: 5m → 7 days, …); a chunk the
 * service still refuses with 422 is halved with `splitWindow` and retried, rather than failing the whole range.
 *
 * A Stream rather than an Effect of an array: a year of 5-minute points is ~105 000 objects, which a consumer
 * should be able to write away chunk by chunk (and stop early) instead of holding them all; the Promise facade
 * collects it for callers who do want the array.
 */
import { Effect, Option, Stream } from "effect";
import { chunkWindow, granularitySeconds, splitWindow } from "@wattstream/core";
import type { TimeWindow } from "@wattstream/core";
import { DecodeError, InvalidRequest } from "@wattstream/resilience";
import type { WattwatchersError } from "@wattstream/resilience";
import type { ApiResponse } from "../ApiResponse.js";
import { isNoData } from "../NoData.js";
import type { LongEnergyOptions, LongEnergyRangeOptions } from "../WattwatchersClient.js";

type Fetch = (options: LongEnergyOptions) => Effect.Effect<ApiResponse<unknown>, WattwatchersError>;

/** One step of the pagination: the points to emit, and what is left to fetch. */
type Page = readonly [ReadonlyArray<unknown>, Option.Option<State>];

interface State {
  /** Windows still to fetch, in order. */
  readonly pending: ReadonlyArray<TimeWindow>;
  /** Timestamp of the last point emitted: anything not after it is a duplicate. */
  readonly last: number;
}

const refuse = (detail: string, cause: unknown) =>
  new InvalidRequest({
    operation: "getLongEnergyData",
    method: "GET",
    path: "/long-energy/{device-id}",
    input: "window",
    rule: "window",
    detail,
    cause,
  });

/** A DecodeError for the answer's point `index`; the value itself is described, never copied. */
const malformed = (status: number, index: number, expected: string, point: unknown) => {
  const ts: unknown = typeof point === "object" && point !== null ? (point as { timestamp?: unknown }).timestamp : undefined;
  return new DecodeError({
    operation: "getLongEnergyData",
    method: "GET",
    path: "/long-energy/{device-id}",
    status,
    payloadPath: typeof point === "object" && point !== null ? `$[${index}].timestamp` : `$[${index}]`,
    expected,
    actual: ts === undefined ? "nothing" : typeof ts === "number" ? String(ts) : typeof ts,
  });
};

const timestampOf = (p: unknown): number =>
  typeof p === "object" && p !== null && typeof (p as { timestamp?: unknown }).timestamp === "number"
    ? (p as { timestamp: number }).timestamp
    : Number.NaN;

/** Streams the points of `[window.fromTs, window.toTs)` in order, without duplicates. */
export const longEnergyRange = (
  fetch: Fetch,
  window: TimeWindow,
  options: LongEnergyRangeOptions = {},
): Stream.Stream<unknown, WattwatchersError> =>
  Stream.suspend(() => {
    const { granularity, timezone } = options;
    const zone = timezone === undefined ? {} : { timezone };
    let chunks: ReadonlyArray<TimeWindow>;
    try {
      chunks = chunkWindow(window, "long", granularity, zone);
    } catch (e) {
      return Stream.fail(refuse(e instanceof Error ? e.message : "invalid window", e));
    }
    if (chunks.length === 0) return Stream.empty;
    // No point splitting below two buckets: a half-bucket window only returns a partial aggregate.
    const bucket = granularitySeconds(granularity ?? "5m") ?? 31 * 86_400;
    const step = (state: State) => {
      const [current, ...rest] = state.pending;
      if (current === undefined) return Effect.succeed([[], Option.none<State>()] as const);
      const next = (pending: ReadonlyArray<TimeWindow>, last: number) =>
        pending.length === 0 ? Option.none<State>() : Option.some<State>({ pending, last });
      return fetch({ ...options, fromTs: current.fromTs, toTs: current.toTs }).pipe(
        Effect.flatMap(({ data, status }): Effect.Effect<Page, DecodeError> => {
          // 204: the device never reported long energy; every other chunk would say the same.
          if (isNoData(data) || !Array.isArray(data)) return Effect.succeed([[], Option.none<State>()] as const);
          let last = state.last;
          let previous = -Infinity;
          const fresh: Array<unknown> = [];
          for (let i = 0; i < data.length; i++) {
            const point: unknown = data[i];
            const ts = timestampOf(point);
            // Points of one answer come in ascending order (every documented example, the simulator); an answer
            // that is not is not trusted rather than silently re-sorted or thinned: a gap in a backfill would
            // go unnoticed.
            if (!Number.isFinite(ts)) return Effect.fail(malformed(status, i, "a numeric timestamp", point));
            if (ts <= previous) return Effect.fail(malformed(status, i, `a timestamp after ${previous}`, point));
            previous = ts;
            // Across answers, a point at or before the last one emitted is the boundary bucket that two adjacent
            // chunks share (aggregated buckets can straddle a chunk edge): a duplicate, dropped.
            if (ts > last) {
              fresh.push(point);
              last = ts;
            }
          }
          return Effect.succeed([fresh, next(rest, last)] as const);
        }),
        Effect.catchTag("Unprocessable", (error) => {
          // api-facts: on a 422 for the period, split the window further rather than fail.
          // Depth-first, so a 422 that is not about the length (a bad timestamp) fails after ~log2 requests.
          if (current.toTs - current.fromTs <= 2 * bucket) return Effect.fail(error);
          const halves = splitWindow(current, granularity, zone);
          return Effect.succeed([[], next([...halves, ...rest], state.last)] as const);
        }),
      );
    };
    return Stream.paginate<State, unknown, WattwatchersError>({ pending: chunks, last: -Infinity }, step);
  });
