import { readFileSync } from "node:fs";
import { Command, Option } from "commander";
import { addClusterCommand } from "./clusterCommand.js";
import { FAULT_PROFILE_NAMES } from "./faultProfiles.js";
import type { GlobalOptions, Io } from "./Output.js";
import { connections, duration, instant, port, positiveNumber, wholeNumber } from "./parsers.js";
import { UsageError } from "./UsageError.js";

/** Reads `--api-key-file` (`-` = stdin): the trimmed content, never echoed in an error. */
const readApiKeyFile = (path: string): string => {
  let text: string;
  try {
    text = readFileSync(path === "-" ? 0 : path, "utf8");
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new UsageError(`--api-key-file ${path}`, `must be a readable file${typeof code === "string" ? ` (${code})` : ""}`);
  }
  const key = text.trim();
  if (key === "") throw new UsageError(`--api-key-file ${path}`, "must contain the API key (it is empty)");
  if (/\s/.test(key)) throw new UsageError(`--api-key-file ${path}`, "must contain only the API key, on one line");
  return key;
};

/** What a command module's `main` receives: parsed global options and the streams. */
export interface CommandContext {
  readonly io: Io;
  readonly options: GlobalOptions;
}

/** Where an action leaves its exit code (actions return normally; failures throw). */
export interface RunState {
  code: number;
}

type Action = (command: Command, args: ReadonlyArray<unknown>) => Promise<number>;
/** Wraps a command's action: runs it and records its exit code (what a command file registers its actions with). */
export type Bind = (action: Action) => (...args: Array<unknown>) => Promise<void>;

