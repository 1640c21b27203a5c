import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InvalidIdError } from "@wattstream/core";
import {
  BadRequest,
  DecodeError,
  Forbidden,
  InvalidRequest,
  NotFound,
  NotPermitted,
  RateLimited,
  ServerError,
  Timeout,
  Unauthorized,
  Unprocessable,
} from "@wattstream/resilience";
import { ExitCode, exitCodeOf } from "../src/index.js";
import { cli } from "./helpers.js";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
const ESC = "\u001b[";

describe("wattstream (no server needed)", () => {
  it("prints the package version", async () => {
    const r = await cli(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it("lists every command with examples in --help", async () => {
    const r = await cli(["--help"]);
    expect(r.code).toBe(0);
    for (const command of ["simulate", "devices", "watch", "sync", "switch"]) expect(r.stdout).toMatch(new RegExp(`\\n\\s+${command}\\b`));
    expect(r.stdout).toContain("Examples:");
    expect(r.stdout).toContain("--api-key");
  });

  it.each(["simulate", "devices", "watch", "sync", "switch"])("has help with examples and global options for %s", async (command) => {
    const r = await cli([command, "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: wattstream ${command}`);
    expect(r.stdout).toContain("Examples:");
    expect(r.stdout).toContain(`$ wattstream ${command}`);
    expect(r.stdout).toContain("--json"); // global options are shown on every command
    expect(r.stdout).not.toContain(ESC);
  });

  it("exits 2 with one line for an unknown option", async () => {
    const r = await cli(["devices", "--frobnicate"]);
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("--frobnicate");
    expect(r.stdout).toBe("");
  });

  it("exits 2 for an unknown command, suggesting the right one", async () => {
    const r = await cli(["devcies"]);
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toContain("devices");
  });

  it("names the input and the rule for a malformed device ID, without a stack trace", async () => {
    const r = await cli(["devices", "D12345"]);
    expect(r.code).toBe(ExitCode.usage);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('"D12345"');
    expect(lines[0]).toContain("13 characters");
    expect(lines[0]).toContain("D123456789012"); // the expected form
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("accepts device and switch IDs typed in lowercase, and rejects wrong first letters with their own rule", async () => {
    const lower = await cli(["devices", " f806703073310", "--simulate"]);
    expect(lower.code).toBe(0);
    expect(lower.stdout).toContain("F806703073310\t");
    // Parsed (so it reaches the refusal without a terminal), not rejected as malformed.
    const sw = await cli(["switch", "d019081155264_s1", "closed", "--simulate"]);
    expect(sw.stderr).toContain("not a terminal");
    const letter = await cli(["devices", "A123456789012"]);
    expect(letter.code).toBe(2);
    expect(letter.stderr).toContain("B, D, E or F");
  });

  it("prints the stack only with --verbose", async () => {
    const r = await cli(["devices", "D12345", "--verbose"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\n\s+at /);
  });

  it("validates switch IDs and states before any request", async () => {
    const badId = await cli(["switch", "D123456789012_C1", "open", "--yes"]);
    expect(badId.code).toBe(2);
    expect(badId.stderr).toContain("D123456789012_C1");
    expect(badId.stderr).toContain("_S<n>");
    const zero = await cli(["switch", "D123456789012_S0", "open", "--yes"]);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain("one-indexed");
    const state = await cli(["switch", "D123456789012_S1", "on", "--yes"]);
    expect(state.code).toBe(2);
    expect(state.stderr).toContain('"on"');
    expect(state.stderr).toContain("open or closed");
  });

  it("validates dates, windows and choices for sync", async () => {
    const date = await cli(["sync", "D123456789012", "--from", "2026-02-31", "--to", "2026-03-02"]);
    expect(date.code).toBe(2);
    expect(date.stderr).toContain("2026-02-31");
    const order = await cli(["sync", "D123456789012", "--from", "2026-03-02", "--to", "2026-03-01"]);
    expect(order.code).toBe(2);
    expect(order.stderr).toContain("--to must be after --from");
    const granularity = await cli(["sync", "D123456789012", "--from", "2026-03-01", "--to", "2026-03-02", "--granularity", "2m"]);
    expect(granularity.code).toBe(2);
    expect(granularity.stderr).toContain("5m");
    const missing = await cli(["sync", "D123456789012", "--to", "2026-03-02"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--from");
  });

  it("needs a key with --base-url", async () => {
    const r = await cli(["devices", "--base-url", "http://127.0.0.1:9"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--base-url");
  });

  it("maps errors to exit codes through resilience's classification (codes unchanged)", () => {
    const get = { operation: "getDevice", method: "GET", path: "/devices/D123456789012" } as const;
    const patch = { ...get, operation: "updateDevice", method: "PATCH" } as const;
    const cases: ReadonlyArray<readonly [unknown, number]> = [
      [new Unauthorized({ ...get, status: 401 }), ExitCode.auth],
      [new Forbidden({ ...get, status: 403 }), ExitCode.auth],
      [new NotPermitted({ ...get, status: 403 }), ExitCode.auth],
      [new NotFound({ ...get, status: 404 }), ExitCode.notFound],
      [new RateLimited({ ...get, scope: "tps" }), ExitCode.rateLimited],
      [new RateLimited({ ...get, scope: "tpd" }), ExitCode.rateLimited],
      [new BadRequest({ ...get, status: 400 }), ExitCode.usage],
      [new Unprocessable({ ...get, status: 422 }), ExitCode.usage],
      [new InvalidRequest({ ...get, input: "deviceId", rule: "device-id" }), ExitCode.usage],
      [new ServerError({ ...get, status: 503 }), ExitCode.other],
      [new Timeout({ ...patch }), ExitCode.other],
      [new DecodeError({ ...get, payloadPath: "$", expected: "JSON" }), ExitCode.other],
      [new InvalidIdError("D1", "length", "device"), ExitCode.usage],
      [new Error("x"), ExitCode.other],
      [undefined, ExitCode.other],
      // A look-alike is not an API error: only the real classes are classified.
      [{ _tag: "NotFound" }, ExitCode.other],
    ];
    for (const [error, code] of cases) expect([error, exitCodeOf(error)]).toEqual([error, code]);
  });
});
