// Vite resolves the workspace packages from their TypeScript source through the `@wattstream/source` export
// condition, so the example needs no prior build of the SDK. Vite compiles .tsx with React's automatic runtime.
import { defaultClientConditions, defineConfig } from "vite";

export default defineConfig({
  root: import.meta.dirname,
  base: "./",
  resolve: { conditions: ["@wattstream/source", ...defaultClientConditions] },
  build: { target: "es2022", outDir: "dist", emptyOutDir: true },
});
