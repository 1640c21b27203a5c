import { mergeConfig } from "vitest/config";
import { sharedConfig } from "../../tools/vitest.shared.ts";

// One real PostgreSQL server for the whole run (see tools/postgres/testPostgres.ts); each test file makes its own
// database on it.
export default mergeConfig(sharedConfig, { test: { globalSetup: ["test/globalSetup.ts"] } });
