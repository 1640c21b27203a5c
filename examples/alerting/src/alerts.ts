import { catchError, groupBy, map, merge, mergeMap, of } from "rxjs";
import type { Observable, SchedulerLike } from "rxjs";
import type { ChannelId, DeviceId } from "@wattstream/core";
import { device$, meanPower, offlineFor, perChannel, shortEnergy$, sustained, threshold } from "@wattstream/rx";
import type { DeviceClient, EnergyClient } from "@wattstream/rx";
import { classify, describeError, isWattwatchersError } from "@wattstream/resilience";

/** Status read period: 288 reads per device-day, within the vendor's status budget. */
export const STATUS_EVERY_MS = 300_000;

/** One alert transition, ready to print or ship. */
export interface AlertRecord {
  readonly kind: "offline" | "highPower" | "deviceLost";
  readonly type: "raised" | "cleared";
  readonly deviceId: DeviceId;
  readonly channelId?: ChannelId;
  readonly label?: string | undefined;
  /** Watts, for power alerts. */
  readonly watts?: number;
  /** Clock time of the transition, Unix seconds. */
  readonly at: number;
  readonly reason?: string;
}

export interface AlertRules {
  /** Raise "offline" after this long without contact, ms. */
  readonly offlineAfterMs: number;
  /** Raise "highPower" when a channel's mean power reaches this, W… */
  readonly highPowerW: number;
  /** …and clear it once it is below this (hysteresis), W. */
  readonly clearPowerW: number;
  /** …but only if the high power lasted this long, ms. */
  readonly sustainMs: number;
}

/**
 * The alert pipeline: per device, "offline" from `device$` and per-channel "highPower" from short energy turned
 * into watts. A device that fails fatally (e.g. it left the key) raises "deviceLost"; the others carry on.
 */
export const alerts$ = (
  client: DeviceClient & EnergyClient<"short">,
  ids: ReadonlyArray<DeviceId>,
  rules: AlertRules,
  scheduler: SchedulerLike,
): Observable<AlertRecord> => {
  const at = (): number => scheduler.now() / 1000;
  const perDevice = (deviceId: DeviceId): Observable<AlertRecord> => {
    // Status reads every 300 s: 288 per device-day, the vendor's status budget (api-facts: 288 + 2880 + 288).
    // `offlineFor` times the silence from `lastHeardAt` on its own timer, so the slower read does not delay the
    // alert; only its clearing waits for the next read.
    const offline = device$(client, deviceId, { scheduler, every: STATUS_EVERY_MS, maxEvery: STATUS_EVERY_MS }).pipe(
      offlineFor(rules.offlineAfterMs, scheduler),
      map((a): AlertRecord => ({ kind: "offline", type: a.type, deviceId, at: at() })),
    );
    const power = shortEnergy$(client, deviceId, { scheduler }).pipe(
      perChannel(),
      meanPower(),
      // Revisions of past intervals are not "now"; alert on fresh intervals only.
      mergeMap((reading) => (reading.revised ? [] : reading.channels)),
      groupBy((channel) => channel.id),
      mergeMap((channel$) =>
        channel$.pipe(
          threshold({ value: (c) => c.watts, above: rules.highPowerW, clear: rules.clearPowerW }),
          sustained(rules.sustainMs, scheduler),
          map((a): AlertRecord => ({
            kind: "highPower",
            type: a.type,
            deviceId,
            channelId: a.item.id,
            label: a.item.label,
            watts: Math.round(a.value),
            at: at(),
          })),
        ),
      ),
    );
    return merge(offline, power).pipe(
      catchError((error: unknown) =>
        of<AlertRecord>({
          kind: "deviceLost",
          type: "raised",
          deviceId,
          at: at(),
          reason: lostReason(error),
        }),
      ),
    );
  };
  return merge(...ids.map(perDevice));
};

/**
 * Why a device's stream ended, in one line: for an API error, resilience's classification (`auth`, `notFound`,
 * …) and its description, so the alert says whether the key, the device or the request is at fault.
 */
export const lostReason = (error: unknown): string => {
  if (!isWattwatchersError(error)) return error instanceof Error ? error.message : String(error);
  const c = classify(error);
  return `${c.kind === "fatal" ? c.reason : c.kind}: ${describeError(error)}`;
};

/** One line per alert, for a terminal or a log. */
export const formatAlert = (a: AlertRecord): string => {
  const when = new Date(a.at * 1000).toISOString().slice(11, 19);
  const what =
    a.kind === "highPower"
      ? `${a.channelId}${a.label ? ` (${a.label})` : ""} ${a.watts} W`
      : a.kind === "deviceLost"
        ? `${a.deviceId}: ${a.reason}`
        : a.deviceId;
  return `${when}  ${a.type === "raised" ? "RAISED " : "cleared"}  ${a.kind.padEnd(10)} ${what}`;
};
