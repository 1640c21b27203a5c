import { mergeConfig } from "vitest/config";
import { sharedConfig } from "../../tools/vitest.shared.ts";

// The tests run the *built* bin as a child process: the global setup builds whatever is stale first (Nx's
// `test` target already depends on `build` and `^build`, so under Nx this finds everything fresh).
export default mergeConfig(sharedConfig, {
  test: {
    globalSetup: ["test/globalSetup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
