import { clampDelayMs } from "@wattstream/resilience";

/**
 * The longest delay a JavaScript timer can hold: `setTimeout` stores it in a signed 32-bit integer and fires
 * after 1 ms for anything larger (a server's far-off reset would turn into a busy loop).
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A delay every timer can hold: negative → 0, above {@link MAX_TIMER_MS} (or `Infinity`, or `NaN`, which only a
 * bad server hint can produce) → {@link MAX_TIMER_MS}. Waiting the longest holdable time and then re-evaluating
 * is safe for every rx poller; waiting 1 ms (what `setTimeout` does with such values) is not.
 */
export const timerDelay = (ms: number | undefined): number => (ms === undefined ? 0 : clampDelayMs(ms, MAX_TIMER_MS));
