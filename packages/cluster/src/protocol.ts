import { Schema } from "effect";
import * as ClusterSchema from "effect/cluster/ClusterSchema";
import * as Entity from "effect/cluster/Entity";
import * as Rpc from "effect/rpc/Rpc";

/**
 * The entity of one device, keyed by its `DeviceId`: `Watch` (persisted, so a runner that dies leaves it
 * unprocessed and the runner that takes the shard over resumes the watching) runs the device's polling until
 * `Unwatch` arrives; several `Watch`es share one polling.
 *
 * @example
 * ```ts
 * import { Effect } from "effect";
 * import { DeviceWatcher } from "@wattstream/cluster";
 * const watch = Effect.gen(function* () {
 *   const client = yield* DeviceWatcher.client;
 *   yield* client("D123456789012").Watch({ key: "k1" }, { discard: true });
 * });
 * ```
 * @category entities
 */
export const DeviceWatcher = Entity.make("WattstreamDevice", [
  Rpc.make("Watch", {
    payload: {
      /** The fingerprint of the key the device is watched under. */
      key: Schema.String,
    },
  }),
  Rpc.make("Unwatch"),
]).annotateRpcs(ClusterSchema.Persisted, true);

/** A lease of the key's budget, as the owner grants it (see `BudgetOwner`). @category models */
export const LeaseGrantSchema = Schema.Struct({
  /** TPS slots the runner may hold until the lease ends. */
  tps: Schema.Number,
  /** Requests of the day's budget added to the runner's allowance. */
  daily: Schema.Number,
  /** How long the lease lasts from the request, ms. */
  termMs: Schema.Number,
  /** The key's daily budget, when known. */
  tpdLimit: Schema.NullOr(Schema.Number),
  /** What is left of the day's budget after this grant, when known. */
  tpdLeft: Schema.NullOr(Schema.Number),
});

/** The owner's view of the key's budget, for `cluster status`. @category models */
export const BudgetUsageSchema = Schema.Struct({
  /** The key's TPS, when a runner reported it. */
  tpsLimit: Schema.NullOr(Schema.Number),
  /** The key's TPD, when a runner reported it. */
  tpdLimit: Schema.NullOr(Schema.Number),
  /** Daily requests handed out today (spent or not). */
  grantedToday: Schema.Number,
  /** The runners' current TPS shares. */
  leases: Schema.Array(
    Schema.Struct({
      /** The runner's address. */
      runner: Schema.String,
      /** Its share of the TPS. */
      tps: Schema.Number,
      /** Until its lease ends, ms. */
      expiresInMs: Schema.Number,
    }),
  ),
  /** TPS slots taken back and not yet leased again. */
  cooling: Schema.Number,
});

/**
 * The budget owner of one API key (entity ID: the key's fingerprint, never the key), one instance in the whole
 * cluster: `Lease` grants a runner its share of the key's TPS for a term plus a batch of the day's requests;
 * `Release` gives a share back on shutdown; `Usage` reports the books. Volatile: a lease asked of a dead owner is
 * asked again of the next one.
 *
 * @category entities
 */
export const BudgetOwner = Entity.make("WattstreamBudget", [
  Rpc.make("Lease", {
    payload: {
      /** The runner's address. */
      runner: Schema.String,
      /** Daily requests it wants added to its allowance. */
      wantDaily: Schema.Number,
      /** The key's TPS as the runner's last answer reported it. */
      tpsLimit: Schema.NullOr(Schema.Number),
      /** The key's TPD as the runner's last answer reported it. */
      tpdLimit: Schema.NullOr(Schema.Number),
    },
    success: LeaseGrantSchema,
  }),
  Rpc.make("Release", {
    payload: {
      /** The runner's address. */
      runner: Schema.String,
    },
  }),
  Rpc.make("Usage", { success: BudgetUsageSchema }),
]);
