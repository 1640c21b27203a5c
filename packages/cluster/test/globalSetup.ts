import type { TestProject } from "vitest/node";
import { startTestPostgres } from "../../../tools/postgres/testPostgres.ts";

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
