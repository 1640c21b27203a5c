import { map } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { describe, expect, it } from "vitest";
import { perDevice } from "../src/index.js";
import type { FleetUpdate } from "../src/index.js";
import { tagged } from "./helpers.js";

const newScheduler = () => new TestScheduler((a, b) => expect(a).toEqual(b));
const fleet = (added: Array<string>, removed: Array<string> = []): FleetUpdate => ({ type: "fleet", devices: [], added, removed });

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
