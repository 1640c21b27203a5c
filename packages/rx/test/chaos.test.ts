// The chaos run: rx's fleet and short-energy streams over a server of the test's own that keeps its own truth and
// mixes contract-valid oddities (omitted optional fields, unknown fields, duplicate and out-of-order points, a
// device list with a repeated ID, revisions, intervals that never arrive) and anomalies (points outside the asked
// window, off the grid, with a duration off the grid) with 20 % faults (500s, connection resets, 429 with
// Retry-After), for six simulated hours on a virtual clock. Afterwards the streams are compared with the truth:
// every valid interval exactly once and in order, the latest values of revised ones, every lost interval inside a
// gap, every anomaly reported, nothing else — across a stop and restart from checkpoints halfway.
//
// Durations of 0 or below, fractional timestamps and missing durations are anomalies too (test/anomaly.test.ts),
// but transport may refuse them at decoding (a DecodeError for the whole answer), so the chaos server sticks to
// oddities every decoder must accept.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Subscription } from "rxjs";
import { fleet$, memoryCheckpointStore, perDevice, shortEnergy$ } from "../src/index.js";
import type { DeviceLost, EnergyEvent } from "../src/index.js";
import { startHostile } from "./hostileHarness.js";
import type { Answer, HostileHarness } from "./hostileHarness.js";

const STEP = 30;
const LAG = 3;
const HOUR = 3600;
const T0 = 1_796_083_200; // 2026-12-01T00:00:00Z
const RUN = 6 * HOUR;
const SETTLE = 2 * HOUR;
const IDS = ["D100000000001", "E100000000002", "F100000000003"] as const;
const REVISED_AT = T0 + 2 * HOUR;
const REVISED_FROM = T0 + 90 * 60;

