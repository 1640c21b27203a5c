import { Effect } from "effect";
import { map, NEVER, of, startWith } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { describe, expect, it } from "vitest";
import { fleet$, perDevice } from "../src/index.js";
import type { FleetUpdate } from "../src/index.js";
import { fakeClient, tagged } from "./helpers.js";
import type { DeviceId } from "@wattstream/core";

const newScheduler = () => new TestScheduler((a, b) => expect(a).toEqual(b));
// Short names stand in for device IDs here (perDevice only keys on them), hence the casts.
const fleet = (added: Array<string>, removed: Array<string> = []): FleetUpdate => ({
  type: "fleet",
  devices: [],
  added: added as Array<DeviceId>,
  removed: removed as Array<DeviceId>,
});

describe("perDevice", () => {
  it("starts a stream per added device, stops it on removal, and turns a device's error into deviceLost", () => {
    newScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const a = cold("-a-a-a-a-a");
      const b = cold("--b-#", undefined, tagged("NotFound"));
      const streams: Record<string, ReturnType<typeof cold<string>>> = { A: a, B: b };
      const source = hot<FleetUpdate>("x-----y----", { x: fleet(["A", "B"]), y: fleet([], ["A"]) });
      const out = source.pipe(
        perDevice((id) => streams[id]!),
        map((v) => (typeof v === "string" ? v : `lost:${v.deviceId}:${(v.error as { _tag: string })._tag}`)),
      );
      expectObservable(out).toBe("-abala-----", { a: "a", b: "b", l: "lost:B:NotFound" });
      expectSubscriptions(a.subscriptions).toBe("^-----!");
      expectSubscriptions(b.subscriptions).toBe("^---!");
    });
  });

  it("completes with the fleet stream and passes its error on", () => {
    newScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<FleetUpdate>("x-|", { x: fleet(["A"]) }).pipe(perDevice(() => cold("-"))), "^ 5ms !").toBe("--|");
      expectObservable(cold<FleetUpdate>("#", undefined, tagged("Unauthorized")).pipe(perDevice(() => cold("-")))).toBe(
        "#",
        undefined,
        tagged("Unauthorized"),
      );
    });
  });
});

describe("duplicate device IDs", () => {
  it("fleet$ lists a device the answer repeats once, and perDevice starts one poller for it", () => {
    const ts = newScheduler();
    const answer = ["D123456789012", "D123456789012", "E123456789012", "D123456789012"];
    const client = fakeClient({ listDevices: () => Effect.succeed(answer) });
    const updates: Array<FleetUpdate> = [];
    const started: Array<string> = [];
    const sub = fleet$(client, { scheduler: ts, every: 60_000 }).subscribe((u) => updates.push(u));
    const sub2 = fleet$(client, { scheduler: ts, every: 60_000 })
      .pipe(
        perDevice((id) => {
          started.push(id);
          return NEVER;
        }),
      )
      .subscribe();
    ts.maxFrames = 180_000;
    ts.flush();
    sub.unsubscribe();
    sub2.unsubscribe();
    expect(updates).toEqual([{ type: "fleet", devices: ["D123456789012", "E123456789012"], added: ["D123456789012", "E123456789012"], removed: [] }]);
    expect(started).toEqual(["D123456789012", "E123456789012"]);
  });

  it("perDevice starts one stream even when one update names a device twice", () => {
    newScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const a = cold("-a-a");
      const out = hot<FleetUpdate>("x---", { x: fleet(["A", "A"]) }).pipe(perDevice(() => a));
      expectObservable(out, "^---!").toBe("-a-a");
      expectSubscriptions(a.subscriptions).toBe("^---!");
    });
  });
});

describe("perDevice spreads starts out (no stampede)", () => {
  const ids = (n: number, prefix = "D"): Array<string> => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

  it("starts `burst` devices at once, then `startsPerSecond`, in the fleet's order", () => {
    const ts = newScheduler();
    const startedAt = new Map<string, number>();
    const sub = NEVER.pipe(startWith(fleet(ids(10))))
      .pipe(
        perDevice(
          (id) => {
            startedAt.set(id, ts.now());
            return NEVER;
          },
          { burst: 3, startsPerSecond: 2, scheduler: ts },
        ),
      )
      .subscribe();
    ts.maxFrames = 60_000;
    ts.flush();
    sub.unsubscribe();
    // 3 at once, then one every 500 ms.
    expect([...startedAt]).toEqual(ids(10).map((id, k) => [id, k < 3 ? 0 : (k - 2) * 500]));
  });

  it("10,000 devices at the defaults: 100 at once, then 200 per second, never more in any second", () => {
    const ts = newScheduler();
    const perSecond = new Map<number, number>();
    let started = 0;
    const sub = NEVER.pipe(startWith(fleet(ids(10_000))))
      .pipe(
        perDevice(() => {
          started++;
          const s = Math.floor(ts.now() / 1000);
          perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
          return NEVER;
        }, { scheduler: ts }),
      )
      .subscribe();
    ts.maxFrames = 60_000;
    ts.flush();
    sub.unsubscribe();
    expect(started).toBe(10_000);
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(100 + 200);
    expect(Math.max(...perSecond.keys())).toBe(49); // (10,000 − 100) / 200 = 49.5 s
  });

  it("never starts a device removed before its turn, nor one queued twice; unsubscribing cancels the queue", () => {
    newScheduler().run(({ hot, expectObservable }) => {
      const started: Array<string> = [];
      const source = hot<FleetUpdate>("a 1ms b 1ms c", {
        a: fleet(["A", "B", "C", "D"]),
        b: fleet(["D", "E"], ["C"]),
        c: fleet([], []),
      });
      const out = source.pipe(
        perDevice(
          (id) => {
            started.push(id);
            return of(`${id}`);
          },
          { burst: 1, startsPerSecond: 1000 },
        ),
      );
      // One per millisecond after the first; C is removed before its turn, D is added twice.
      expectObservable(out, "^ 10ms !").toBe("A B D E", { A: "A", B: "B", D: "D", E: "E" });
      return () => expect(started).toEqual(["A", "B", "D", "E"]);
    });
  });

  it("refuses a rate or burst that is not positive", () => {
    expect(() => perDevice(() => NEVER, { startsPerSecond: 0 })).toThrow(/startsPerSecond must be a positive number, got 0/);
    expect(() => perDevice(() => NEVER, { burst: -1 })).toThrow(/burst must be a positive number, got -1/);
  });
});
