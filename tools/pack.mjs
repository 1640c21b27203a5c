// `npm run pack [folder]`: builds the published packages and writes one tarball per package (npm pack) into
// `packs/` (or the folder given), printing one line per tarball. tools/release-dry-run.mjs uses it too.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const root = fileURLToPath(new URL("..", import.meta.url));

/** The published packages' folders, relative to the root (packages/* that are not private). */
export const publishedDirs = () =>
  readdirSync(resolve(root, "packages"))
    .map((name) => `packages/${name}`)
    .filter((dir) => JSON.parse(readFileSync(resolve(root, dir, "package.json"), "utf8")).private !== true);

/**
 * Packs every published package of the workspace at `from` (default: this one) into `destination`, building first
 * unless `build` is false. Returns `{ name, version, file }` per tarball (file: an absolute path).
 */
export const pack = (destination, { from = root, build = true, stdio = "inherit" } = {}) => {
  const dirs = publishedDirs();
  mkdirSync(destination, { recursive: true });
  const env = { ...process.env, NX_DAEMON: "false", NX_TUI: "false" };
  if (build) {
    const projects = dirs.map((dir) => JSON.parse(readFileSync(resolve(from, dir, "package.json"), "utf8")).name);
    execFileSync("npx", ["nx", "run-many", "-t", "build", "-p", ...projects, "--outputStyle=static"], { cwd: from, stdio, env });
  }
  const out = execFileSync(
    "npm",
    ["pack", "--json", "--pack-destination", destination, ...dirs.flatMap((dir) => ["-w", dir])],
    { cwd: from, env, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  return JSON.parse(out).map((p) => ({ name: p.name, version: p.version, file: resolve(destination, p.filename) }));
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const destination = resolve(process.cwd(), process.argv[2] ?? resolve(root, "packs"));
  for (const p of pack(destination)) console.log(`${p.name}@${p.version} → ${p.file}`);
}
