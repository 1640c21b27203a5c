// `npm run size` (after tools/size/run.mjs): the browser dashboard's bundle (examples/dashboard) and the share that
// each @wattstream package, rxjs, effect and ky contribute to it. Usage: node tools/size/dashboard.mjs [--json]
//
// - "shipped": Vite builds the app exactly as `npm run dashboard` serves it (workspace packages from source through
//   the `@wattstream/source` condition): every emitted .js chunk, minified by Vite, and gzipped at level 9.
// - "per package": the bundler reports the code each module contributes after tree-shaking. Each package's
//   modules are concatenated, minified with esbuild and gzipped on their own. Gzip does not split into parts, so
//   these figures add up to a little more than the whole (each part compresses without the others' context).
// - The @wattstream packages together (their modules minified and gzipped as one piece) are checked against the
//   min+gz target (issue 7 set 25 KB; issue 11's pure energy planner, whose plain-data state keeps its property
//   names through minification, and the stream owner added ~1.3 KB: 26.5 KB since; issue 14's leaner per-device heap —
//   the energy streams' `device$` option and the settle window as runs — added ~0.28 KB: 26.75 KB; transport's changes since — the decode guard in plain loops, the default fetch wrapper in its own module — ~0.12 KB: 26.85 KB; issue 14's per-device pollers — rx's device and energy
//   streams as one object each with #private fields instead of rxjs operator chains, ~10 KB less heap per watched device
//   — added ~1.25 KB: 28.25 KB; the pacer's `maxInFlight` and the planner's poll without a ledger rebuild ~0.06 KB: 28.3 KB; the leased pacer's slot reuse and the paced request's slot cooling from its answer's headers ~0.3 KB: 28.65 KB), and the bundle is
//   checked for Node built-ins (node:fs has no place in a page).
import { gzipSync } from "node:zlib";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Table from "cli-table3";
import { transform } from "esbuild";
import pc from "picocolors";
import { build } from "vite";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const app = path.join(root, "examples/dashboard");
const TARGET = 28.65 * 1024;
const json = process.argv.includes("--json");

const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;
const gz = (code) => gzipSync(Buffer.from(code), { level: 9 }).byteLength;

/** Which package a bundled module belongs to. */
const groupOf = (id) => {
  const p = id.replaceAll("\\", "/");
  const ws = /\/packages\/([^/]+)\//.exec(p);
  if (ws) return `@wattstream/${ws[1]}`;
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(p);
  if (nm) return nm[1];
  if (p.includes("/examples/dashboard/")) return "app (examples/dashboard)";
  return p.startsWith("\0") || p.includes("vite") ? "vite runtime" : "other";
};

const measure = async (code) => {
  const min = (await transform(code, { minify: true, target: "es2022", format: "esm", legalComments: "none" })).code;
  return { min: Buffer.byteLength(min), gz: gz(min) };
};

const out = await build({
  configFile: path.join(app, "vite.config.ts"),
  root: app,
  logLevel: "silent",
  build: { write: false },
});
const chunks = (Array.isArray(out) ? out : [out]).flatMap((o) => o.output).filter((o) => o.type === "chunk");
const shippedCode = chunks.map((c) => c.code).join("\n");
const moduleIds = chunks.flatMap((c) => Object.keys(c.modules));
const builtins = moduleIds.filter((id) => /^(node:|__vite-browser-external)/.test(id.replace(/^\0/, "")));
const shipped = {
  chunks: chunks.length,
  min: Buffer.byteLength(shippedCode),
  gz: gz(shippedCode),
  nodeBuiltins: builtins.length > 0 || /__vite-browser-external|["']node:[a-z_/]+["']/.test(shippedCode),
};

const code = new Map();
for (const chunk of chunks)
  for (const [id, m] of Object.entries(chunk.modules)) {
    if (!m.code) continue;
    const g = groupOf(id);
    code.set(g, `${code.get(g) ?? ""}${m.code}\n`);
  }
const rows = [];
for (const [group, text] of code) rows.push({ group, ...(await measure(text)) });
rows.sort((a, b) => b.min - a.min);
const partsMin = rows.reduce((s, r) => s + r.min, 0);
const wattstream = rows.filter((r) => r.group.startsWith("@wattstream/"));
const ws = await measure(wattstream.map((r) => code.get(r.group)).join("\n"));
const ok = ws.gz <= TARGET && !shipped.nodeBuiltins;

if (json) {
  console.log(JSON.stringify({ shipped, packages: rows, wattstream: { ...ws, target: TARGET, ok } }, null, 2));
} else {
  console.log(pc.bold("\nexamples/dashboard: the browser bundle (vite build)"));
  console.log(
    `shipped: ${shipped.chunks} js chunk${shipped.chunks === 1 ? "" : "s"}, ${kb(shipped.min)} min, ${kb(shipped.gz)} min+gz; ` +
      `Node built-ins: ${shipped.nodeBuiltins ? pc.red(`FOUND ${builtins.join(", ")}`) : "none"}`,
  );
  const table = new Table({
    head: ["package (modules in the bundle)", "min", "share", "min+gz"],
    colAligns: ["left", "right", "right", "right"],
  });
  for (const r of rows) table.push([r.group, kb(r.min), `${((r.min / partsMin) * 100).toFixed(1)} %`, kb(r.gz)]);
  table.push([
    pc.bold("@wattstream/* together"),
    kb(ws.min),
    `${((wattstream.reduce((s, r) => s + r.min, 0) / partsMin) * 100).toFixed(1)} %`,
    `${kb(ws.gz)} ≤ ${kb(TARGET)} ${ws.gz <= TARGET ? pc.green("ok") : pc.red("MISSED")}`,
  ]);
  console.log(table.toString());
}
if (!ok) process.exitCode = 1;
