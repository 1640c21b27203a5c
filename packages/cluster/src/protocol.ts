import { Schema } from "effect";
import * as ClusterSchema from "effect/cluster/ClusterSchema";
import * as Entity from "effect/cluster/Entity";
import * as Rpc from "effect/rpc/Rpc";
import { BudgetReport, BudgetUnavailable, Lease, LeasePart, LeaseRequest, LeaseReturn } from "@wattstream/resilience";

/**
 * The entity of one device under one API key, keyed by `deviceEntityId(keyFingerprint, DeviceId)`: `Watch`
 * (persisted, so a runner that dies leaves it unprocessed and the runner that takes the shard over resumes the
 * watching; interrupted at once when its shard moves) runs the device's polling with that key's client until `Unwatch` arrives; several `Watch`es share one
 * polling.
 *
 * @example
 * ```ts
 * import { Effect } from "effect";
 * import { parseDeviceId } from "@wattstream/core";
 * import { DeviceWatcher, deviceEntityId, keyFingerprint } from "@wattstream/cluster";
 * const key = keyFingerprint("my-api-key");
 * const watch = Effect.gen(function* () {
 *   const client = yield* DeviceWatcher.client;
 *   yield* client(deviceEntityId(key, parseDeviceId("D123456789012"))).Watch({ key }, { discard: true });
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
]).annotateRpcs(ClusterSchema.Persisted, true)
  // A `Watch` never ends by itself: when its shard moves (a runner joined or left), interrupt it at once instead of
  // holding the shard for `entityTerminationTimeout`; persisted, it resumes on the shard's next runner.
  .annotateRpcs(ClusterSchema.InterruptOnTermination, true);

/**
 * The budget owner of one API key (entity ID: the key's fingerprint, never the key), one instance in the whole
 * cluster, wrapping `@wattstream/resilience`'s `makeBudgetLedger`: its RPCs are the `BudgetLessor` operations with
 * resilience's schemas as payloads — `Lease` (a batch of one-shot request slots, or `BudgetUnavailable`),
 * `GiveBack`, `GiveBackPart` (cooled slots of a lease still held) and `Report`. Volatile: a lease asked of a dead owner is asked again of the next one, which waits out
 * the leases of the one before (see the README).
 *
 * @example
 * ```ts
 * import { Effect } from "effect";
 * import { BudgetOwner } from "@wattstream/cluster";
 * const lease = Effect.gen(function* () {
 *   const owner = yield* BudgetOwner.client;
 *   return yield* owner("1a2b3c4d5e6f7a8b").Lease({ runner: "10.0.0.5:34431", request: { wanted: 20 } });
 * });
 * ```
 * @category entities
 */
export const BudgetOwner = Entity.make("WattstreamBudget", [
  Rpc.make("Lease", {
    payload: {
      /** The runner's address. */
      runner: Schema.String,
      request: LeaseRequest,
    },
    success: Lease,
    error: BudgetUnavailable,
  }),
  Rpc.make("GiveBack", { payload: LeaseReturn }),
  // Its own RPC rather than a field of `GiveBack`: an owner of an older version fails it (the slots then come back
  // with their lease) instead of reading it as the whole lease coming back.
  Rpc.make("GiveBackPart", { payload: LeasePart }),
  Rpc.make("Report", { payload: BudgetReport }),
]);
