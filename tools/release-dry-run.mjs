// The release dry-run (the last step of `npm test`): proves the packages publish and install independently,
// without touching the working tree.
//
// 1. Copies the repository's files (tracked and untracked-but-not-ignored) and each published package's built
//    dist/ into a temporary folder, and runs `changeset version` there, as a release would.
// 2. Packs every published package of that copy (npm pack) into a temporary folder.
// 3. Per package, installs its tarball with those of its @wattstream dependencies and the peers they declare into
//    a scratch consumer project (third-party dependencies come from the registry), imports it there with plain
//    Node, and runs its bins (`wattstream`, `wattstream-simulator`) from the tarball.
// Prints one line per step and per package; exits non-zero, naming the step, on the first failure.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { pack, publishedDirs, root } from "./pack.mjs";

const started = Date.now();
const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const say = (line) => console.log(`release dry-run: ${line}`);
const env = { ...process.env, NX_DAEMON: "false", NX_TUI: "false", npm_config_loglevel: "error" };
const run = (step, command, args, options = {}) => {
  try {
    return execFileSync(command, args, { encoding: "utf8", env, stdio: ["ignore", "pipe", "pipe"], ...options });
  } catch (error) {
    console.error(`release dry-run: ${step} failed: ${command} ${args.join(" ")}\n${error.stdout ?? ""}${error.stderr ?? ""}`);
    process.exit(1);
  }
};
const rootManifest = JSON.parse(readFileSync(resolve(root, "package.json"), "utf8"));

const status = () => run("git status", "git", ["status", "--porcelain", "--untracked-files=all"], { cwd: root });
const statusBefore = status();
const temp = mkdtempSync(join(tmpdir(), "wattstream-release-"));
try {
  // 1. A copy of the repository with the builds, versioned by changesets.
  const dirs = publishedDirs();
  const projects = dirs.map((dir) => JSON.parse(readFileSync(resolve(root, dir, "package.json"), "utf8")).name);
  run("build", "npx", ["nx", "run-many", "-t", "build", "-p", ...projects, "--outputStyle=static"], { cwd: root });
  const copy = join(temp, "repo");
  const files = run("list files", "git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root })
    .split("\0")
    .filter((file) => file !== "" && existsSync(resolve(root, file)));
  for (const file of files) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    cpSync(resolve(root, file), join(copy, file));
  }
  for (const dir of dirs) cpSync(resolve(root, dir, "dist"), join(copy, dir, "dist"), { recursive: true });
  run("changeset version", process.execPath, [resolve(root, "node_modules/@changesets/cli/bin.js"), "version"], {
    cwd: copy,
  });
  const versions = dirs.map((dir) => {
    const before = JSON.parse(readFileSync(resolve(root, dir, "package.json"), "utf8"));
    const after = JSON.parse(readFileSync(join(copy, dir, "package.json"), "utf8"));
    return `${after.name} ${before.version} → ${after.version}`;
  });
  say(`changeset version on a copy: ${versions.join(", ")} (${seconds()})`);

  // 2. One tarball per package.
  const tarballs = pack(join(temp, "packs"), { from: copy, build: false, stdio: "ignore" });
  say(`packed ${tarballs.length} tarballs (${seconds()})`);

  // 3. Per package, a scratch consumer project with only that package's tarball, the tarballs of the
  //    @wattstream packages it depends on and the peers they declare: an undeclared dependency fails here.
  const byName = new Map(tarballs.map((t) => [t.name, t]));
  const manifestOf = (name) => JSON.parse(readFileSync(join(copy, dirs[projects.indexOf(name)], "package.json"), "utf8"));
  const closure = (name, seen = new Set()) => {
    if (seen.has(name)) return seen;
    seen.add(name);
    // A @wattstream peer (rx's type-only transport) comes as its tarball too, as a consumer installs it beside.
    const m = manifestOf(name);
    for (const dep of [...Object.keys(m.dependencies ?? {}), ...Object.keys(m.peerDependencies ?? {})]) if (byName.has(dep)) closure(dep, seen);
    return seen;
  };
  for (const { name, version } of tarballs) {
    const consumer = join(temp, `consumer-${name.replace(/\W/g, "-")}`);
    mkdirSync(consumer);
    writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    const own = [...closure(name)];
    const peers = [...new Set(own.flatMap((n) => Object.keys(manifestOf(n).peerDependencies ?? {})))].filter((peer) => !byName.has(peer)).map(
      (peer) => `${peer}@${rootManifest.devDependencies[peer]}`,
    );
    run(`install ${name}`, "npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", ...own.map((n) => byName.get(n).file), ...peers], {
      cwd: consumer,
    });
    const count = run(`import ${name}`, process.execPath, [
      "--input-type=module",
      "-e",
      `const m = await import(${JSON.stringify(name)}); console.log(Object.keys(m).length);`,
    ], { cwd: consumer }).trim();
    if (!(Number(count) > 0)) {
      console.error(`release dry-run: ${name} imported with no exports`);
      process.exit(1);
    }
    const bins = Object.keys(manifestOf(name).bin ?? {}).map((bin) => {
      const out = run(`run ${bin}`, join(consumer, "node_modules", ".bin", bin), ["--help"], { cwd: consumer });
      return `\`${bin} --help\` prints "${out.trim().split("\n")[0]}"`;
    });
    const extra = peers.length > 0 ? ` + ${peers.join(", ")}` : "";
    say(
      `${name}@${version} installed alone (${own.length} tarball${own.length === 1 ? "" : "s"}${extra}) and imported with plain Node: ` +
        [`${count} exports`, ...bins].join("; ") + ` (${seconds()})`,
    );
  }
  if (status() !== statusBefore) {
    console.error("release dry-run: the working tree changed during the dry-run (git status differs)");
    process.exit(1);
  }
  say(`passed (${seconds()})`);
} finally {
  rmSync(temp, { recursive: true, force: true });
}
