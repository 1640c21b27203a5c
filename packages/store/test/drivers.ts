// The two drivers every behaviour test runs on: a SQLite file in a temp dir, and a fresh database on the real
// PostgreSQL server of the run (test/globalSetup.ts).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { psql } from "../../../tools/postgres/testPostgres.ts";

export interface Driver {
  readonly name: "sqlite" | "postgres";
  /** A URL of a new, empty database. */
  readonly fresh: () => Promise<string>;
  readonly cleanup: () => Promise<void>;
}

let counter = 0;

export const drivers = (): ReadonlyArray<Driver> => {
  const dir = mkdtempSync(join(tmpdir(), "wattstream-store-"));
  const pgUrl = inject("pgUrl");
  const made: Array<string> = [];
  return [
    {
      name: "sqlite",
      fresh: async () => `sqlite:${join(dir, `db${++counter}.db`)}`,
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    },
    {
      name: "postgres",
      fresh: async () => {
        const name = `t_${process.pid}_${++counter}`;
        await psql(pgUrl, `create database ${name}`);
        made.push(name);
        const u = new URL(pgUrl);
        u.pathname = `/${name}`;
        return u.toString();
      },
      cleanup: async () => {
        for (const name of made) await psql(pgUrl, `drop database if exists ${name} with (force)`);
      },
    },
  ];
};

