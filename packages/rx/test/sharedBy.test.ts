import { Effect } from "effect";
import { parseDeviceId } from "@wattstream/core";
import { Observable, share, Subject } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { describe, expect, it } from "vitest";
import { defaultCache, PollerCache } from "../src/internal/sharedBy.js";
import { shortEnergy$ } from "../src/index.js";
import { fakeClient } from "./helpers.js";

/** A shared source that counts how often it is really subscribed. */
const counted = () => {
  const c = { made: 0, subscribed: 0 };
  const create = () => {
    c.made++;
    return new Observable<number>(() => {
      c.subscribed++;
    }).pipe(share({ resetOnRefCountZero: true }));
  };
  return { c, create };
};

describe("PollerCache", () => {
  it("shares one source per key while subscribed and drops the entry when the last subscriber leaves", () => {
    const cache = new PollerCache();
    const { c, create } = counted();
    const a = cache.shared("k", create).subscribe();
    const b = cache.shared("k", create).subscribe();
    expect(c).toEqual({ made: 1, subscribed: 1 });
    expect(cache.size).toBe(1);
    a.unsubscribe();
    expect(cache.size).toBe(1);
    b.unsubscribe();
    expect(cache.size).toBe(0);
  });

  it("holds no entry for a handle nobody subscribed to", () => {
    const cache = new PollerCache();
    const { c, create } = counted();
    cache.shared("k", create);
    expect(cache.size).toBe(0);
    expect(c.subscribed).toBe(0);
  });

  it("drops the entry when the shared stream errors", () => {
    const cache = new PollerCache();
    const failing = new Subject<number>();
    let error: unknown;
    cache.shared("k", () => failing.pipe(share())).subscribe({ error: (e: unknown) => (error = e) });
    expect(cache.size).toBe(1);
    failing.error(new Error("boom"));
    expect(error).toBeInstanceOf(Error);
    expect(cache.size).toBe(0);
  });

  it("a handle subscribed again after its entry was dropped registers itself, so later calls share it", () => {
    const cache = new PollerCache();
    const { c, create } = counted();
    const handle = cache.shared("k", create);
    handle.subscribe().unsubscribe();
    expect(cache.size).toBe(0);
    const again = handle.subscribe();
    expect(cache.size).toBe(1);
    const other = cache.shared("k", create).subscribe();
    expect(c.made).toBe(1);
    expect(c.subscribed).toBe(2); // once per live period, never two at a time
    again.unsubscribe();
    other.unsubscribe();
    expect(cache.size).toBe(0);
  });

  it("an old handle joins the stream cached under its key meanwhile instead of starting a second one", () => {
    const cache = new PollerCache();
    const { c, create } = counted();
    const old = cache.shared("k", create);
    old.subscribe().unsubscribe();
    const fresh = cache.shared("k", create).subscribe();
    const joined = old.subscribe();
    expect(c.made).toBe(2);
    expect(c.subscribed).toBe(2); // the old one's first period, then the fresh one only
    fresh.unsubscribe();
    joined.unsubscribe();
    expect(cache.size).toBe(0);
  });
});

describe("energy streams leave nothing cached", () => {
  it("one call per fromTs (as a dashboard makes per selection) leaves no entry once unsubscribed", () => {
    const ts = new TestScheduler((a, b) => expect(a).toEqual(b));
    const client = fakeClient({
      getDevice: (id: string) => Effect.succeed({ id, channels: [] }),
      getShortEnergyData: () => Effect.never,
      getLatestShortEnergyData: () => Effect.never,
    });
    for (let fromTs = 0; fromTs < 3_000; fromTs += 30) {
      const sub = shortEnergy$(client, parseDeviceId("D123456789012"), { fromTs, scheduler: ts }).subscribe();
      expect(defaultCache(client).size).toBe(1);
      sub.unsubscribe();
    }
    expect(defaultCache(client).size).toBe(0);
  });
});

describe("shared pollers are keyed by every option", () => {
  it("two shortEnergy$ calls that differ only in checkpointEvery get their own pollers; identical calls share one", () => {
    const ts = new TestScheduler((a, b) => expect(a).toEqual(b));
    const client = fakeClient({
      getDevice: (id: string) => Effect.succeed({ id, channels: [] }),
      getShortEnergyData: () => Effect.never,
      getLatestShortEnergyData: () => Effect.never,
    });
    const id = parseDeviceId("D123456789012");
    const a = shortEnergy$(client, id, { fromTs: 0, scheduler: ts, checkpointEvery: 60 }).subscribe();
    const b = shortEnergy$(client, id, { fromTs: 0, scheduler: ts, checkpointEvery: 900 }).subscribe();
    expect(defaultCache(client).size).toBe(2);
    const c = shortEnergy$(client, id, { fromTs: 0, scheduler: ts, checkpointEvery: 900 }).subscribe();
    expect(defaultCache(client).size).toBe(2);
    for (const s of [a, b, c]) s.unsubscribe();
    expect(defaultCache(client).size).toBe(0);
  });
});
