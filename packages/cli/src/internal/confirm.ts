import { createInterface } from "node:readline/promises";
import type { Io } from "./Output.js";

/** Asks a yes/no question on the terminal; only `y` or `yes` (any case) is a yes. */
export const confirm = async (io: Io, question: string, signal: AbortSignal): Promise<boolean> => {
  const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: true });
  try {
    const answer = await rl.question(question, { signal });
    return /^(y|yes)$/i.test(answer.trim());
  } catch {
    return false; // Ctrl-C or end of input at the prompt: no.
  } finally {
    rl.close();
  }
};
