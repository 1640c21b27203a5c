import pc from "picocolors";

/** picocolors' colour functions. */
export type Colors = ReturnType<typeof pc.createColors>;

/**
 * The process streams and environment a command talks to, injected so `run` works in-process.
 *
 * @example
 * ```ts
 * import { run } from "@wattstream/cli";
 * await run(["devices", "--json"], { io: { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: {} } });
 * ```
 * @category models
 */
export interface Io {
  readonly stdout: NodeJS.WritableStream & { readonly isTTY?: boolean; readonly columns?: number; readonly rows?: number };
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * The global flags every command understands, as parsed from the command line.
 *
 * @category models
 */
export interface GlobalOptions {
  readonly apiKey?: string;
  readonly baseUrl?: string;
  readonly simulate?: boolean;
  readonly json?: boolean;
  readonly quiet?: boolean;
  readonly verbose?: boolean;
  readonly color?: boolean;
  readonly speed?: number;
  readonly devices?: number;
  readonly seed?: number;
  readonly faults?: string;
}

/** How a command writes: data to stdout (a table on a TTY, NDJSON with `--json`), notes and errors to stderr. */
export interface Output {
  readonly io: Io;
  readonly json: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
  /** Whether stdout is a terminal (tables, live views) rather than a pipe or file (plain lines). */
  readonly tty: boolean;
  /** Colours for stdout; no-ops under NO_COLOR, `--no-color` or a non-TTY stdout. */
  readonly color: Colors;
  /** Colours for stderr, decided on stderr's own TTY-ness. */
  readonly errColor: Colors;
  /** One line of data on stdout. */
  readonly line: (text: string) => void;
  /** One NDJSON record on stdout. */
  readonly record: (value: unknown) => void;
  /** A note for humans on stderr (suppressed by `--quiet`). */
  readonly note: (text: string) => void;
  /** A warning on stderr (shown even with `--quiet`). */
  readonly warn: (text: string) => void;
}

// NO_COLOR (https://no-color.org): any non-empty value disables colour; FORCE_COLOR forces it on.
const colorEnabled = (io: Io, stream: { readonly isTTY?: boolean }, flag: boolean | undefined): boolean => {
  if (flag === false) return false;
  const noColor = io.env["NO_COLOR"];
  if (noColor !== undefined && noColor !== "") return false;
  const force = io.env["FORCE_COLOR"];
  if (force !== undefined && force !== "" && force !== "0") return true;
  return stream.isTTY === true && io.env["TERM"] !== "dumb";
};

/** Builds the {@link Output} of one invocation. */
export const makeOutput = (io: Io, options: GlobalOptions): Output => {
  const color = pc.createColors(colorEnabled(io, io.stdout, options.color));
  const errColor = pc.createColors(colorEnabled(io, io.stderr, options.color));
  const quiet = options.quiet === true;
  return {
    io,
    json: options.json === true,
    quiet,
    verbose: options.verbose === true && !quiet,
    tty: io.stdout.isTTY === true,
    color,
    errColor,
    line: (text) => {
      io.stdout.write(`${text}\n`);
    },
    record: (value) => {
      io.stdout.write(`${JSON.stringify(value)}\n`);
    },
    note: (text) => {
      if (!quiet) io.stderr.write(`${errColor.dim(`wattstream: ${text}`)}\n`);
    },
    warn: (text) => {
      io.stderr.write(`${errColor.yellow(`wattstream: ${text}`)}\n`);
    },
  };
};
