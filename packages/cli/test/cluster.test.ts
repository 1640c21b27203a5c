// `wattstream cluster run|status` as a user runs them: the built bin against a real PostgreSQL and the embedded
// simulator; bad input is one line and a non-zero exit.
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// The CLI loads the simulator lazily (only `--simulate` needs it); the two-key test starts one in-process.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startSimulator } from "@wattstream/simulator";
import { freePort, startTestPostgres } from "../../../tools/postgres/testPostgres.ts";
import type { TestPostgres } from "../../../tools/postgres/testPostgres.ts";
import { baseEnv, cli, KEY_PATTERN, start } from "./helpers.js";

let pg: TestPostgres;
const dir = mkdtempSync(join(tmpdir(), "wattstream-cluster-keys-"));
beforeAll(async () => {
  pg = await startTestPostgres();
}, 120_000);
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await pg?.stop();
});

/** `@wattstream/cluster`'s keyFingerprint (the cli loads that package lazily, so tests do not import it). */
const keyFingerprint = (key: string): string => createHash("sha256").update(key).digest("hex").slice(0, 16);

const file = (name: string, content: string): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};


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

  it("rejects an unreadable, empty or malformed --api-keys-file in one line naming the file and line, never a key (exit 2)", async () => {
    const cases: ReadonlyArray<readonly [string, RegExp]> = [
      [join(dir, "missing.txt"), /--api-keys-file .*missing\.txt: must be a readable file \(ENOENT\)/],
      [file("empty.txt", "# no keys yet\n\n"), /--api-keys-file .*empty\.txt: must contain at least one API key/],
      [file("bad.txt", "key_abcdefghijklmnopqrstuvwxyz123456\nkey_zyxwvutsrqponmlkjihgfedcba654321 trailing\n"), /--api-keys-file .*bad\.txt: line 2 must hold one API key and nothing else/],
    ];
    for (const [path, expected] of cases) {
      const r = await cli(["cluster", "run", "--postgres", "postgres://localhost/x", "--api-keys-file", path]);
      expect(r.code, path).toBe(2);
      expect(r.stderr.trim().split("\n"), path).toEqual([expect.stringMatching(expected)]);
      expect(r.stderr, path).not.toMatch(KEY_PATTERN);
    }
  });

  it("runs one runner for two keys ($WATTSTREAM_API_KEYS and --api-keys-file): a fleet and a budget per key in status, no key in any output", async () => {
    const sim = await startSimulator({ clock: "real", devices: 8 });
    const ids = sim.fleet.ids();
    const keyA = sim.fleet.addKey({ permission: "read", devices: ids.slice(0, 5), rateLimits: { tps: 5 } });
    const keyB = sim.fleet.addKey({ permission: "read", devices: ids.slice(3, 8), rateLimits: { tps: 7 } });
    const [a, b] = [keyFingerprint(keyA), keyFingerprint(keyB)];
    const url = await pg.createDatabase("cli_cluster_keys");
    const port = await freePort();
    const keysFile = file("keys.txt", `# the second customer\n${keyB}\n`);
    const runner = start(
      ["cluster", "run", "--postgres", url, "--listen", `127.0.0.1:${port}`, "--base-url", sim.baseUrl, "--api-keys-file", keysFile, "--list-every", "1s"],
      baseEnv({ WATTSTREAM_API_KEYS: keyA }),
    );
    const outputs: Array<string> = [];
    try {
      await runner.waitFor(({ stderr }) => stderr.includes(`fleet ${a}: 5 devices`) && stderr.includes(`fleet ${b}: 5 devices`), "a fleet supervisor per key");
      let status: { budgets?: Array<Record<string, unknown>>; runners?: Array<Record<string, unknown>> } = {};
      for (let i = 0; i < 40; i++) {
        const r = await cli(["cluster", "status", "--postgres", url, "--json"]);
        expect(r.code).toBe(0);
        outputs.push(r.stdout, r.stderr);
        status = JSON.parse(r.stdout) as typeof status;
        if (status.budgets?.length === 2 && status.budgets.every((k) => k["devices"] === 5 && k["tpsLimit"] !== undefined)) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(status.budgets?.map((k) => [k["keyId"], k["devices"], k["tpsLimit"]]).sort()).toEqual(
        [
          [a, 5, 5],
          [b, 5, 7],
        ].sort(),
      );
      expect(status.runners).toEqual([expect.objectContaining({ address: `127.0.0.1:${port}`, devices: 10 })]);
      const table = await cli(["cluster", "status", "--postgres", url]);
      outputs.push(table.stdout, table.stderr);
      expect(table.stdout).toContain(a);
      expect(table.stdout).toContain(b);
    } finally {
      runner.child.kill("SIGINT");
    }
    const done = await runner.done;
    await sim.close();
    expect(done.code).toBe(0);
    expect(done.stderr).toContain("with 2 API keys");
    for (const text of [...outputs, done.stdout, done.stderr]) {
      expect(text).not.toContain(keyA);
      expect(text).not.toContain(keyB);
      expect(text).not.toMatch(KEY_PATTERN);
    }
  }, 90_000);
});
