import type { Observable } from "rxjs";

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

export const sharedBy = <T>(client: object, key: string, create: () => Observable<T>): Observable<T> => {
  let cache = caches.get(client);
  if (cache === undefined) caches.set(client, (cache = new Map()));
  const found = cache.get(key);
  if (found !== undefined) return found as Observable<T>;
  const made = create();
  cache.set(key, made);
  return made;
};
