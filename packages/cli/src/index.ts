// Public API of @wattstream/cli: run the command in-process, and its exit codes.
export { ExitCode, exitCodeOf } from "./ExitCode.js";
export { run } from "./run.js";
export type { RunOptions } from "./run.js";
export type { GlobalOptions, Io } from "./internal/Output.js";
