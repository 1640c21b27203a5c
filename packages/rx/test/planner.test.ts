import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseDeviceId } from "@wattstream/core";
import type { ShortEnergyPoint } from "@wattstream/core";
import { NoData } from "@wattstream/transport";
import type { WattwatchersError } from "@wattstream/resilience";
import { EnergyPlanner } from "../src/planner/index.js";
import type { EnergyEvent, EnergyPlan, EnergyRequest, EnergyResult } from "../src/planner/index.js";
import { tagged } from "./helpers.js";

// Table tests of the pure planner: each row is a state, a time and an answer, and the window, delay and events the
// planner decides. No marbles, no scheduler: times are plain numbers (epoch ms), windows Unix seconds.

const ID = parseDeviceId("D123456789012");
/** A short-energy interval start (a multiple of 30 s). */
const T0 = 1_700_000_010;
const ms = (s: number): number => s * 1000;
const CHANNELS = [] as const;

const point = (t: number, value = 1): ShortEnergyPoint => ({ timestamp: t, duration: 30, eReal: [value] }) as ShortEnergyPoint;

/** A short stream that starts at T0, five seconds after it (the first poll is due at T0 + 30 + margin 1 s). */
const fresh = (options: Partial<EnergyPlanner.EnergyPlannerOptions<"short">> = {}): EnergyPlan<"short"> =>
  EnergyPlanner.initialState({ kind: "short", deviceId: ID, fromTs: T0, channels: CHANNELS, phase: 0, ...options }, ms(T0 + 5));

/** Asks for the request at `at` (s) and answers it at the same time. */
const poll = (state: EnergyPlan<"short">, at: number, answer: EnergyResult<"short">) => {
  const next = EnergyPlanner.next(state, ms(at));
  if (next.kind !== "request") throw new Error(`not due at ${at}: wait ${next.delay} ms`);
  return { request: next.request, ...EnergyPlanner.onResult(next.state, ms(at), answer) };
};

/** Runs answers one after another, each poll at the time the previous step asked for. */
const run = (state: EnergyPlan<"short">, at: number, answers: ReadonlyArray<EnergyResult<"short">>) => {
  const steps: Array<ReturnType<typeof poll> & { readonly at: number }> = [];
  let s = state;
  let t = at;
  for (const answer of answers) {
    const step = poll(s, t, answer);
    steps.push({ ...step, at: t });
    s = step.state;
    t += step.delay / 1000;
  }
  return { steps, state: s, at: t };
};

const interval = (t: number, value = 1): EnergyEvent => ({ type: "interval", deviceId: ID, stream: "short", point: point(t, value), channels: CHANNELS });
const status = (s: "ok" | "retrying" | "degraded" | "rateLimited", error?: WattwatchersError, attempt?: number, retryAt?: number): EnergyEvent =>
  error === undefined ? { type: "status", deviceId: ID, status: s } : { type: "status", deviceId: ID, status: s, error, attempt, retryAt } as EnergyEvent;

describe("EnergyPlanner: when to poll and what to read", () => {
  it.each<{ name: string; state: () => EnergyPlan<"short">; at: number; expected: { wait: number } | { request: EnergyRequest } }>([
    { name: "not yet due: waits until the interval after the watermark is due (+ margin)", state: () => fresh(), at: T0 + 10, expected: { wait: 21_000 } },
    { name: "due: reads forward from the watermark up to now", state: () => fresh(), at: T0 + 31, expected: { request: { kind: "range", fromTs: T0, toTs: T0 + 32 } } },
    { name: "a learned lag moves the due time", state: () => fresh({ lag: 7 }), at: T0 + 37, expected: { wait: 1_000 } },
    {
      name: "settle re-check: after recheckEvery the window reaches back one settle period",
      state: () => ({ ...fresh(), lastRecheck: T0 - 3_600, dueAt: 0 }),
      at: T0 + 31,
      expected: { request: { kind: "range", fromTs: T0 + 31 - 21_600, toTs: T0 + 32 } },
    },
    {
      name: "prompt re-check after an outage: promptRecheckEvery (300 s) instead of an hour",
      state: () => ({ ...fresh(), lastRecheck: T0 - 300, promptUntil: T0 + 10_000, dueAt: 0 }),
      at: T0 + 31,
      expected: { request: { kind: "range", fromTs: T0 + 31 - 21_600, toTs: T0 + 32 } },
    },
    {
      name: "no re-check before promptRecheckEvery",
      state: () => ({ ...fresh(), lastRecheck: T0 - 200, promptUntil: T0 + 10_000, dueAt: 0 }),
      at: T0 + 31,
      expected: { request: { kind: "range", fromTs: T0, toTs: T0 + 32 } },
    },
    {
      name: "catching up: windows of at most maxWindow (12 h for short energy)",
      state: () => fresh({ fromTs: T0 - 86_400 }),
      at: T0 + 5,
      expected: { request: { kind: "range", fromTs: T0 - 86_400, toTs: T0 - 86_400 + 43_200 } },
    },
    { name: "after an empty poll: asks latest first", state: () => ({ ...fresh(), misses: 1, dueAt: 0 }), at: T0 + 33, expected: { request: { kind: "latest" } } },
  ])("$name", ({ state, at, expected }) => {
    const next = EnergyPlanner.next(state(), ms(at));
    if ("wait" in expected) expect(next).toEqual({ kind: "wait", delay: expected.wait });
    else expect(next.kind === "request" && next.request).toEqual(expected.request);
  });
});

