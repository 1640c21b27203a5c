// Builds the CLI and the packages it imports when their dist/ is missing or older than their sources, so
// `npx vitest run` works on a fresh clone; under Nx (`test` dependsOn `build`, `^build`) nothing is stale.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const packages = fileURLToPath(new URL("../../", import.meta.url));
const ORDER = ["core", "resilience", "transport", "simulator", "rx", "cli"];

const newest = (dir: string): number => {
  let max = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    max = Math.max(max, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return max;
};

export default function setup(): void {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  for (const name of ORDER) {
    const dir = join(packages, name);
    // tsc rewrites every output on each (non-incremental) build: the entry's mtime says when it last ran.
    const stamp = join(dir, "dist", "index.js");
    const stale =
      !existsSync(stamp) ||
      Math.max(newest(join(dir, "src")), statSync(join(dir, "tsconfig.lib.json")).mtimeMs) > statSync(stamp).mtimeMs;
    if (!stale) continue;
    try {
      execFileSync(process.execPath, [tsc, "-p", "tsconfig.lib.json"], { cwd: dir, stdio: "pipe" });
    } catch (error) {
      // A sibling package mid-edit may not compile right now: its last good build will do, if there is one.
      if (name === "cli" || !existsSync(join(dir, "dist", "index.js"))) throw error;
      console.warn(`[cli tests] ${name} does not build right now; using its previous dist/`);
    }
  }
}
