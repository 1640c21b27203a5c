import { Data } from "effect";
import type { DeviceLike } from "./diffDevice.js";

/**
 * A device record that belongs to another device: `GET /devices/{id}` answered with another `id`, or with a
 * channel or switch whose ID names another device (`<deviceId>_C<n>`, api-facts: IDs). Such a record is never
 * taken as the device's: the poll counts as failed (a `degraded` status carrying this error) and polling goes on.
 *
 * @example
 * ```ts
 * import { RecordMismatch } from "@wattstream/rx";
 * const explain = (e: unknown) => (e instanceof RecordMismatch ? `${e.path}: ${e.found}` : String(e));
 * ```
 * @category errors
 */
export class RecordMismatch extends Data.TaggedError("RecordMismatch")<{
  /** The device that was asked for. */
  readonly deviceId: string;
  /** Where the foreign ID sits, e.g. `/id` or `/channels/1/id`. */
  readonly path: string;
  /** The ID found there. */
  readonly found: string;
  readonly message: string;
}> {}

/** The first place where `record` names another device than `deviceId`, as a {@link RecordMismatch}. */
export const recordMismatch = (deviceId: string, record: DeviceLike): RecordMismatch | undefined => {
  const own = deviceId.toUpperCase();
  const mismatch = (path: string, found: unknown): RecordMismatch =>
    new RecordMismatch({ deviceId, path, found: String(found), message: `the record read for device ${deviceId} has ${path} = ${String(found)}` });
  if (String(record.id).toUpperCase() !== own) return mismatch("/id", record.id);
  for (const [list, name] of [
    [record.channels, "channels"],
    [record.switches, "switches"],
  ] as const)
    for (const [i, entity] of (list ?? []).entries())
      if (!String(entity.id).toUpperCase().startsWith(`${own}_`)) return mismatch(`/${name}/${i}/id`, entity.id);
  return undefined;
};
