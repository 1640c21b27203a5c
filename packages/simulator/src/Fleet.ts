import type { DeviceId } from "@wattstream/core";
import { parseDeviceId } from "@wattstream/core";
import type { SimClock } from "./SimClock.js";
import type { Outage, SimDevice } from "./internal/device.js";
import { deviceRecord, settle } from "./internal/device.js";
import { LONG_SECONDS } from "./internal/energy.js";
import type { KeyState, Permission, RateLimitOverride } from "./internal/keys.js";
import { makeKeyString } from "./internal/keys.js";
import type { Rng } from "./internal/prng.js";

/**
 * What an API key may do: `read` only; `metadata` also writes labels, categories and the timezone; `config` also
 * writes configuration (CT ratings, phases, switch state and contactor type).
 *
 * @category models
 */
export type KeyPermission = Permission;

/**
 * An API key the simulator accepts, with its permission; `devices()` lists what it can see right now.
 *
 * @example
 * ```ts
 * const { key, permission } = sim.keys.readOnly;
 * await fetch(`${sim.baseUrl}/devices`, { headers: { Authorization: `Bearer ${key}` } });
 * ```
 * @category models
 */
export interface SimKey {
  /** The key itself, `key_` + 32 characters. */
  readonly key: string;
  readonly permission: KeyPermission;
  /** The device IDs on the key, in fleet order. */
  readonly devices: () => ReadonlyArray<DeviceId>;
}

/**
 * The keys of a running simulator: `demo` sees every device with full permissions; the others each see part of
 * the fleet with one permission level.
 *
 * @example
 * ```ts
 * const { readOnly } = sim.keys;
 * const hidden = sim.fleet.ids().find((id) => !readOnly.devices().includes(id));
 * // GET /devices/{hidden} with readOnly.key answers 404 NOT_FOUND, as if the device did not exist.
 * ```
 * @category models
 */
export interface SimKeys {
  readonly demo: SimKey;
  /** Read-only, even-indexed devices. */
  readonly readOnly: SimKey;
  /** Metadata writes, the first five devices. */
  readonly metadataWrite: SimKey;
  /** Configuration writes, devices 4–8 (the switching, three-phase and Modbus ones). */
  readonly configWrite: SimKey;
}

/**
 * Device behaviour controls for tests: outages and back-fill, revisions, keys gaining and losing devices,
 * firmware updates and offline devices. Every change is read through the simulator clock.
 *
 * @example
 * ```ts
 * const sim = await startSimulator();
 * const [id] = sim.fleet.ids();
 * sim.fleet.outage(id!, { from: sim.clock.now() - 3600, to: sim.clock.now() }); // an hour of buffered data
 * sim.clock.advance(60); // back-fill runs at ~1 hour of data per minute
 * ```
 * @category services
 */
export interface Fleet {
  /** Every device ID of the fleet, in order. */
  readonly ids: () => ReadonlyArray<DeviceId>;
  /** The device record as GET /devices/{id} would return it now, or undefined for an unknown ID. */
  readonly get: (id: string) => Readonly<Record<string, unknown>> | undefined;
  /**
   * A comms outage in [from, to): the device is silent (lastHeardAt stops), buffers its data, and after `to`
   * back-fills it oldest first at `backfillRate` (default one hour of data per minute of clock time).
   * `from` defaults to now.
   */
  readonly outage: (id: string, window: { readonly from?: number; readonly to: number }) => void;
  /** Takes a device offline from `at` (default now) until {@link Fleet.bringOnline}. */
  readonly takeOffline: (id: string, at?: number) => void;
  /** Ends an open-ended outage at `at` (default now); the device reconnects and back-fills. */
  readonly bringOnline: (id: string, at?: number) => void;
  /**
   * Re-reports the 5-minute interval containing `ts` (and its ten 30 s intervals) with new values, as a device
   * does when it corrects already-sent data.
   */
  readonly revise: (id: string, ts: number) => void;
  /** Gives a key access to a device (the device "joins" the key). */
  readonly addToKey: (key: string, id: string) => void;
  /** Removes a device from a key: from then on it answers 404 for that key. */
  readonly removeFromKey: (key: string, id: string) => void;
  /** Queues a firmware update; `firmwareVersion` changes at the device's next check-in. */
  readonly updateFirmware: (id: string, version: string) => void;
  /** Creates another key over some devices. Returns the key string. */
  readonly addKey: (options: {
    readonly permission: KeyPermission;
    readonly devices: ReadonlyArray<string>;
    readonly rateLimits?: RateLimitOverride;
  }) => string;
  /**
   * Overrides one key's TPS / TPD budgets (undefined = the simulator-wide `rateLimits`, else scale with the key's
   * device count; TPS is unlimited on the virtual clock unless given).
   */
  readonly setRateLimits: (key: string, limits: RateLimitOverride) => void;
}

