/**
 * Effect SQL over Node's built-in `node:sqlite` (no native addon). The published `@effect/sql-sqlite-node` 4.x
 * betas also use `node:sqlite` but import `effect/unstable/sql/*`, which effect 4.1 no longer has, so this is the
 * small part of it the store needs: one connection shared through a semaphore (effect's own
 * `makeSqliteAcquirers`), a prepared-statement cache, and `BEGIN IMMEDIATE` transactions, so a writer takes the
 * database's write lock up front instead of failing with SQLITE_BUSY when it upgrades a read lock.
 */
import { Effect, Semaphore } from "effect";
import * as SqlClient from "effect/sql/SqlClient";
import type * as SqlConnection from "effect/sql/SqlConnection";
import { classifySqliteError, SqlError } from "effect/sql/SqlError";
import * as Statement from "effect/sql/Statement";
import * as Stream from "effect/Stream";
import type { Reactivity } from "effect/reactivity/Reactivity";
import { DatabaseSync } from "node:sqlite";
import type { SQLInputValue, StatementSync } from "node:sqlite";

export interface SqliteOptions {
  readonly filename: string;
  /** How long a writer waits for another process's write lock, ms. */
  readonly busyTimeoutMs?: number;
}

const fail = (message: string, operation: string) => (cause: unknown) => {
  // node:sqlite reports the SQLite result code as `errcode`; effect's classifier reads `errno`.
  const errcode = (cause as { errcode?: unknown } | null)?.errcode;
  const withErrno = typeof errcode === "number" && typeof cause === "object" && cause !== null ? Object.assign(cause, { errno: errcode }) : cause;
  return new SqlError({ reason: classifySqliteError(withErrno, { message, operation }) });
};

/** Opens `options.filename` and returns an Effect `SqlClient` on it, closed with the scope. */
export const makeSqliteClient = (options: SqliteOptions) =>
  Effect.gen(function* () {
    const db = yield* Effect.acquireRelease(
      Effect.try({
        try: () => {
          const d = new DatabaseSync(options.filename, { timeout: options.busyTimeoutMs ?? 30_000 });
          d.exec("PRAGMA journal_mode = WAL");
          d.exec("PRAGMA synchronous = NORMAL");
          d.exec("PRAGMA foreign_keys = ON");
          return d;
        },
        catch: fail(`cannot open SQLite database ${options.filename}`, "open"),
      }),
      (d) => Effect.sync(() => d.close()),
    );
    const cache = new Map<string, StatementSync>();
    const prepare = (sql: string): StatementSync => {
      let s = cache.get(sql);
      if (s === undefined) {
        s = db.prepare(sql);
        const oldest = cache.size >= 200 ? cache.keys().next().value : undefined;
        if (oldest !== undefined) cache.delete(oldest);
        cache.set(sql, s);
      }
      return s;
    };
    const params = (ps: ReadonlyArray<unknown>): Array<SQLInputValue> =>
      // Effect SQL hands booleans through; SQLite stores them as integers.
      ps.map((p) => (typeof p === "boolean" ? (p ? 1 : 0) : (p as SQLInputValue)));
    const exec = (s: StatementSync, ps: ReadonlyArray<unknown>, arrays: boolean) =>
      Effect.try({
        try: () => {
          s.setReturnArrays(arrays);
          if (s.columns().length > 0) return s.all(...params(ps));
          s.run(...params(ps));
          return [];
        },
        catch: fail("SQLite statement failed", "execute"),
      });
    const run = (s: StatementSync, ps: ReadonlyArray<unknown>) => exec(s, ps, false);
    // With setReturnArrays(true) node:sqlite returns each row as an array; its typings only know the object form.
    const runValues = (s: StatementSync, ps: ReadonlyArray<unknown>) =>
      exec(s, ps, true).pipe(Effect.map((rows) => rows as ReadonlyArray<object> as ReadonlyArray<ReadonlyArray<unknown>>));
    const prepared = (sql: string) => Effect.try({ try: () => prepare(sql), catch: fail("cannot prepare SQLite statement", "prepare") });
    const unprepared = (sql: string) => Effect.try({ try: () => db.prepare(sql), catch: fail("cannot prepare SQLite statement", "prepare") });
    const connection: SqlConnection.Connection = {
      execute: (sql, ps, transform) =>
        prepared(sql).pipe(
          Effect.flatMap((s) => run(s, ps)),
          Effect.map((rows) => (transform ? transform(rows) : rows)),
        ),
      executeRaw: (sql, ps) => prepared(sql).pipe(Effect.flatMap((s) => run(s, ps))),
      executeValues: (sql, ps) => prepared(sql).pipe(Effect.flatMap((s) => runValues(s, ps))),
      executeValuesUnprepared: (sql, ps) => unprepared(sql).pipe(Effect.flatMap((s) => runValues(s, ps))),
      executeUnprepared: (sql, ps, transform) =>
        unprepared(sql).pipe(
          Effect.flatMap((s) => run(s, ps)),
          Effect.map((rows) => (transform ? transform(rows) : rows)),
        ),
      executeStream: () => Stream.die(new Error("streaming queries are not supported by the node:sqlite driver")),
    };
    const semaphore = yield* Semaphore.make(1);
    const acquirers = SqlClient.makeSqliteAcquirers({
      connection: Effect.succeed(connection),
      semaphore,
      isTransaction: () => db.isTransaction,
    });
    /**
     * Runs `f` on the database directly, for the bulk path of a write: a prepared statement per row with no Effect
     * step per statement (in-process SQLite has no round trip to amortize, so that is its fastest path). Only call
     * it inside `withTransaction`, which holds the single connection.
     */
    const withDatabase = <A>(f: (db: DatabaseSync) => A): Effect.Effect<A, SqlError> =>
      Effect.try({ try: () => f(db), catch: fail("SQLite statement failed", "execute") });
    const client: Effect.Effect<SqlClient.SqlClient, never, Reactivity> = SqlClient.make({
      ...acquirers,
      compiler: Statement.makeCompilerSqlite(),
      driver: "node:sqlite",
      spanAttributes: [["db.system.name", "sqlite"]],
      beginTransaction: "BEGIN IMMEDIATE",
    });
    return { client: yield* client, withDatabase };
  });
