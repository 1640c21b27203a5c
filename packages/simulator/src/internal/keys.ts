// API keys, their device sets and permissions, and their rate-limit budgets (api-facts: rate limits).
import type { DeviceId } from "@wattstream/core";
import type { Rng } from "./prng.js";

/** What a key may do: read only, also write metadata (labels, categories, timezone), or also configuration. */
export type Permission = "read" | "metadata" | "config";

export interface RateLimitOverride {
  readonly tps?: number;
  readonly tpd?: number;
}

export interface KeyState {
  readonly key: string;
  readonly name: string;
  readonly permission: Permission;
  readonly devices: Set<DeviceId>;
  limits: RateLimitOverride;
  tpsWindow: number;
  tpsUsed: number;
  tpdDay: number;
  tpdUsed: number;
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A key in the service's shape: `key_` + 32 characters (api-facts: conventions). */
export const makeKeyString = (rng: Rng): string => {
  let s = "key_";
  for (let i = 0; i < 32; i++) s += ALPHABET.charAt(rng.int(ALPHABET.length));
  return s;
};

export const KEY_PATTERN = /^key_[A-Za-z0-9]{32}$/;

/** Default TPS floor: the docs' illustrative budget, so a key with few devices is still usable. */
const MIN_TPS = 5;
/** Head-room on top of the per-device daily allowance. */
const TPD_BUFFER = 1000;

/**
 * Budgets scale with the devices on the key: TPS ≈ devices ÷ 3 (never below 5), TPD = devices × (288 + 2880 +
 * 288) + a buffer (api-facts: rate limits). Overrides (per key, else simulator-wide) win.
 */
export const budgets = (
  k: KeyState,
  global: RateLimitOverride,
): { readonly tps: number; readonly tpd: number } => ({
  tps: k.limits.tps ?? global.tps ?? Math.max(MIN_TPS, Math.ceil(k.devices.size / 3)),
  tpd: k.limits.tpd ?? global.tpd ?? k.devices.size * 3456 + TPD_BUFFER,
});

export type RateDecision =
  | { readonly ok: true; readonly headers: Record<string, string> }
  | {
      readonly ok: false;
      readonly scope: "tps" | "tpd";
      readonly retryAfter: number;
      readonly headers: Record<string, string>;
    };

const DAY = 86_400;

/** Counts one request against the key's budgets at clock time `now`; the TPS window is the clock's second. */
export const take = (k: KeyState, global: RateLimitOverride, now: number): RateDecision => {
  const { tps, tpd } = budgets(k, global);
  const second = Math.floor(now);
  if (k.tpsWindow !== second) {
    k.tpsWindow = second;
    k.tpsUsed = 0;
  }
  const day = Math.floor(now / DAY);
  if (k.tpdDay !== day) {
    // TPD resets at 00:00 UTC of the clock.
    k.tpdDay = day;
    k.tpdUsed = 0;
  }
  const tpsReset = second + 1 - now;
  const tpdReset = (day + 1) * DAY - now;
  const headers = (): Record<string, string> => ({
    "X-RateLimit-TpsLimit": finite(tps),
    "X-RateLimit-TpsRemaining": finite(Math.max(0, tps - k.tpsUsed)),
    "X-RateLimit-TpsReset": (Math.round(tpsReset * 1000) / 1000).toString(),
    "X-RateLimit-TpdLimit": finite(tpd),
    "X-RateLimit-TpdRemaining": finite(Math.max(0, tpd - k.tpdUsed)),
    "X-RateLimit-TpdReset": String(Math.ceil(tpdReset)),
  });
  if (k.tpdUsed >= tpd) return { ok: false, scope: "tpd", retryAfter: Math.ceil(tpdReset), headers: headers() };
  if (k.tpsUsed >= tps) return { ok: false, scope: "tps", retryAfter: Math.max(1, Math.ceil(tpsReset)), headers: headers() };
  k.tpsUsed++;
  k.tpdUsed++;
  return { ok: true, headers: headers() };
};

const finite = (n: number): string => (Number.isFinite(n) ? String(n) : "1000000000");
