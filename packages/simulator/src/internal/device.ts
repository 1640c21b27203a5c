// One simulated device: its live configuration, pending writes, comms schedule, outages and data availability.
// Everything is derived from the clock on demand (nothing ticks), so a test can advance time and observe.
import type { DeviceId } from "@wattstream/core";
import { channelId, switchId } from "@wattstream/core";
import type { ModelInfo } from "./catalogue.js";
import { canSwitch, categoryLabel } from "./catalogue.js";
import type { EnergyModel, ModbusModel } from "./energy.js";

export interface SimChannel {
  readonly number: number;
  label: string | undefined;
  categoryId: number;
  ctRating: number;
}

export type SwitchState = "open" | "closed";
export type ContactorType = "NO" | "NC";

export interface SimSwitch {
  readonly number: number;
  state: SwitchState;
  label: string | undefined;
  contactorType: ContactorType;
  closedStateLabel: string;
  openStateLabel: string;
}

export interface SimPhases {
  count: number;
  /** Channel numbers (one-indexed) per group. */
  grouping: ReadonlyArray<ReadonlyArray<number>>;
}

/** A comms outage: the device is silent in [from, to) (to = Infinity while offline). */
export interface Outage {
  from: number;
  to: number;
}

/** A configuration write waiting for the device's next check-in (api-facts: writes are eventually consistent). */
export interface PendingWrite {
  readonly requestedAt: number;
  readonly ctRatings: ReadonlyMap<number, number>;
  readonly phases: SimPhases | undefined;
  readonly switchStates: ReadonlyMap<number, SwitchState>;
  readonly contactorTypes: ReadonlyMap<number, ContactorType>;
  readonly firmwareVersion: string | undefined;
}

export interface CellularComms {
  readonly type: "cellular" | "cellular+wifi";
  readonly mode: string;
  readonly signalQualityDbm: number;
  readonly simId: string;
  readonly apn: string;
  readonly imsi: string;
  readonly networkId: string;
}

export interface WifiComms {
  readonly type: "wifi";
  readonly signalQualityDbm: number;
  readonly networkId: string;
}

export interface SimDevice {
  readonly id: DeviceId;
  readonly index: number;
  readonly model: ModelInfo;
  label: string | undefined;
  timezone: string;
  firmwareVersion: string;
  readonly comms: CellularComms | WifiComms;
  readonly channels: SimChannel[];
  readonly switches: SimSwitch[];
  phases: SimPhases | undefined;
  readonly modbus: ModbusModel | undefined;
  /** Start of the first 30 s interval the device ever reported; undefined = commissioned, never reported. */
  readonly dataStart: number | undefined;
  /** Seconds after an interval ends before the device uploads it; also the phase of its 30 s check-ins. */
  readonly lag: number;
  readonly energy: EnergyModel & { readonly revisions: Map<number, number> };
  readonly outages: Outage[];
  pending: PendingWrite[];
  /**
   * Serialized energy points by options and timestamp. A point is a pure function of the device's energy model,
   * revisions and phase grouping, so it is computed and stringified once; cleared when either changes.
   */
  readonly pointCache: Map<string, string>;
  /** Whole response bodies of contiguous runs of points, by options and first/last timestamp (same lifetime). */
  readonly windowCache: Map<string, Uint8Array<ArrayBuffer>>;
}

export const CHECK_IN_SECONDS = 30;

const outageAt = (d: SimDevice, t: number): Outage | undefined => d.outages.find((o) => o.from <= t && t < o.to);

/** The instant of the device's last check-in at or before `t`, or undefined if it has never checked in. */
export const lastCheckIn = (d: SimDevice, t: number): number | undefined => {
  if (d.dataStart === undefined) return undefined;
  let cur = t;
  for (let guard = 0; guard <= d.outages.length; guard++) {
    const silent = outageAt(d, cur);
    if (silent) {
      cur = silent.from - 1e-6;
      continue;
    }
    const grid = d.lag + Math.floor((cur - d.lag) / CHECK_IN_SECONDS) * CHECK_IN_SECONDS;
    const missed = outageAt(d, grid);
    // The grid slot fell in an outage that has ended by `cur`: the reconnect itself is the check-in.
    const at = missed ? missed.to : grid;
    return at < d.dataStart ? undefined : at;
  }
  return undefined;
};

/** Applies pending writes the device has picked up at a check-in since they were requested. */
export const settle = (d: SimDevice, now: number): void => {
  if (d.pending.length === 0) return;
  const heard = lastCheckIn(d, now);
  if (heard === undefined) return;
  const remaining: PendingWrite[] = [];
  for (const w of d.pending) {
    if (heard <= w.requestedAt) {
      remaining.push(w);
      continue;
    }
    for (const [n, rating] of w.ctRatings) {
      const ch = d.channels[n - 1];
      if (ch) ch.ctRating = rating;
    }
    if (w.phases) {
      d.phases = w.phases;
      d.pointCache.clear();
      d.windowCache.clear();
    }
    for (const [n, state] of w.switchStates) {
      const sw = d.switches[n - 1];
      if (sw) sw.state = state;
    }
    for (const [n, type] of w.contactorTypes) {
      const sw = d.switches[n - 1];
      if (sw) sw.contactorType = type;
    }
    if (w.firmwareVersion !== undefined) d.firmwareVersion = w.firmwareVersion;
  }
  d.pending = remaining;
};

