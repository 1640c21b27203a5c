/**
 * `NoData`: the answer of an energy or Modbus query whose device has never reported data of that kind.
 *
 * api-facts.md: `204` means "the device has never reported data of that kind (or is not Modbus-capable)", while
 * `200 []` means "data exists, none in this window". The two must stay different, so 204 decodes to this value,
 * never to `[]` and never to an error.
 */

/**
 * The type of the {@link NoData} value.
 *
 * @category models
 */
export interface NoData {
  readonly _tag: "NoData";
}

/**
 * The single value returned for an HTTP `204` on an energy or Modbus operation: the device has never reported
 * data of that kind.
 *
 * @example
 * ```ts
 * import { isNoData } from "@wattstream/transport";
 *
 * const points = await client.promise.getLatestModbusData("D123456789012");
 * if (isNoData(points)) console.log("not a Modbus device, or never reported");
 * ```
 * @category models
 */
export const NoData: NoData = Object.freeze({ _tag: "NoData" as const });

/**
 * Whether a value is {@link NoData} (an HTTP `204`: never reported), as opposed to data or an empty list.
 *
 * @example
 * ```ts
 * import { isNoData, NoData } from "@wattstream/transport";
 *
 * isNoData(NoData); // true
 * isNoData([]); // false: 200 [] means "nothing in this window"
 * ```
 * @category guards
 */
export const isNoData = (u: unknown): u is NoData =>
  typeof u === "object" && u !== null && (u as { readonly _tag?: unknown })._tag === "NoData";
