// Node versions: the published packages' `engines` state what they need at run time (the lowest Node they allow
// satisfies every runtime dependency's own `engines`), and the docs say the same numbers.
import { existsSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import semver from "semver";
import { describe, expect, it } from "vitest";
import { type Manifest, publishedPackages, readManifest, ROOT } from "./workspace.ts";

// Node's lookup of an installed package (some, like ky, do not export ./package.json, so no require.resolve).
const installedManifest = (fromDir: string, name: string): Manifest => {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const path = `${dir}/node_modules/${name}/package.json`;
    if (existsSync(path)) return readManifest(path);
    if (dir === dirname(dir)) throw new Error(`${name} is not installed below ${fromDir}`);
  }
};

describe("engines", () => {
  for (const { dir, manifest } of publishedPackages()) {
    it(`${manifest.name}: the lowest Node it allows runs every runtime dependency`, () => {
      const range = manifest.engines?.node;
      expect(range, `${manifest.name} declares engines.node`).toBeTypeOf("string");
      const lowest = semver.minVersion(range ?? "")?.version ?? "";
      const deps = [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})];
      const unmet = deps.flatMap((dep) => {
        const needs = installedManifest(dir, dep).engines?.node;
        return needs === undefined || semver.satisfies(lowest, needs) ? [] : [`${dep} needs Node ${needs}`];
      });
      expect(unmet, `${manifest.name} allows Node ${lowest}`).toEqual([]);
    });
  }

  it("the READMEs state the same Node versions as the manifests", () => {
    const root = readManifest(`${ROOT}package.json`);
    const readme = readFileSync(`${ROOT}README.md`, "utf8");
    expect(readme).toContain(`any Node ${root.engines?.node?.replace(">=", "≥ ")} with npm`);
    for (const { dir, manifest } of publishedPackages()) {
      const needs = manifest.engines?.node?.replace(">=", "≥ ") ?? "";
      expect(readFileSync(`${dir}/README.md`, "utf8"), `${manifest.name}'s README`).toContain(`Node ${needs}`);
    }
  });
});
