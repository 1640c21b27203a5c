/**
 * Why an ID was rejected, as a machine-readable code.
 *
 * - `type`: not a string.
 * - `length`: a device ID is not 13 characters long.
 * - `characters`: something other than letters and digits (spaces, punctuation, non-ASCII).
 * - `case`: lowercase letters; IDs are always uppercase (api-facts: IDs).
 * - `first-letter`: a device ID does not start with B, D, E or F.
 * - `separator`: a sub-entity ID lacks the `_` between device and kind.
 * - `kind`: the kind letter is not `C` (channel) or `S` (switch), or not the kind that was asked for.
 * - `number`: the entity number is missing or not made of digits.
 * - `zero`: the entity number is 0; numbers are one-indexed.
 * - `leading-zero`: the entity number has a leading zero (`_C03`), which would give one entity two IDs.
 * - `range`: the number is too large to be exact, or an array index is negative or not an integer.
 *
 * @category errors
 */
export type InvalidIdReason =
  | "type"
  | "length"
  | "characters"
  | "case"
  | "first-letter"
  | "separator"
  | "kind"
  | "number"
  | "zero"
  | "leading-zero"
  | "range";

/**
 * Which kind of ID was being parsed when it was rejected.
 *
 * @category errors
 */
export type IdKind = "device" | "channel" | "switch" | "sub-entity";

const describe: Record<InvalidIdReason, string> = {
  type: "must be a string",
  length: "must be 13 characters in length",
  characters: "may contain only letters A-Z and digits",
  case: "must be uppercase",
  "first-letter": "must start with B, D, E or F",
  separator: "must be <deviceId>_C<n> or <deviceId>_S<n>",
  kind: "has the wrong kind letter",
  number: "must end in a positive integer",
  zero: "numbers are one-indexed (no 0)",
  "leading-zero": "must not have leading zeros",
  range: "number out of range",
};

// IDs are not secrets, but an arbitrary input may be huge: keep messages bounded.
const show = (input: unknown): string => {
  if (typeof input !== "string") return typeof input;
  return JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input);
};

/**
 * Thrown when a device, channel or switch ID is malformed; `.reason` says why in a machine-readable way.
 *
 * @example
 * ```ts
 * import { InvalidIdError, parseDeviceId } from "@wattstream/core";
 * try {
 *   parseDeviceId("d123456789012");
 * } catch (e) {
 *   if (e instanceof InvalidIdError) console.log(e.reason); // "case"
 * }
 * ```
 * @category errors
 */
export class InvalidIdError extends Error {
  /** Discriminator, so the error fits tagged-error unions (Effect `catchTag`). */
  readonly _tag = "InvalidIdError" as const;
  /** The rejected input, unchanged. */
  readonly input: unknown;
  /** Why it was rejected. */
  readonly reason: InvalidIdReason;
  /** What was being parsed. */
  readonly idKind: IdKind;

  constructor(input: unknown, reason: InvalidIdReason, idKind: IdKind) {
    super(`Invalid ${idKind} ID ${show(input)}: ${describe[reason]} (${reason})`);
    this.name = "InvalidIdError";
    this.input = input;
    this.reason = reason;
    this.idKind = idKind;
  }
}
