import { Observable } from "rxjs";
import type { Subscriber, TeardownLogic } from "rxjs";
import type { Poller, PollerHome } from "./Poller.js";

/**
 * Every option of a stream, each with a decision: it is part of the shared poller's key, so two calls that differ
 * in it get their own poller. Typed as a mapped type over the options (ky's `KyOptionsRegistry` idea): an option
 * added to the options interface without an entry here fails to compile, so no option can be silently shared
 * (a second caller's `checkpointEvery` used to be ignored).
 */
export type OptionKeys<O> = { readonly [K in keyof Required<O>]: "key" };

/**
 * The shared pollers of one stream owner (`makeStreams`), keyed by stream, resource and every registered option:
 * one poller per key however many subscribers. An entry lives only while someone is subscribed: keys include
 * option values such as `fromTs`, so keeping them forever would leak one entry per distinct call. A handle kept
 * past that and subscribed again registers itself anew, or joins the stream cached under its key meanwhile, so
 * there is still one poller per resource. (Disposal is the owner's: it completes its streams' subscribers, and
 * the last one leaving stops the poller and drops the entry.)
 */
export class PollerCache implements PollerHome {
  private readonly entries = new Map<string, Observable<unknown>>();
  /** The running pollers of {@link join}, by key. */
  private readonly pollers = new Map<string, Poller<unknown>>();
  /** Option values that are objects (a scheduler, a store, an `active$`) key by identity: a number per object. */
  private readonly objectIds = new WeakMap<object, number>();
  private nextObjectId = 0;

  /** How many shared streams have subscribers now (for tests and leak checks). */
  get size(): number {
    return this.entries.size + this.pollers.size;
  }

  /** A stable key part for an option value (objects by identity). */
  private keyPart(u: unknown): string {
    if (u === undefined) return "";
    if (u !== null && (typeof u === "object" || typeof u === "function")) {
      let id = this.objectIds.get(u);
      if (id === undefined) this.objectIds.set(u, (id = ++this.nextObjectId));
      return `#${id}`;
    }
    return JSON.stringify(u);
  }

  /** The key of a shared poller: the stream's name and resource, then every registered option's value. */
  key<O extends object>(registry: OptionKeys<O>, parts: ReadonlyArray<unknown>, options: O): string {
    return [...parts, ...(Object.keys(registry) as Array<keyof O>).map((k) => options[k])].map((u) => this.keyPart(u)).join("|");
  }

  /**
   * Subscribes `subscriber` to the poller running under `key`, or to a new one made by `create` (registered until it
   * stops): what a stream's handle does when subscribed, so a handle nobody subscribes to holds no entry and a handle
   * subscribed again joins whatever runs under its key then.
   */
  join<T>(key: string, create: () => Poller<T>, subscriber: Subscriber<T>): TeardownLogic {
    // The map holds only pollers made here for this key, so the element type is the caller's `T`.
    let poller = this.pollers.get(key) as Poller<T> | undefined;
    if (poller === undefined) {
      poller = create();
      poller.register(this, key);
      this.pollers.set(key, poller as Poller<unknown>);
    }
    return poller.join(subscriber);
  }

  /** Forgets the poller under `key` (it stopped). */
  drop(key: string, poller: Poller<unknown>): void {
    if (this.pollers.get(key) === poller) this.pollers.delete(key);
  }

  /** The stream cached under `key`, made by `create` (which must share its source) when absent. */
  shared<T>(key: string, create: () => Observable<T>): Observable<T> {
    const found = this.entries.get(key);
    // The map holds only entries made here for this key, so the element type is the caller's `T`.
    if (found !== undefined) return found as Observable<T>;
    const made = create();
    let refs = 0;
    const entry: Observable<T> = new Observable<T>((subscriber) => {
      const current = this.entries.get(key);
      if (current !== undefined && current !== entry) return (current as Observable<T>).subscribe(subscriber);
      this.entries.set(key, entry);
      refs++;
      const sub = made.subscribe(subscriber);
      return () => {
        sub.unsubscribe();
        if (--refs === 0 && this.entries.get(key) === entry) this.entries.delete(key);
      };
    });
    // Registered when subscribed, not here: a handle nobody subscribes to holds no entry.
    return entry;
  }
}

/**
 * The shared pollers of the standalone stream functions (`device$(client, id)`, ...), one cache per client: the
 * one module-level table left, because a standalone call has nothing but the client to find the poller an
 * earlier call started. A `WeakMap`, so the cache dies with the client. The stream owner (`makeStreams`) keeps
 * its own cache instead.
 */
const defaults = new WeakMap<object, PollerCache>();

/** The default cache of `client`: what the standalone stream functions share pollers through. */
export const defaultCache = (client: object): PollerCache => {
  let cache = defaults.get(client);
  if (cache === undefined) defaults.set(client, (cache = new PollerCache()));
  return cache;
};
