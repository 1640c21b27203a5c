import type { Device, Switch, SwitchId, SwitchState } from "@wattstream/core";
import { readSwitch } from "@wattstream/rx";
import { countRender, el } from "./dom.js";

type Position = SwitchState;

const position = (u: unknown): Position | undefined => (u === "open" || u === "closed" ? u : undefined);
const other = (p: Position | undefined): Position => (p === "closed" ? "open" : "closed");

/** The requested state of a switch while a write waits for the device (`switches[].pending.state`). */
export const pendingState = (device: Device, sw: Switch): Position | undefined => readSwitch(device, sw.id).pending;

type Phase =
  | { readonly kind: "idle" }
  | { readonly kind: "confirming"; readonly target: Position }
  | { readonly kind: "requested"; readonly target: Position }
  | { readonly kind: "failed"; readonly message: string };

interface Row {
  readonly li: HTMLLIElement;
  record: Switch | undefined;
  phase: Phase;
  /** The state `setSwitch` confirmed, shown until the device poller reads it too. */
  confirmed: Position | undefined;
  device: Device | undefined;
}

/**
 * Switch states with a confirm-then-toggle control. A switch drives a real circuit (api-facts), so a click only
 * asks; the write goes out on "Confirm", and the row shows `pending` until a later read shows the new state live
 * (a PATCH's 200 only means "accepted"). Rows redraw only when their switch object or their own phase changes.
 */
export class SwitchesView {
  readonly root = el("section", { className: "switches", data: { testid: "switches" } });
  private readonly list = el("ul");
  private readonly rows = new Map<SwitchId, Row>();

  constructor(private readonly request: (switchId: SwitchId, target: Position) => void) {
    this.root.append(el("h3", { text: "Switches" }), this.list);
  }

  /** Shows the switches of a new device snapshot (same objects as before for unchanged switches). */
  setDevice(device: Device): void {
    const switches: ReadonlyArray<Switch> = device.switches ?? [];
    this.root.hidden = switches.length === 0;
    const seen = new Set<SwitchId>();
    for (const sw of switches) {
      seen.add(sw.id);
      let row = this.rows.get(sw.id);
      if (row === undefined) {
        row = { li: el("li", { className: "switch", data: { switchId: sw.id, renders: "0" } }), record: undefined, phase: { kind: "idle" }, confirmed: undefined, device };
        this.rows.set(sw.id, row);
        this.list.append(row.li);
      }
      row.device = device;
      if (row.record === sw) continue;
      row.record = sw;
      // The poller caught up with a confirmed write: its record is the truth again.
      if (row.confirmed !== undefined && position(sw.state) === row.confirmed && pendingState(device, sw) === undefined)
        row.confirmed = undefined;
      this.render(row);
    }
    for (const [id, row] of this.rows)
      if (!seen.has(id)) {
        row.li.remove();
        this.rows.delete(id);
      }
  }

  /** `setSwitch` saw the new state live with nothing pending. */
  confirmed(switchId: SwitchId, state: Position): void {
    const row = this.rows.get(switchId);
    if (row === undefined) return;
    row.confirmed = state;
    row.phase = { kind: "idle" };
    this.render(row);
  }

  failed(switchId: SwitchId, message: string): void {
    const row = this.rows.get(switchId);
    if (row === undefined) return;
    row.phase = { kind: "failed", message };
    this.render(row);
  }

  private setPhase(row: Row, phase: Phase): void {
    row.phase = phase;
    this.render(row);
  }

  private render(row: Row): void {
    const sw = row.record;
    if (sw === undefined || row.device === undefined) return;
    const live = row.confirmed ?? position(sw.state);
    const pending = row.phase.kind === "requested" ? row.phase.target : row.confirmed === undefined ? pendingState(row.device, sw) : undefined;
    const name = (p: Position | undefined): string =>
      p === "open" ? (sw.openStateLabel ?? "open") : p === "closed" ? (sw.closedStateLabel ?? "closed") : "unknown";
    const { li } = row;
    li.dataset["state"] = pending !== undefined ? "pending" : (live ?? "unknown");
    li.dataset["live"] = live ?? "unknown";
    if (pending !== undefined) li.dataset["pending"] = pending;
    else delete li.dataset["pending"];
    const children: Array<Node> = [
      el("span", { className: "name", text: sw.label ?? sw.id }),
      el("span", { className: `state ${live ?? ""}`, text: `${name(live)} (${live ?? "?"})` }),
    ];
    const phase = row.phase;
    if (pending !== undefined) {
      children.push(el("span", { className: "pending", text: `pending → ${name(pending)} (${pending})` }));
    } else if (phase.kind === "confirming") {
      const yes = el("button", { text: "Confirm", data: { action: "confirm" } });
      const no = el("button", { text: "Cancel", data: { action: "cancel" } });
      yes.addEventListener("click", () => {
        this.setPhase(row, { kind: "requested", target: phase.target });
        this.request(sw.id, phase.target);
      });
      no.addEventListener("click", () => this.setPhase(row, { kind: "idle" }));
      children.push(el("span", { className: "confirm", text: `Switch ${sw.label ?? sw.id} to ${name(phase.target)}? It drives a real circuit.` }), yes, no);
    } else {
      const target = other(live);
      const toggle = el("button", { text: `Switch to ${name(target)}`, data: { action: "toggle" } });
      toggle.addEventListener("click", () => this.setPhase(row, { kind: "confirming", target }));
      children.push(toggle);
      if (phase.kind === "failed") children.push(el("span", { className: "error", text: phase.message }));
    }
    li.replaceChildren(...children);
    countRender(li);
  }
}
