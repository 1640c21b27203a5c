import { Effect } from "effect";
import { map, tap, timer } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { describe, expect, it } from "vitest";
import { device$, deviceEvents$, fleet$, pauseController } from "../src/index.js";
import type { DeviceUpdate } from "../src/index.js";
import { parseDeviceId } from "@wattstream/core";
import type { Device } from "@wattstream/core";
import { asDevice, DEVICE_ID, makeDevice } from "./fixtures/device.js";
import { effectFrom, fakeClient, tagged } from "./helpers.js";

const newScheduler = () => new TestScheduler((a, b) => expect(a).toEqual(b));

/** A fake `getDevice` answering from a script (one entry per call; the last repeats), counting calls. */
const scripted = (script: ReadonlyArray<Device | { readonly _tag: string }>) => {
  const counter = { calls: 0 };
  const client = fakeClient({
    getDevice: (_id: string) =>
      Effect.suspend(() => {
        const item = script[Math.min(counter.calls++, script.length - 1)]!;
        return "_tag" in item ? Effect.fail(item) : Effect.succeed(item);
      }),
  });
  return Object.defineProperty(client, "calls", { get: () => counter.calls }) as typeof client & { readonly calls: number };
};

const label = (l: string): Device => asDevice({ ...makeDevice(), label: l });
const kind = (u: DeviceUpdate): string => (u.type === "snapshot" ? (u.events[0]?.type ?? "s") : u.status);

describe("device$ scheduling", () => {
  it("polls at once, then every period, speeding back up after a change and backing off while unchanged", () => {
    const ts = newScheduler();
    ts.run(({ expectObservable }) => {
      const client = scripted([label("a"), label("a"), label("b"), label("b"), label("b")]);
      // every 100: t=0 first, t=100 unchanged (no emission, period → 150), t=250 change (period back to 100),
      // t=350 unchanged (→150), t=500 unchanged (→225)
      const o = device$(client, DEVICE_ID, { every: 100, maxEvery: 1000, scheduler: ts }).pipe(map(kind));
      expectObservable(o, "^ 600ms !").toBe("s 249ms l", { s: "s", l: "labelChanged" });
    });
  });

  it("polls fast while a write is pending", () => {
    const ts = newScheduler();
    ts.run(({ expectObservable }) => {
      const pending = asDevice({ ...label("a"), pending: { label: "b" } });
      const client = scripted([label("a"), pending, pending, label("b")]);
      const o = device$(client, DEVICE_ID, { every: 100, pendingEvery: 10, scheduler: ts }).pipe(map(kind));
      // t=0 first, t=100 pendingSet (period 10), t=110 unchanged (backs off from 10 → 15), t=125 applied.
      expectObservable(o, "^ 130ms !").toBe("s 99ms p 24ms (a)", { s: "s", p: "pendingSet", a: "labelChanged" });
    });
  });

  it("stops polling while paused and polls at once on resume if a poll fell due", () => {
    const ts = newScheduler();
    ts.run(({ expectObservable, hot }) => {
      const client = scripted([label("a"), label("b"), label("c"), label("d")]);
      const active$ = hot<boolean>("t 49ms f 199ms t", { t: true, f: false });
      const o = device$(client, DEVICE_ID, { every: 100, scheduler: ts, active$ }).pipe(map(kind));
      // t=0 first; paused 50..250 (the t=100 poll is skipped); resume at 250 polls at once; then t=350.
      expectObservable(o, "^ 400ms !").toBe("s 249ms l 99ms l", { s: "s", l: "labelChanged" });
    });
    const ctl = pauseController();
    expect(ctl.paused).toBe(false);
    ctl.pause();
    expect(ctl.paused).toBe(true);
  });

  it("shares one poller between subscribers and replays the current snapshot to late ones", () => {
    const ts = newScheduler();
    const client = scripted([label("a"), label("b")]);
    ts.run(({ expectObservable }) => {
      // Two calls (a handle is only cached while subscribed, so the second is another handle): one poller.
      const o = () => device$(client, DEVICE_ID, { every: 100, scheduler: ts });
      expectObservable(o().pipe(map(kind)), "^ 150ms !").toBe("s 99ms l", { s: "s", l: "labelChanged" });
      expectObservable(o().pipe(map(kind)), "50ms ^ 60ms !").toBe("50ms s 49ms l", { s: "s", l: "labelChanged" });
    });
    expect(client.calls).toBe(2); // one poll at 0 and one at 100, however many subscribers
  });

  it("restarts the poller after everyone unsubscribed", () => {
    const ts = newScheduler();
    const client = scripted([label("a")]);
    ts.run(({ expectObservable }) => {
      const o = device$(client, DEVICE_ID, { every: 100, scheduler: ts }).pipe(map(kind));
      expectObservable(o, "^ 10ms !").toBe("s");
      expectObservable(o, "20ms ^ 10ms !").toBe("20ms s");
    });
    expect(client.calls).toBe(2);
  });

  it("aborts the in-flight request on unsubscribe and schedules nothing more", () => {
    const ts = newScheduler();
    let started = 0;
    let interrupted = 0;
    ts.run(({ expectObservable }) => {
      const client = fakeClient({
        getDevice: () =>
          Effect.suspend(() => {
            started++;
            return effectFrom(timer(50, ts).pipe(map(() => makeDevice())), () => interrupted++);
          }),
      });
      expectObservable(device$(client, DEVICE_ID, { every: 100, scheduler: ts }), "^ 20ms !").toBe("-");
    });
    expect(started).toBe(1);
    expect(interrupted).toBe(1);
  });
});

