// The polling step of one device's entity: state (device$) and long energy (longEnergy$) through the runner's
// store sink, whose checkpoints commit with the data they cover. Kept behind this one function so the energy
// side can move to the pure planner without touching the entity.
import { Data, Effect } from "effect";
import { merge } from "rxjs";
import type { SchedulerLike } from "rxjs";
import type { DeviceId } from "@wattstream/core";
import { isWattwatchersError } from "@wattstream/resilience";
import { device$, longEnergy$ } from "@wattstream/rx";
import type { DeviceStreamOptions, EnergyStreamOptions } from "@wattstream/rx";
import type { StoreSink } from "@wattstream/store";
import type { WattwatchersClient } from "@wattstream/transport";

/**
 * A device's polling stopped with an error (the API's, or a failed store write): the entity retries it with
 * back-off unless `gone` (the key no longer sees the device: 403/404).
 *
 * @category errors
 */
export class DevicePollFailed extends Data.TaggedError("DevicePollFailed")<{
  /** The device whose polling stopped. */
  readonly deviceId: DeviceId;
  /** The key no longer sees the device (403/404): no retry. */
  readonly gone: boolean;
  /** One line: the device and what failed. */
  readonly message: string;
  /** The API's typed error, the store's write error, or what the stream failed with. */
  readonly cause: unknown;
}> {}

export interface PollContext {
  readonly client: WattwatchersClient;
  readonly sink: StoreSink;
  readonly scheduler?: SchedulerLike | undefined;
  readonly energy?: Omit<EnergyStreamOptions, "checkpoints" | "scheduler"> | undefined;
  readonly device?: Omit<DeviceStreamOptions, "scheduler"> | undefined;
}

const failed = (deviceId: DeviceId, e: unknown): DevicePollFailed => {
  const gone = isWattwatchersError(e) && (e._tag === "NotFound" || e._tag === "Forbidden");
  const message = e instanceof Error ? e.message : String(e);
  return new DevicePollFailed({ deviceId, gone, message: `polling ${deviceId} failed: ${message}`, cause: e });
};

/** Runs one device's polling until interrupted, or fails with {@link DevicePollFailed}. */
export const pollDevice = (ctx: PollContext, id: DeviceId): Effect.Effect<void, DevicePollFailed> =>
  Effect.callback<void, DevicePollFailed>((resume) => {
    const scheduler = ctx.scheduler === undefined ? {} : { scheduler: ctx.scheduler };
    const subscription = merge(
      device$(ctx.client, id, { ...ctx.device, ...scheduler }),
      longEnergy$(ctx.client, id, { ...ctx.energy, ...scheduler, checkpoints: ctx.sink.checkpoints }),
    )
      .pipe(ctx.sink.write())
      .subscribe({
        error: (e: unknown) => resume(Effect.fail(failed(id, e))),
        complete: () => resume(Effect.void),
      });
    return Effect.sync(() => subscription.unsubscribe());
  });
