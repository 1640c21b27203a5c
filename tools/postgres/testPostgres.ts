// A real PostgreSQL for tests, with no manual step: WATTSTREAM_TEST_PG_URL when set; otherwise a throw-away
// server from Debian's binaries (initdb into a temp dir, pg_ctl on a free loopback port, socket dir inside the
// temp dir), stopped and removed afterwards. When the binaries are missing and we are root, Debian's
// `postgresql` package is installed first (quietly; the apt log goes to a file). One line says what was used.
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestPostgres {
  readonly url: string;
  /** A fresh, empty database on the same server (each test file gets its own). */
  readonly createDatabase: (name: string) => Promise<string>;
  readonly stop: () => void;
}

const binDir = (): string | undefined => {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], "bin");
};

const install = (): void => {
  if (process.getuid?.() !== 0 || !existsSync("/usr/bin/apt-get"))
    throw new Error("PostgreSQL binaries not found in /usr/lib/postgresql/*/bin: install Debian's postgresql package or set WATTSTREAM_TEST_PG_URL");
  const log = join(tmpdir(), "wattstream-postgres-apt.log");
  console.log(`[postgres] installing Debian's postgresql package (log: ${log})`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const sh = (cmd: string) => execFileSync("sh", ["-c", `${cmd} >>${log} 2>&1`], { env, stdio: "inherit" });
  try {
    sh("apt-get install -y -q --no-install-recommends postgresql");
  } catch {
    sh("apt-get update -q && apt-get install -y -q --no-install-recommends postgresql");
  }
};

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

/** Runs a binary as the unprivileged `postgres` user when we are root (initdb refuses to run as root). */
const runner = (asUser: string | undefined) => (bin: string, args: ReadonlyArray<string>) =>
  execFileSync(asUser === undefined ? bin : "runuser", asUser === undefined ? args : ["-u", asUser, "--", bin, ...args], { stdio: "pipe" });

/**
 * Runs one statement (e.g. `create database …`) on `url` through @effect/sql-pg, so a given
 * WATTSTREAM_TEST_PG_URL needs no psql on the machine; resolves with the rows it returned.
 */
export const psql = async (url: string, statement: string): Promise<ReadonlyArray<Record<string, unknown>>> => {
  const [{ Effect, Redacted }, PgClient, Reactivity] = await Promise.all([
    import("effect"),
    import("@effect/sql-pg/PgClient"),
    import("effect/reactivity/Reactivity"),
  ]);
  return Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const sql = yield* PgClient.make({ url: Redacted.make(url), maxConnections: 1 });
        return yield* sql.unsafe<Record<string, unknown>>(statement);
      }),
    ).pipe(Effect.provide(Reactivity.layer)),
  );
};

export const startTestPostgres = async (): Promise<TestPostgres> => {
  const given = process.env["WATTSTREAM_TEST_PG_URL"];
  const withDatabase = (base: string, name: string): string => {
    const u = new URL(base);
    u.pathname = `/${name}`;
    return u.toString();
  };
  if (given !== undefined && given !== "") {
    console.log(`[postgres] using WATTSTREAM_TEST_PG_URL (${new URL(given).host})`);
    return {
      url: given,
      createDatabase: async (name) => {
        await psql(given, `drop database if exists ${name} with (force)`);
        await psql(given, `create database ${name}`);
        return withDatabase(given, name);
      },
      stop: () => undefined,
    };
  }
  if (binDir() === undefined) install();
  const bin = binDir();
  if (bin === undefined) throw new Error("PostgreSQL binaries still missing after installing Debian's postgresql package");
  const root = process.getuid?.() === 0;
  const user = root ? "postgres" : undefined;
  const run = runner(user);
  const dir = mkdtempSync(join(tmpdir(), "wattstream-pg-"));
  if (root) {
    chmodSync(dir, 0o755);
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, "data");
  const port = await freePort();
  run(join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C"]);
  run(join(bin, "pg_ctl"), [
    "-D",
    data,
    "-l",
    join(dir, "server.log"),
    "-w",
    "-o",
    `-h 127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`,
    "start",
  ]);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  console.log(`[postgres] started a throw-away server from ${bin} on 127.0.0.1:${port}`);
  let stopped = false;
  return {
    url,
    createDatabase: async (name) => {
      await psql(url, `create database ${name}`);
      return withDatabase(url, name);
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      try {
        run(join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
};