/** mulberry32: a small seeded PRNG, so the run is the same every time. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};
/** A deterministic hash of (device, timestamp): properties of the data itself, the same on every read. */
const hash = (id: string, t: number): number => {
  let h = 2166136261;
  for (const c of `${id}:${t}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return (h >>> 0) % 1000;
};

// The truth.
const lost = (id: string, t: number): boolean => hash(id, t) < 8; // ~0.8 % never arrive
const revised = (id: string, t: number): boolean => t >= REVISED_FROM && t < REVISED_FROM + 5 * STEP && id !== IDS[2];
const values = (id: string, t: number, nowS: number): ReadonlyArray<number> => [hash(id, t) * 10, revised(id, t) && nowS >= REVISED_AT ? 99_999 : 1_000];
const due = (t: number, nowS: number): boolean => t >= T0 - HOUR && t + STEP + LAG <= nowS;

type Point = { readonly timestamp: number; readonly duration: number; readonly [k: string]: unknown };
/** A contract-valid short point; optional fields omitted and unknown fields added as a property of the interval. */
const point = (id: string, t: number, nowS: number): Point => {
  const h = hash(id, t);
  return {
    timestamp: t,
    duration: STEP,
    eReal: values(id, t, nowS),
    eReactive: [1, 2],
    vRMS: [240, 241],
    iRMS: [1, 2],
    ...(h % 5 === 0 ? {} : { frequency: 50 }), // optional: omitted for some intervals
    ...(h % 3 === 0 ? { pf: [0.9, 0.95] } : {}),
    ...(h % 7 === 0 ? { futureField: { note: "new fields appear over time" } } : {}),
  };
};

interface Injected {
  readonly id: string;
  readonly timestamp: number;
  readonly code: string;
}

const envelope = (code: string, httpCode: number) => ({ code, httpCode, message: code.toLowerCase() });

let h: HostileHarness;
const events = new Map<string, Array<EnergyEvent>>();
const lostDevices: Array<DeviceLost> = [];
const injected: Array<Injected> = [];
const faults = { "500": 0, reset: 0, "429": 0 };
let fleetRequests = 0;

beforeAll(async () => {
  const random = prng(20_261_201);
  let serial = 0;
  const fault = (): Answer | undefined => {
    if (random() >= 0.2) return undefined;
    const r = random();
    if (r < 1 / 3) {
      faults["500"]++;
      return { status: 500, body: envelope("INTERNAL_SERVER_ERROR", 500) };
    }
    if (r < 2 / 3) {
      faults.reset++;
      return { reset: true };
    }
    faults["429"]++;
    return { status: 429, body: envelope("TOO_MANY_REQUESTS_TPS", 429), headers: { "retry-after": String(1 + Math.floor(random() * 5)) } };
  };
  h = await startHostile(T0, ({ path, query, nowS }) => {
    const failure = fault();
    if (failure) return failure;
    if (path === "/devices") {
      fleetRequests++;
      // A device listed twice: one device, one poller.
      return { status: 200, body: [...IDS, IDS[0]] };
    }
    const device = /^\/devices\/([A-Z0-9]{13})$/.exec(path)?.[1];
    if (device !== undefined)
      return {
        status: 200,
        body: { id: device, model: "6W", comms: { lastHeardAt: Math.floor(nowS) }, channels: [{ id: `${device}_C1` }, { id: `${device}_C2` }], extra: true },
      };
    const latest = /^\/short-energy\/([A-Z0-9]{13})\/latest$/.exec(path)?.[1];
    if (latest !== undefined) {
      let t = Math.floor((nowS - STEP - LAG) / STEP) * STEP;
      while (lost(latest, t)) t -= STEP;
      return { status: 200, body: { timestamp: t } };
    }
    const id = /^\/short-energy\/([A-Z0-9]{13})$/.exec(path)?.[1];
    if (id === undefined) return { status: 404, body: envelope("NOT_FOUND", 404) };
    const fromTs = Number(query.get("fromTs"));
    const toTs = Number(query.get("toTs"));
    const out: Array<Point> = [];
    for (let t = Math.ceil(fromTs / STEP) * STEP; t < toTs; t += STEP) if (due(t, nowS) && !lost(id, t)) out.push(point(id, t, nowS));
    // Duplicates (identical copies) and out-of-order answers.
    if (out.length > 1 && random() < 0.15) for (let i = 0; i < 3; i++) out.push(out[Math.floor(random() * out.length)]!);
    if (out.length > 1 && random() < 0.3) out.reverse();
    // An anomaly now and then, each unique (its values carry a serial number), recorded with the reason expected.
    if (random() < 0.06) {
      const kind = random();
      const base = out[Math.floor(random() * out.length)]?.timestamp;
      const [timestamp, duration] =
        kind < 0.34 || base === undefined
          ? [random() < 0.5 ? 4_102_444_800 : Math.floor(toTs / STEP) * STEP + HOUR, STEP]
          : kind < 0.67
            ? [base + 7, STEP]
            : [base, 31];
      // A full, decodable point: only its timestamp or duration is wrong.
      const bogus: Point = { ...point(id, Math.floor(timestamp / STEP) * STEP, nowS), timestamp, duration, eReal: [++serial, 0] };
      const code =
        bogus.timestamp < fromTs || bogus.timestamp >= toTs ? "outsideWindow" : bogus.timestamp % STEP !== 0 ? "offGrid" : "durationOffGrid";
      injected.push({ id, timestamp: bogus.timestamp, code });
      out.splice(Math.floor(random() * (out.length + 1)), 0, bogus);
    }
    return { status: 200, body: out };
  });
  const { client, scheduler } = h;
  const checkpoints = memoryCheckpointStore();
  const watch = (): Subscription =>
    fleet$(client, { scheduler })
      .pipe(perDevice((id) => shortEnergy$(client, id, { scheduler, fromTs: T0, settle: SETTLE, checkpoints })))
      .subscribe((e) => {
        if (e.type === "deviceLost") return void lostDevices.push(e);
        const list = events.get(e.deviceId) ?? [];
        events.set(e.deviceId, list);
        list.push(e);
      });
  // Halfway, the watcher stops for 10 minutes and starts again from its checkpoints.
  let sub = watch();
  await h.runUntil(T0 + RUN / 2);
  sub.unsubscribe();
  await h.runUntil(T0 + RUN / 2 + 600);
  sub = watch();
  await h.runUntil(T0 + RUN);
  sub.unsubscribe();
  await h.runUntil(T0 + RUN);
}, 120_000);

afterAll(async () => {
  await h.close();
});

describe(`a chaos run: ${RUN / HOUR} simulated hours, 20 % faults, contract-valid oddities and anomalies`, () => {
  it("emits every valid interval exactly once, in order, with the latest values; lost ones end up in gaps", () => {
    const end = T0 + RUN;
    expect(lostDevices).toEqual([]);
    let intervals = 0;
    let gapsTotal = 0;
    for (const id of IDS) {
      const list = events.get(id) ?? [];
      const emitted = list.flatMap((e) => (e.type === "interval" ? [e.point.timestamp] : []));
      intervals += emitted.length;
      // In order and exactly once.
      expect(emitted.every((t, i) => i === 0 || t > emitted[i - 1]!), `${id} in order`).toBe(true);
      // Exactly the truth: every interval due (with a minute's margin for the last poll) that was not lost.
      const truth: Array<number> = [];
      for (let t = T0; t + STEP + LAG + 60 <= end; t += STEP) if (!lost(id, t)) truth.push(t);
      expect(emitted.filter((t) => t < truth.at(-1)! + STEP)).toEqual(truth);
      // Latest values: the revision reached the stream as `revised`, once per changed interval.
      const latest = new Map<number, ReadonlyArray<number>>();
      for (const e of list) if (e.type === "interval" || e.type === "revised") latest.set(e.point.timestamp, (e.point as unknown as Point)["eReal"] as ReadonlyArray<number>);
      for (const t of truth) expect(latest.get(t), `${id} ${t}`).toEqual(values(id, t, end));
      const revisions = list.flatMap((e) => (e.type === "revised" ? [e.point.timestamp] : []));
      expect(revisions).toEqual(truth.filter((t) => revised(id, t)));
      // Lost intervals: each one old enough for its settle period to have run out lies inside a gap; gaps hold nothing else.
      const gaps = list.flatMap((e) => (e.type === "gap" ? [[e.fromTs, e.toTs] as const] : []));
      gapsTotal += gaps.length;
      const inGap = (t: number): boolean => gaps.some(([a, b]) => t >= a && t < b);
      for (let t = T0; t + STEP + LAG + SETTLE + 3600 <= end; t += STEP) expect(inGap(t), `${id} ${t} in a gap`).toBe(lost(id, t));
    }
    expect(intervals).toBeGreaterThan(3 * (RUN / STEP) * 0.97);
    expect(gapsTotal).toBeGreaterThan(0);
  });

  it("reports every anomaly the server sent, once, with the reason, and nothing else as one", () => {
    const reported = IDS.flatMap((id) =>
      (events.get(id) ?? []).flatMap((e) => (e.type === "anomaly" ? [{ id: e.deviceId, timestamp: e.point.timestamp, code: e.reason.code }] : [])),
    );
    const key = (a: Injected) => `${a.id}|${a.timestamp}|${a.code}`;
    expect(injected.length).toBeGreaterThan(30);
    expect(reported.map(key).sort()).toEqual(injected.map(key).sort());
  });

  it("survives the faults with status events, without an unhandled rejection or uncaught exception, and prints the counts", () => {
    expect(h.crashes).toEqual([]);
    const statuses = IDS.flatMap((id) => (events.get(id) ?? []).flatMap((e) => (e.type === "status" ? [e.status] : [])));
    expect(statuses).toContain("retrying");
    expect(statuses).toContain("rateLimited");
    const count = (type: EnergyEvent["type"]) => IDS.reduce((n, id) => n + (events.get(id) ?? []).filter((e) => e.type === type).length, 0);
    const requests = h.requests.length;
    const failed = faults["500"] + faults.reset + faults["429"];
    console.log(
      [
        `chaos run, ${RUN / HOUR} simulated hours, ${IDS.length} devices (fleet$ + perDevice + shortEnergy$, restarted from checkpoints halfway):`,
        `  requests ${requests} (device list ${fleetRequests}), faults ${failed} = ${((failed / requests) * 100).toFixed(1)} % (500: ${faults["500"]}, reset: ${faults.reset}, 429: ${faults["429"]})`,
        `  intervals ${count("interval")}, revised ${count("revised")}, gaps ${count("gap")}, anomalies ${count("anomaly")} (injected ${injected.length}), status events ${count("status")}`,
      ].join("\n"),
    );
    expect(failed / requests).toBeGreaterThan(0.15);
    expect(failed / requests).toBeLessThan(0.25);
  });
});
