// `npm test`: every check of every project — `nx run-many -t lint typecheck test build check-package doctest` (doctest:
// the READMEs' and rx's and transport's TSDoc examples type-checked and run, tools/doctest) — then the
// API reference (`npm run docs`, TypeDoc) and the release dry-run (tools/release-dry-run.mjs), with their output
// shown as it comes; then the failed tests again (`FAIL …` with their first error line), then one closing line with the totals of every vitest run (`vitest: N passed, M failed`;
// cached Nx tasks replay their output, so they count). Steps stop at the first failure, whose exit status is
// `npm test`'s; 0 when everything passed.
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Sums the `Tests  N passed | M failed` summaries vitest prints, colours or not. */
export const vitestTotals = (output) => {
  let passed = 0;
  let failed = 0;
  for (const line of output.replace(/\x1b\[[0-9;]*m/g, "").split("\n")) {
    if (!/^\s*Tests\s+\d/.test(line)) continue;
    passed += Number(/(\d+) passed/.exec(line)?.[1] ?? 0);
    failed += Number(/(\d+) failed/.exec(line)?.[1] ?? 0);
  }
  return { passed, failed };
};

/**
 * The failures vitest reported (its `FAIL  file > suite > test` lines, each with the first error line under it),
 * deduplicated: printed again just above the closing line, so a log that keeps only its tail still names them.
 */
export const vitestFailures = (output) => {
  const lines = output.replace(/\x1b\[[0-9;]*m/g, "").split("\n");
  const failures = new Set();
  lines.forEach((line, i) => {
    if (!/^\s*FAIL\s+\S/.test(line)) return;
    const error = lines.slice(i + 1, i + 8).find((l) => /\b\w*(Error|expected)\b/.test(l));
    failures.add(error === undefined ? line.trim() : `${line.trim()}\n    ${error.trim()}`);
  });
  return [...failures];
};

/** Runs `command`, passing its output through and keeping it; resolves to its output and exit status. */
export const tee = (command, args, options = {}) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ["inherit", "pipe", "pipe"], ...options });
    let output = "";
    child.stdout.on("data", (d) => {
      output += d;
      process.stdout.write(d);
    });
    child.stderr.on("data", (d) => {
      output += d;
      process.stderr.write(d);
    });
    child.on("error", (error) => {
      process.stderr.write(`${command}: ${error.message}\n`);
      resolve({ output, status: 127 });
    });
    child.on("close", (code, signal) =>
      resolve({ output, status: code ?? 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0)) }),
    );
  });

const main = async () => {
  // `node tools/test.mjs -- <command…>` runs that in place of the steps below (tools/checks tests the wrapper so).
  const override = process.argv.indexOf("--");
  const steps =
    override >= 0
      ? [process.argv.slice(override + 1)]
      : [
          ["npx", "nx", "run-many", "-t", "lint", "typecheck", "test", "build", "check-package", "doctest", "--outputStyle=static"],
          // The API reference (TypeDoc, typedoc.json): fails on an undocumented public export or a broken link.
          ["npx", "typedoc", "--logLevel", "Warn"],
          [process.execPath, "tools/release-dry-run.mjs"],
        ];
  let output = "";
  let status = 0;
  for (const [command, ...args] of steps) {
    if (status !== 0) break;
    const step = await tee(command, args);
    output += step.output;
    status = step.status;
  }
  const { passed, failed } = vitestTotals(output);
  for (const failure of vitestFailures(output)) console.log(failure);
  console.log(`vitest: ${passed} passed, ${failed} failed`);
  process.exitCode = status;
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
