// Reading the workspace's own manifests for the checks.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly private?: boolean;
  readonly bin?: Readonly<Record<string, string>>;
  readonly files?: ReadonlyArray<string>;
  readonly engines?: { readonly node?: string };
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
}

export const readManifest = (path: string): Manifest => JSON.parse(readFileSync(path, "utf8")) as Manifest;

/** The published packages (packages/*), with their folder. */
export const publishedPackages = (): ReadonlyArray<{ readonly dir: string; readonly manifest: Manifest }> =>
  readdirSync(`${ROOT}packages`)
    .map((name) => ({ dir: `${ROOT}packages/${name}`, manifest: readManifest(`${ROOT}packages/${name}/package.json`) }))
    .filter((p) => p.manifest.private !== true);