export const examples = (lines: ReadonlyArray<string>): string => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join("\n")}\n`;

/**
 * The command tree. Every action imports its module lazily, so `wattstream --version` or `--help` loads
 * commander and nothing else (start-up time is measured in bench/startup.bench.ts).
 */
export const buildProgram = (io: Io, version: string, state: RunState): Command => {
  const bind =
    (action: Action) =>
    async (...args: Array<unknown>): Promise<void> => {
      const command = args.at(-1) as Command;
      state.code = await action(command, args.slice(0, -2));
    };
  const context = (command: Command): CommandContext => ({ io, options: command.optsWithGlobals<GlobalOptions>() });

  const program = new Command("wattstream")
    .description(
      "Watch, sync and switch Wattwatchers devices from the terminal.\n" +
        "With no API key configured, every command runs against an embedded simulator (a demo fleet).",
    )
    .version(version, "-V, --version", "print the version and exit")
    .helpOption("-h, --help", "show help for a command")
    .option(
      "--api-key <key>",
      "API key (default: $WATTSTREAM_API_KEY); never printed, but visible to other users in the process list: prefer --api-key-file or the variable",
    )
    .option("--api-key-file <path>", "read the API key from a file ('-' = stdin); surrounding whitespace is ignored")
    .option("--base-url <url>", "API base URL (default: $WATTSTREAM_BASE_URL or https://api-v3.wattwatchers.com.au)")
    .option("--simulate", "start the simulator in-process and use it (the default when no key is configured)")
    .option("--json", "NDJSON on stdout: one record or event per line, for piping")
    .option("-q, --quiet", "no notes or progress on stderr; data and errors only")
    .option("-v, --verbose", "more detail, and stack traces on errors")
    .option("--no-color", "no colours (NO_COLOR=1 and non-TTY output do the same)")
    .option("--speed <x>", "simulator: simulated seconds per real second (default: 1)", positiveNumber)
    .option("--devices <n>", "simulator: number of demo devices (default: 9)", wholeNumber)
    .option("--seed <n>", "simulator: seed of the fleet and its data (default: 1)", wholeNumber)
    .addOption(
      new Option("--faults <profile>", "simulator: inject faults (default: none)").choices(FAULT_PROFILE_NAMES),
    )
    .configureHelp({ showGlobalOptions: true, sortOptions: false })
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(`wattstream: ${s.replace(/^error: /, "")}`),
    })
    .exitOverride()
    // The key read from a file becomes the `apiKey` option itself, so everything downstream (the connection,
    // the secrets masked in error output) treats it exactly like --api-key.
    .on("option:api-key-file", (path: string) => {
      if (program.getOptionValueSource("apiKey") === "cli") throw new UsageError("--api-key-file", "cannot be combined with --api-key");
      program.setOptionValueWithSource("apiKey", readApiKeyFile(path), "config");
    })
    .on("option:api-key", () => {
      if (program.getOptionValue("apiKeyFile") !== undefined) throw new UsageError("--api-key", "cannot be combined with --api-key-file");
    })
    .showSuggestionAfterError(true)
    .addHelpText(
      "after",
      examples([
        "wattstream watch                      # live events from the demo fleet (no key needed)",
        "WATTSTREAM_API_KEY=key_... wattstream devices",
        "wattstream devices --json | jq .model",
        "wattstream sync D123456789012 --from 2026-01-01 --to 2026-01-08 --format csv --out jan.csv",
        "wattstream switch D123456789012_S1 open",
      ]),
    );

  program
    .command("simulate")
    .description("run the Wattwatchers API simulator in the foreground; prints its base URL and a demo key")
    .addOption(new Option("--port <port>", "TCP port on 127.0.0.1 (0 = any free port)").argParser(port).default(0))
    .addHelpText(
      "after",
      examples([
        "wattstream simulate --port 8080 --devices 20",
        "wattstream simulate --speed 60 --faults flaky      # an hour of data per minute, with failures",
        'wattstream simulate & wattstream --base-url http://127.0.0.1:8080 --api-key "$KEY" devices',
      ]),
    )
    .action(
      bind(async (command) => {
        const { main } = await import("./commands/simulate.js");
        return main(context(command), command.opts<{ port: number }>());
      }),
    );

  program
    .command("devices")
    .description("list devices with model, comms, last heard, channels and switches")
    .argument("[ids...]", "device IDs (default: every device on the key)")
    .addHelpText(
      "after",
      examples([
        "wattstream devices",
        "wattstream devices D123456789012 F806703073310",
        "wattstream devices --json | jq -r .id",
      ]),
    )
    .action(
      bind(async (command, [ids]) => {
        const { main } = await import("./commands/devices.js");
        return main(context(command), ids as ReadonlyArray<string>);
      }),
    );

  program
    .command("watch")
    .description("live change events: device and switch changes, new intervals with per-channel power, status, offline")
    .argument("[ids...]", "device IDs (default: every device on the key, following additions and removals)")
    .addOption(new Option("--energy <kind>", "which energy data to follow").choices(["short", "long", "none"]).default("short"))
    .option("--channels", "show per-channel power (the live view and line output; JSON always has it)")
    .option("--every <duration>", "device poll period, e.g. 30s or 5m (default: 5m)", duration)
    .option("--checkpoint <dir>", "keep energy watermarks here: a restart resumes without repeating or losing intervals")
    .option("--store <url>", "also write events into a database (sqlite:./energy.db or postgres://…), checkpoints included")
    .option("--connections <n>", "most HTTP connections kept open to the API, reused between polls (default: 32)", connections)
    .addHelpText(
      "after",
      examples([
        "wattstream watch",
        "wattstream watch --json --checkpoint .wattstream >> events.ndjson",
        "wattstream watch D123456789012 --channels",
        "wattstream watch --json --energy long | jq 'select(.type == \"interval\")'",
        "wattstream watch --simulate --speed 10 --faults flaky",
      ]),
    )
    .action(
      bind(async (command, [ids]) => {
        const { main } = await import("./commands/watch.js");
        return main(context(command), ids as ReadonlyArray<string>, command.opts());
      }),
    );

  program
    .command("sync")
    .description("back-fill long energy into NDJSON or CSV, in chunks, resumable from a checkpoint")
    .argument("<ids...>", "device IDs")
    .requiredOption("--from <date>", "start, inclusive: 2026-01-05, 2026-01-05T10:00Z or Unix seconds (UTC)", instant)
    .requiredOption("--to <date>", "end, exclusive (same forms as --from)", instant)
    .addOption(
      new Option("--granularity <g>", "interval size").choices(["5m", "15m", "30m", "hour", "day", "week", "month"]).default("5m"),
    )
    .option("--timezone <zone>", "IANA zone for hour and coarser (default: each device's own)")
    .addOption(new Option("--format <format>", "output format").choices(["ndjson", "csv"]).default("ndjson"))
    .option("--out <file|url>", "write to a file instead of stdout, or into a database: sqlite:./energy.db or postgres://…")
    .option(
      "--checkpoint <file>",
      "resume from / record progress in this file (Ctrl-C or a failed window, then run the same command again); " +
        "with --out the result is byte-identical, on stdout lines written after the last save can repeat",
    )
    .addHelpText(
      "after",
      examples([
        "wattstream sync D123456789012 --from 2026-01-01 --to 2026-02-01 --out jan.ndjson --checkpoint jan.ckpt",
        "wattstream sync D123456789012 F806703073310 --from 2026-01-01 --to 2026-01-02 --format csv > day.csv",
        "wattstream sync D123456789012 --from 2025-01-01 --to 2026-01-01 --granularity day --format csv",
        "wattstream sync D123456789012 --from 2026-01-01 --to 2026-02-01 --out sqlite:./energy.db   # resumable",
      ]),
    )
    .action(
      bind(async (command, [ids]) => {
        const { main } = await import("./commands/sync.js");
        return main(context(command), ids as ReadonlyArray<string>, command.opts());
      }),
    );

  program
    .command("query")
    .description("energy per channel per UTC day from a database written by sync --out (kWh)")
    .argument("<store>", "the database: sqlite:./energy.db or postgres://…")
    .argument("[ids...]", "device IDs (default: every device in the database)")
    .option("--from <day>", "first UTC day, e.g. 2026-01-01")
    .option("--to <day>", "last UTC day, inclusive")
    .addHelpText("after", examples(["wattstream query sqlite:./energy.db", "wattstream query postgres://localhost/energy D123456789012 --from 2026-01-01 --json"]))
    .action(
      bind(async (command, [store, ids]) => {
        const { main } = await import("./commands/query.js");
        return main(context(command), store as string, ids as ReadonlyArray<string>, command.opts());
      }),
    );

  program
    .command("switch")
    .description("open or close a switch, after confirmation, and wait until the device reports the new state")
    .argument("<switchId>", "switch ID, e.g. D123456789012_S1")
    .argument("<state>", "open or closed")
    .option("-y, --yes", "do not ask for confirmation (required without a terminal)")
    .option("--timeout <duration>", "how long to wait for the device, e.g. 90s or 5m (default: 5m)", duration)
    .option("--every <duration>", "read period while waiting (default: 5s)", duration)
    .addHelpText(
      "after",
      examples([
        "wattstream switch D123456789012_S1 open",
        "wattstream switch D123456789012_S2 closed --yes --timeout 10m",
        "wattstream switch D123456789012_S1 open --yes --json",
      ]),
    )
    .action(
      bind(async (command, [switchId, target]) => {
        const { main } = await import("./commands/switch.js");
        return main(context(command), switchId as string, target as string, command.opts());
      }),
    );

  addClusterCommand(program, bind, context);

  return program;
};
