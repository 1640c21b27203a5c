// Shared pieces of the cluster tests: a fresh database on the run's real PostgreSQL, free loopback ports, the
// simulator's truth for a device, and waiting for a condition with a deadline (the runners are real processes or
// fibers on the wall clock, so "until" is the only honest wait).
import { inject } from "vitest";
import { psql } from "../../../tools/postgres/testPostgres.ts";

let counter = 0;

export const freshDatabase = async (): Promise<{ readonly url: string; readonly drop: () => Promise<void> }> => {
  const base = inject("pgUrl");
  const name = `cluster_${process.pid}_${++counter}`;
  await psql(base, `create database ${name}`);
  const u = new URL(base);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: async () => {
      await psql(base, `drop database if exists ${name} with (force)`);
    },
  };
};

export { freePort } from "../../../tools/postgres/testPostgres.ts";

/** Polls `check` every `everyMs` until it returns a value other than `undefined`, or fails after `timeoutMs`. */
export const until = async <A>(what: string, check: () => Promise<A | undefined>, timeoutMs: number, everyMs = 250): Promise<A> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
};