describe("device$ errors", () => {
  it("reports transient failures as status events and carries on", () => {
    const ts = newScheduler();
    ts.run(({ expectObservable }) => {
      const client = scripted([label("a"), tagged("ServerError"), tagged("Timeout"), tagged("NetworkError"), label("b")]);
      const o = device$(client, DEVICE_ID, { every: 1000, scheduler: ts }).pipe(map(kind));
      // back-off 1000 → 1000, 2000, 4000 capped at every (1000): failures at 1000, 2000, 3000, ok at 4000.
      expectObservable(o, "^ 4500ms !").toBe("s 999ms r 999ms r 999ms d 999ms (ol)", {
        s: "s",
        r: "retrying",
        d: "degraded",
        o: "ok",
        l: "labelChanged",
      });
    });
  });

  it("reports rate limits with the time polling resumes", () => {
    const ts = newScheduler();
    const seen: Array<DeviceUpdate> = [];
    ts.run(({ expectObservable }) => {
      const client = scripted([tagged("RateLimited", { scope: "tps", retryAfter: 2 }), label("a")]);
      const o = device$(client, DEVICE_ID, { every: 100, scheduler: ts });
      expectObservable(o.pipe(tap((u) => seen.push(u)), map(kind)), "^ 2500ms !").toBe("r 1999ms (os)", { r: "rateLimited", o: "ok", s: "s" });
    });
    expect(seen[0]).toMatchObject({ type: "status", status: "rateLimited", retryAt: 2000 });
  });

  it("reports a non-transient, non-fatal failure (an undecodable reply) as degraded at once and carries on", () => {
    const ts = newScheduler();
    ts.run(({ expectObservable }) => {
      const client = scripted([label("a"), tagged("DecodeError"), label("b")]);
      expectObservable(device$(client, DEVICE_ID, { every: 1000, scheduler: ts }).pipe(map(kind)), "^ 2500ms !").toBe("s 999ms d 999ms (ol)", {
        s: "s",
        d: "degraded",
        o: "ok",
        l: "labelChanged",
      });
    });
  });

  it("ends the stream with the typed error when the device left the key", () => {
    const ts = newScheduler();
    ts.run(({ expectObservable }) => {
      const client = scripted([label("a"), tagged("NotFound", { status: 404 })]);
      expectObservable(device$(client, DEVICE_ID, { every: 100, scheduler: ts }).pipe(map(kind))).toBe(
        "s 99ms #",
        { s: "s" },
        tagged("NotFound", { status: 404 }),
      );
    });
  });

  it("never completes on its own: a healthy device stream does not complete on its own", () => {
    const ts = newScheduler();
    ts.run(({ expectObservable }) => {
      const client = scripted([label("a")]);
      expectObservable(device$(client, DEVICE_ID, { every: 100, scheduler: ts }).pipe(map(kind)), "^ 1000ms !").toBe("s");
    });
  });
});

describe("online tracking and events", () => {
  it("emits wentOffline and cameOnline from comms.lastHeardAt against the scheduler clock", () => {
    const ts = newScheduler();
    const at = (heard: number): Device => asDevice({ ...makeDevice(), comms: { lastHeardAt: heard } });
    ts.run(({ expectObservable }) => {
      // offlineAfter 1 s; heard at 0 → online at t=0, still heard at 0 by t=2000 → offline; heard 2.5 at 3000.
      const client = scripted([at(0), at(0), at(0), at(2.5)]);
      const o = deviceEvents$(client, DEVICE_ID, { every: 1000, maxEvery: 1000, offlineAfter: 1, scheduler: ts }).pipe(
        map((e) => e.type),
      );
      expectObservable(o, "^ 3500ms !").toBe("2000ms f 999ms n", { f: "wentOffline", n: "cameOnline" });
    });
  });
});

describe("fleet$", () => {
  it("emits added and removed devices with the current set", () => {
    const ts = newScheduler();
    ts.run(({ expectObservable }) => {
      const [A, B, C] = ["D100000000001", "D100000000002", "D100000000003"].map(parseDeviceId);
      const lists = [[A, B], [A, B], [B, C]];
      let i = 0;
      const client = fakeClient({ listDevices: () => Effect.sync(() => lists[Math.min(i++, 2)]!) });
      expectObservable(fleet$(client, { every: 100, scheduler: ts }), "^ 250ms !").toBe("a 199ms b", {
        a: { type: "fleet", devices: [A, B], added: [A, B], removed: [] },
        b: { type: "fleet", devices: [B, C], added: [C], removed: [A] },
      });
    });
  });

  it("ends with Unauthorized, a fatal error", () => {
    const ts = newScheduler();
    ts.run(({ expectObservable }) => {
      const client = fakeClient({ listDevices: () => Effect.fail(tagged("Unauthorized")) });
      expectObservable(fleet$(client, { scheduler: ts })).toBe("#", undefined, tagged("Unauthorized"));
    });
  });
});
