import cliProgress from "cli-progress";
import type { Output } from "../Output.js";

/** Progress of a sync, per device and overall. */
export interface SyncProgress {
  /** `covered` seconds of device `id`'s window are done; `points` intervals written so far. */
  readonly update: (id: string, covered: number, points: number) => void;
  readonly deviceDone: (id: string, points: number) => void;
  readonly stop: () => void;
}

/**
 * Progress bars on a terminal (cli-progress: one bar per device and an overall one, with ETA and request
 * rate); on a pipe, one line per finished device; nothing with `--quiet`.
 */
export const syncProgress = (
  out: Output,
  devices: ReadonlyArray<{ readonly id: string; readonly seconds: number }>,
  requests: () => number,
): SyncProgress => {
  const started = Date.now();
  const before = requests();
  // Requests of the transfer itself (not the device reads before it), once there is enough time to average.
  const rate = (): string => {
    const s = (Date.now() - started) / 1000;
    return s >= 0.5 ? ((requests() - before) / s).toFixed(1) : "-";
  };
  if (out.quiet || out.io.stderr.isTTY !== true) {
    return {
      update: () => undefined,
      deviceDone: (id, points) => out.note(`${id}: ${points} intervals written (${requests()} requests so far, ${rate()} req/s)`),
      stop: () => undefined,
    };
  }
  const total = devices.reduce((sum, d) => sum + d.seconds, 0);
  const multi = new cliProgress.MultiBar(
    {
      stream: out.io.stderr,
      format: "{name} {bar} {percentage}% | {points} intervals | ETA {eta_formatted} | {rate} req/s",
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
      barsize: 24,
      // A bar that has not started has no ETA yet: show a dash rather than "INF".
      formatTime: (t, options, round) => (Number.isFinite(t) && t >= 0 ? cliProgress.Format.TimeFormat(t, options, round) : "-"),
    },
    cliProgress.Presets.shades_classic,
  );
  const overall = multi.create(Math.max(1, total), 0, { name: "all devices  ", points: 0, rate: "-" });
  const bars = new Map(
    devices.map((d) => [d.id, multi.create(Math.max(1, d.seconds), 0, { name: d.id, points: 0, rate: "-" })] as const),
  );
  const covered = new Map<string, number>();
  const points = new Map<string, number>();
  const sum = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);
  const update = (id: string, seconds: number, n: number): void => {
    covered.set(id, seconds);
    points.set(id, n);
    const r = rate();
    bars.get(id)?.update(seconds, { points: n, rate: r });
    overall.update(sum(covered), { points: sum(points), rate: r });
  };
  return {
    update,
    deviceDone: (id, n) => update(id, devices.find((d) => d.id === id)?.seconds ?? 0, n),
    stop: () => multi.stop(),
  };
};
