// Every stateful operator keeps its state per subscription, not per `pipe()`: one piped observable subscribed
// twice (the second time while the first is still live, or after it ended) behaves the same for both.
import { map } from "rxjs";
import type { Observable } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import type { RunHelpers } from "rxjs/testing";
import { describe, expect, it } from "vitest";
import { meanPower, offlineFor, perChannel, perDevice, sustained, threshold } from "../src/index.js";
import { channelId } from "./helpers.js";
import type { Alert, EnergyEvent, FleetUpdate } from "../src/index.js";
import type { ShortEnergyPoint } from "@wattstream/core";
import { DEVICE_ID, heardAt } from "./fixtures/device.js";

const newScheduler = () => new TestScheduler((a, b) => expect(a).toEqual(b));
const types = map((a: { readonly type: string }) => a.type[0]!);

/** Subscribes the piped stream twice, at frame 0 and at `later` (marble subscription syntax), in one run. */
const twice = (
  build: (helpers: RunHelpers) => Observable<string>,
  expected: string,
  later: string,
  expectedLater: string,
): void => {
  newScheduler().run((helpers) => {
    const piped = build(helpers);
    helpers.expectObservable(piped).toBe(expected);
    helpers.expectObservable(piped, later).toBe(expectedLater);
  });
};

describe("two subscribers of one piped stream", () => {
  it("threshold: each subscriber gets its own raise and clear", () => {
    // The second subscriber joins at frame 3, while the first subscriber's raise is open; its source is cold, so
    // it sees the same sequence from its own start.
    twice(
      ({ cold }) => cold("a-b-c-d|", { a: 1, b: 6, c: 7, d: 2 }).pipe(threshold({ value: (v: number) => v, above: 5 }), types),
      "--r---c|",
      "---^",
      "-----r---c|",
    );
  });

  it("sustained: a second subscriber sees its own raise (the state is not shared through pipe())", () => {
    const r: Alert<number> = { type: "raised", value: 1, item: 1 };
    const c: Alert<number> = { type: "cleared", value: 0, item: 0 };
    // First: raise held from 0 → passes at 3; clear at 6. Second, subscribed at 2 (its raise at 2 → passes at 5,
    // while the first one's raise is open), clear at 8.
    twice(({ cold }) => cold("r-----c|", { r, c }).pipe(sustained(3), types), "---r--c|", "--^", "-----r--c|");
  });

  it("sustained: a re-subscription after the first ended starts closed", () => {
    const r: Alert<number> = { type: "raised", value: 1, item: 1 };
    // A `raised` that never got its `cleared` before the source completed: the switchMap keeps the timer alive.
    twice(({ cold }) => cold("r|", { r }).pipe(sustained(2), types), "--(r|)", "----^", "------(r|)");
  });

  it("offlineFor: each subscriber raises on its own clock and clears on its own contact", () => {
    const ts = newScheduler();
    ts.run(({ cold, expectObservable }) => {
      const src = cold("a 1599ms b 2000ms -", { a: heardAt(0), b: heardAt(1.5) });
      const piped = src.pipe(offlineFor(1000, ts), types);
      expectObservable(piped).toBe("1000ms r 599ms c 899ms r");
      // Subscribed at 500 ms: its first snapshot (heard at 0 s) is already 500 ms old → raised at 1000 ms; its
      // second snapshot arrives at 2100 ms (heard at 1.5 s, 600 ms old) → cleared, raised again at 2500 ms.
      expectObservable(piped, "500ms ^").toBe("1000ms r 1099ms c 399ms r");
    });
  });

  it("perChannel and meanPower: stateless, both subscribers get every reading", () => {
    const interval: EnergyEvent<ShortEnergyPoint> = {
      type: "interval",
      deviceId: DEVICE_ID,
      stream: "short",
      point: { timestamp: 60, duration: 30, eReal: [30_000], vRMS: [240] },
      channels: [{ id: channelId(`${DEVICE_ID}_C1`), label: "Grid" }],
    };
    newScheduler().run(({ cold, expectObservable }) => {
      const piped = cold("a-a|", { a: interval }).pipe(
        perChannel(),
        meanPower(),
        map((p) => String(p.channels[0]?.watts)),
      );
      expectObservable(piped).toBe("a-a|", { a: "1000" });
      expectObservable(piped, "-^").toBe("-a-a|", { a: "1000" });
    });
  });

  it("perDevice: each subscriber runs its own device streams (the running set is not shared through pipe())", () => {
    const added: FleetUpdate = { type: "fleet", devices: [DEVICE_ID], added: [DEVICE_ID], removed: [] };
    const removed: FleetUpdate = { type: "fleet", devices: [], added: [], removed: [DEVICE_ID] };
    newScheduler().run(({ cold, expectObservable }) => {
      const piped = cold<FleetUpdate>("a---r|", { a: added, r: removed }).pipe(
        perDevice(() => cold("-x-x-x-x")),
        map(() => "x"),
      );
      expectObservable(piped).toBe("-x-x-|");
      // Subscribed at 2, while the first subscriber's device stream runs: its own `added` starts its own stream.
      expectObservable(piped, "--^").toBe("---x-x-|");
    });
  });
});
