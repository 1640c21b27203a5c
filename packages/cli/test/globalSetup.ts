// The tests run the *built* bin. Under Nx the `test` target depends on `build` and `^build`, so every dist/ is
// current; run directly, this refuses to start against a missing or stale build (which would test old code)
// instead of building — it never writes into any package's dist/, its own or a sibling's.
import { fileURLToPath } from "node:url";
import { NEEDED, staleBuilds } from "./staleBuilds.js";

export default function setup(): void {
  const problems = staleBuilds(fileURLToPath(new URL("../../", import.meta.url)), NEEDED);
  if (problems.length === 0) return;
  throw new Error(
    [
      "[cli tests] the built bin would run old or missing code:",
      ...problems.map((p) => `  - ${p}`),
      "Build first: `npx nx run @wattstream/cli:build` (builds the dependencies too), or `npx tsc -p tsconfig.lib.json`",
      `in each package listed, in this order: ${NEEDED.join(", ")}.`,
    ].join("\n"),
  );
}
