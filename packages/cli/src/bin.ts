#!/usr/bin/env node
// The `wattstream` executable: a thin shell around `run`, which never exits the process itself.
import module from "node:module";

// Cache compiled code between runs (Node ≥ 22.1): start-up is dominated by parsing effect, ky and rxjs.
module.enableCompileCache?.();
// A reader that stops early (`wattstream devices | head`) closes the pipe: stop quietly, as Unix tools do.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});
const { run } = await import("./run.js");
const code = await run(process.argv.slice(2));
process.exitCode = code;
// Normally nothing is left running; if a socket or timer lingers, do not hang the shell.
setTimeout(() => process.exit(code), 500).unref();
