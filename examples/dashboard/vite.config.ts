// Vite resolves the workspace packages from their TypeScript source through the `@wattstream/source` export
// condition (the same one tsconfig and vitest use), so the dashboard needs no prior build of the SDK.
import { defaultClientConditions, defineConfig } from "vite";

export default defineConfig({
  root: import.meta.dirname,
  // Relative asset URLs: the build can be served from any path (vite preview, a static server, a sub-folder).
  base: "./",
  resolve: { conditions: ["@wattstream/source", ...defaultClientConditions] },
  build: {
    target: "es2022",
    outDir: "dist",
    emptyOutDir: true,
    // Node built-ins must never reach the browser bundle: fail the build instead of stubbing them.
    rolldownOptions: {
      onwarn(warning, warn) {
        if (warning.message.includes("externalized for browser compatibility")) throw new Error(warning.message);
        warn(warning);
      },
    },
  },
});
