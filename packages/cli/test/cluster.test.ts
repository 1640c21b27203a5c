// `wattstream cluster run|status` as a user runs them: the built bin against a real PostgreSQL and the embedded
// simulator; bad input is one line and a non-zero exit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startTestPostgres } from "../../../tools/postgres/testPostgres.ts";
import type { TestPostgres } from "../../../tools/postgres/testPostgres.ts";
import { baseEnv, cli, KEY_PATTERN, start } from "./helpers.js";

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startTestPostgres();
}, 120_000);
afterAll(() => pg?.stop());


describe("wattstream cluster", () => {
  it("rejects a malformed --postgres URL in one line (exit 2), before starting anything", async () => {
    for (const url of ["not-a-url", "sqlite:./x.db", "postgres://"]) {
      const r = await cli(["cluster", "run", "--postgres", url]);
      expect(r.code, url).toBe(2);
      expect(r.stderr.trim().split("\n"), url).toEqual([expect.stringMatching(/^wattstream: --postgres .+: /)]);
    }
    const s = await cli(["cluster", "status", "--postgres", "mysql://db/x"]);
    expect(s.code).toBe(2);
  });

  it("rejects a malformed --listen address", async () => {
    const r = await cli(["cluster", "run", "--postgres", "postgres://localhost/x", "--listen", "nohost"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("expected host:port");
  });

  it("says in one line, password hidden, that an unreachable database cannot be opened (exit 1)", async () => {
    const url = "postgres://me:s3cret@127.0.0.1:1/energy";
    for (const args of [["cluster", "status", "--postgres", url], ["cluster", "run", "--simulate", "--postgres", url, "--listen", "127.0.0.1:1"]]) {
      const r = await cli(args);
      expect(r.code, args[1]).toBe(1);
      const lines = r.stderr.trim().split("\n").filter((l) => l.includes("cannot open store"));
      expect(lines, args[1]).toEqual(["wattstream: cannot open store postgres://me:***@127.0.0.1:1/energy: PgConnection: Failed to connect"]);
      expect(r.stderr).not.toContain("s3cret");
    }
  });

  it("status on a database no runner used: one line, exit 4", async () => {
    const url = await pg.createDatabase("cli_cluster_empty");
    const r = await cli(["cluster", "status", "--postgres", url]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("no cluster in");
  });

  it("runs a runner on the demo fleet, reports it in status, and leaves cleanly on Ctrl-C (exit 0)", async () => {
    const url = await pg.createDatabase("cli_cluster");
    const port = await freePort();
    const runner = start(["cluster", "run", "--simulate", "--devices", "12", "--postgres", url, "--listen", `127.0.0.1:${port}`], baseEnv());
    try {
      await runner.waitFor(({ stderr }) => stderr.includes("12 devices"), "the fleet supervisor listing the demo fleet");
      let status: Record<string, unknown> = {};
      for (let i = 0; i < 40; i++) {
        const r = await cli(["cluster", "status", "--postgres", url, "--json"]);
        expect(r.code).toBe(0);
        status = JSON.parse(r.stdout) as Record<string, unknown>;
        const runners = status["runners"] as Array<Record<string, unknown>>;
        if (runners[0]?.["devices"] === 12 && (status["lag"] as Array<unknown>).length > 0) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(status["runners"]).toEqual([expect.objectContaining({ address: `127.0.0.1:${port}`, healthy: true, devices: 12, shards: 300 })]);
      expect(status["budgets"]).toEqual([expect.objectContaining({ tpsLimit: 5, leases: [{ runner: `127.0.0.1:${port}`, tps: 5 }] })]);
      expect(status["lag"]).toEqual([expect.objectContaining({ stream: "long" })]);
      const table = await cli(["cluster", "status", "--postgres", url]);
      expect(table.stdout).toContain(`127.0.0.1:${port}`);
      expect(table.stdout).toContain("healthy");
      expect(table.stdout + table.stderr).not.toMatch(KEY_PATTERN);
    } finally {
      runner.child.kill("SIGINT");
    }
    const done = await runner.done;
    expect(done.code).toBe(0);
    expect(done.stdout).toBe("");
  }, 90_000);
});
