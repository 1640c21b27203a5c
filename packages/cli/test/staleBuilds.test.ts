import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { staleBuilds } from "./staleBuilds.js";

let root: string | undefined;
afterEach(() => {
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

/** A package with one source file and (optionally) a build, at explicit mtimes (seconds). */
const pkg = (name: string, times: { readonly src: number; readonly config?: number; readonly built?: number }): void => {
  root ??= mkdtempSync(join(tmpdir(), "wattstream-stale-"));
  const dir = join(root, name);
  mkdirSync(join(dir, "src", "internal"), { recursive: true });
  const file = (path: string, t: number): void => {
    writeFileSync(join(dir, path), "x");
    utimesSync(join(dir, path), t, t);
  };
  file("src/internal/a.ts", times.src);
  file("tsconfig.lib.json", times.config ?? 1_000);
  if (times.built !== undefined) {
    mkdirSync(join(dir, "dist"));
    file("dist/index.js", times.built);
  }
};

describe("staleBuilds (what the CLI tests' global setup refuses to run against)", () => {
  it("accepts builds newer than their sources", () => {
    pkg("core", { src: 2_000, built: 3_000 });
    pkg("rx", { src: 2_000, config: 2_500, built: 3_000 });
    expect(staleBuilds(root!, ["core", "rx"])).toEqual([]);
  });

  it("names a package that was never built", () => {
    pkg("core", { src: 2_000, built: 3_000 });
    pkg("rx", { src: 2_000 });
    expect(staleBuilds(root!, ["core", "rx"])).toEqual(["packages/rx: dist/index.js is missing (not built)"]);
  });

  it("names a package whose sources (even nested) or build config changed after its build", () => {
    pkg("core", { src: 4_000, built: 3_000 });
    pkg("rx", { src: 2_000, config: 5_000, built: 3_000 });
    expect(staleBuilds(root!, ["core", "rx"])).toEqual([
      expect.stringMatching(/^packages\/core: dist\/ is older than src.internal.a\.ts/),
      "packages/rx: dist/ is older than tsconfig.lib.json (stale build)",
    ]);
  });
});
