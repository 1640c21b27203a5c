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
  Rpc.make("Watch", { payload: { key: Schema.String } }),
  Rpc.make("Unwatch"),
]).annotateRpcs(ClusterSchema.Persisted, true);

/** A lease of the key's budget, as the owner grants it (see `BudgetOwner`). @category models */
export const LeaseGrantSchema = Schema.Struct({
  tps: Schema.Number,
  daily: Schema.Number,
  termMs: Schema.Number,
  tpdLimit: Schema.NullOr(Schema.Number),
  tpdLeft: Schema.NullOr(Schema.Number),
});

/** The owner's view of the key's budget, for `cluster status`. @category models */
export const BudgetUsageSchema = Schema.Struct({
  tpsLimit: Schema.NullOr(Schema.Number),
  tpdLimit: Schema.NullOr(Schema.Number),
  grantedToday: Schema.Number,
  leases: Schema.Array(Schema.Struct({ runner: Schema.String, tps: Schema.Number, expiresInMs: Schema.Number })),
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
      runner: Schema.String,
      wantDaily: Schema.Number,
      tpsLimit: Schema.NullOr(Schema.Number),
      tpdLimit: Schema.NullOr(Schema.Number),
    },
    success: LeaseGrantSchema,
  }),
  Rpc.make("Release", { payload: { runner: Schema.String } }),
  Rpc.make("Usage", { success: BudgetUsageSchema }),
]);
