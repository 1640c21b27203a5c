import type { Channel, SiteBalance } from "@wattstream/core";
import type { PowerSeries } from "../powerSeries.js";
import { contiguousRuns } from "../powerSeries.js";
import { countRender, el, svg } from "./dom.js";

const WIDTH = 640;
const HEIGHT = 220;
const PAD = { left: 56, right: 8, top: 10, bottom: 22 };
const COLORS = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563", "#65a30d"];
const color = (k: number): string => COLORS[k % COLORS.length] ?? "#111827";

const watts = (w: number): string => (Math.abs(w) >= 1000 ? `${(w / 1000).toFixed(1)} kW` : `${Math.round(w)} W`);
const hhmm = (ts: number): string => new Date(ts * 1000).toISOString().slice(11, 16);

/**
 * Live power per channel as an SVG line chart, one line per channel, labelled from the device record's channels
 * (energy arrays are positional: `eReal[k]` belongs to `channels[k]`, api-facts). The legend is rebuilt only when
 * the channel layout changes, the lines only when the series changes (both compared with `===`).
 */
export class PowerChart {
  readonly root = el("section", { className: "chart", data: { testid: "chart", points: "0" } });
  private readonly title = el("h3", { text: "Live power per channel" });
  private readonly legend = el("ul", { className: "legend", data: { testid: "legend", renders: "0" } });
  private readonly plot = svg("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", "aria-label": "power per channel" });
  private readonly note = el("p", { className: "note" });
  private readonly balance = el("p", { className: "balance", data: { testid: "balance" } });
  private channels: ReadonlyArray<Channel> | undefined;
  private series: PowerSeries | undefined;

  constructor() {
    this.plot.dataset["renders"] = "0";
    this.root.append(this.title, this.balance, this.legend, this.plot, this.note);
  }

  setChannels(channels: ReadonlyArray<Channel>): void {
    if (channels === this.channels) return;
    this.channels = channels;
    this.legend.replaceChildren(
      ...channels.map((c, k) => {
        const item = el("li", { text: c.label ?? c.id, data: { channelId: c.id } });
        item.style.setProperty("--swatch", color(k));
        return item;
      }),
    );
    countRender(this.legend);
    this.draw();
  }

  setSeries(series: PowerSeries): void {
    if (series === this.series) return;
    this.series = series;
    this.draw();
  }

  /**
   * The site's balance over the latest interval above the chart (core's `siteBalance` over the channels'
   * categories): grid import or export, solar generation and what the site used — not a sum of every channel.
   */
  setBalance(balance: SiteBalance | undefined): void {
    if (balance === undefined) {
      this.balance.textContent = "";
      return;
    }
    const parts = [
      balance.gridNet === undefined
        ? "no Grid connect channel"
        : balance.gridNet >= 0
          ? `Grid import ${watts(balance.gridImport ?? 0)}`
          : `Grid export ${watts(balance.gridExport ?? 0)}`,
      balance.generation === undefined ? "Solar unknown" : balance.generation > 0 ? `Solar ${watts(balance.generation)}` : undefined,
      balance.consumption === undefined ? undefined : `Using ${watts(balance.consumption)}`,
    ];
    this.balance.textContent = `Latest interval: ${parts.filter((p) => p !== undefined).join(" · ")}`;
  }

  /** A line under the chart: "no data", a gap, the last interval. */
  setNote(text: string): void {
    this.note.textContent = text;
  }

  private draw(): void {
    const points = this.series?.points ?? [];
    this.root.dataset["points"] = String(points.length);
    const first = points[0];
    const last = points[points.length - 1];
    this.root.dataset["lastTimestamp"] = last === undefined ? "" : String(last.timestamp);
    const children: Array<SVGElement> = [];
    if (first !== undefined && last !== undefined) {
      const t0 = first.timestamp;
      const t1 = Math.max(last.timestamp + last.duration, t0 + 1);
      let lo = 0;
      let hi = 1;
      for (const p of points)
        for (const w of p.watts) {
          lo = Math.min(lo, w);
          hi = Math.max(hi, w);
        }
      const x = (ts: number): number => PAD.left + ((ts - t0) / (t1 - t0)) * (WIDTH - PAD.left - PAD.right);
      const y = (w: number): number => PAD.top + ((hi - w) / (hi - lo)) * (HEIGHT - PAD.top - PAD.bottom);
      children.push(
        svg("line", { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(0), y2: y(0), class: "zero" }),
        label(4, y(hi) + 4, watts(hi)),
        label(4, y(lo), watts(lo)),
        label(PAD.left, HEIGHT - 4, hhmm(t0)),
        label(WIDTH - PAD.right - 34, HEIGHT - 4, hhmm(t1)),
      );
      const count = Math.max(this.channels?.length ?? 0, ...points.map((p) => p.watts.length));
      for (let k = 0; k < count; k++) {
        for (const run of contiguousRuns(points)) {
          const coords = run
            .filter((p) => p.watts[k] !== undefined)
            .map((p) => `${x(p.timestamp + p.duration / 2).toFixed(1)},${y(p.watts[k] ?? 0).toFixed(1)}`);
          if (coords.length === 0) continue;
          children.push(
            svg("polyline", {
              points: coords.join(" "),
              fill: "none",
              stroke: color(k),
              "stroke-width": 1.5,
              "data-channel": this.channels?.[k]?.id ?? `#${k + 1}`,
            }),
          );
        }
      }
    }
    this.plot.replaceChildren(...children);
    countRender(this.plot);
  }
}

const label = (x: number, y: number, text: string): SVGTextElement => {
  const t = svg("text", { x, y, class: "axis" });
  t.textContent = text;
  return t;
};
