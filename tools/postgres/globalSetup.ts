// vitest globalSetup of the packages whose tests need PostgreSQL (store, cluster): one server for the run
// (WATTSTREAM_TEST_PG_URL, or a throw-away Debian server; see testPostgres.ts), its URL provided as `pgUrl`.
import type { TestProject } from "vitest/node";
import { startTestPostgres } from "./testPostgres.ts";

declare module "vitest" {
  export interface ProvidedContext {
    pgUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const pg = await startTestPostgres();
  project.provide("pgUrl", pg.url);
  return () => pg.stop();
}
