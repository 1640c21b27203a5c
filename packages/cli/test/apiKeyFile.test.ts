// The key from a file or stdin (--api-key-file, '-'), the --help warning about --api-key in the process list, and
// the one redaction routine (resilience's) masking a key a server echoes back in any form.
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
// The CLI loads the simulator lazily (only `--simulate` needs it); tests start one in-process.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startSimulator } from "@wattstream/simulator";
import type { Simulator } from "@wattstream/simulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExitCode } from "../src/index.js";
import { baseEnv, cli, ndjson } from "./helpers.js";

let sim: Simulator;
let echo: Server;
let echoUrl: string;
const dir = mkdtempSync(join(tmpdir(), "wattstream-key-"));
const ECHO_KEY = "key_Pw3Rt6Yu9Io2As5Df8Gh1Jk4Lz7Xc0Vb";

beforeAll(async () => {
  sim = await startSimulator({ seed: 3, rateLimits: { tps: Infinity } });
  // A server that echoes the key back in every form it can think of.
  echo = createServer((req, res) => {
    const key = (req.headers.authorization ?? "").replace(/^Bearer /, "");
    res.writeHead(req.url === "/devices" ? 401 : 200, { "content-type": "text/plain", "x-echo": key });
    res.end(
      req.url === "/devices"
        ? JSON.stringify({ code: "UNAUTHORIZED", message: `${key.slice(4)} ${key.toUpperCase()} ${Buffer.from(`Bearer ${key}`).toString("base64")}` })
        : `${key.slice(4)} is not JSON`,
    );
  });
  await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
  const address = echo.address();
  echoUrl = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
});
afterAll(async () => {
  await sim.close();
  await new Promise<void>((resolve) => {
    echo.closeAllConnections();
    echo.close(() => resolve());
  });
});

const keyFile = (content: string): string => {
  const path = join(dir, `key-${Math.random().toString(36).slice(2)}`);
  writeFileSync(path, content, { mode: 0o600 });
  return path;
};

describe("--api-key-file", () => {
  it("reads the key from a file (trailing newline ignored)", async () => {
    const r = await cli(["devices", "--json", "--base-url", sim.baseUrl, "--api-key-file", keyFile(`${sim.demoKey}\n`)]);
    expect(r.code).toBe(0);
    expect(ndjson(r.stdout).map((d) => d["id"])).toEqual(sim.fleet.ids());
  });

  it("reads the key from stdin with '-'", async () => {
    const r = await cli(["devices", "--json", "--base-url", sim.baseUrl, "--api-key-file", "-"], baseEnv(), `${sim.demoKey}\n`);
    expect(r.code).toBe(0);
    expect(ndjson(r.stdout)).toHaveLength(sim.fleet.ids().length);
  });

  it("wins over $WATTSTREAM_API_KEY", async () => {
    const r = await cli(
      ["devices", "--json", "--base-url", sim.baseUrl, "--api-key-file", keyFile(sim.demoKey)],
      baseEnv({ WATTSTREAM_API_KEY: "key_thisOneIsWrongAndWouldBe401xxxxxx" }),
    );
    expect(r.code).toBe(0);
  });

  it.each([
    ["a missing file", () => join(dir, "nope"), "must be a readable file (ENOENT)"],
    ["an empty file", () => keyFile("\n"), "it is empty"],
    ["two lines", () => keyFile("key_a\nkey_b\n"), "only the API key, on one line"],
  ])("exits 2 naming the file for %s", async (_name, path, rule) => {
    const p = path();
    const r = await cli(["devices", "--base-url", sim.baseUrl, "--api-key-file", p]);
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toContain(`--api-key-file ${p}`);
    expect(r.stderr).toContain(rule);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("cannot be combined with --api-key, in either order", async () => {
    const file = keyFile(sim.demoKey);
    for (const args of [
      ["--api-key", sim.demoKey, "--api-key-file", file],
      ["--api-key-file", file, "--api-key", sim.demoKey],
    ]) {
      const r = await cli(["devices", "--base-url", sim.baseUrl, ...args]);
      expect(r.code).toBe(ExitCode.usage);
      expect(r.stderr).toContain("cannot be combined");
      expect(r.stderr).not.toContain(sim.demoKey);
    }
  });

  it("--help says --api-key is visible in the process list and offers the file", async () => {
    const r = await cli(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout.replace(/\s+/g, " ")).toContain("visible to other users in the process list");
    expect(r.stdout).toContain("--api-key-file <path>");
  });
});

describe("a key echoed back by the server is never printed", () => {
  it.each([
    ["an error envelope", "devices"],
    ["a body that is not JSON", `devices D123456789012`],
  ])("%s, even with --verbose", async (_name, command) => {
    for (const verbose of [[], ["--verbose"]]) {
      const r = await cli([...command.split(" "), "--json", "--base-url", echoUrl, "--api-key-file", keyFile(ECHO_KEY), ...verbose]);
      expect(r.code).not.toBe(0);
      const out = (r.stdout + r.stderr).toLowerCase();
      expect(out).toContain("wattstream:");
      for (let i = 0; i + 8 <= ECHO_KEY.length - 4; i++) expect(out).not.toContain(ECHO_KEY.slice(4 + i, 12 + i).toLowerCase());
      expect(out).not.toContain(Buffer.from(`Bearer ${ECHO_KEY}`).toString("base64").slice(0, 40).toLowerCase());
    }
  });
});
