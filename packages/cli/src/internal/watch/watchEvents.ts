import { ChannelLayoutMismatchError, meanPowerW, siteBalance, zipChannels } from "@wattstream/core";
import type { DeviceId, LongEnergyPoint, ShortEnergyPoint } from "@wattstream/core";
import { CheckpointCorrupt, describeAnomaly, makeStreams, readSwitch } from "@wattstream/rx";
import type { CheckpointStore, DeviceLost, DeviceUpdate, EnergyEvent, FleetStatusEvent, StatusEvent, Streams, StreamsClient } from "@wattstream/rx";
import { concat, defer, finalize, map, merge, mergeMap, of, throwError } from "rxjs";
import type { Observable, SchedulerLike } from "rxjs";
import { lastHeard } from "../deviceView.js";
import { classify, isWattwatchersError, NotPermitted, redactText as redact, Unauthorized } from "@wattstream/resilience";
import type { ChannelPower, WatchEvent } from "./WatchEvent.js";
import type { StoreSink } from "@wattstream/store";

/** Options of {@link watchEvents$}. */
export interface WatchOptions {
  /** Devices to follow; empty = every device on the key, following additions and removals. */
  readonly ids: ReadonlyArray<DeviceId>;
  readonly energy: "short" | "long" | "none";
  /** Device poll period, ms on the scheduler's clock. @default rx's (5 min) */
  readonly every?: number;
  readonly scheduler: SchedulerLike;
  /** Where energy streams keep their watermarks, so a restart neither repeats nor loses an interval. */
  readonly checkpoints?: CheckpointStore;
  /** Secrets to mask in error texts. */
  readonly secrets: ReadonlyArray<string>;
  /** Also writes rx's device and energy events into a database (`watch --store`); give it `checkpoints` too. */
  readonly store?: StoreSink;
}

/** `Tag: message`: a client failure or rx's `CheckpointCorrupt` by its tag, any other `Error` by its name. */
const errorText = (error: unknown, secrets: ReadonlyArray<string>): string => {
  const tag = isWattwatchersError(error) || error instanceof CheckpointCorrupt ? error._tag : error instanceof Error ? error.name : "Error";
  return redact(`${tag}: ${error instanceof Error ? error.message : String(error)}`, secrets);
};

/** A stream's status as a watch event; the key's device-list poller (rx's fleet-level status) is reported as `"*"`. */
const status = (s: StatusEvent | FleetStatusEvent, secrets: ReadonlyArray<string>): WatchEvent => ({
  type: "status",
  deviceId: "deviceId" in s ? s.deviceId : "*",
  status: s.status,
  ...(s.attempt === undefined ? {} : { attempt: s.attempt }),
  ...(s.retryAt === undefined ? {} : { retryAt: Math.round(s.retryAt / 1000) }),
  ...(s.error === undefined ? {} : { error: errorText(s.error, secrets) }),
});

/**
 * A new or revised interval with each channel's mean power. Energy arrays are positional (api-facts), so they
 * are paired with the layout by core's `zipChannels`, which refuses a layout that does not fit; watts are core's
 * `meanPowerW` over the point's own `duration`. Without a duration (or with a layout that does not fit) the
 * power is unknown and left out, never reported as 0 W: offline ≠ zero watts (api-facts).
 */
export const intervalEvent = (
  e: Extract<EnergyEvent<ShortEnergyPoint | LongEnergyPoint>, { readonly type: "interval" | "revised" }>,
  stream: "short" | "long",
): WatchEvent => {
  const point = e.point;
  const seconds = point.duration;
  let channels: Array<ChannelPower> = [];
  try {
    const zipped = zipChannels(e.channels, { eReal: point.eReal ?? [] });
    if (!zipped.ok) throw zipped.error;
    channels = zipped.channels.map((c) => {
      const joules = c.values.eReal;
      return {
        id: c.id,
        label: c.label,
        categoryId: c.categoryId,
        powerW: joules !== undefined && seconds !== undefined && seconds > 0 ? Math.round(meanPowerW(joules, seconds) * 10) / 10 : undefined,
      };
    });
  } catch (error) {
    if (!(error instanceof ChannelLayoutMismatchError)) throw error;
  }
  const known = channels.length > 0 && channels.every((c) => c.powerW !== undefined);
  return {
    type: e.type,
    deviceId: e.deviceId,
    stream,
    timestamp: point.timestamp,
    duration: seconds,
    powerW: known ? Math.round(channels.reduce((sum, c) => sum + (c.powerW ?? 0), 0) * 10) / 10 : undefined,
    balance: siteBalance(channels.map((c) => ({ categoryId: c.categoryId, value: c.powerW }))),
    channels,
  };
};

const fromEnergy = (e: EnergyEvent<ShortEnergyPoint | LongEnergyPoint>, stream: "short" | "long", secrets: ReadonlyArray<string>): WatchEvent => {
  switch (e.type) {
    case "status":
      return status(e, secrets);
    case "gap":
      return { type: "gap", deviceId: e.deviceId, stream, fromTs: e.fromTs, toTs: e.toTs };
    case "anomaly":
      return { type: "anomaly", deviceId: e.deviceId, stream, timestamp: e.point.timestamp, reason: e.reason, detail: describeAnomaly(e.reason) };
    case "checkpointReset":
      return { type: "checkpointReset", deviceId: e.deviceId, stream, fromTs: e.fromTs, error: errorText(e.error, secrets) };
    default:
      return intervalEvent(e, stream);
  }
};

