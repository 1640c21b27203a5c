// `npm run size [package…]`: minified + gzipped sizes of every package's built `dist/index.js` and of the named
// single imports listed in packages/<pkg>/size.json, bundled with esbuild. See README.md in this folder.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import Table from "cli-table3";
import { build } from "esbuild";
import pc from "picocolors";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const filters = process.argv.slice(2);

const UNITS = { B: 1, KB: 1024, MB: 1024 * 1024 };

/** "1 KB" → 1024; "500 B" → 500; a bare number is bytes. */
const parseLimit = (limit) => {
  if (limit === undefined) return undefined;
  if (typeof limit === "number") return limit;
  const m = /^\s*([\d.]+)\s*(B|KB|kB|MB)?\s*$/.exec(limit);
  if (!m) throw new Error(`size.json: cannot read limit ${JSON.stringify(limit)} (use e.g. "1 KB" or "800 B")`);
  return Number(m[1]) * UNITS[(m[2] ?? "B").toUpperCase()];
};

const fmt = (bytes) => (bytes >= 1024 ? `${(bytes / 1024).toFixed(2)} KB` : `${bytes} B`);

/** Third-party and workspace dependencies of a package, with their subpaths, for esbuild's `external`. */
const externalsOf = (pkg) => {
  const names = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies });
  return names.flatMap((n) => [n, `${n}/*`]);
};

/** Bundles `contents` (an ES module importing from `dist/index.js`), minifies it, returns min and min+gz bytes. */
const measure = async (dir, contents, external) => {
  const result = await build({
    stdin: { contents, resolveDir: dir, sourcefile: "size-entry.js", loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "node",
    target: "es2022",
    external,
    write: false,
    logLevel: "silent",
    legalComments: "none",
  });
  const code = result.outputFiles[0].contents;
  return { min: code.byteLength, gz: gzipSync(code, { level: 9 }).byteLength };
};

const packagesDir = path.join(root, "packages");
const rows = [];
let failed = false;

for (const name of readdirSync(packagesDir).sort()) {
  const dir = path.join(packagesDir, name);
  const pkgFile = path.join(dir, "package.json");
  if (!existsSync(pkgFile)) continue;
  const pkg = JSON.parse(readFileSync(pkgFile, "utf8"));
  if (pkg.private || !pkg.exports?.["."]) continue;
  if (filters.length > 0 && !filters.some((f) => name.includes(f) || pkg.name.includes(f))) continue;

  const entry = path.join(dir, "dist/index.js");
  const specFile = path.join(dir, "size.json");
  const spec = existsSync(specFile) ? JSON.parse(readFileSync(specFile, "utf8")) : [];
  if (!Array.isArray(spec)) throw new Error(`${path.relative(root, specFile)} must be an array`);
  if (!existsSync(entry)) {
    // Declared limits cannot be checked without a build: that counts as a failure.
    if (spec.length > 0) failed = true;
    rows.push([pkg.name, "(whole package)", "", "", "", "", "", pc.yellow("not built (run npm run size)")]);
    continue;
  }
  const external = externalsOf(pkg);
  const wholeSpec = spec.find((s) => s.import === "*");
  // The whole package is always measured; an entry with "import": "*" gives it a limit (and its options).
  const entries = [
    { name: "(whole package)", import: "*", ...wholeSpec },
    ...spec.filter((s) => s.import !== "*"),
  ];
  for (const item of entries) {
    const names = item.import === "*" ? "*" : [].concat(item.import);
    const contents =
      names === "*"
        ? `export * from ${JSON.stringify(entry)};`
        : `export { ${names.join(", ")} } from ${JSON.stringify(entry)};`;
    const bundleAll = item.external === false;
    // An array keeps only the listed dependencies external and bundles the rest (e.g. ["ky", "effect"]).
    const only = Array.isArray(item.external) ? item.external.flatMap((n) => [n, `${n}/*`]) : undefined;
    const limit = parseLimit(item.limit);
    try {
      const { min, gz } = await measure(dir, contents, only ?? (bundleAll ? [] : external));
      const ok = limit === undefined ? undefined : gz <= limit;
      if (ok === false) failed = true;
      rows.push([
        pkg.name,
        item.name ?? names.join(" + "),
        names === "*" ? "*" : names.join(", "),
        only ? `bundled but ${item.external.join(", ")}` : bundleAll ? "bundled" : "external",
        fmt(min),
        fmt(gz),
        limit === undefined ? "" : fmt(limit),
        ok === undefined ? "" : ok ? pc.green("ok") : pc.red("MISSED"),
      ]);
    } catch (error) {
      failed = true;
      const message = error?.errors?.[0]?.text ?? String(error);
      rows.push([pkg.name, item.name ?? String(names), String(names), "", "", "", "", pc.red(`error: ${message}`)]);
    }
  }
}

const table = new Table({
  head: ["package", "measure", "imports", "deps", "min", "min+gz", "limit (min+gz)", ""],
  colAligns: ["left", "left", "left", "left", "right", "right", "right", "left"],
  style: { head: [], border: [] },
});
table.push(...rows);
console.log("Sizes: esbuild bundle (ESM, minified) of each package's dist/index.js, gzip level 9. 1 KB = 1024 B.");
console.log('"external": the package\'s own dependencies (@wattstream/* and third-party) are left out.');
console.log(table.toString());
if (failed) {
  console.log(pc.red("Size limits missed (or a measure failed)."));
  process.exitCode = 1;
} else console.log("All size limits met.");
