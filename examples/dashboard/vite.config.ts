// Vite resolves the workspace packages from their TypeScript source through the `@wattstream/source` export
// condition (the same one tsconfig and vitest use), so the dashboard needs no prior build of the SDK.
import { isBuiltin } from "node:module";
import type { Plugin } from "vite";
import { defaultClientConditions, defineConfig } from "vite";

/**
 * Node built-ins have no place in a page (e.g. `@wattstream/rx/node`'s file checkpoint store uses `node:fs`).
 * Vite would quietly replace them with an empty stub that breaks at run time; fail the build instead.
 */
const noNodeBuiltins = (): Plugin => ({
  name: "wattstream:no-node-builtins",
  enforce: "pre",
  applyToEnvironment: (env) => env.config.consumer === "client",
  resolveId(source, importer) {
    if (isBuiltin(source)) this.error(`${source} is a Node built-in, imported by ${importer ?? "the entry"}: it cannot run in the browser`);
    return null;
  },
});

export default defineConfig({
  root: import.meta.dirname,
  // Relative asset URLs: the build can be served from any path (vite preview, a static server, a sub-folder).
  base: "./",
  plugins: [noNodeBuiltins()],
  resolve: { conditions: ["@wattstream/source", ...defaultClientConditions] },
  build: { target: "es2022", outDir: "dist", emptyOutDir: true },
});
