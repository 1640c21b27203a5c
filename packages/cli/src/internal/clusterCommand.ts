import { InvalidArgumentError } from "commander";
import type { Command } from "commander";
import { examples } from "./program.js";
import type { Bind, CommandContext } from "./program.js";
import { duration } from "./parsers.js";

/** `--listen host:port`: where this runner listens for the other runners (and the address they reach it by). */
export const listenAddress = (value: string): { readonly host: string; readonly port: number } => {
  const m = /^(.+):(\d{1,5})$/.exec(value);
  const port = m === null ? Number.NaN : Number(m[2]);
  if (m === null || m[1] === undefined || !(port >= 1 && port <= 65535))
    throw new InvalidArgumentError("expected host:port with a port from 1 to 65535, e.g. 10.0.0.5:34431.");
  return { host: m[1].replace(/^\[(.*)\]$/, "$1"), port };
};

/** `wattstream cluster run|status`: a runner of the Effect Cluster fleet, and the cluster's state. */
export const addClusterCommand = (program: Command, bind: Bind, context: (command: Command) => CommandContext): void => {
  const cluster = program
    .command("cluster")
    .description("watch one or more keys' fleets from several processes (Effect Cluster runners sharing PostgreSQL)");
  cluster
    .command("run")
    .description("run a cluster runner until Ctrl-C: device entities, fleet supervisor and budget owner, stored in PostgreSQL")
    .requiredOption("--postgres <url>", "the cluster's database (shards, messages and the energy store): postgres://user:password@host:5432/db")
    .option("--listen <host:port>", "where this runner listens for the others, and the address they reach it by (default: 127.0.0.1:34431)", listenAddress)
    .option(
      "--api-keys-file <path>",
      "more API keys for this cluster, one per line ('#' comments and blank lines ignored); with $WATTSTREAM_API_KEYS (comma-separated) and --api-key: each key gets its own fleet supervisor and budget owner",
    )
    .option("--list-every <duration>", "how often the fleet supervisor lists each key's devices (default: 60s)", duration)
    .addHelpText(
      "after",
      examples([
        "WATTSTREAM_API_KEY=key_... wattstream cluster run --postgres postgres://wattstream@db/energy --listen 10.0.0.5:34431",
        "wattstream cluster run --api-keys-file /run/secrets/wattstream-keys --postgres postgres://wattstream@db/energy --listen 10.0.0.5:34431",
        "wattstream cluster run --postgres postgres://localhost/energy --simulate --devices 600 --speed 10",
      ]),
    )
    .action(
      bind(async (command) => {
        const { run } = await import("./commands/cluster.js");
        return run(context(command), command.opts());
      }),
    );
  cluster
    .command("status")
    .description("runners, shards, devices per runner, each key's budget and its use, lag per stream")
    .requiredOption("--postgres <url>", "the cluster's database: postgres://user:password@host:5432/db")
    .addHelpText("after", examples(["wattstream cluster status --postgres postgres://localhost/energy", "wattstream cluster status --postgres postgres://localhost/energy --json"]))
    .action(
      bind(async (command) => {
        const { status } = await import("./commands/cluster.js");
        return status(context(command), command.opts());
      }),
    );
};
