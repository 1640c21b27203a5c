// `npm test` (tools/test.mjs) passes the output through, closes with one line of vitest totals and keeps the exit
// status of what it ran.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
// The wrapper is a root script, not a project: this workspace-checks project tests it by path on purpose.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { vitestFailures, vitestTotals } from "../../test.mjs";
import { ROOT } from "./workspace.ts";

const fakeRun = `
console.log("\\u001b[2m      Tests \\u001b[22m \\u001b[1m\\u001b[32m5 passed\\u001b[39m\\u001b[22m\\u001b[90m (5)\\u001b[39m");
console.error("      Tests  1 failed | 2 passed (3)");
console.log("Tests are fun: not a summary");
console.log(" \\u001b[31mFAIL\\u001b[39m  test/a.test.ts > suite > works");
console.log("AssertionError: expected 7 to be 10");
process.exit(3);
`;

describe("npm test's closing line", () => {
  it("sums every vitest summary, coloured or not, and nothing else", () => {
    expect(vitestTotals("      Tests  12 passed (12)\n x Tests  9\n   Tests  2 failed | 7 passed (9)\n")).toEqual({
      passed: 19,
      failed: 2,
    });
    expect(vitestTotals("no vitest here")).toEqual({ passed: 0, failed: 0 });
  });

  it("names each failed test once, with the first error line under it", () => {
    const log = [" FAIL  test/a.test.ts > s > t", "", "AssertionError: expected 1 to be 2", " FAIL  test/a.test.ts > s > t", "AssertionError: expected 1 to be 2", "FAIL  b.test.ts [ b.test.ts ]", "nothing"].join("\n");
    expect(vitestFailures(log)).toEqual(["FAIL  test/a.test.ts > s > t\n    AssertionError: expected 1 to be 2", "FAIL  b.test.ts [ b.test.ts ]"]);
    expect(vitestFailures("      Tests  3 passed (3)\n")).toEqual([]);
  });

  it("tees the output, prints `vitest: N passed, M failed` last and exits with the run's status", () => {
    const run = spawnSync(process.execPath, ["tools/test.mjs", "--", process.execPath, "-e", fakeRun], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(run.status).toBe(3);
    expect(run.stderr).toContain("Tests  1 failed | 2 passed (3)");
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines).toContain("Tests are fun: not a summary");
    expect(lines.slice(-3)).toEqual(["FAIL  test/a.test.ts > suite > works", "    AssertionError: expected 7 to be 10", "vitest: 7 passed, 1 failed"]);
    expect(run.stdout.match(/^vitest: /gm)).toHaveLength(1);
  });
});
