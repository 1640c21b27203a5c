import { asyncScheduler, Observable } from "rxjs";
import type { MonoTypeOperatorFunction, SchedulerLike, Subscription } from "rxjs";
import { Effect, Exit, Scope } from "effect";
import type { CheckpointKey, CheckpointStore, EnergyCheckpoint } from "@wattstream/rx";
import { checkpointKey } from "@wattstream/rx";
import { makeEnergyStore } from "./EnergyStore.js";
import type { EnergyStore, StoreOptions } from "./EnergyStore.js";
import type { StorableEvent, WriteResult } from "./StoreEvent.js";

/** Options of {@link Store.sink}. @category models */
export interface SinkOptions {
  /**
   * Write as soon as this many events wait (a checkpoint save writes at once, whatever the count).
   * @default 1000
   */
  readonly batchSize?: number;
  /**
   * Write events that waited this long, ms, even if the batch is not full and no checkpoint came.
   * @default 1000
   */
  readonly flushAfterMs?: number;
  /** Timers of the sink; rxjs `TestScheduler` in tests. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/**
 * Buffers events from rx streams and writes them in batches. Give `checkpoints` to the streams and pipe their
 * events through `write()`: each checkpoint save writes the events buffered so far **and** the checkpoint in one
 * transaction, so a checkpoint is never stored without the data it covers.
 *
 * @category models
 */
export interface StoreSink {
  /** A `CheckpointStore` for rx's streams whose saves commit with the data they cover. */
  readonly checkpoints: CheckpointStore;
  /** An rxjs operator that passes events through and writes them; errors the stream if a write fails. */
  write<E extends StorableEvent>(): MonoTypeOperatorFunction<E>;
  /** Writes everything buffered (resolves once committed). */
  flush(): Promise<WriteResult | undefined>;
}

/**
 * An open store (Promise API): `write` for batches, `checkpoints` as rx's `CheckpointStore`, `sink()` for rx
 * streams, `query` for SQL, and the Effect {@link EnergyStore} as `effect`.
 *
 * @category models
 */
export interface Store {
  readonly dialect: EnergyStore["dialect"];
  /** The store URL with any password replaced by `***`. */
  readonly url: string;
  readonly effect: EnergyStore;
  /** One transaction: the events, then the checkpoints that cover them. */
  write(events: ReadonlyArray<StorableEvent>, checkpoints?: ReadonlyArray<readonly [CheckpointKey, EnergyCheckpoint]>): Promise<WriteResult>;
  /** A `CheckpointStore` on this database; each save is its own transaction (see {@link Store.sink} to join data and checkpoint). */
  readonly checkpoints: CheckpointStore;
  sink(options?: SinkOptions): StoreSink;
  /** Runs SQL with positional parameters (`?` for SQLite, `$1` for PostgreSQL) after the writes queued so far, and returns the rows. */
  query<A extends object>(sql: string, params?: ReadonlyArray<unknown>): Promise<ReadonlyArray<A>>;
  /** Waits for pending writes of every sink, then closes the connection. */
  close(): Promise<void>;
}

/**
 * Opens a store: `sqlite:./energy.db` (embedded, Node's `node:sqlite`) or `postgres://…`, applying migrations.
 * Rejects with `InvalidStoreUrlError`, `StoreUnavailableError` or `SchemaTooNewError`.
 *
 * @example
 * ```ts
 * import { longEnergy$ } from "@wattstream/rx";
 * import { openStore } from "@wattstream/store";
 * const store = await openStore("sqlite:./energy.db");
 * const sink = store.sink();
 * longEnergy$(client, "D123456789012", { checkpoints: sink.checkpoints }).pipe(sink.write()).subscribe();
 * ```
 * @category constructors
 */
export const openStore = async (url: string, options: StoreOptions = {}): Promise<Store> => {
  const scope = Effect.runSync(Scope.make());
  const opened = await Effect.runPromiseExit(makeEnergyStore(url, options).pipe(Scope.provide(scope)));
  if (Exit.isFailure(opened)) {
    await Effect.runPromise(Scope.close(scope, opened));
    return Effect.runPromise(Effect.failCause(opened.cause));
  }
  const store = opened.value;
  const run = <A, E>(e: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(e);
  // Every write of this handle and its sinks goes through one chain, so a checkpoint can never overtake the
  // data written before it.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <A>(f: () => Promise<A>): Promise<A> => {
    const next = chain.then(f, f);
    chain = next.catch(() => undefined);
    return next;
  };
  const write: Store["write"] = (events, checkpoints) => serial(() => run(store.write(events, checkpoints)));
  const checkpoints: CheckpointStore = {
    load: (key) => serial(() => run(store.loadCheckpoint(key))),
    save: async (key, checkpoint) => {
      await write([], [[key, checkpoint]]);
    },
  };

  const sink = (sinkOptions: SinkOptions = {}): StoreSink => {
    const batchSize = sinkOptions.batchSize ?? 1000;
    const flushAfterMs = sinkOptions.flushAfterMs ?? 1000;
    const scheduler = sinkOptions.scheduler ?? asyncScheduler;
    let buffer: Array<StorableEvent> = [];
    const pending = new Map<string, readonly [CheckpointKey, EnergyCheckpoint]>();
    let timer: Subscription | undefined;
    const flush = (): Promise<WriteResult | undefined> => {
      timer?.unsubscribe();
      timer = undefined;
      if (buffer.length === 0 && pending.size === 0) return chain.then(() => undefined);
      const events = buffer;
      const cps = [...pending.values()];
      buffer = [];
      pending.clear();
      return write(events, cps);
    };
    const failures = new Set<(e: unknown) => void>();
    const background = (): void => {
      flush().catch((e: unknown) => failures.forEach((f) => f(e)));
    };
    const push = (e: StorableEvent): void => {
      buffer.push(e);
      if (buffer.length >= batchSize) background();
      else timer ??= scheduler.schedule(background, flushAfterMs);
    };
    return {
      checkpoints: {
        load: checkpoints.load,
        save: async (key, checkpoint) => {
          pending.set(checkpointKey(key), [key, checkpoint]);
          // Commit on the next microtask, not now: a stream may call save while building the step whose events
          // it is about to emit synchronously (rx 0.0.0's energy$ does), and those events belong in this
          // transaction, or the checkpoint would be stored ahead of its data.
          await Promise.resolve();
          await flush();
        },
      },
      flush,
      write:
        <E extends StorableEvent>(): MonoTypeOperatorFunction<E> =>
        (source) =>
          new Observable<E>((subscriber) => {
            const onFailure = (e: unknown): void => subscriber.error(e);
            failures.add(onFailure);
            const sub = source.subscribe({
              next: (e) => {
                push(e);
                subscriber.next(e);
              },
              error: (e: unknown) => subscriber.error(e),
              complete: () => {
                flush().then(
                  () => subscriber.complete(),
                  (e: unknown) => subscriber.error(e),
                );
              },
            });
            return () => {
              failures.delete(onFailure);
              sub.unsubscribe();
              // Not lost: written now (a failure here leaves the events to be re-delivered from the last checkpoint).
              if (buffer.length > 0) flush().catch(() => undefined);
            };
          }),
    };
  };

  return {
    dialect: store.dialect,
    url: store.url,
    effect: store,
    write,
    checkpoints,
    sink,
    // After the writes queued so far, so a query sees what the sinks have received.
    query: <A extends object>(text: string, params: ReadonlyArray<unknown> = []) => serial(() => run(store.sql.unsafe<A>(text, params))),
    close: async () => {
      await chain;
      await Effect.runPromise(Scope.close(scope, Exit.void));
    },
  };
};
