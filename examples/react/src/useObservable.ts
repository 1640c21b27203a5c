import { useMemo, useSyncExternalStore } from "react";
import type { Observable } from "rxjs";

/**
 * The latest value of an rxjs observable as React state, through `useSyncExternalStore`: React subscribes when the
 * component mounts (or `source` changes) and unsubscribes when it unmounts, which for a wattstream stream stops
 * its polling and aborts its request in flight. `initial` is shown until the first value. Create `source` once per
 * input (`useMemo`), or every render would start a new stream.
 */
export const useObservable = <T>(source: Observable<T>, initial: T): T => {
  const store = useMemo(() => {
    let current = initial;
    return {
      subscribe: (onChange: () => void): (() => void) => {
        const subscription = source.subscribe((value) => {
          current = value;
          onChange();
        });
        return () => subscription.unsubscribe();
      },
      getSnapshot: (): T => current,
    };
    // `initial` only matters before the first value of a new source: not a dependency.
  }, [source]);
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
};
