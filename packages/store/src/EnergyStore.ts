import { Effect, Redacted } from "effect";
import type { Scope } from "effect";
import * as PgClient from "@effect/sql-pg/PgClient";
import * as Reactivity from "effect/reactivity/Reactivity";
import type { SqlClient } from "effect/sql/SqlClient";
import type { SqlError } from "effect/sql/SqlError";
import type { CheckpointKey, EnergyCheckpoint } from "@wattstream/rx";
import { migrate } from "./internal/schema.js";
import type { Dialect } from "./internal/schema.js";
import { makeSqliteClient } from "./internal/sqliteClient.js";
import { loadCheckpoint, writeBatch } from "./internal/writeBatch.js";
import type { Driver } from "./internal/writeBatch.js";
import { InvalidStoreUrlError, StoreUnavailableError, StoreWriteError } from "./StoreError.js";
import type { SchemaTooNewError } from "./StoreError.js";
import type { StorableEvent, WriteResult } from "./StoreEvent.js";

/**
 * An open store (Effect API): writes batches of rx events idempotently, each batch in one transaction with the
 * checkpoints that cover it, and reads checkpoints back. `sql` is the Effect SQL client for your own queries.
 *
 * @category models
 */
export interface EnergyStore {
  readonly dialect: Dialect;
  /** The store URL with any password replaced by `***`. */
  readonly url: string;
  readonly schemaVersion: number;
  readonly sql: SqlClient;
  /**
   * Writes `events` and then `checkpoints` in one transaction: a re-delivered interval is a no-op, a changed one
   * an update plus a revision row, so at-least-once delivery becomes exactly-once in the table.
   */
  write(
    events: ReadonlyArray<StorableEvent>,
    checkpoints?: ReadonlyArray<readonly [CheckpointKey, EnergyCheckpoint]>,
  ): Effect.Effect<WriteResult, StoreWriteError>;
  loadCheckpoint(key: CheckpointKey): Effect.Effect<EnergyCheckpoint | undefined, StoreWriteError>;
}

/** Options of {@link makeEnergyStore} and `openStore`. @category models */
export interface StoreOptions {
  /**
   * How long a SQLite writer waits for another process's write lock, ms.
   * @default 30000
   */
  readonly busyTimeoutMs?: number;
  /**
   * How long to wait for a PostgreSQL connection, ms.
   * @default 10000
   */
  readonly connectTimeoutMs?: number;
}

/** A parsed store URL. @category models */
export type StoreLocation =
  | { readonly dialect: "sqlite"; readonly filename: string; readonly url: string }
  | { readonly dialect: "postgres"; readonly connection: Redacted.Redacted<string>; readonly url: string };

const redact = (url: string): string => url.replace(/^(\w+:\/\/[^:/@]*:)[^@/]*@/, "$1***@");

/**
 * Parses a store URL: `sqlite:<path>` (`sqlite:./energy.db`, `sqlite:///var/lib/energy.db`, `sqlite::memory:`) or
 * `postgres://user:password@host:5432/db` (`postgresql://` too); the password is kept in a `Redacted`.
 *
 * @example
 * ```ts
 * import { parseStoreUrl } from "@wattstream/store";
 * parseStoreUrl("sqlite:./energy.db"); // Effect succeeding with { dialect: "sqlite", filename: "./energy.db", … }
 * ```
 * @category constructors
 */
export const parseStoreUrl = (url: string): Effect.Effect<StoreLocation, InvalidStoreUrlError> =>
  Effect.suspend((): Effect.Effect<StoreLocation, InvalidStoreUrlError> => {
    const shown = redact(url);
    if (url.startsWith("sqlite:")) {
      const rest = url.slice("sqlite:".length);
      const filename = rest.startsWith("//") ? rest.slice(2) : rest;
      if (filename === "") return Effect.fail(new InvalidStoreUrlError({ url: shown, rule: "sqlite: needs a file path, e.g. sqlite:./energy.db" }));
      return Effect.succeed({ dialect: "sqlite" as const, filename, url: shown });
    }
    if (/^postgres(ql)?:\/\//.test(url)) {
      if (!URL.canParse(url)) return Effect.fail(new InvalidStoreUrlError({ url: shown, rule: "not a valid URL" }));
      const parsed = new URL(url);
      if (parsed.hostname === "" && !parsed.searchParams.has("host"))
        return Effect.fail(new InvalidStoreUrlError({ url: shown, rule: "postgres:// needs a host, e.g. postgres://localhost:5432/energy" }));
      return Effect.succeed({ dialect: "postgres" as const, connection: Redacted.make(url), url: shown });
    }
    return Effect.fail(new InvalidStoreUrlError({ url: shown, rule: "the scheme must be sqlite: or postgres://" }));
  });

const unavailable = (url: string) => (e: SqlError) => new StoreUnavailableError({ url, reason: e.message, cause: e });

/** Connects to the database at `location` without migrating it (the tests build older schemas with it). @internal */
export const connect = (location: StoreLocation, options: StoreOptions): Effect.Effect<Driver, StoreUnavailableError, Scope.Scope> =>
  (location.dialect === "sqlite"
    ? makeSqliteClient({ filename: location.filename, busyTimeoutMs: options.busyTimeoutMs ?? 30_000 }).pipe(
        Effect.map(({ client, withDatabase }): Driver => ({ sql: client, dialect: "sqlite", withDatabase, layouts: new Map() })),
      )
    : PgClient.make({
        url: location.connection,
        connectTimeout: options.connectTimeoutMs ?? 10_000,
        applicationName: "@wattstream/store",
        // Ours are few and sequential per process; a small pool is plenty.
        maxConnections: 4,
      }).pipe(Effect.map((sql): Driver => ({ sql, dialect: "postgres", withDatabase: undefined, layouts: new Map() })))
  ).pipe(Effect.provide(Reactivity.layer), Effect.mapError(unavailable(location.url)));

/**
 * Opens the database at `url`, brings its schema up to date (safe from several processes at once), and returns an
 * {@link EnergyStore} that lives as long as the scope. Fails with `InvalidStoreUrlError`, `StoreUnavailableError`
 * or `SchemaTooNewError` (then nothing was written).
 *
 * @example
 * ```ts
 * import { Effect } from "effect";
 * import { makeEnergyStore } from "@wattstream/store";
 * const program = Effect.scoped(
 *   Effect.gen(function* () {
 *     const store = yield* makeEnergyStore("sqlite:./energy.db");
 *     return yield* store.loadCheckpoint({ deviceId: "D123456789012", stream: "long" });
 *   }),
 * );
 * ```
 * @category constructors
 */
export const makeEnergyStore = (
  url: string,
  options: StoreOptions = {},
): Effect.Effect<EnergyStore, InvalidStoreUrlError | StoreUnavailableError | SchemaTooNewError, Scope.Scope> =>
  Effect.gen(function* () {
    const location = yield* parseStoreUrl(url);
    const driver = yield* connect(location, options);
    const { sql, dialect } = driver;
    const schemaVersion = yield* migrate(sql, dialect).pipe(
      Effect.catchTag("SqlError", (e) => Effect.fail(unavailable(location.url)(e))),
    );
    const failed = (operation: string) => (cause: SqlError) => new StoreWriteError({ operation, cause });
    return {
      dialect,
      url: location.url,
      schemaVersion,
      sql,
      write: (events, checkpoints) => writeBatch(driver, events, checkpoints).pipe(Effect.mapError(failed("write"))),
      loadCheckpoint: (key) => loadCheckpoint(sql, key).pipe(Effect.mapError(failed("loadCheckpoint"))),
    } satisfies EnergyStore;
  });

