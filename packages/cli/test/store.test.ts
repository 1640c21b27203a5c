// `sync --out <database>` and `query`: long energy into SQLite and a real PostgreSQL, resumable from the
// database's own checkpoints; and issue 13's bad-input proof for every command that takes a database (`sync --out`,
// `watch --store`, `query`): a malformed URL, an unreachable server, and a database with a newer schema version
// (SQLite and PostgreSQL) each give one clear line and a non-zero exit, and nothing is written.
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
import { cli, KEY_PATTERN, ndjson, start } from "./helpers.js";

let sim: Simulator;
let pg: TestPostgres;
let dir: string;
let devices: ReadonlyArray<string>;
beforeAll(async () => {
  sim = await startSimulator({ seed: 5, rateLimits: { tps: Infinity } });
  pg = await startTestPostgres();
  dir = mkdtempSync(join(tmpdir(), "wattstream-cli-store-"));
  devices = sim.fleet.ids().slice(0, 2);
}, 60_000);
afterAll(async () => {
  await sim.close();
  pg.stop();
  rmSync(dir, { recursive: true, force: true });
});

const DAY = 86_400;
const api = (): Array<string> => ["--base-url", sim.baseUrl, "--api-key", sim.demoKey];
const window = (days: number): [number, number] => {
  const to = Math.floor(sim.clock.now() / 300) * 300 - DAY;
  return [to - days * DAY, to];
};

describe.each([
  ["sqlite", async () => `sqlite:${join(dir, "energy.db")}`],
  ["postgres", () => pg.createDatabase("cli_store")],
] as const)("wattstream sync --out %s", (_name, makeUrl) => {
  it("writes every interval once, resumes from the database's checkpoint, and query shows kWh per channel per day", async () => {
    const url = await makeUrl();
    const [from, to] = window(2);
    const first = await cli(["sync", ...devices, "--from", String(from), "--to", String(from + DAY), "--out", url, ...api()]);
    expect(first.code).toBe(0);
    // The same command over a longer window: only the new day is fetched, from the database's checkpoints.
    const second = await cli(["sync", ...devices, "--from", String(from), "--to", String(to), "--out", url, ...api()]);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain("from the database's checkpoint");
    expect(second.stderr).toContain(`${(2 * DAY) / 300 - DAY / 300} intervals written`);
    const store = await openStore(url);
    const [n] = await store.query<{ n: number | string }>("select count(*) as n from intervals");
    expect(Number(n!.n)).toBe((devices.length * 2 * DAY) / 300);
    const [c] = await store.query<{ n: number | string }>("select count(*) as n from revisions");
    expect(Number(c!.n)).toBe(0);
    await store.close();
    const q = await cli(["query", url, devices[0]!, "--json"]);
    expect(q.code).toBe(0);
    const rows = ndjson(q.stdout);
    expect(rows.length).toBeGreaterThanOrEqual(12);
    expect(rows.reduce((sum, r) => sum + (r["channel"] === 1 ? Number(r["intervals"]) : 0), 0)).toBe((2 * DAY) / 300);
    expect(rows[0]).toEqual(expect.objectContaining({ deviceId: devices[0], channel: 1, kWh: expect.any(Number), label: expect.any(String) }));
    expect(q.stdout + q.stderr + first.stderr + second.stderr).not.toMatch(KEY_PATTERN);
  }, 60_000);
});

describe("wattstream watch --store", () => {
  it("writes the device snapshot, each interval and the checkpoint into the database, then exits 0 on Ctrl-C", async () => {
    const url = `sqlite:${join(dir, "watch.db")}`;
    // The embedded simulator (default seed) on a real clock at 30×: short intervals arrive every second.
    const id = "F806703073310";
    const run = start(["watch", id, "--simulate", "--speed", "30", "--json", "--energy", "short", "--store", url]);
    await run.waitFor(({ stdout }) => ndjson(stdout.slice(0, stdout.lastIndexOf("\n") + 1)).filter((e) => e["type"] === "interval").length >= 3, "three intervals");
    run.child.kill("SIGINT");
    expect((await run.done).code).toBe(0);
    const shown = ndjson(run.stdout()).filter((e) => e["type"] === "interval").map((e) => e["timestamp"]);
    const store = await openStore(url);
    const rows = await store.query<{ ts: number }>("select ts from intervals where stream = 'short' order by ts");
    expect(rows.map((r) => Number(r.ts))).toEqual(shown);
    const [d] = await store.query<{ n: number }>(`select count(*) as n from devices where device_id = '${id}'`);
    expect(Number(d!.n)).toBe(1);
    const cp = await store.checkpoints.load({ deviceId: id, stream: "short" });
    expect(cp?.watermark).toBeGreaterThan(Number(shown.at(-1)));
    await store.close();
  }, 30_000);
});

const sync = (url: string): Promise<{ code: number | null; stdout: string; stderr: string }> => {
  const to = Math.floor(sim.clock.now() / 300) * 300 - DAY;
  return cli(["sync", devices[0]!, "--from", String(to - DAY), "--to", String(to), "--out", url, ...api()]);
};
const watch = (url: string) => cli(["watch", devices[0]!, "--json", "--store", url, ...api()]);
const commands = [
  ["sync --out", sync],
  ["watch --store", watch],
  ["query", (url: string) => cli(["query", url])],
] as const;
const oneLine = (stderr: string): Array<string> => stderr.trim().split("\n");

describe("a malformed database URL is a usage error (exit 2) naming the flag and the rule", () => {
  it.each(commands)("%s", async (_name, run) => {
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
  it.each(commands)("%s", async (_name, run) => {
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
    for (const r of [await sync(url), await watch(url)]) {
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
