import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The built executable under test. */
export const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));

/** A clean environment: no key from the developer's shell, no colour, no forced colour. */
export const baseEnv = (extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  delete env["WATTSTREAM_API_KEY"];
  delete env["WATTSTREAM_BASE_URL"];
  delete env["WATTSTREAM_API_KEYS"];
  delete env["FORCE_COLOR"];
  return { ...env, ...extra };
};

export interface Result {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running `wattstream` child with helpers to wait for output. */
export interface Running {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves once stdout + stderr (so far) satisfy `test`. */
  readonly waitFor: (test: (out: { stdout: string; stderr: string }) => boolean, what: string) => Promise<void>;
  readonly done: Promise<Result>;
}

/** Starts the built bin with `args`; stdin is a pipe (not a TTY). */
export const start = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv = baseEnv(), input?: string): Running => {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const waiters = new Set<() => void>();
  const poke = (): void => {
    for (const w of [...waiters]) w();
  };
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
    poke();
  });
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
    poke();
  });
  if (input !== undefined) child.stdin.end(input);
  let exited = false;
  const done = new Promise<Result>((resolve) => {
    child.on("close", (code, signal) => {
      exited = true;
      resolve({ code, signal, stdout, stderr });
      poke();
    });
  });
  const waitFor = (test: (out: { stdout: string; stderr: string }) => boolean, what: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (test({ stdout, stderr })) {
          waiters.delete(check);
          resolve();
        } else if (exited) {
          waiters.delete(check);
          reject(new Error(`process exited before ${what}\nstdout: ${stdout.slice(-2000)}\nstderr: ${stderr.slice(-2000)}`));
        }
      };
      waiters.add(check);
      check();
    });
  return { child, stdout: () => stdout, stderr: () => stderr, waitFor, done };
};

/** Runs the built bin to completion. */
export const cli = (args: ReadonlyArray<string>, env?: NodeJS.ProcessEnv, input?: string): Promise<Result> =>
  start(args, env, input).done;

/** NDJSON → values, failing the test on a line that is not JSON. */
export const ndjson = (text: string): Array<Record<string, unknown>> =>
  text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** Anything shaped like an API key. */
export const KEY_PATTERN = /key_[A-Za-z0-9]{8,}/;
