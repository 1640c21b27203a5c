/**
 * Schema decoding to plain results: a failure says where in the payload it happened (`$.channels[0].id`), what
 * was expected there and what kind of value was found, never the value itself (payloads can be large).
 */
import { Result, Schema, SchemaIssue } from "effect";
import { compileGuard } from "./fastGuard.js";

/** Why a payload did not decode. */
export interface DecodeFailure {
  readonly payloadPath: string;
  readonly expected: string;
  readonly actual: string;
}

const formatter = SchemaIssue.makeFormatterStandardSchemaV1();

const pathText = (path: ReadonlyArray<PropertyKey>): string =>
  path.reduce<string>(
    (acc, key) =>
      typeof key === "number"
        ? `${acc}[${key}]`
        : typeof key === "string" && /^[A-Za-z_$][\w$]*$/.test(key)
          ? `${acc}.${key}`
          : `${acc}[${JSON.stringify(String(key))}]`,
    "$",
  );

/** The kind of a number, precise enough to say which number rule it broke (still not the value itself). */
const describeNumber = (n: number): string =>
  !Number.isFinite(n)
    ? String(n) // Infinity (JSON's 1e400), -Infinity or NaN
    : !Number.isInteger(n)
      ? "a fractional number"
      : n < 0
        ? "a negative number"
        : n === 0
          ? "zero"
          : !Number.isSafeInteger(n)
            ? "an integer beyond 2^53"
            : "number";

const describe = (u: unknown): string =>
  u === undefined
    ? "nothing"
    : u === null
      ? "null"
      : Array.isArray(u)
        ? "an array"
        : typeof u === "number"
          ? describeNumber(u)
          : typeof u;

const at = (input: unknown, path: ReadonlyArray<PropertyKey>): unknown => {
  let cur = input;
  for (const key of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
};

/** Builds a decoder for `schema` that returns `{ value }` or a {@link DecodeFailure}. */
export const decoder = <S extends Schema.ConstraintDecoder<unknown>>(schema: S) => {
  const decode = Schema.decodeUnknownResult(schema);
  // A payload that is valid as it stands decodes to an equal copy of itself: skip the copy (see fastGuard).
  const valid = compileGuard(schema.ast);
  return (input: unknown): DecodeFailure | { readonly value: S["Type"] } => {
    if (valid?.(input) === true) return { value: input as S["Type"] };
    const result = decode(input);
    if (Result.isSuccess(result)) return { value: result.success };
    const first = formatter(result.failure.issue).issues[0];
    const path = (first?.path ?? []).map((p) => (typeof p === "object" && p !== null && "key" in p ? p.key : p));
    const message = first?.message ?? "a valid payload";
    const expected = message.startsWith("Expected ") ? message.slice("Expected ".length) : message;
    const found = at(input, path);
    return { payloadPath: pathText(path), expected, actual: describe(found) };
  };
};
