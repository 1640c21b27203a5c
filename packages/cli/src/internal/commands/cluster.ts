import { readFileSync } from "node:fs";
import Table from "cli-table3";
import { Cause, Effect, Exit, Fiber, Layer } from "effect";
import * as Logger from "effect/Logger";
import { clusterStatus, NoClusterError, runnerLayer } from "@wattstream/cluster";
import type { ClusterStatus } from "@wattstream/cluster";
import { scaledScheduler } from "@wattstream/rx";
import { InvalidStoreUrlError, parseStoreUrl } from "@wattstream/store";
import { startEmbeddedSimulator } from "../connect.js";
import { onInterrupt } from "../interrupt.js";
import { makeOutput } from "../Output.js";
import type { CommandContext } from "../program.js";
import { UsageError } from "../UsageError.js";
import { ExitCode } from "../../ExitCode.js";

/** Options of `wattstream cluster run`. */
export interface ClusterRunOptions {
  readonly postgres: string;
  readonly listen?: { readonly host: string; readonly port: number };
  /** Seconds. */
  readonly listEvery?: number;
  readonly apiKeysFile?: string;
}

/**
 * The keys of `--api-keys-file`: one per line, `#` comments and blank lines skipped. Errors name the file and the
 * line, never a key.
 */
const readKeysFile = (path: string): ReadonlyArray<string> => {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new UsageError(`--api-keys-file ${path}`, `must be a readable file${typeof code === "string" ? ` (${code})` : ""}`);
  }
  const keys: Array<string> = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, "").trim();
    if (line === "") return;
    if (/\s/.test(line)) throw new UsageError(`--api-keys-file ${path}`, `line ${i + 1} must hold one API key and nothing else`);
    keys.push(line);
  });
  if (keys.length === 0) throw new UsageError(`--api-keys-file ${path}`, "must contain at least one API key (it has none)");
  return keys;
};

/** `$WATTSTREAM_API_KEYS`: keys separated by commas or whitespace. */
const envKeys = (value: string | undefined): ReadonlyArray<string> => (value ?? "").split(/[\s,]+/).filter((k) => k !== "");

/** A malformed or non-PostgreSQL URL is a usage error naming the flag (exit 2), found before anything starts. */
const checkPostgres = (url: string): void => {
  const parsed = Effect.runSync(Effect.result(parseStoreUrl(url)));
  if (parsed._tag === "Failure") throw new UsageError(`--postgres ${parsed.failure.url}`, parsed.failure.rule);
  if (parsed.success.dialect !== "postgres")
    throw new UsageError(`--postgres ${parsed.success.url}`, "a cluster needs PostgreSQL, e.g. postgres://user:password@host:5432/energy");
};

/**
 * `wattstream cluster run --postgres <url>`: one runner until Ctrl-C (or SIGTERM), which hands its shards and its
 * budget share back before exiting 0. Without an API key, a demo fleet from the embedded simulator.
 */
export const run = async (ctx: CommandContext, opts: ClusterRunOptions): Promise<number> => {
  const out = makeOutput(ctx.io, ctx.options);
  checkPostgres(opts.postgres);
  const env = ctx.io.env;
  const apiKey = ctx.options.apiKey ?? (env["WATTSTREAM_API_KEY"] === "" ? undefined : env["WATTSTREAM_API_KEY"]);
  const apiKeys = [
    ...(apiKey === undefined ? [] : [apiKey]),
    ...envKeys(env["WATTSTREAM_API_KEYS"]),
    ...(opts.apiKeysFile === undefined ? [] : readKeysFile(opts.apiKeysFile)),
  ];
  const baseUrl = ctx.options.baseUrl ?? (env["WATTSTREAM_BASE_URL"] === "" ? undefined : env["WATTSTREAM_BASE_URL"]);
  const sim = ctx.options.simulate === true || apiKeys.length === 0 ? await startEmbeddedSimulator(ctx.options) : undefined;
  if (sim !== undefined && ctx.options.simulate !== true)
    out.warn(`no API key configured (--api-key, WATTSTREAM_API_KEY, WATTSTREAM_API_KEYS or --api-keys-file): this runner watches the embedded simulator at ${sim.baseUrl}`);
  const speed = ctx.options.speed ?? 1;
  const listen = opts.listen ?? { host: "127.0.0.1", port: 34431 };
  const layer = runnerLayer({
    postgres: opts.postgres,
    apiKeys: sim === undefined ? apiKeys : [sim.demoKey],
    ...(sim !== undefined ? { baseUrl: sim.baseUrl } : baseUrl === undefined ? {} : { baseUrl }),
    listen,
    ...(opts.listEvery === undefined ? {} : { listEveryMs: opts.listEvery * 1000 }),
    ...(sim !== undefined && speed !== 1 ? { scheduler: scaledScheduler(speed, { now: () => sim.clock.now() * 1000 }) } : {}),
  });
  const interrupt = onInterrupt();
  // Logs go to stderr, so `--json` stdout stays data only.
  const fiber = Effect.runFork(Layer.launch(layer).pipe(Effect.provideService(Logger.LogToStderr, true)));
  const keyCount = sim === undefined ? new Set(apiKeys).size : 1;
  out.note(`runner ${listen.host}:${listen.port} joining the cluster with ${keyCount} API key${keyCount === 1 ? "" : "s"}; Ctrl-C to hand its devices to the other runners and leave`);
  void interrupt.interrupted.then(() => Effect.runFork(Fiber.interrupt(fiber)));
  const exit = await Effect.runPromise(Fiber.await(fiber));
  interrupt.dispose();
  await sim?.close();
  if (Exit.isSuccess(exit) || Exit.hasInterrupts(exit)) return ExitCode.ok;
  const error = Cause.squash(exit.cause);
  if (error instanceof InvalidStoreUrlError) throw new UsageError(`--postgres ${error.url}`, error.rule);
  throw error;
};

