import { Observable } from "rxjs";

/** Per-client caches of shared pollers: one poller per resource however many subscribers (no module singleton
 * state beyond a WeakMap keyed by the client, so it dies with the client). */
const caches = new WeakMap<object, Map<string, Observable<unknown>>>();
const objectIds = new WeakMap<object, number>();
let nextObjectId = 0;

/** A stable key part for an option value (objects by identity). */
export const keyPart = (u: unknown): string => {
  if (u === undefined) return "";
  if (u !== null && (typeof u === "object" || typeof u === "function")) {
    let id = objectIds.get(u);
    if (id === undefined) objectIds.set(u, (id = ++nextObjectId));
    return `#${id}`;
  }
  return JSON.stringify(u);
};

/**
 * Every option of a stream, each with a decision: it is part of the shared poller's key, so two calls that differ
 * in it get their own poller. Typed as a mapped type over the options (ky's `KyOptionsRegistry` idea): an option
 * added to the options interface without an entry here fails to compile, so no option can be silently shared
 * (a second caller's `checkpointEvery` used to be ignored).
 */
export type OptionKeys<O> = { readonly [K in keyof Required<O>]: "key" };

/** The key of a shared poller: the stream's name and resource, then every registered option's value. */
export const optionKey = <O extends object>(registry: OptionKeys<O>, parts: ReadonlyArray<unknown>, options: O): string =>
  [...parts, ...(Object.keys(registry) as Array<keyof O>).map((k) => options[k])].map(keyPart).join("|");

/** How many shared streams a client's cache holds (for tests: nothing leaks). */
export const cachedCount = (client: object): number => caches.get(client)?.size ?? 0;

/**
 * The stream cached under `key` for `client`, made by `create` (which must share its source) when absent. The
 * entry lives only while someone is subscribed: keys include option values such as `fromTs`, so keeping them
 * forever would leak one entry per distinct call. A handle kept past that and subscribed again registers itself
 * anew, or joins the stream cached under its key meanwhile, so there is still one poller per resource.
 */
export const sharedBy = <T>(client: object, key: string, create: () => Observable<T>): Observable<T> => {
  const cacheOf = (): Map<string, Observable<unknown>> => {
    let cache = caches.get(client);
    if (cache === undefined) caches.set(client, (cache = new Map()));
    return cache;
  };
  const found = caches.get(client)?.get(key);
  if (found !== undefined) return found as Observable<T>;
  const made = create();
  let refs = 0;
  const entry: Observable<T> = new Observable<T>((subscriber) => {
    const cache = cacheOf();
    const current = cache.get(key);
    if (current !== undefined && current !== entry) return (current as Observable<T>).subscribe(subscriber);
    cache.set(key, entry);
    refs++;
    const sub = made.subscribe(subscriber);
    return () => {
      sub.unsubscribe();
      if (--refs === 0 && caches.get(client)?.get(key) === entry) {
        cache.delete(key);
        if (cache.size === 0) caches.delete(client);
      }
    };
  });
  cacheOf().set(key, entry);
  return entry;
};
