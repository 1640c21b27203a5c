import { Effect } from "effect";
import type { Observable } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { describe, expect, it } from "vitest";
import { longEnergy$, modbus$ } from "../src/index.js";
import type { EnergyEvent } from "../src/index.js";
import { parseDeviceId } from "@wattstream/core";
import { fakeClient } from "./helpers.js";

const ID = parseDeviceId("D123456789012");

/** Meter reads every 300 s, available 10 s after each interval ends. */
const meter = (ts: TestScheduler) => {
  const calls: Array<string> = [];
  const now = () => ts.now() / 1000;
  const points = (from: number, to: number) => {
    const out = [];
    for (let t = Math.ceil(from / 300) * 300; t < to; t += 300) if (t + 310 <= now()) out.push({ timestamp: t, duration: 300, model: "PMC-220", _V: 230 });
    return out;
  };
  const latest = () => {
    const all = points(0, now() + 1);
    return all.length === 0 ? { _tag: "NoData" as const } : { timestamp: all.at(-1)!.timestamp };
  };
  const client = fakeClient({
    getDevice: (id: string) => Effect.succeed({ id, channels: [{ id: `${id}_C1` }] }),
    getModbusData: (_id: string, q: { fromTs: number; toTs: number }) => Effect.sync(() => (calls.push("read"), points(q.fromTs, q.toTs))),
    getLatestModbusData: (_id: string, q: { fields: ReadonlyArray<"timestamp"> }) => Effect.sync(() => (calls.push(`latest:${q.fields.join()}`), latest())),
    getLongEnergyData: (_id: string, q: { fromTs: number; toTs: number }) => Effect.sync(() => (calls.push("long"), points(q.fromTs, q.toTs))),
    getLatestLongEnergyData: () => Effect.sync(() => latest()),
  });
  return { calls, client };
};

describe("modbus$ and longEnergy$", () => {
  it("follow 5-minute data with the same watermark engine, probing timestamps only after a miss", () => {
    for (const stream of ["modbus", "long"] as const) {
      const ts = new TestScheduler((a, b) => expect(a).toEqual(b));
      const { calls, client } = meter(ts);
      const got: Array<EnergyEvent> = [];
      const options = { scheduler: ts, fromTs: 0 };
      const events$: Observable<EnergyEvent> = stream === "modbus" ? modbus$(client, ID, options) : longEnergy$(client, ID, options);
      const sub = events$.subscribe((e) => got.push(e));
      ts.maxFrames = 2 * 3600 * 1000;
      ts.flush();
      sub.unsubscribe();
      const stamps = got.flatMap((e) => (e.type === "interval" ? [e.point.timestamp] : []));
      expect(stamps).toEqual(Array.from({ length: stamps.length }, (_, i) => i * 300));
      expect(stamps.length).toBeGreaterThanOrEqual(23);
      expect(calls.filter((c) => c === "read" || c === "long").length).toBeLessThanOrEqual(stamps.length + 4);
      if (stream === "modbus") expect(calls.filter((c) => c.startsWith("latest")).every((c) => c === "latest:timestamp")).toBe(true);
    }
  });
});
