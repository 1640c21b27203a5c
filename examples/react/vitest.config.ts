import { defineConfig, mergeConfig } from "vitest/config";
import { sharedConfig } from "../../tools/vitest.shared.ts";

export default mergeConfig(
  sharedConfig,
  defineConfig({
    test: {
      // The browser test builds the app and drives Chromium: its hooks need more than the shared ceiling.
      testTimeout: 60_000,
      hookTimeout: 120_000,
      // The page answers in real time (requests, rendering) while its clock is moved by the test: poll for it.
      expect: { poll: { timeout: 20_000, interval: 50 } },
    },
  }),
);
