#!/usr/bin/env node
// The `wattstream` launcher npm links at install time (so it exists before any build): the built CLI
// (`dist/bin.js`) when there is one, as in a published package; otherwise, in a fresh clone, the TypeScript
// source through tsx with the `@wattstream/source` export condition, so sibling packages need no build either.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { constants } from "node:os";
import { fileURLToPath } from "node:url";

const built = new URL("../dist/bin.js", import.meta.url);
if (existsSync(built) && process.env["WATTSTREAM_FROM_SOURCE"] !== "1") {
  await import(built.href);
} else {
  let tsx;
  try {
    tsx = import.meta.resolve("tsx");
  } catch {
    console.error(
      "wattstream: no build (dist/bin.js) and no tsx to run the source: run `npm run build` in the workspace first.",
    );
    process.exit(1);
  }
  const source = fileURLToPath(new URL("../src/bin.ts", import.meta.url));
  const child = spawn(
    process.execPath,
    ["--conditions=@wattstream/source", "--import", tsx, source, ...process.argv.slice(2)],
    { stdio: "inherit" },
  );
  // A terminal's Ctrl-C reaches the child through the process group: wait for its clean exit rather than dying
  // first. Without a terminal, pass the signal on.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(signal, () => {
      if (signal !== "SIGINT" || !process.stdin.isTTY) child.kill(signal);
    });
  }
  child.on("exit", (code, signal) => {
    process.exitCode = code ?? 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0));
  });
}
