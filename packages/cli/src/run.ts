import { readFileSync } from "node:fs";
import { CommanderError } from "commander";
import { ExitCode, exitCodeOf } from "./ExitCode.js";
import { formatError } from "./internal/formatError.js";
import type { GlobalOptions, Io } from "./internal/Output.js";
import { buildProgram } from "./internal/program.js";
import type { RunState } from "./internal/program.js";

/**
 * Options of {@link run}.
 *
 * @category models
 */
export interface RunOptions {
  /**
   * The streams and environment to use.
   * @default process.stdout, process.stderr, process.stdin and process.env
   */
  readonly io?: Io;
}

const version = (): string => {
  // dist/run.js and src/run.ts both sit one level below package.json.
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: string };
  return pkg.version ?? "0.0.0";
};

/**
 * Runs the `wattstream` command with the given arguments (without `node` and the script) and resolves with
 * its exit code; it never throws and never calls `process.exit`. Failures print one line on stderr (a stack
 * trace only with `--verbose`) and map to {@link ExitCode}.
 *
 * @example
 * ```ts
 * import { run } from "@wattstream/cli";
 * const code = await run(["devices", "--simulate", "--json"]);
 * process.exitCode = code;
 * ```
 * @category constructors
 */
export const run = async (argv: ReadonlyArray<string>, options: RunOptions = {}): Promise<number> => {
  const io: Io = options.io ?? { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
  const state: RunState = { code: ExitCode.ok };
  const program = buildProgram(io, version(), state);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return state.code;
  } catch (error) {
    // Commander already printed its one-line message (or the help / version text).
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    const globals = program.opts<GlobalOptions>();
    const envKey = io.env["WATTSTREAM_API_KEY"];
    const secrets = [globals.apiKey, envKey].filter((s): s is string => s !== undefined && s !== "");
    io.stderr.write(`${formatError(error, secrets, globals.verbose === true)}\n`);
    return exitCodeOf(error);
  }
};
