// The dashboard: @wattstream/rx streams over a @wattstream/transport client, rendered with plain DOM.
import { device$, fleet$, pauseController, scaledScheduler, setSwitch, shortEnergy$ } from "@wattstream/rx";
import type { DeviceUpdate, StreamStatus } from "@wattstream/rx";
import { isDeviceId, siteBalance } from "@wattstream/core";
import type { Channel, Device, DeviceId } from "@wattstream/core";
import { describeError, isWattwatchersError } from "@wattstream/resilience";
import { makeClient } from "@wattstream/transport";
import { asyncScheduler, distinctUntilChanged, filter, map, Subscription } from "rxjs";
import type { SchedulerLike } from "rxjs";
import { apiNow, parseConfig } from "./config.js";
import type { DashboardConfig } from "./config.js";
import { emptySeries, toPowerPoint, upsertPoint } from "./powerSeries.js";
import type { PowerSeries } from "./powerSeries.js";
import { summarize } from "./statusSummary.js";
import { el } from "./views/dom.js";
import { FleetView } from "./views/FleetView.js";
import { PowerChart } from "./views/PowerChart.js";
import { SwitchesView } from "./views/SwitchesView.js";
import "./style.css";

const SHORT_INTERVAL = 30;

/**
 * A message safe to show: client failures through resilience's `describeError` (operation, status and what to do,
 * never the key); rx's own errors (`SwitchTimeout`, core's `InvalidIdError`) are `Error`s with a message.
 */
const describe = (error: unknown): string => {
  if (isWattwatchersError(error)) return describeError(error);
  if (error instanceof Error && error.message !== "") return `${error.name}: ${error.message}`;
  return "unexpected error";
};

const hasSwitches = (d: Device): boolean => (d.switches?.length ?? 0) > 0;

