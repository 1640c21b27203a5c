// The bins npm links at install time exist before any build (a committed launcher, listed in `files`), and the
// launcher runs the TypeScript source when there is no build — as on a fresh clone.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { publishedPackages, readManifest, ROOT } from "./workspace.ts";

const scratch = `${ROOT}tools/checks/.scratch/bins`;
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const withBins = publishedPackages().filter((p) => p.manifest.bin !== undefined);

describe("bins", () => {
  it("the root package is not named like a bin, so `npx wattstream` finds the CLI's", () => {
    const bins = withBins.flatMap((p) => Object.keys(p.manifest.bin ?? {}));
    expect(bins).toEqual(expect.arrayContaining(["wattstream", "wattstream-simulator"]));
    expect(bins).not.toContain(readManifest(`${ROOT}package.json`).name);
  });

  for (const { dir, manifest } of withBins) {
    for (const [name, target] of Object.entries(manifest.bin ?? {})) {
      it(`${name}: a committed launcher with a shebang, shipped in the tarball (not a build output)`, () => {
        const top = target.replace(/^\.\//, "").split("/")[0] ?? "";
        expect(top, "a bin under dist/ does not exist at install time").not.toBe("dist");
        expect(manifest.files).toContain(top);
        const source = readFileSync(`${dir}/${target}`, "utf8");
        expect(source.startsWith("#!/usr/bin/env node\n")).toBe(true);
      });

      it(`${name}: without a build, runs the TypeScript source`, () => {
        // A copy of the package with the launcher and the source but no dist/, inside the repo so tsx resolves.
        const copy = `${scratch}/${name}`;
        mkdirSync(`${copy}/bin`, { recursive: true });
        copyFileSync(`${dir}/${target}`, `${copy}/${target}`);
        if (!existsSync(`${copy}/src`)) symlinkSync(`${dir}/src`, `${copy}/src`, "dir");
        const run = spawnSync(process.execPath, [`${copy}/${target}`, "--help"], { encoding: "utf8", timeout: 60_000 });
        expect(run.stderr).not.toMatch(/no build/);
        expect(run.status).toBe(0);
        expect(run.stdout).toMatch(new RegExp(`Usage: ${name}`));
      });
    }
  }

  it("without a build and without tsx, says so in one line", () => {
    const copy = `/tmp/wattstream-launcher-${process.pid}`;
    mkdirSync(`${copy}/bin`, { recursive: true });
    try {
      copyFileSync(`${ROOT}packages/cli/bin/wattstream.js`, `${copy}/bin/wattstream.js`);
      const run = spawnSync(process.execPath, [`${copy}/bin/wattstream.js`, "--help"], { encoding: "utf8" });
      expect(run.status).toBe(1);
      expect(run.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^wattstream: no build .*npm run build/)]);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
