// Lets plain Node (with --experimental-transform-types) run the workspace sources: they import their siblings as
// `./x.js` (what tsc emits), which this maps to `./x.ts` when only the TypeScript file exists. For heap.child.ts.
import { registerHooks } from "node:module";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
registerHooks({
  resolve(specifier, context, next) {
    try { return next(specifier, context); } catch (e) {
      if (specifier.endsWith(".js") && context.parentURL?.endsWith(".ts")) {
        const url = new URL(specifier.replace(/\.js$/, ".ts"), context.parentURL);
        if (existsSync(fileURLToPath(url))) return next(url.href, context);
      }
      throw e;
    }
  },
});