describe("EnergyPlanner: what an answer means", () => {
  it("new data: an interval, a checkpoint, and the next poll just after the next interval is due", () => {
    const step = poll(fresh(), T0 + 31, [point(T0)]);
    expect(step.events).toEqual([interval(T0)]);
    expect(step.delay).toBe(30_000);
    expect(step.checkpoint).toEqual({ watermark: T0 + 30, seen: [[T0, expect.any(Number)]], holes: [], lag: 0 });
    expect(step.state.ledger.watermark).toBe(T0 + 30);
  });

  it("miss back-off: eight steps of interval/30 (1 s), then doubling up to maxBackoffMs; each miss asks latest first", () => {
    const { steps } = run(fresh({ maxBackoffMs: 20_000 }), T0 + 31, Array.from({ length: 14 }, () => NoData));
    expect(steps.map((s) => s.delay)).toEqual([1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 2000, 4000, 8000, 16_000, 20_000, 20_000]);
    expect(steps.map((s) => s.request.kind)).toEqual(["range", ...Array.from({ length: 13 }, () => "latest")]);
    expect(steps.every((s) => s.events.length === 0 && s.checkpoint === undefined)).toBe(true);
  });

  it.each<{ name: string; misses: ReadonlyArray<number>; foundAt: number; lag: number }>([
    // Polls at due+1 s (late 1), then found 2 s after the interval end: the lag lies in (1, 2] → learns 1 (minus margin).
    { name: "lag learning: data found after misses teaches the lag (upper bound minus margin)", misses: [T0 + 31], foundAt: T0 + 32, lag: 1 },
    { name: "lag learning keeps the latest miss's lateness as a lower bound", misses: [T0 + 31, T0 + 32, T0 + 33, T0 + 34], foundAt: T0 + 35, lag: 4 },
  ])("$name", ({ misses, foundAt, lag }) => {
    let state = fresh();
    for (const at of misses) state = poll({ ...state, dueAt: 0 }, at, at === misses[0] ? [] : NoData).state;
    // The probe finds a timestamp at the watermark: the range read follows at once, in the same poll.
    const probe = poll({ ...state, dueAt: 0 }, foundAt, { timestamp: T0 });
    expect(probe.request).toEqual({ kind: "latest" });
    expect(probe).toMatchObject({ delay: 0, events: [] });
    const read = poll(probe.state, foundAt, [point(T0)]);
    expect(read.request).toEqual({ kind: "range", fromTs: T0, toTs: foundAt + 1 });
    expect(read.events).toEqual([interval(T0)]);
    expect(read.state.lag).toBeCloseTo(lag * 0.9995, 9);
    expect(read.state.misses).toBe(0);
    // The next poll is due at the next interval end + the learned lag + margin.
    expect(read.delay).toBeCloseTo(ms(T0 + 60 + lag * 0.9995 + 1 - foundAt), 6);
  });

  it("a probe that finds nothing new counts as a miss without a range read", () => {
    const missed = poll(fresh(), T0 + 31, NoData);
    const probe = poll({ ...missed.state, dueAt: 0 }, T0 + 32, { timestamp: T0 - 30 });
    expect(probe.request).toEqual({ kind: "latest" });
    expect(probe.state.misses).toBe(2);
    expect(probe.delay).toBe(1000);
    expect(probe.state.inFlight).toBeUndefined();
  });

  it("data after misses beyond four intervals is an outage, not lag: prompt re-checks for one settle period", () => {
    const missed = poll(fresh(), T0 + 31, []);
    const probe = poll({ ...missed.state, dueAt: 0 }, T0 + 400, { timestamp: T0 });
    const read = poll(probe.state, T0 + 400, [point(T0)]);
    expect(read.state.lag).toBe(0);
    expect(read.state.promptUntil).toBe(T0 + 400 + 21_600);
  });

  it.each<{ name: string; window: number; expected: { windowLimit: number; next: EnergyRequest } }>([
    { name: "422: halves the window and reads again at once from the same start", window: 43_200, expected: { windowLimit: 21_600, next: { kind: "range", fromTs: T0 - 86_400, toTs: T0 - 86_400 + 21_600 } } },
    { name: "422 again: halves once more", window: 21_600, expected: { windowLimit: 10_800, next: { kind: "range", fromTs: T0 - 86_400, toTs: T0 - 86_400 + 10_800 } } },
  ])("$name", ({ window, expected }) => {
    const state = { ...fresh({ fromTs: T0 - 86_400 }), windowLimit: window };
    const step = poll(state, T0 + 5, tagged("Unprocessable", { status: 422 }));
    expect(step).toMatchObject({ events: [], delay: 0, fatal: undefined });
    expect(step.state.windowLimit).toBe(expected.windowLimit);
    const next = EnergyPlanner.next(step.state, ms(T0 + 5));
    expect(next.kind === "request" && next.request).toEqual(expected.next);
  });

  it("422 on a one-interval window cannot be split: a retrying status with back-off", () => {
    const error = tagged("Unprocessable", { status: 422 });
    const step = poll({ ...fresh({ fromTs: T0 - 86_400 }), windowLimit: 30 }, T0 + 5, error);
    expect(step.events).toEqual([status("retrying", error, 1, ms(T0 + 5) + 2_000)]);
    expect(step.delay).toBe(2_000);
  });

  it("gaps: skipped intervals open a hole (prompt re-checks); a back-fill closes it; a hole past its settle deadline is a gap", () => {
    const opened = poll(fresh(), T0 + 91, [point(T0 + 60)]);
    expect(opened.events).toEqual([interval(T0 + 60)]);
    expect(opened.state.ledger.holes).toEqual([[T0, T0 + 60, T0 + 91 + 21_600]]);
    expect(opened.state.promptUntil).toBe(T0 + 91 + 21_600);
    // A re-check reads the back-fill of the first missing interval: emitted (late), the hole shrinks.
    const filled = poll({ ...opened.state, dueAt: 0, lastRecheck: 0 }, T0 + 121, [point(T0), point(T0 + 60), point(T0 + 90)]);
    expect(filled.events).toEqual([interval(T0), interval(T0 + 90)]);
    expect(filled.state.ledger.holes).toEqual([[T0 + 30, T0 + 60, T0 + 91 + 21_600]]);
    // Past the deadline: the poll reports the gap with its answer.
    const late = T0 + 91 + 21_600;
    const expired = poll({ ...filled.state, dueAt: 0, lastRecheck: late }, late, []);
    expect(expired.events).toEqual([{ type: "gap", deviceId: ID, stream: "short", fromTs: T0 + 30, toTs: T0 + 60 }]);
    expect(expired.state.ledger.holes).toEqual([]);
    expect(expired.checkpoint?.holes).toEqual([]);
  });

  it.each<{ name: string; answer: ReadonlyArray<ShortEnergyPoint>; events: ReadonlyArray<EnergyEvent> }>([
    { name: "revision: an emitted interval with other values", answer: [point(T0, 2)], events: [{ type: "revised", deviceId: ID, stream: "short", point: point(T0, 2), channels: CHANNELS }] },
    { name: "re-read of the same values: nothing", answer: [point(T0, 1)], events: [] },
    {
      name: "anomaly: a point off the 30-s grid moves nothing",
      answer: [point(T0 + 31)],
      events: [{ type: "anomaly", deviceId: ID, stream: "short", point: point(T0 + 31), reason: { code: "offGrid", interval: 30 } }],
    },
    {
      name: "anomaly: a point outside the window asked for",
      answer: [point(T0 + 3_000)],
      events: [{ type: "anomaly", deviceId: ID, stream: "short", point: point(T0 + 3_000), reason: { code: "outsideWindow", fromTs: T0 + 61 - 21_600, toTs: T0 + 62 } }],
    },
  ])("$name", ({ answer, events }) => {
    const first = poll(fresh(), T0 + 31, [point(T0)]);
    // A settle re-check (the last one was long ago) reads the emitted interval again.
    const again = poll({ ...first.state, dueAt: 0, lastRecheck: 0 }, T0 + 61, answer);
    expect(again.request).toEqual({ kind: "range", fromTs: T0 + 61 - 21_600, toTs: T0 + 62 });
    expect(again.events).toEqual(events);
    expect(again.state.ledger.watermark).toBe(T0 + 30);
  });

  it.each<{ name: string; errors: ReadonlyArray<WattwatchersError>; statuses: ReadonlyArray<string>; delays: ReadonlyArray<number> }>([
    {
      name: "transient failures: retrying, degraded from the third, resilience's back-off from interval/15 (2 s)",
      errors: [tagged("ServerError"), tagged("Timeout"), tagged("NetworkError"), tagged("ServerError")],
      statuses: ["retrying", "retrying", "degraded", "degraded"],
      delays: [2_000, 4_000, 8_000, 16_000],
    },
    { name: "a TPS 429 waits its Retry-After", errors: [tagged("RateLimited", { retryAfter: 3 })], statuses: ["rateLimited"], delays: [3_000] },
    { name: "a bad response is degraded at once", errors: [tagged("DecodeError")], statuses: ["degraded"], delays: [2_000] },
  ])("$name; the next success reports ok", ({ errors, statuses, delays }) => {
    const { steps, state, at } = run(fresh(), T0 + 31, errors);
    expect(steps.map((s) => s.events.map((e) => e.type === "status" && e.status))).toEqual(statuses.map((s) => [s]));
    expect(steps.map((s) => s.delay)).toEqual(delays);
    expect(steps.map((s) => s.events[0]?.type === "status" && [s.events[0].attempt, s.events[0].retryAt])).toEqual(
      steps.map((s, i) => [i + 1, ms(s.at) + (delays[i] ?? 0)]),
    );
    const ok = poll(state, at, [point(T0)]);
    expect(ok.events).toEqual([status("ok"), interval(T0)]);
    expect(ok.state.health).toEqual({ failures: 0, reported: "ok" });
  });

  it("a fatal failure comes back in `fatal`, with the gaps that expired", () => {
    const error = tagged("Unauthorized");
    const step = poll(fresh(), T0 + 31, error);
    expect(step.fatal).toBe(error);
    expect(step.events).toEqual([]);
  });

  it("rejects an answer without a request in flight, and a single point as a range answer", () => {
    expect(() => EnergyPlanner.onResult(fresh(), ms(T0 + 31), [])).toThrow(/no request in flight/);
    const next = EnergyPlanner.next(fresh(), ms(T0 + 31));
    if (next.kind !== "request") throw new Error("due");
    expect(() => EnergyPlanner.onResult(next.state, ms(T0 + 31), { timestamp: T0 })).toThrow(/a range read answers with points or NoData, not one point/);
  });
});

