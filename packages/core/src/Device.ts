// Device-record payloads of GET /devices/{id}, PATCH /devices/{id}, GET /devices/models and
// GET /devices/channel-categories. Every record is open (an index signature): the API adds fields over time and
// decoders must keep them (api-facts: conventions). Optional fields are optional because the API omits a
// property that has no value.
import type { DeviceId } from "./DeviceId.js";
import type { ChannelId, SwitchId } from "./SubEntityId.js";

/**
 * A device model code such as `6M`, `6W+3SW` or `3RM+3SW`; open, as new models appear.
 *
 * @category models
 */
export type ModelCode = "3M" | "6M" | "6M+One" | "6M+3SW" | "6W" | "6W+3SW" | "3RM+3SW" | "6M4+3SW" | "6MW-CER" | (string & {});

/**
 * A switch's state: `closed` conducts, `open` does not.
 *
 * @category models
 */
export type SwitchState = "open" | "closed";

/**
 * Whether a switch's contactor is normally open or normally closed: the values a PATCH may write (api-facts:
 * value ranges). A read {@link Switch} keeps this open, as the API adds values over time.
 *
 * @category models
 */
export type ContactorType = "NO" | "NC";

/**
 * The allowed CT ratings (amps) of a channel (api-facts: value ranges).
 *
 * @example
 * ```ts
 * import { CT_RATINGS } from "@wattstream/core";
 * CT_RATINGS.includes(120); // true
 * ```
 * @category models
 */
export const CT_RATINGS = [60, 120, 200, 400, 600] as const;

/**
 * One of {@link CT_RATINGS}.
 *
 * @category models
 */
export type CtRating = (typeof CT_RATINGS)[number];

/**
 * Requested configuration the device has not applied yet: a PATCH is accepted at once but takes effect when the
 * device next connects (api-facts: eventually consistent writes). Holds any property that was requested.
 *
 * @category models
 */
export interface Pending {
  readonly shortEnergyReportingInterval?: number;
  readonly label?: string;
  readonly timezone?: string;
  readonly [key: string]: unknown;
}

/**
 * How the device talks to the cloud. Cellular devices add `mode`, `simId`, `apn` and `imsi`; WiFi devices put the
 * SSID in `networkId`.
 *
 * @category models
 */
export interface Comms {
  /**
   * `cellular`, `wifi`, or several joined with `+`. Optional: the contract requires no device field and the API
   * omits a property with no value (api-facts: conventions).
   */
  readonly type?: "cellular" | "wifi" | "cellular+wifi" | (string & {});
  /** Unix seconds (fractional) of the last contact: a device that stops reporting is offline, not at zero watts. */
  readonly lastHeardAt?: number;
  readonly signalQualityDbm?: number;
  /** Mobile network name, or the WiFi SSID. */
  readonly networkId?: string;
  /** Cellular mode, e.g. `4G`. */
  readonly mode?: string;
  readonly simId?: string;
  readonly apn?: string;
  readonly imsi?: string;
  readonly [key: string]: unknown;
}

/**
 * One monitored circuit. Its position in `Device.channels` is its position in every energy array.
 *
 * @category models
 */
