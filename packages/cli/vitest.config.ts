import { mergeConfig } from "vitest/config";
import { sharedConfig } from "../../tools/vitest.shared.ts";

// The tests run the *built* bin as a child process: the global setup fails with a clear message when a needed
// dist/ is missing or older than its sources (Nx's `test` target depends on `build` and `^build`).
export default mergeConfig(sharedConfig, {
  test: {
    globalSetup: ["test/globalSetup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