describe("EnergyPlanner: checkpoints, heartbeats, plain data", () => {
  it("checkpoint: a restart from a step's checkpoint goes on where it stopped and re-checks promptly", () => {
    const first = poll(fresh(), T0 + 31, [point(T0)]);
    const checkpoint = first.checkpoint;
    if (checkpoint === undefined) throw new Error("no checkpoint");
    expect(EnergyPlanner.checkpointOf(first.state)).toEqual(checkpoint);
    const restarted = EnergyPlanner.initialState({ kind: "short", deviceId: ID, channels: CHANNELS, fromTs: T0 - 1_000, phase: 0 }, ms(T0 + 100), checkpoint);
    expect(restarted.ledger.watermark).toBe(T0 + 30);
    expect(restarted.promptUntil).toBe(T0 + 100 + 21_600);
    // The interval emitted before the restart is a duplicate now, not an interval.
    const again = poll({ ...restarted, dueAt: 0, lastRecheck: 0 }, T0 + 100, [point(T0), point(T0 + 30)]);
    expect(again.events).toEqual([interval(T0 + 30)]);
  });

  it.each([
    { name: "a future watermark", watermark: T0 + 10_000, problem: /in the future/ },
    { name: "a watermark older than maxLookBack", watermark: T0 - 400 * 86_400, problem: /older than the 31622400-s look-back/ },
    { name: "a plausible one", watermark: T0 - 60, problem: undefined },
  ])("checkpointProblem: $name", ({ watermark, problem }) => {
    const found = EnergyPlanner.checkpointProblem("short", {}, { watermark, seen: [], holes: [], lag: 0 }, ms(T0));
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toMatch(problem);
  });

  it("heartbeat: lastHeardAt jumping after a silence re-checks the settle window at the next poll", () => {
    const quiet = EnergyPlanner.onHeartbeat(fresh(), ms(T0 + 500), T0);
    expect(quiet.silent).toBe(true);
    const back = EnergyPlanner.onHeartbeat(quiet, ms(T0 + 530), T0 + 529);
    expect(back).toMatchObject({ silent: false, lastRecheck: 0, promptUntil: T0 + 530 + 21_600 });
    const next = EnergyPlanner.next(back, ms(T0 + 531));
    expect(next.kind === "request" && next.request).toEqual({ kind: "range", fromTs: T0 + 531 - 21_600, toTs: T0 + 532 });
    expect(EnergyPlanner.onHeartbeat(back, ms(T0 + 531), undefined)).toBe(back);
  });

  it("channels: events carry the layout given with withChannels; channelsMismatch spots a stale one", () => {
    const channels = [{ id: "D123456789012_C1" }] as unknown as EnergyPlanner.EnergyPlan["channels"];
    const next = EnergyPlanner.next(fresh(), ms(T0 + 31));
    if (next.kind !== "request") throw new Error("due");
    const step = EnergyPlanner.onResult(EnergyPlanner.withChannels(next.state, channels), ms(T0 + 31), [point(T0)]);
    expect(step.events).toEqual([{ ...interval(T0), channels }]);
    expect(EnergyPlanner.channelsMismatch(channels, [point(T0)])).toBe(false);
    expect(EnergyPlanner.channelsMismatch([], [point(T0)])).toBe(true);
  });

  it("the state is plain data: a JSON round trip plans exactly the same", () => {
    const { state, at } = run(fresh(), T0 + 91, [[point(T0 + 60)], NoData, NoData]);
    const copy = JSON.parse(JSON.stringify(state)) as EnergyPlan<"short">;
    expect(copy).toEqual(state);
    expect(EnergyPlanner.next(copy, ms(at))).toEqual(EnergyPlanner.next(state, ms(at)));
  });

  it("never changes a state it was given (deep-frozen states plan, revise, forget and back-fill without throwing)", () => {
    const deepFreeze = <T>(value: T): T => {
      if (typeof value === "object" && value !== null) {
        for (const v of Object.values(value)) deepFreeze(v);
        Object.freeze(value);
      }
      return value;
    };
    const opened = poll(fresh(), T0 + 91, [point(T0 + 60)]).state;
    const frozen = deepFreeze(structuredClone(opened));
    const before = JSON.stringify(frozen);
    // A re-check that back-fills, revises, and (a settle period later) forgets old fingerprints.
    const step = poll({ ...frozen, dueAt: 0, lastRecheck: 0 }, T0 + 121, [point(T0), point(T0 + 60, 5), point(T0 + 90)]);
    expect(step.events.map((e) => e.type)).toEqual(["interval", "revised", "interval"]);
    const later = poll(deepFreeze({ ...step.state, dueAt: 0 }), T0 + 30_000, []);
    expect(later.state.ledger.fp.length).toBeLessThan(step.state.ledger.fp.length);
    expect(JSON.stringify(frozen)).toBe(before);
  });

  it("abandoning a request commits nothing: the same state plans the same request again", () => {
    const state = fresh();
    const first = EnergyPlanner.next(state, ms(T0 + 31));
    const again = EnergyPlanner.next(state, ms(T0 + 31));
    expect(again).toEqual(first);
    expect(state.inFlight).toBeUndefined();
  });

  it("a poll of a stream keeping up (no holes, no anomalies) leaves its ledger as it is: nothing rebuilt per poll", () => {
    const keptUp = run(fresh(), T0 + 31, [[point(T0)], [point(T0 + 30)], [point(T0 + 60)]]).state;
    const next = EnergyPlanner.next(keptUp, keptUp.dueAt);
    if (next.kind !== "request") throw new Error("due");
    // The very same data (no unrolled, copied settle window), and the same request as from a rebuilt ledger.
    expect(next.state.ledger).toBe(keptUp.ledger);
    expect(next.request).toEqual({ kind: "range", fromTs: T0 + 90, toTs: Math.floor(keptUp.dueAt / 1000) + 1 });
    // With a hole open, the poll rebuilds it and reports the gap once its deadline passed.
    const holed = poll(keptUp, keptUp.dueAt / 1000, [point(T0 + 120)]).state;
    expect(holed.ledger.holes).toHaveLength(1);
    const late = EnergyPlanner.next({ ...holed, dueAt: 0 }, ms(T0 + 7 * 3600));
    if (late.kind !== "request") throw new Error("due");
    expect(late.state.ledger).not.toBe(holed.ledger);
    expect(late.state.ledger.holes).toEqual([]);
    expect(late.state.inFlight?.expired).toEqual([{ type: "gap", deviceId: ID, stream: "short", fromTs: T0 + 90, toTs: T0 + 120 }]);
  });
});

