/**
 * The one stderr line for a failure: what went wrong, naming the input and the rule where there is one. The
 * API key never appears: everything printed goes through resilience's redaction (the project's one routine), which
 * masks the configured key in any form it may come back in and anything shaped like a key or a Bearer credential.
 */
import { InvalidIdError } from "@wattstream/core";
import { describeError, isWattwatchersError, redactText } from "@wattstream/resilience";

const EXPECTED_FORM: Readonly<Record<string, string>> = {
  device: "expected 13 uppercase letters or digits starting with B, D, E or F, e.g. D123456789012",
  channel: "expected <deviceId>_C<n> with n from 1, e.g. D123456789012_C1",
  switch: "expected <deviceId>_S<n> with n from 1, e.g. D123456789012_S1",
  "sub-entity": "expected <deviceId>_C<n> or <deviceId>_S<n>, e.g. D123456789012_S1",
};

const field = (error: unknown, name: string): unknown =>
  typeof error === "object" && error !== null ? (error as Readonly<Record<string, unknown>>)[name] : undefined;

/**
 * The message of an error: an API error as resilience's `describeError` puts it (with what its classification
 * means: when to try again after a 429, that a lost write may have been applied); a refused request as the input
 * and the rule it broke; a malformed ID with the form expected.
 */
const describe = (error: unknown): string => {
  if (isWattwatchersError(error)) {
    return error._tag === "InvalidRequest" && error.detail !== undefined ? `${error.input}: ${error.detail}` : describeError(error);
  }
  const message = field(error, "message");
  const text = typeof message === "string" && message !== "" ? message : String(error);
  if (error instanceof InvalidIdError) {
    const form = EXPECTED_FORM[error.idKind];
    return form === undefined ? text : `${text}; ${form}`;
  }
  return text;
};

/** One line (no trailing newline) for `error`; with `verbose`, the stack follows on the next lines. */
export const formatError = (error: unknown, secrets: ReadonlyArray<string>, verbose: boolean): string => {
  const line = `wattstream: ${describe(error).replace(/\s*\n\s*/g, " ")}`;
  if (!verbose) return redactText(line, secrets);
  const stack = field(error, "stack");
  const cause = field(error, "cause");
  const extra = [typeof stack === "string" ? stack : "", cause === undefined ? "" : `cause: ${String(cause)}`]
    .filter((s) => s !== "")
    .join("\n");
  return redactText(extra === "" ? line : `${line}\n${extra}`, secrets);
};
