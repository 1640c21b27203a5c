import { Effect } from "effect";
import { map, NEVER } from "rxjs";
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