describe("@wattstream/rx/planner", () => {
  it("loads no rxjs: its run-time import graph holds only the planner, core, resilience and effect", () => {
    const src = resolve(dirname(fileURLToPath(import.meta.url)), "../src");
    const bare = new Set<string>();
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      // Run-time imports and re-exports only: `import type` / `export type` vanish from the built JavaScript.
      for (const [, specifier] of readFileSync(file, "utf8").matchAll(/^(?:import|export)(?! type)[^;]*?from "([^"]+)";/gms)) {
        if (specifier === undefined) continue;
        if (specifier.startsWith(".")) visit(resolve(dirname(file), specifier.replace(/\.js$/, ".ts")));
        else bare.add(specifier);
      }
    };
    visit(resolve(src, "planner/index.ts"));
    expect([...seen].map((f) => f.slice(src.length + 1)).sort()).toEqual([
      "internal/EnergyLedger.ts",
      "internal/timerDelay.ts",
      "internal/verdict.ts",
      "planner/EnergyPlanner.ts",
      "planner/index.ts",
    ]);
    expect([...bare].sort()).toEqual(["@wattstream/core", "@wattstream/resilience"]);
  });
});

describe("EnergyPlanner: a fleet's polls are spread over the margin (phase)", () => {
  const dueAfterStart = (options: Partial<EnergyPlanner.EnergyPlannerOptions<"short">>): number => {
    const next = EnergyPlanner.next(EnergyPlanner.initialState({ kind: "short", deviceId: ID, fromTs: T0, channels: CHANNELS, ...options }, ms(T0 + 5)), ms(T0 + 5));
    if (next.kind !== "wait") throw new Error("expected a wait before the first interval is due");
    return next.delay;
  };
  // Due at T0 + 30 (interval end) + 1 s margin; the phase adds a fraction of the margin.
  const base = ms(T0 + 30 + 1) - ms(T0 + 5);

  it.each([
    { phase: 0, delay: base },
    { phase: 0.5, delay: base + 500 },
    { phase: -1, delay: base },
    { phase: 7, delay: base + 999 },
  ])("phase $phase → first poll $delay ms after the start", ({ phase, delay }) => {
    expect(dueAfterStart({ phase })).toBeCloseTo(delay, 6);
  });

  it("by default each device gets its own fixed phase within the margin, the same on every start", () => {
    const delays = Array.from({ length: 40 }, (_, i) => {
      const deviceId = parseDeviceId(`D${String(100_000_000_000 + i * 7919)}`);
      return dueAfterStart({ deviceId });
    });
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(base);
      expect(d).toBeLessThan(base + 1000);
    }
    expect(new Set(delays).size).toBeGreaterThan(30);
    expect(dueAfterStart({ deviceId: parseDeviceId("D100000007919") })).toBe(delays[1]);
  });
});
