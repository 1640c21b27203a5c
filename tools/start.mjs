// `npm start`: the main job — `wattstream watch --simulate` against the embedded simulator's demo fleet, with
// the simulated clock 10× real time so new 30-second intervals arrive every few seconds.
//
// It runs the CLI from source (tsx, with the `@wattstream/source` export condition) rather than building first:
// on a fresh clone `npm install && npm start` shows live events within seconds, where a first build of six
// packages with tsc would take far longer. The published bin (`packages/cli/dist/bin.js`) is the built one.
// Extra arguments pass through: `npm start -- --faults flaky --channels`.
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = [
  "--conditions=@wattstream/source",
  "--import",
  "tsx",
  "packages/cli/src/bin.ts",
  "watch",
  "--simulate",
  "--speed",
  "10",
  ...process.argv.slice(2),
];
const child = spawn(process.execPath, args, { cwd: root, stdio: "inherit" });

// Ctrl-C reaches the child through the terminal's process group; the CLI exits cleanly on it. Wait for that
// instead of dying first and leaving the terminal to a half-finished child.
process.on("SIGINT", () => undefined);
process.on("SIGTERM", () => child.kill("SIGTERM"));
child.on("exit", (code, signal) => {
  process.exitCode = code ?? 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0));
});
