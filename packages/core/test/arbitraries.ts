// Shared fast-check arbitraries for the core tests.
import fc from "fast-check";

/** Uppercase letters and digits. */
export const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".split("");

/** Every valid device ID. */
export const deviceIdArb = fc
  .tuple(fc.constantFrom("B", "D", "E", "F"), fc.array(fc.constantFrom(...ALNUM), { minLength: 12, maxLength: 12 }))
  .map(([first, rest]) => first + rest.join(""));
