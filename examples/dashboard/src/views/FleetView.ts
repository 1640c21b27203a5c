import type { DeviceId } from "@wattstream/core";
import type { DeviceSnapshot } from "@wattstream/rx";
import { countRender, el } from "./dom.js";

interface Row {
  readonly li: HTMLLIElement;
  readonly name: HTMLSpanElement;
  readonly meta: HTMLSpanElement;
  label: string | undefined;
  model: string | undefined;
  online: boolean | undefined;
  switches: unknown;
  pending: unknown;
}

/**
 * The fleet list: one row per device with its label, model and online/offline state. A row is redrawn only when
 * one of the values it shows changed; the snapshots are structurally shared, so `===` on the sub-objects is
 * enough (a poll that only moved `comms.lastHeardAt` redraws nothing).
 */
export class FleetView {
  readonly root = el("ul", { className: "fleet", data: { testid: "fleet" } });
  private readonly rows = new Map<DeviceId, Row>();
  private selected: DeviceId | undefined;

  constructor(private readonly onSelect: (id: DeviceId) => void) {}

  add(id: DeviceId): void {
    if (this.rows.has(id)) return;
    const li = el("li", { className: "device", data: { deviceId: id, online: "unknown", renders: "0" } });
    const name = el("span", { className: "label", text: id });
    const meta = el("span", { className: "meta", text: "…" });
    li.append(el("span", { className: "dot" }), name, meta);
    li.tabIndex = 0;
    li.addEventListener("click", () => this.onSelect(id));
    li.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") this.onSelect(id);
    });
    this.rows.set(id, { li, name, meta, label: undefined, model: undefined, online: undefined, switches: undefined, pending: undefined });
    this.root.append(li);
    if (id === this.selected) li.classList.add("selected");
  }

  remove(id: DeviceId): void {
    this.rows.get(id)?.li.remove();
    this.rows.delete(id);
  }

  update(snapshot: DeviceSnapshot): void {
    const row = this.rows.get(snapshot.deviceId);
    if (row === undefined) return;
    const d = snapshot.device;
    const model = d.model;
    if (
      row.label === d.label &&
      row.model === model &&
      row.online === snapshot.online &&
      row.switches === d.switches &&
      row.pending === d.pending
    )
      return;
    row.label = d.label;
    row.model = model;
    row.online = snapshot.online;
    row.switches = d.switches;
    row.pending = d.pending;
    const { li } = row;
    li.dataset["online"] = snapshot.online ? "online" : "offline";
    row.name.textContent = d.label ?? d.id;
    const switches = d.switches?.length ?? 0;
    // The API omits a property with no value (api-facts: conventions): an unknown model shows as "—".
    const parts = [snapshot.online ? "online" : "offline", model ?? "—"];
    if (switches > 0) parts.push(`${switches} switches`);
    row.meta.textContent = parts.join(" · ");
    li.title = d.id;
    countRender(li);
  }

  failed(id: DeviceId, message: string): void {
    const row = this.rows.get(id);
    if (row === undefined) return;
    row.li.dataset["online"] = "error";
    row.meta.textContent = message;
  }

  select(id: DeviceId | undefined): void {
    this.selected = id;
    for (const [rowId, row] of this.rows) row.li.classList.toggle("selected", rowId === id);
  }

  /** Device IDs in list order. */
  ids(): ReadonlyArray<DeviceId> {
    return [...this.rows.keys()];
  }
}