/** @internal */
export const makeFleet = (
  devices: ReadonlyArray<SimDevice>,
  byId: ReadonlyMap<string, SimDevice>,
  keys: Map<string, KeyState>,
  clock: SimClock,
  rng: Rng,
): Fleet => {
  const device = (id: string): SimDevice => {
    const d = byId.get(parseDeviceId(id));
    if (!d) throw new RangeError(`no simulated device ${id}`);
    return d;
  };
  const keyState = (key: string): KeyState => {
    const k = keys.get(key);
    if (!k) throw new RangeError("unknown simulator key");
    return k;
  };
  const addOutage = (d: SimDevice, o: Outage): void => {
    if (!(o.to > o.from)) throw new RangeError(`outage must end after it starts (${o.from} → ${o.to})`);
    // Writes waiting at the outage's start have had their chance at earlier check-ins.
    settle(d, o.from);
    const merged: Outage = { ...o };
    const rest = d.outages.filter((x) => {
      if (x.to < merged.from || x.from > merged.to) return true;
      merged.from = Math.min(merged.from, x.from);
      merged.to = Math.max(merged.to, x.to);
      return false;
    });
    d.outages.length = 0;
    d.outages.push(...rest, merged);
  };
  return {
    ids: () => devices.map((d) => d.id),
    get: (id) => {
      const d = byId.get(id);
      return d ? deviceRecord(d, clock.now()) : undefined;
    },
    outage: (id, w) => addOutage(device(id), { from: w.from ?? clock.now(), to: w.to }),
    takeOffline: (id, at) => addOutage(device(id), { from: at ?? clock.now(), to: Infinity }),
    bringOnline: (id, at) => {
      const d = device(id);
      const when = at ?? clock.now();
      settle(d, when);
      for (const o of d.outages) if (o.to === Infinity && o.from <= when) o.to = when;
    },
    revise: (id, ts) => {
      const d = device(id);
      const start = ts - (((ts % LONG_SECONDS) + LONG_SECONDS) % LONG_SECONDS);
      d.energy.revisions.set(start, (d.energy.revisions.get(start) ?? 0) + 1);
      d.pointCache.clear();
      d.windowCache.clear();
    },
    addToKey: (key, id) => void keyState(key).devices.add(device(id).id),
    removeFromKey: (key, id) => void keyState(key).devices.delete(device(id).id),
    updateFirmware: (id, version) => {
      const d = device(id);
      d.pending.push({
        requestedAt: clock.now(),
        ctRatings: new Map(),
        phases: undefined,
        switchStates: new Map(),
        contactorTypes: new Map(),
        firmwareVersion: version,
      });
    },
    addKey: ({ permission, devices: ids, rateLimits }) => {
      const key = makeKeyString(rng);
      keys.set(key, newKeyState(key, `key${keys.size + 1}`, permission, ids.map((i) => device(i).id), rateLimits));
      return key;
    },
    setRateLimits: (key, limits) => {
      keyState(key).limits = limits;
    },
  };
};

/** @internal */
export const newKeyState = (
  key: string,
  name: string,
  permission: Permission,
  devices: Iterable<DeviceId>,
  limits: RateLimitOverride = {},
): KeyState => ({
  key,
  name,
  permission,
  devices: new Set(devices),
  limits,
  tpsWindow: -1,
  tpsUsed: 0,
  tpdDay: -1,
  tpdUsed: 0,
});
