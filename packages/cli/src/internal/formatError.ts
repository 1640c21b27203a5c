/**
 * The one stderr line for a failure: what went wrong, naming the input and the rule where there is one. The
 * API key never appears: everything printed goes through resilience's redaction (the project's one routine), which
 * masks the configured key in any form it may come back in and anything shaped like a key or a Bearer credential.
 */
import { redactText } from "@wattstream/resilience";

const EXPECTED_FORM: Readonly<Record<string, string>> = {
  device: "expected 13 uppercase letters or digits starting with B, D, E or F, e.g. D123456789012",
  channel: "expected <deviceId>_C<n> with n from 1, e.g. D123456789012_C1",
  switch: "expected <deviceId>_S<n> with n from 1, e.g. D123456789012_S1",
  "sub-entity": "expected <deviceId>_C<n> or <deviceId>_S<n>, e.g. D123456789012_S1",
};

/** Masks credentials in any text the CLI prints about an error (resilience's `redactText`). */
export const redact = (text: string, secrets: ReadonlyArray<string>): string => redactText(text, secrets);

const field = (error: unknown, name: string): unknown =>
  typeof error === "object" && error !== null ? (error as Readonly<Record<string, unknown>>)[name] : undefined;

/** The message of an error, with the expected form added for malformed IDs. */
const describe = (error: unknown): string => {
  const tag = field(error, "_tag");
  const message = field(error, "message");
  const text = typeof message === "string" && message !== "" ? message : String(error);
  if (tag === "InvalidIdError") {
    const kind = field(error, "idKind");
    const form = typeof kind === "string" ? EXPECTED_FORM[kind] : undefined;
    return form === undefined ? text : `${text}; ${form}`;
  }
  if (tag === "InvalidRequest") {
    const detail = field(error, "detail");
    const input = field(error, "input");
    return typeof detail === "string" && typeof input === "string" ? `${input}: ${detail}` : text;
  }
  if (tag === "RateLimited") {
    const scope = field(error, "scope");
    const retryAfter = field(error, "retryAfter");
    const hint =
      scope === "tpd"
        ? "the daily request budget is spent; it resets at 00:00 UTC"
        : scope === "edge"
          ? "the platform is throttling requests; try again shortly"
          : "too many requests per second";
    return `${text} (${hint}${typeof retryAfter === "number" ? `, retry after ${retryAfter} s` : ""})`;
  }
  return text;
};

/** One line (no trailing newline) for `error`; with `verbose`, the stack follows on the next lines. */
export const formatError = (error: unknown, secrets: ReadonlyArray<string>, verbose: boolean): string => {
  const line = `wattstream: ${describe(error).replace(/\s*\n\s*/g, " ")}`;
  if (!verbose) return redact(line, secrets);
  const stack = field(error, "stack");
  const cause = field(error, "cause");
  const extra = [typeof stack === "string" ? stack : "", cause === undefined ? "" : `cause: ${String(cause)}`]
    .filter((s) => s !== "")
    .join("\n");
  return redact(extra === "" ? line : `${line}\n${extra}`, secrets);
};
