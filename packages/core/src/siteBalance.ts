// A site's energy balance from its channels' categories (api-facts: "Channel categories and a site's energy
// balance"). Summing every channel means nothing physically: the grid CT already sees the sub-circuits, solar may
// read either sign, and a "Not connected" CT measures noise.

/**
 * The channel category IDs the balance gives a role to (`GET /devices/channel-categories`; the contract's list).
 * Every other ID, known or not, is a load.
 *
 * @example
 * ```ts
 * import { CHANNEL_CATEGORY } from "@wattstream/core";
 * console.log(CHANNEL_CATEGORY.gridConnect); // 1
 * ```
 * @category balance
 */
export const CHANNEL_CATEGORY = {
  notSet: -1,
  notConnected: 0,
  gridConnect: 1,
  solarGeneration: 5,
  electricVehicle: 7,
  battery: 8,
} as const;

/**
 * What a channel is to the site's balance: the grid connection, generation, a battery or an electric vehicle
 * (both ways), a load, or nothing (`excluded`: Not connected, Not set).
 *
 * @category balance
 */
export type BalanceRole = "grid" | "generation" | "battery" | "ev" | "load" | "excluded";

/**
 * The role of a channel with category `categoryId` in the site's balance; an unknown or missing category is a
 * load ("other load", api-facts).
 *
 * @example
 * ```ts
 * import { balanceRole } from "@wattstream/core";
 * console.log(balanceRole(1), balanceRole(5), balanceRole(0), balanceRole(42)); // grid generation excluded load
 * ```
 * @category balance
 */
export const balanceRole = (categoryId: number | undefined): BalanceRole => {
  switch (categoryId) {
    case CHANNEL_CATEGORY.gridConnect:
      return "grid";
    case CHANNEL_CATEGORY.solarGeneration:
      return "generation";
    case CHANNEL_CATEGORY.battery:
      return "battery";
    case CHANNEL_CATEGORY.electricVehicle:
      return "ev";
    case CHANNEL_CATEGORY.notConnected:
    case CHANNEL_CATEGORY.notSet:
      return "excluded";
    default:
      return "load";
  }
};

/**
 * One channel's signed value for one interval (energy in joules, or mean power in watts: the balance is linear,
 * so its figures come out in the same unit), with the channel's category. `value` is undefined when unknown.
 *
 * @category balance
 */
export interface BalanceInput {
  readonly categoryId?: number | undefined;
  readonly value: number | undefined;
}

/**
 * A site's balance for one interval, in the unit of the inputs. A figure is `undefined` when the site has no
 * channel for it (no Grid connect channel: no grid figures and no consumption) or when one of its channels'
 * values is unknown; a site without a Solar channel generates 0.
 *
 * @category balance
 */
export interface SiteBalance {
  /** Net flow through the Grid connect channels: positive = import, negative = export. */
  readonly gridNet: number | undefined;
  /** `max(gridNet, 0)`. */
  readonly gridImport: number | undefined;
  /** `max(-gridNet, 0)`. */
  readonly gridExport: number | undefined;
  /** Solar generation: the sum of the Solar channels' magnitudes (a CT may be installed either way round). */
  readonly generation: number | undefined;
  /** What the site used: `gridNet + generation` (battery charging and EV charging included). */
  readonly consumption: number | undefined;
  /** Net flow into batteries: positive = charging, negative = discharging; undefined without a Battery channel. */
  readonly battery: number | undefined;
  /** Net flow into electric-vehicle chargers (negative = exporting); undefined without an EV channel. */
  readonly ev: number | undefined;
  /** Sum of the other channels (sub-circuits the grid CT also sees: part of consumption, not added to it). */
  readonly loads: number | undefined;
}

/**
 * The site's balance for one interval from each channel's signed value and category: grid import/export from
 * Grid connect channels (positive = import), generation from Solar channels as a magnitude,
 * consumption = grid net + generation, batteries and EV chargers both ways, Not connected / Not set channels left
 * out, any other category counted as a load.
 *
 * @example
 * ```ts
 * import { siteBalance } from "@wattstream/core";
 * const b = siteBalance([
 *   { categoryId: 1, value: -1200 }, // Grid connect: exporting 1.2 kW
 *   { categoryId: 5, value: -3000 }, // Solar, CT installed reversed: 3 kW generated
 *   { categoryId: 2, value: 1500 },  // Lighting & Power
 *   { categoryId: 0, value: 3 },     // Not connected: ignored
 * ]);
 * console.log(b.gridExport, b.generation, b.consumption); // 1200 3000 1800
 * ```
 * @category balance
 */
export const siteBalance = (channels: ReadonlyArray<BalanceInput>): SiteBalance => {
  const sums = new Map<BalanceRole, number | undefined>();
  for (const { categoryId, value } of channels) {
    const role = balanceRole(categoryId);
    if (role === "excluded") continue;
    const previous = sums.has(role) ? sums.get(role) : 0;
    const v = value === undefined || !Number.isFinite(value) ? undefined : role === "generation" ? Math.abs(value) : value;
    sums.set(role, previous === undefined || v === undefined ? undefined : previous + v);
  }
  const gridNet = sums.get("grid");
  const generation = sums.has("generation") ? sums.get("generation") : 0;
  return {
    gridNet,
    gridImport: gridNet === undefined ? undefined : Math.max(gridNet, 0),
    gridExport: gridNet === undefined ? undefined : Math.max(-gridNet, 0),
    generation,
    consumption: gridNet === undefined || generation === undefined ? undefined : gridNet + generation,
    battery: sums.get("battery"),
    ev: sums.get("ev"),
    loads: sums.get("load"),
  };
};