/**
 * Whether the interval ending at `end` (exclusive) has reached the service by `now`. Normally that is `lag`
 * seconds after it ends; an interval the device would have uploaded during an outage is buffered and back-filled
 * after reconnecting, oldest first, at `rate` seconds of data per second (api-facts: ~1 hour per minute).
 */
export const isAvailable = (d: SimDevice, start: number, end: number, now: number, rate: number): boolean => {
  if (d.dataStart === undefined || start < d.dataStart) return false;
  const upload = end + d.lag;
  if (upload > now) return false;
  const o = outageAt(d, upload);
  if (!o) return true;
  return now >= o.to && end <= o.from - d.lag + (now - o.to) * rate;
};

/** Start of the latest available interval of length `step` (aligned to `step`), or undefined if none. */
export const latestStart = (d: SimDevice, step: number, now: number, rate: number): number | undefined => {
  if (d.dataStart === undefined) return undefined;
  const first = Math.ceil(d.dataStart / step) * step;
  let end = Math.floor((now - d.lag) / step) * step;
  for (let guard = 0; guard < 64 && end - step >= first; guard++) {
    const o = outageAt(d, end + d.lag);
    if (!o) return end - step;
    if (now >= o.to) {
      const frontier = o.from - d.lag + (now - o.to) * rate;
      if (end <= frontier) return end - step;
      end = Math.floor(frontier / step) * step;
    } else {
      end = Math.ceil((o.from - d.lag) / step) * step - step;
    }
  }
  return undefined;
};

/** Start of the first available interval of length `step`, or undefined if the device has none yet. */
export const firstStart = (d: SimDevice, step: number, now: number, rate: number): number | undefined => {
  if (d.dataStart === undefined) return undefined;
  const latest = latestStart(d, step, now, rate);
  if (latest === undefined) return undefined;
  let ts = Math.ceil(d.dataStart / step) * step;
  // Outages are recent compared with the start of history; a short scan finds the first reported interval.
  for (let guard = 0; guard < 100_000 && ts < latest; guard++, ts += step) {
    if (isAvailable(d, ts, ts + step, now, rate)) return ts;
  }
  return latest;
};

const pendingView = (d: SimDevice): Record<string, unknown> | undefined => {
  const ctRatings = new Map<number, number>();
  let phases: SimPhases | undefined;
  for (const w of d.pending) {
    for (const [n, r] of w.ctRatings) ctRatings.set(n, r);
    if (w.phases) phases = w.phases;
  }
  const out: Record<string, unknown> = {};
  if (ctRatings.size > 0) {
    out["channels"] = [...ctRatings].sort(([a], [b]) => a - b).map(([n, r]) => ({ id: channelId(d.id, n), ctRating: r }));
  }
  if (phases) out["phases"] = phasesView(d, phases);
  return Object.keys(out).length > 0 ? out : undefined;
};

const phasesView = (d: SimDevice, p: SimPhases): Record<string, unknown> => ({
  count: p.count,
  grouping: p.grouping.map((g) => ({ included: g.map((n) => channelId(d.id, n)) })),
});

const switchPending = (d: SimDevice, n: number): Record<string, unknown> | undefined => {
  let state: SwitchState | undefined;
  let contactorType: ContactorType | undefined;
  for (const w of d.pending) {
    state = w.switchStates.get(n) ?? state;
    contactorType = w.contactorTypes.get(n) ?? contactorType;
  }
  if (state === undefined && contactorType === undefined) return undefined;
  return { ...(state === undefined ? {} : { state }), ...(contactorType === undefined ? {} : { contactorType }) };
};

const defined = (o: Record<string, unknown>): Record<string, unknown> => {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
};

/** The device record as GET /devices/{id} returns it (optional fields omitted when unset: api-facts). */
export const deviceRecord = (d: SimDevice, now: number): Record<string, unknown> => {
  settle(d, now);
  const heard = lastCheckIn(d, now);
  const comms =
    d.comms.type === "wifi"
      ? { type: d.comms.type, lastHeardAt: heard, signalQualityDbm: d.comms.signalQualityDbm, networkId: d.comms.networkId }
      : {
          type: d.comms.type,
          mode: d.comms.mode,
          lastHeardAt: heard,
          signalQualityDbm: d.comms.signalQualityDbm,
          simId: d.comms.simId,
          apn: d.comms.apn,
          imsi: d.comms.imsi,
          networkId: d.comms.networkId,
        };
  return defined({
    id: d.id,
    label: d.label,
    timezone: d.timezone,
    model: d.model.code,
    firmwareVersion: d.firmwareVersion,
    latestStatus: heard === undefined ? undefined : Math.floor(heard),
    shortEnergyReportingInterval: 30,
    pending: pendingView(d),
    comms: defined(comms),
    channels: d.channels.map((c) =>
      defined({
        id: channelId(d.id, c.number),
        label: c.label,
        categoryId: c.categoryId,
        categoryLabel: categoryLabel(c.categoryId),
        ctRating: c.ctRating,
      }),
    ),
    phases: d.phases ? phasesView(d, d.phases) : undefined,
    switches: canSwitch(d.model)
      ? d.switches.map((s) =>
          defined({
            id: switchId(d.id, s.number),
            state: s.state,
            label: s.label,
            contactorType: s.contactorType,
            closedStateLabel: s.closedStateLabel,
            openStateLabel: s.openStateLabel,
            pending: switchPending(d, s.number),
          }),
        )
      : undefined,
  });
};