const ms = (n: number | undefined): string => (n === undefined ? "" : n < 10_000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n / 1000)} s`);
const dur = (s: number): string => (s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`);

/** `wattstream cluster status --postgres <url>`: the cluster's state as tables, or one NDJSON record with `--json`. */
export const status = async (ctx: CommandContext, opts: { readonly postgres: string }): Promise<number> => {
  const out = makeOutput(ctx.io, ctx.options);
  checkPostgres(opts.postgres);
  let s: ClusterStatus;
  try {
    s = await clusterStatus(opts.postgres);
  } catch (error) {
    if (error instanceof InvalidStoreUrlError) throw new UsageError(`--postgres ${error.url}`, error.rule);
    if (error instanceof NoClusterError) {
      out.warn(error.message);
      return ExitCode.notFound;
    }
    throw error;
  }
  if (out.json) {
    out.record(s);
    return ExitCode.ok;
  }
  const style = {
    style: { head: out.color.isColorSupported ? ["cyan"] : [], border: out.color.isColorSupported ? ["grey"] : [] },
    ...(out.tty ? {} : { chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" } }),
  };
  const runners = new Table({ head: ["Runner", "Health", "Heartbeat", "Shards", "Devices", "Slots held", "Slots unused", "Requests"], ...style });
  for (const r of s.runners)
    runners.push([
      r.address,
      r.healthy ? "healthy" : "unhealthy",
      `${ms(r.lastHeartbeatAgoMs)} ago`,
      String(r.shards ?? ""),
      String(r.devices ?? ""),
      String(r.leaseTps ?? ""),
      String(r.allowance ?? ""),
      String(r.requests ?? ""),
    ]);
  out.line(runners.toString());
  const budgets = new Table({ head: ["Key (fingerprint)", "Devices", "Requests", "TPS", "TPD", "Granted today", "Slots out (runner: slots)", "Last grant"], ...style });
  for (const b of s.budgets)
    budgets.push([
      b.keyId,
      String(b.devices),
      String(b.requests),
      String(b.tpsLimit ?? "?"),
      String(b.tpdLimit ?? "?"),
      b.tpdLimit === undefined ? String(b.grantedToday) : `${b.grantedToday} (${Math.round((b.grantedToday / b.tpdLimit) * 100)} %)`,
      b.leases.map((l) => `${l.runner}: ${l.tps}`).join(", "),
      `${ms(b.lastGrantAgoMs)} ago`,
    ]);
  out.line(budgets.toString());
  const lag = new Table({ head: ["Stream", "Devices", "Lag p50", "Lag max"], ...style });
  for (const l of s.lag) lag.push([l.stream, String(l.devices), dur(l.p50Seconds), dur(l.maxSeconds)]);
  out.line(lag.toString());
  out.note(`${s.runners.length} runner${s.runners.length === 1 ? "" : "s"}, ${s.runners.reduce((n, r) => n + (r.devices ?? 0), 0)} devices watched`);
  return ExitCode.ok;
};
