// Shared vitest settings: tests of one package run against the *source* of the others through the
// `@wattstream/source` export condition, so no build is needed before `vitest run`.
import { defaultClientConditions, defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

const source = "@wattstream/source";

export const sharedConfig = defineConfig({
  resolve: { conditions: [source, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [source, ...defaultServerConditions] } },
  test: {
    include: ["test/**/*.test.ts"],
    typecheck: { enabled: false },
    // No real sleeps in tests; integration tests talk to a loopback server, so a generous ceiling only
    // guards against a hung socket.
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: "forks",
  },
});
