// The two drivers every behaviour test runs on: a SQLite file in a temp dir, and a fresh database on the real
// PostgreSQL server of the run (test/globalSetup.ts).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { psql } from "../../../tools/postgres/testPostgres.ts";
import type { EnergyEvent } from "@wattstream/rx";

export interface Driver {
  readonly name: "sqlite" | "postgres";
  /** A URL of a new, empty database. */
  readonly fresh: () => string;
  readonly cleanup: () => void;
}

let counter = 0;

export const drivers = (): ReadonlyArray<Driver> => {
  const dir = mkdtempSync(join(tmpdir(), "wattstream-store-"));
  const pgUrl = inject("pgUrl");
  const made: Array<string> = [];
  return [
    {
      name: "sqlite",
      fresh: () => `sqlite:${join(dir, `db${++counter}.db`)}`,
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    },
    {
      name: "postgres",
      fresh: () => {
        const name = `t_${process.pid}_${++counter}`;
        psql(pgUrl, `create database ${name}`);
        made.push(name);
        const u = new URL(pgUrl);
        u.pathname = `/${name}`;
        return u.toString();
      },
      cleanup: () => {
        for (const name of made) psql(pgUrl, `drop database if exists ${name} with (force)`);
      },
    },
  ];
};

export const DEVICE = "D123456789012";
export const layout = (deviceId = DEVICE) => Array.from({ length: 6 }, (_, i) => ({ id: `${deviceId}_C${i + 1}` }));

/** A long-energy interval event of a 6-channel device with values derived from `ts` and `salt`. */
export const interval = (ts: number, salt = 0, deviceId = DEVICE, type: "interval" | "revised" = "interval"): EnergyEvent => {
  const e = ((ts / 300) % 97) * 10 + salt;
  const point = {
    timestamp: ts,
    duration: 300,
    eReal: Array.from({ length: 6 }, (_, c) => e + c),
    eReactive: Array.from({ length: 6 }, (_, c) => c * 2),
    eRealPositive: Array.from({ length: 6 }, (_, c) => e + c),
    eRealNegative: Array.from({ length: 6 }, () => 0),
  };
  return { type, deviceId, stream: "long", point, channels: layout(deviceId) };
};
