import { startEmbeddedSimulator } from "../connect.js";
import { onInterrupt } from "../interrupt.js";
import { makeOutput } from "../Output.js";
import type { CommandContext } from "../program.js";
import { ExitCode } from "../../ExitCode.js";

/** `wattstream simulate`: the simulator in the foreground until Ctrl-C. */
export const main = async (ctx: CommandContext, opts: { readonly port: number }): Promise<number> => {
  const out = makeOutput(ctx.io, ctx.options);
  const interrupt = onInterrupt();
  const sim = await startEmbeddedSimulator(ctx.options, { port: opts.port });
  try {
    const devices = sim.fleet.ids().length;
    if (out.json) {
      out.record({
        type: "listening",
        baseUrl: sim.baseUrl,
        port: sim.port,
        apiKey: sim.demoKey,
        devices,
        speed: ctx.options.speed ?? 1,
        faults: ctx.options.faults ?? "none",
      });
    } else {
      const c = out.color;
      // The simulator's demo key is not a secret: printing it is the point of this command.
      out.line(`Wattwatchers API v3 simulator listening on ${c.bold(sim.baseUrl)}`);
      out.line(`API key (all ${devices} devices, full permissions): ${c.bold(sim.demoKey)}`);
      out.line(
        `Clock: real time${(ctx.options.speed ?? 1) === 1 ? "" : ` × ${ctx.options.speed}`}; faults: ${ctx.options.faults ?? "none"}`,
      );
      out.line(`Try:   wattstream --base-url ${sim.baseUrl} --api-key ${sim.demoKey} watch`);
      out.note("Ctrl-C to stop");
    }
    await interrupt.interrupted;
    return ExitCode.ok;
  } finally {
    interrupt.dispose();
    await sim.close();
  }
};
