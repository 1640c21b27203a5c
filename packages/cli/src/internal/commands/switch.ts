import { parseSubEntityId } from "@wattstream/core";
import { readSwitch, scaledScheduler, setSwitch, SwitchTimeout } from "@wattstream/rx";
import type { WattwatchersClient } from "@wattstream/transport";
import { Effect } from "effect";
import { asyncScheduler } from "rxjs";
import { confirm } from "../confirm.js";
import { connect } from "../connect.js";
import { shortId } from "../deviceView.js";
import { onInterrupt } from "../interrupt.js";
import { switchIdArg } from "../parsers.js";
import { makeOutput } from "../Output.js";
import type { CommandContext } from "../program.js";
import { MissingEntityError, UsageError } from "../UsageError.js";
import { ExitCode } from "../../ExitCode.js";

/** Options of `wattstream switch`. */
export interface SwitchCommandOptions {
  readonly yes?: boolean;
  /** Seconds to wait for the device. */
  readonly timeout?: number;
  /** Read period while waiting, seconds. */
  readonly every?: number;
}

interface SwitchView {
  readonly id: string;
  readonly label?: string;
  readonly state?: string;
  readonly openStateLabel?: string;
  readonly closedStateLabel?: string;
  readonly pending?: { readonly state?: string };
}

const stateLabel = (s: SwitchView, state: string | undefined): string => {
  const label = state === "open" ? s.openStateLabel : state === "closed" ? s.closedStateLabel : undefined;
  return `${state ?? "unknown"}${label === undefined ? "" : ` (${label})`}`;
};

/**
 * `wattstream switch ID_S<n> open|closed`: a switch drives a real circuit (api-facts), so the command shows
 * what it is about to do and asks first; without a terminal it refuses unless `--yes`. A PATCH only means
 * "accepted": success is when a later read shows the new state, which rx's `setSwitch` waits for.
 */
export const main = async (ctx: CommandContext, rawId: string, target: string, opts: SwitchCommandOptions): Promise<number> => {
  const out = makeOutput(ctx.io, ctx.options);
  const switchId = switchIdArg(rawId);
  if (target !== "open" && target !== "closed") throw new UsageError(`state ${JSON.stringify(target)}`, "must be open or closed");
  const { deviceId } = parseSubEntityId(switchId);
  const timeoutS = opts.timeout ?? 300;
  const everyS = opts.every ?? 5;
  const interrupt = onInterrupt();
  const conn = await connect(ctx.options, out);
  try {
    const device = await conn.client.promise.getDevice(deviceId, { signal: interrupt.signal });
    const sw = ((device as { readonly switches?: ReadonlyArray<SwitchView> }).switches ?? []).find((s) => s.id === switchId);
    if (sw === undefined) {
      const has = (device.switches ?? []).map((s) => shortId(s.id));
      throw new MissingEntityError(
        `${switchId}: device ${deviceId} (${device.model ?? "unknown model"}) has ${has.length === 0 ? "no switches" : `switches ${has.join(", ")} only`}`,
      );
    }
    const { pending } = readSwitch(device, switchId);
    const summary = {
      type: "switch" as const,
      deviceId,
      deviceLabel: device.label,
      switchId,
      label: sw.label,
      state: sw.state,
      pending,
      requested: target,
    };
    const c = out.color;
    if (out.json) out.record(summary);
    else {
      out.line(`Device  ${deviceId}${device.label === undefined ? "" : ` "${device.label}"`} (${device.model ?? "?"})`);
      out.line(`Switch  ${shortId(switchId)}${sw.label === undefined ? "" : ` "${sw.label}"`}: ${c.bold(stateLabel(sw, sw.state))}${
        pending === undefined ? "" : c.yellow(` (pending: ${pending})`)
      }`);
      out.line(`Change  → ${c.bold(stateLabel(sw, target))}`);
    }
    if (sw.state === target && (pending === undefined || pending === target)) {
      if (out.json) out.record({ type: "switchConfirmed", switchId, state: target, changed: false });
      else out.line(`Already ${target}: nothing to do.`);
      return ExitCode.ok;
    }
    if (opts.yes !== true) {
      if (ctx.io.stdin.isTTY !== true)
        throw new UsageError("switch", "refusing to switch a circuit without confirmation: stdin is not a terminal; pass --yes to confirm");
      const answer = await confirm(ctx.io, `Switch ${switchId} to ${target}? This drives a real circuit. [y/N] `, interrupt.signal);
      if (answer === "interrupted") {
        out.warn("interrupted at the prompt: nothing was sent");
        return ExitCode.interrupted;
      }
      if (answer === "no") {
        out.warn("not confirmed: nothing was sent");
        return ExitCode.other;
      }
    }
    const sim = conn.simulator;
    const scheduler = sim === undefined ? asyncScheduler : scaledScheduler(conn.speed, { now: () => sim.clock.now() * 1000 });
    const accepted = (): void => {
      if (out.json) out.record({ type: "switchRequested", switchId, state: target });
      out.note(`accepted by the service; pending until the device next connects — waiting up to ${timeoutS} s…`);
    };
    // rx's setSwitch sends one PATCH (after an ambiguous failure it reads the device before re-sending: there is
    // no idempotency key, api-facts) and completes only when a later read shows the state live with nothing
    // pending, since a 200 only means "accepted". The wrapped client tells the user when the PATCH was accepted.
    const client: Pick<WattwatchersClient, "getDevice" | "updateDevice"> = {
      getDevice: (id, options) => conn.client.getDevice(id, options),
      updateDevice: (id, body, options) => conn.client.updateDevice(id, body, options).pipe(Effect.tap(() => Effect.sync(accepted))),
    };
    const result = await new Promise<"confirmed" | "pending" | "interrupted">((resolve, reject) => {
      const sub = setSwitch(client, switchId, target, { timeout: timeoutS * 1000, every: everyS * 1000, scheduler }).subscribe({
        next: () => resolve("confirmed"),
        error: (error: unknown) => (error instanceof SwitchTimeout ? resolve("pending") : reject(error)),
      });
      // Ctrl-C: stop (unsubscribing aborts the request in flight).
      void interrupt.interrupted.then(() => {
        sub.unsubscribe();
        resolve("interrupted");
      });
    });
    if (result === "confirmed") {
      if (out.json) out.record({ type: "switchConfirmed", switchId, state: target, changed: true });
      else out.line(c.green(`Switch ${switchId} is ${target}: the device reports the new state.`));
      if (conn.simulator !== undefined)
        out.note(
          "this change lives in this command's embedded simulator and is gone when it exits; to keep state across " +
            "commands, run `wattstream simulate` and point them at it with --base-url and its demo key",
        );
      return ExitCode.ok;
    }
    if (result === "pending") {
      if (out.json) out.record({ type: "switchPending", switchId, state: target, timeoutSeconds: timeoutS });
      else
        out.line(
          c.yellow(
            `Still pending after ${timeoutS} s: the service accepted the change but the device has not applied it yet. ` +
              `It will when the device next connects; check with: wattstream devices ${deviceId}`,
          ),
        );
      return ExitCode.other;
    }
    out.warn("interrupted while waiting; the change may already have been sent and may still be applied");
    return ExitCode.interrupted;
  } finally {
    interrupt.dispose();
    await conn.close();
  }
};
