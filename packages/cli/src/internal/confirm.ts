import { createInterface } from "node:readline/promises";
import type { Io } from "./Output.js";

/** What the person answered: `yes`, anything else (`no`, also end of input), or Ctrl-C at the prompt. */
export type Answer = "yes" | "no" | "interrupted";

/**
 * Asks a yes/no question on the terminal; only `y` or `yes` (any case) is a yes. Ctrl-C at the prompt (readline's
 * own SIGINT in raw mode, or the process's through `signal`) is `interrupted`.
 */
export const confirm = async (io: Io, question: string, signal: AbortSignal): Promise<Answer> => {
  const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: true });
  // In raw mode Ctrl-C reaches readline, not the process: abort the question from there as from `signal`.
  const abort = new AbortController();
  let interrupted = false;
  const onAbort = (): void => abort.abort();
  signal.addEventListener("abort", onAbort, { once: true });
  rl.on("SIGINT", () => {
    interrupted = true;
    abort.abort();
  });
  try {
    const answer = await rl.question(question, { signal: abort.signal });
    return /^(y|yes)$/i.test(answer.trim()) ? "yes" : "no";
  } catch {
    // Whatever is said next starts on its own line: readline ends the prompt's line after its own Ctrl-C, not
    // at the end of input (Ctrl-D) or on the process's SIGINT.
    if (!interrupted) io.stderr.write("\n");
    return interrupted || signal.aborted ? "interrupted" : "no";
  } finally {
    signal.removeEventListener("abort", onAbort);
    rl.close();
  }
};
