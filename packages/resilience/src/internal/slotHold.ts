import { Duration } from "effect";

/** Milliseconds of an optional `Duration.Input` option, else `fallback`. */
export const millisOf = (input: Duration.Input | undefined, fallback: number): number =>
  input === undefined ? fallback : Duration.toMillis(Duration.fromInputUnsafe(input));

/**
 * How long a slot stays held after its request was answered (or counted): the service's one-second window plus
 * `safetyMargin` (50 ms unless given), the rule `makePacer` follows; the budget owner and its runners must agree on it.
 */
export const slotHoldMs = (safetyMargin: Duration.Input | undefined): number => 1000 + millisOf(safetyMargin, 50);
