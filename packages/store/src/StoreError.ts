import { Data } from "effect";
import type { SqlError } from "effect/sql/SqlError";

/**
 * The store URL is not one the store understands: `sqlite:<path>` (or `sqlite::memory:`) or
 * `postgres://…` / `postgresql://…`.
 *
 * @example
 * ```ts
 * import { InvalidStoreUrlError } from "@wattstream/store";
 * new InvalidStoreUrlError({ url: "mysql://x", rule: "scheme must be sqlite: or postgres://" }).message;
 * ```
 * @category errors
 */
export class InvalidStoreUrlError extends Data.TaggedError("InvalidStoreUrlError")<{
  /** The URL with any password replaced by `***`. */
  readonly url: string;
  readonly rule: string;
}> {
  override get message(): string {
    return `invalid store URL ${JSON.stringify(this.url)}: ${this.rule}`;
  }
}

/**
 * The database could not be opened or reached (connection refused, unknown host, authentication, unwritable file).
 *
 * @example
 * ```ts
 * import { StoreUnavailableError } from "@wattstream/store";
 * new StoreUnavailableError({ url: "postgres://db:5432/energy", reason: "connection refused" }).message;
 * ```
 * @category errors
 */
export class StoreUnavailableError extends Data.TaggedError("StoreUnavailableError")<{
  /** The URL with any password replaced by `***`. */
  readonly url: string;
  readonly reason: string;
  readonly cause?: SqlError;
}> {
  override get message(): string {
    return `cannot open store ${this.url}: ${this.reason}`;
  }
}

/**
 * The database was migrated by a newer release of the store (schema version `found` > `known`); nothing was written.
 *
 * @example
 * ```ts
 * import { SchemaTooNewError } from "@wattstream/store";
 * new SchemaTooNewError({ found: 3, known: 1 }).message;
 * ```
 * @category errors
 */
export class SchemaTooNewError extends Data.TaggedError("SchemaTooNewError")<{
  readonly found: number;
  readonly known: number;
}> {
  override get message(): string {
    return `the database has schema version ${this.found}, newer than the ${this.known} this release of @wattstream/store knows; upgrade @wattstream/store (nothing was written)`;
  }
}

/**
 * A read or write on an open store failed; `cause` is Effect SQL's typed error (`isRetryable` tells whether a
 * retry may help).
 *
 * @example
 * ```ts
 * import { StoreWriteError } from "@wattstream/store";
 * (e: StoreWriteError) => e.cause.isRetryable;
 * ```
 * @category errors
 */
export class StoreWriteError extends Data.TaggedError("StoreWriteError")<{
  readonly operation: string;
  readonly cause: SqlError;
}> {
  override get message(): string {
    return `store ${this.operation} failed: ${this.cause.message}`;
  }
}

/** Every error the store can fail with. @category errors */
export type StoreError = InvalidStoreUrlError | StoreUnavailableError | SchemaTooNewError | StoreWriteError;