/** What the watch command calls: rx's stream owner's client (the device, the device list, the energy reads). */
export type WatchClient = StreamsClient;

/** The events of one device: its snapshots turned into `device` / change / heartbeat events, plus energy. */
const deviceStream = (streams: Streams, id: DeviceId, options: WatchOptions): Observable<WatchEvent> => {
  const { secrets } = options;
  // rx's device stream is one shared poller per device (cached by ID and options): both subscribers below join it,
  // no `share()` layer (a Subject and its subscribers per device) in between.
  const updates = streams.device$(id);
  let heard: number | undefined;
  const deviceEvents = (options.store === undefined ? updates : updates.pipe(options.store.write())).pipe(
    mergeMap((u: DeviceUpdate): ReadonlyArray<WatchEvent> => {
      if (u.type === "status") return [status(u, secrets)];
      const d = u.device;
      const out: Array<WatchEvent> = [];
      if (u.previous === undefined) {
        out.push({
          type: "device",
          deviceId: d.id,
          label: d.label,
          model: d.model,
          online: u.online,
          lastHeardAt: lastHeard(d),
          channels: (d.channels ?? []).map((c) => ({ id: c.id, label: c.label })),
          switches: (d.switches ?? []).map((s) => ({ id: s.id, label: s.label, state: s.state, pending: readSwitch(d, s.id).pending })),
        });
      } else {
        out.push(...u.events);
        if (lastHeard(d) !== heard) out.push({ type: "heartbeat", deviceId: d.id, lastHeardAt: lastHeard(d), online: u.online });
      }
      heard = lastHeard(d);
      return out;
    }),
  );
  if (options.energy === "none") return deviceEvents;
  // The device's snapshots label the energy (channel layout) and, by lastHeardAt jumping after a silence, say the
  // device reconnected and will back-fill (api-facts): rx then re-checks the settle window promptly. One
  // subscription to the shared snapshots (rx's `device$` option) instead of a `layout$` and a `heartbeat$` chain.
  const energy: Observable<EnergyEvent<ShortEnergyPoint | LongEnergyPoint>> =
    options.energy === "short" ? streams.shortEnergy$(id, { device$: updates }) : streams.longEnergy$(id, { device$: updates });
  const stored = options.store === undefined ? energy : energy.pipe(options.store.write());
  return merge(deviceEvents, stored.pipe(map((e) => fromEnergy(e, options.energy as "short" | "long", secrets))));
};

/** A device the key no longer sees (api-facts: 404 for both), by resilience's classification. */
const leftTheKey = (error: unknown): boolean => {
  if (!isWattwatchersError(error)) return false;
  const c = classify(error);
  return c.kind === "fatal" && c.reason === "notFound";
};

/**
 * Every watch event of the chosen devices, merged: rx's stream owner (`makeStreams`) runs the fleet (or the named
 * devices) and one stream per device (`eachDevice$`, rx's `perDevice`). One device's failure degrades that
 * device only: its error becomes a `failed` event (a device that left the key, following the fleet: `removed`)
 * and the other devices go on. What ends everything: a refused key (Unauthorized, NotPermitted: exit 3), an
 * explicitly named device that does not exist (NotFound: exit 4), or the last named device failing (its error
 * decides the exit code).
 */
export const watchEvents$ = (client: WatchClient, options: WatchOptions): Observable<WatchEvent> =>
  defer(() => {
    const streams = makeStreams(client, {
      scheduler: options.scheduler,
      ...(options.checkpoints === undefined ? {} : { checkpoints: options.checkpoints }),
      defaults: { device: options.every === undefined ? {} : { every: options.every } },
    });
    const follow = options.ids.length === 0;
    const named = new Set(options.ids);
    const failed = new Set<DeviceId>();
    /** A device's stream ended with an error: a watch event, or the end of everything. */
    const lost = ({ deviceId, error }: DeviceLost): Observable<WatchEvent> => {
      // The key itself was refused: every device would fail the same way.
      if (error instanceof Unauthorized || error instanceof NotPermitted) return throwError(() => error);
      if (leftTheKey(error))
        // A device named on the command line that does not exist is a mistake to report, not to watch around.
        return follow ? of({ type: "removed", deviceId, reason: "no longer visible to the key (404)" }) : throwError(() => error);
      failed.add(deviceId);
      // A corrupt energy checkpoint (rx's CheckpointCorrupt names the file): say how to go on.
      const hint = error instanceof CheckpointCorrupt ? "; delete that file to start this device over" : "";
      const event: WatchEvent = { type: "failed", deviceId, error: `${errorText(error, options.secrets)}${hint}` };
      return !follow && failed.size === named.size ? concat(of(event), throwError(() => error)) : of(event);
    };
    return streams.eachDevice$((id) => deviceStream(streams, id, options), follow ? {} : { ids: options.ids }).pipe(
      mergeMap((e): Observable<WatchEvent> => {
        if (e.type === "deviceLost") return lost(e);
        // The key's device-list poller's own health (rx's fleet-level status).
        if (e.type === "status" && "scope" in e) return of(status(e, options.secrets));
        if (e.type === "fleet") return of({ type: "fleet", devices: e.devices, added: e.added, removed: e.removed });
        return of(e);
      }),
      finalize(() => streams.dispose()),
    );
  });
