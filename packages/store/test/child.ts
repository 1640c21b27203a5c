// Child processes for the crash and concurrency tests, bundled once with esbuild so each start costs a plain
// `node` start rather than compiling TypeScript.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export interface BundledChild {
  readonly file: string;
  /** Runs it to the end; rejects with its stderr on a non-zero exit. */
  readonly run: (args: ReadonlyArray<string>) => Promise<void>;
  readonly remove: () => void;
}

export const bundleChild = async (name: string): Promise<BundledChild> => {
  const dir = mkdtempSync(join(tmpdir(), "wattstream-child-"));
  const file = join(dir, `${name}.mjs`);
  await build({
    entryPoints: [join(dirname(fileURLToPath(import.meta.url)), "fixtures", `${name}.ts`)],
    outfile: file,
    bundle: true,
    platform: "node",
    format: "esm",
    conditions: ["@wattstream/source"],
    logLevel: "error",
  });
  return {
    file,
    run: (args) =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [file, ...args], { stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${name} exited ${code}: ${stderr}`))));
      }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
};