const start = (config: DashboardConfig, mount: HTMLElement): void => {
  // rx's polls ask the client for no retries themselves (each poller backs off on its own and reports every
  // failure as a status event), while a switch write keeps the client's retry that reads back before re-sending.
  const client = makeClient({ apiKey: config.apiKey, baseUrl: config.baseUrl });
  const scheduler: SchedulerLike = config.clock ? scaledScheduler(config.clock.speed, { now: apiNow(config.clock) }) : asyncScheduler;

  // Page Visibility → `active$`: a hidden tab stops every poller (timers and requests in flight); the energy
  // stream resumes from its watermark, so the intervals that fell due meanwhile arrive on return.
  const visibility = pauseController(document.visibilityState !== "hidden");
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") visibility.pause();
    else visibility.resume();
    renderStatus();
  });
  const active$ = visibility.active$;
  const deviceOptions = { every: config.deviceEvery, active$, scheduler };

  const statusLine = el("p", { className: "status", data: { testid: "status", health: "live" }, text: "connecting…" });
  const statuses = new Map<string, StreamStatus>();
  const renderStatus = (): void => {
    const { health, text } = summarize(statuses, visibility.paused);
    statusLine.dataset["health"] = health;
    statusLine.textContent = text;
  };
  const noteStatus = (stream: string, e: StreamStatus & { readonly deviceId?: DeviceId }): void => {
    statuses.set(`${stream}:${e.deviceId ?? "*"}`, e);
    renderStatus();
  };

  const heading = el("h2", { className: "device-title", text: "Select a device" });
  const chart = new PowerChart();
  const switchesView = new SwitchesView((switchId, target) => {
    // Confirmed by the user in the view; setSwitch completes only once a read shows the state live.
    panel.add(
      setSwitch(client, switchId, target, { scheduler, every: 5_000, timeout: 15 * 60_000 }).subscribe({
        next: (done) => switchesView.confirmed(done.switchId, done.state),
        error: (error: unknown) => switchesView.failed(switchId, describe(error)),
      }),
    );
  });
  let panel = new Subscription();
  let selected: DeviceId | undefined;

  const select = (id: DeviceId): void => {
    if (id === selected) return;
    selected = id;
    fleetView.select(id);
    panel.unsubscribe();
    panel = new Subscription();
    heading.textContent = id;
    chart.setChannels([]);
    chart.setBalance(undefined);
    chart.setSeries(emptySeries(0));
    let channels: ReadonlyArray<Channel> = [];
    chart.setNote("waiting for data…");
    mount.dataset["selected"] = id;

    const updates$ = device$(client, id, deviceOptions);
    const snapshots$ = updates$.pipe(filter((u) => u.type === "snapshot"));
    // The chart's labels follow the device record; with structural sharing an unchanged layout is the same array.
    const layout$ = snapshots$.pipe(
      map((u) => u.device.channels ?? []),
      distinctUntilChanged(),
    );
    panel.add(
      snapshots$.subscribe((u) => {
        heading.textContent = `${u.device.label ?? id} (${id})`;
        channels = u.device.channels ?? [];
        chart.setChannels(channels);
        switchesView.setDevice(u.device);
      }),
    );

    const fromTs = Math.floor(scheduler.now() / 1000 / SHORT_INTERVAL) * SHORT_INTERVAL - config.historyMinutes * 60;
    let series: PowerSeries = emptySeries((config.historyMinutes * 60) / SHORT_INTERVAL + 120);
    const energy$ = shortEnergy$(client, id, { fromTs, layout$, active$, scheduler });
    panel.add(
      energy$.subscribe({
        next: (e) => {
          if (e.type === "status") return noteStatus("energy", e);
          if (e.type === "gap") return chart.setNote(`no data from ${new Date(e.fromTs * 1000).toISOString()} to ${new Date(e.toTs * 1000).toISOString()}`);
          // Anomalies (points rx refused) and checkpoint resets are not data to chart.
          if (e.type !== "interval" && e.type !== "revised") return;
          series = upsertPoint(series, toPowerPoint(e.point, SHORT_INTERVAL));
          chart.setSeries(series);
          const last = series.points[series.points.length - 1];
          // Energy arrays are positional: watts[k] belongs to channels[k]; a layout that does not fit shows nothing.
          if (last && last.watts.length === channels.length)
            chart.setBalance(siteBalance(channels.map((c, k) => ({ categoryId: c.categoryId, value: last.watts[k] }))));
          if (last) chart.setNote(`last interval ${new Date(last.timestamp * 1000).toISOString()} · ${series.points.length} intervals`);
        },
        error: (error: unknown) => chart.setNote(`energy stream stopped: ${describe(error)}`),
      }),
    );
  };

  const fleetView = new FleetView(select);
  // First choice: the configured device, else the first switching device in fleet order (decided once every
  // device before it has answered, so the choice does not depend on which reply came first).
  const switching = new Map<DeviceId, boolean>();
  const autoSelect = (): void => {
    if (config.select !== undefined) {
      const wanted = config.select;
      if (isDeviceId(wanted) && switching.has(wanted)) select(wanted);
      return;
    }
    for (const id of fleetView.ids()) {
      const can = switching.get(id);
      if (can === undefined) return;
      if (can) return select(id);
    }
  };
  const rows = new Map<DeviceId, Subscription>();
  const watchDevice = (id: DeviceId): void => {
    fleetView.add(id);
    const sub = device$(client, id, deviceOptions).subscribe({
      next: (u: DeviceUpdate) => {
        if (u.type === "status") return noteStatus("device", u);
        fleetView.update(u);
        switching.set(id, hasSwitches(u.device));
        if (selected === undefined) autoSelect();
      },
      error: (error: unknown) => {
        fleetView.failed(id, describe(error));
        switching.set(id, false);
        if (selected === undefined) autoSelect();
      },
    });
    rows.set(id, sub);
  };

  fleet$(client, { active$, scheduler }).subscribe({
    next: (u) => {
      if (u.type === "status") return noteStatus("fleet", u);
      for (const id of u.added) watchDevice(id);
      for (const id of u.removed) {
        rows.get(id)?.unsubscribe();
        rows.delete(id);
        fleetView.remove(id);
      }
      mount.dataset["devices"] = String(fleetView.ids().length);
      renderStatus();
    },
    error: (error: unknown) => {
      statusLine.dataset["health"] = "error";
      statusLine.textContent = `fleet unavailable: ${describe(error)}`;
    },
  });

  mount.replaceChildren(
    el("header", {}, el("h1", { text: "wattstream · live energy" }), statusLine),
    el("main", {}, el("nav", {}, el("h2", { text: "Fleet" }), fleetView.root), el("article", {}, heading, chart.root, switchesView.root)),
  );
};

const mount = document.getElementById("app") ?? document.body.appendChild(el("div"));
const config = parseConfig(location.hash);
if (config === undefined) {
  mount.replaceChildren(
    el("h1", { text: "wattstream dashboard" }),
    el("p", { text: "No API configured. Start it with `npm run dashboard`, which runs the simulator and opens this page with #baseUrl=…&key=… in the URL." }),
  );
} else start(config, mount);
