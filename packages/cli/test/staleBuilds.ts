// Which built packages the CLI tests cannot trust: the tests run the *built* bin, so a dist/ that is missing or
// older than its sources would test old code. Read-only: nothing here builds or writes anything.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** The packages whose dist/ the built bin loads, in dependency order. */
export const NEEDED = ["core", "resilience", "transport", "simulator", "rx", "cluster", "cli"] as const;

const newest = (dir: string): { readonly path: string; readonly mtimeMs: number } => {
  let best = { path: dir, mtimeMs: 0 };
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const candidate = entry.isDirectory() ? newest(path) : { path, mtimeMs: statSync(path).mtimeMs };
    if (candidate.mtimeMs > best.mtimeMs) best = candidate;
  }
  return best;
};

/**
 * One line per package in `names` (under `packagesDir`) whose `dist/index.js` is missing or older than a file
 * in its `src/` or its `tsconfig.lib.json`; empty when every build is current. tsc rewrites every output on
 * each (non-incremental) build, so the entry's mtime says when the package was last built.
 */
export const staleBuilds = (packagesDir: string, names: ReadonlyArray<string>): Array<string> => {
  const problems: Array<string> = [];
  for (const name of names) {
    const dir = join(packagesDir, name);
    const stamp = join(dir, "dist", "index.js");
    if (!existsSync(stamp)) {
      problems.push(`packages/${name}: dist/index.js is missing (not built)`);
      continue;
    }
    const built = statSync(stamp).mtimeMs;
    const config = join(dir, "tsconfig.lib.json");
    const src = newest(join(dir, "src"));
    const latest = existsSync(config) && statSync(config).mtimeMs > src.mtimeMs ? { path: config, mtimeMs: statSync(config).mtimeMs } : src;
    if (latest.mtimeMs > built) problems.push(`packages/${name}: dist/ is older than ${latest.path.slice(dir.length + 1)} (stale build)`);
  }
  return problems;
};
