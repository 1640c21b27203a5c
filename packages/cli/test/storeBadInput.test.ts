// Issue 13's bad-input proof for every command that takes a database: a malformed URL, an unreachable server, and a
// database with a newer schema version (on SQLite and on PostgreSQL) each give one clear line and a non-zero exit,
// and nothing is written.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
// The CLI loads the simulator lazily (only `--simulate` needs it); tests start one in-process.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startSimulator } from "@wattstream/simulator";
import type { Simulator } from "@wattstream/simulator";
import { openStore } from "@wattstream/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { psql, startTestPostgres } from "../../../tools/postgres/testPostgres.ts";
import type { TestPostgres } from "../../../tools/postgres/testPostgres.ts";
import { cli, KEY_PATTERN } from "./helpers.js";

let sim: Simulator;
let pg: TestPostgres;
let dir: string;
let device: string;
beforeAll(async () => {
  sim = await startSimulator({ seed: 5, rateLimits: { tps: Infinity } });
  pg = await startTestPostgres();
  dir = mkdtempSync(join(tmpdir(), "wattstream-cli-bad-store-"));
  device = sim.fleet.ids()[0]!;
}, 60_000);
afterAll(async () => {
  await sim.close();
  pg.stop();
  rmSync(dir, { recursive: true, force: true });
});

const DAY = 86_400;
const api = (): Array<string> => ["--base-url", sim.baseUrl, "--api-key", sim.demoKey];
const sync = (url: string): Promise<{ code: number | null; stdout: string; stderr: string }> => {
  const to = Math.floor(sim.clock.now() / 300) * 300 - DAY;
  return cli(["sync", device, "--from", String(to - DAY), "--to", String(to), "--out", url, ...api()]);
};
const oneLine = (stderr: string): Array<string> => stderr.trim().split("\n");

describe("a malformed database URL is a usage error (exit 2) naming the flag and the rule", () => {
  it.each([
    ["sync --out", (url: string) => sync(url)],
    ["watch --store", (url: string) => cli(["watch", device, "--json", "--store", url, ...api()])],
    ["query", (url: string) => cli(["query", url])],
  ] as const)("%s", async (_name, run) => {
    for (const [url, rule] of [
      ["postgres://", "postgres:// needs a host"],
      ["postgres://db:port/energy", "not a valid URL"],
      ["sqlite:", "sqlite: needs a file path"],
    ] as const) {
      const r = await run(url);
      expect({ url, code: r.code }).toEqual({ url, code: 2 });
      expect(oneLine(r.stderr)).toEqual([expect.stringContaining(rule)]);
    }
  });
});

describe("an unreachable database (exit 1), without the password", () => {
  it.each([
    ["sync --out", (url: string) => sync(url)],
    ["watch --store", (url: string) => cli(["watch", device, "--json", "--store", url, ...api()])],
  ] as const)("%s", async (_name, run) => {
    const r = await run("postgres://me:s3cret@127.0.0.1:1/energy");
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toEqual([expect.stringContaining("cannot open store postgres://me:***@127.0.0.1:1/energy")]);
    expect(r.stdout).toBe("");
    expect(r.stdout + r.stderr).not.toMatch(/s3cret/);
    expect(r.stdout + r.stderr).not.toMatch(KEY_PATTERN);
  });
});

describe("a database with a newer schema version (exit 1): one line, nothing written", () => {
  it.each([
    ["sqlite", async () => `sqlite:${join(dir, "newer.db")}`],
    ["postgres", () => pg.createDatabase("cli_newer_schema")],
  ] as const)("%s", async (name, makeUrl) => {
    const url = await makeUrl();
    const store = await openStore(url);
    await store.query("update wattstream_schema set version = 99");
    await store.close();
    for (const r of [await sync(url), await cli(["watch", device, "--json", "--store", url, ...api()])]) {
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toEqual([expect.stringContaining("schema version 99")]);
    }
    // Nothing written: the tables are as the older release left them (read without the store, which refuses).
    const counts = async (): Promise<Array<number>> => {
      const tables = ["intervals", "interval_channels", "devices", "checkpoints"];
      if (name === "sqlite") {
        const db = new DatabaseSync(url.slice("sqlite:".length), { readOnly: true });
        try {
          return tables.map((t) => Number((db.prepare(`select count(*) as n from ${t}`).get() as { n: number }).n));
        } finally {
          db.close();
        }
      }
      const [row] = await psql(url, `select ${tables.map((t) => `(select count(*) from ${t}) as ${t}`).join(", ")}`);
      return tables.map((t) => Number(row?.[t]));
    };
    expect(await counts()).toEqual([0, 0, 0, 0]);
  });
});