export interface Channel {
  readonly id: ChannelId;
  readonly label?: string;
  /** CT rating in amps, one of {@link CT_RATINGS}. */
  readonly ctRating?: number;
  readonly categoryId?: number;
  readonly categoryLabel?: string;
  readonly pending?: { readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

/**
 * A relay on a `+3SW` model; it drives a real circuit. `pending.state` holds a requested state not yet applied.
 *
 * @category models
 */
export interface Switch {
  readonly id: SwitchId;
  /** Optional like every field but the ID: the contract requires none and the API omits what has no value. */
  readonly state?: SwitchState;
  readonly label?: string;
  /**
   * `NO` or `NC` today; open, because new values appear over time and must not lose the device (api-facts:
   * conventions). A PATCH may write only a {@link ContactorType}.
   */
  readonly contactorType?: ContactorType | (string & {});
  readonly closedStateLabel?: string;
  readonly openStateLabel?: string;
  readonly pending?: { readonly state?: SwitchState; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

/**
 * A group of channels measured on one phase (or one circuit group).
 *
 * @category models
 */
export interface PhaseGroup {
  /** Optional: the contract requires no property (api-facts: conventions); absent = no channel listed. */
  readonly included?: ReadonlyArray<ChannelId>;
  readonly [key: string]: unknown;
}

/**
 * A device's phase configuration: `count` ∈ {0, 1, 2, 3}, and channel groups. Both optional, as the API omits a
 * property with no value (api-facts: conventions).
 *
 * @category models
 */
export interface Phases {
  readonly count?: number;
  readonly grouping?: ReadonlyArray<PhaseGroup>;
  readonly [key: string]: unknown;
}

/**
 * The device record (GET /devices/{id}); the contract's cellular and WiFi variants differ only in `comms`. Only
 * `id` is certain: the contract requires no property and the API omits a property with no value (an
 * uninitialised device lacks its status fields), so everything else is optional and code reading it must say
 * what an absent value means (api-facts: "code defensively").
 *
 * @example
 * ```ts
 * import type { Device } from "@wattstream/core";
 * const describe = (d: Device) => `${d.label ?? d.id}: ${d.model ?? "unknown model"}, ${d.channels?.length ?? 0} channels`;
 * ```
 * @category models
 */
export interface Device {
  readonly id: DeviceId;
  readonly label?: string;
  /** IANA zone, e.g. `Australia/Sydney`. */
  readonly timezone?: string;
  readonly model?: ModelCode;
  readonly firmwareVersion?: string;
  /** Unix seconds of the device's latest status. */
  readonly latestStatus?: number;
  /** Seconds between short-energy points (30 by default). */
  readonly shortEnergyReportingInterval?: number;
  readonly pending?: Pending;
  readonly comms?: Comms;
  /** The channel layout: position k is position k of every energy array. Absent = not known (not "no channels"). */
  readonly channels?: ReadonlyArray<Channel>;
  /** Present on switching (`+3SW`) models only. */
  readonly switches?: ReadonlyArray<Switch>;
  readonly phases?: Phases;
  readonly [key: string]: unknown;
}

/**
 * The body of PATCH /devices/{id}. Every field is optional; read-only fields of a {@link Device} are ignored by
 * the service, so a whole device read, modified and sent back is a valid patch (api-facts: conventions). The
 * write model is stricter than the read model in one place: `contactorType` is a {@link ContactorType}, so a
 * `Device` assigns to it only once its switches' contactor types are known ones (the client's `updateDevice`
 * takes a whole `Device` as it is).
 *
 * @example
 * ```ts
 * import type { DevicePatch } from "@wattstream/core";
 * const patch: DevicePatch = { switches: [{ id: "D123456789012_S1", state: "closed" }] };
 * ```
 * @category models
 */
export interface DevicePatch {
  /** At most 64 characters. */
  readonly label?: string;
  readonly timezone?: string;
  readonly channels?: ReadonlyArray<{
    readonly id: ChannelId | string;
    readonly label?: string;
    readonly categoryId?: number;
    /** One of {@link CT_RATINGS}. */
    readonly ctRating?: number;
    readonly [key: string]: unknown;
  }>;
  readonly switches?: ReadonlyArray<{
    readonly id: SwitchId | string;
    readonly state?: SwitchState;
    readonly label?: string;
    readonly contactorType?: ContactorType;
    /** At most 16 characters. */
    readonly closedStateLabel?: string;
    /** At most 16 characters. */
    readonly openStateLabel?: string;
    readonly [key: string]: unknown;
  }>;
  readonly phases?: {
    /** 0, 1, 2 or 3. */
    readonly count?: number;
    readonly grouping?: ReadonlyArray<{ readonly included?: ReadonlyArray<ChannelId | string>; readonly [key: string]: unknown }>;
    readonly [key: string]: unknown;
  };
  readonly [key: string]: unknown;
}

/**
 * A channel category (GET /devices/channel-categories), e.g. `{ id: 5, label: "Solar generation" }`; `-1` is
 * "Not set" and `0` "Not connected".
 *
 * @category models
 */
export interface ChannelCategory {
  // Optional, as every property of the contract's answers: the API omits what has no value.
  readonly id?: number;
  readonly label?: string;
  readonly description?: string;
  readonly [key: string]: unknown;
}

/**
 * A device model (GET /devices/models).
 *
 * @category models
 */
export interface DeviceModel {
  // Optional, as every property of the contract's answers: the API omits what has no value.
  readonly code?: ModelCode;
  readonly displayName?: string;
  readonly channelsCount?: number;
  readonly switchesCount?: number;
  /** `cellular`, `wifi`, `cellular+wifi`. */
  readonly communications?: string;
  readonly [key: string]: unknown;
}
