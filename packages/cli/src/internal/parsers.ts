import { InvalidIdError, normalizeDeviceId, parseSwitchId } from "@wattstream/core";
import type { DeviceId, SwitchId } from "@wattstream/core";
import { InvalidArgumentError } from "commander";

/** A finite number greater than zero (`--speed 10`). */
export const positiveNumber = (value: string): number => {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("expected a number greater than 0.");
  return n;
};

/** A whole number ≥ 0 (`--devices 9`, `--port 0`, `--seed 7`). */
export const wholeNumber = (value: string): number => {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError("expected a whole number (0, 1, 2, ...).");
  return n;
};

/** A TCP port: a whole number from 0 (any free port) to 65535. */
export const port = (value: string): number => {
  const n = wholeNumber(value);
  if (n > 65535) throw new InvalidArgumentError("expected a port from 0 (any free port) to 65535.");
  return n;
};

/** A connection-pool size: a whole number from 1 to 1024 (`--connections 32`). */
export const connections = (value: string): number => {
  const n = wholeNumber(value);
  if (n < 1 || n > 1024) throw new InvalidArgumentError("expected a whole number of connections from 1 to 1024.");
  return n;
};

/** A duration in seconds, optionally with a unit: `90`, `90s`, `5m`, `2h`. Returns seconds. */
export const duration = (value: string): number => {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600 } as const;
  const n = m ? Number(m[1]) * unit[(m[2] ?? "s") as keyof typeof unit] : NaN;
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("expected a duration such as 90, 90s, 5m or 2h.");
  return n;
};

/**
 * An instant as Unix seconds: an ISO 8601 date or date-time (a bare date is 00:00 UTC, a date-time without an
 * offset is UTC too, so results never depend on the machine's zone) or integer Unix seconds.
 */
export const instant = (value: string): number => {
  const v = value.trim();
  if (/^\d{9,11}$/.test(v)) return Number(v);
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(v);
  if (m) {
    const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? "00"}:${m[5] ?? "00"}:${m[6] ?? "00"}${m[7] ?? "Z"}`;
    const ms = Date.parse(iso);
    const back = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    // Date.parse rolls 2026-02-31 over to March: reject dates that do not exist.
    if (Number.isFinite(ms) && back.getUTCDate() === Number(m[3]) && back.getUTCMonth() === Number(m[2]) - 1)
      return Math.floor(ms / 1000);
  }
  throw new InvalidArgumentError("expected a date (2026-01-05), a date-time (2026-01-05T10:00Z) or Unix seconds.");
};

/**
 * A device ID as a person types it: surrounding spaces and lowercase letters are forgiven (`d123456789012` is
 * `D123456789012`, core's `normalizeDeviceId`); anything else fails with core's `InvalidIdError` naming the input
 * as typed. The library itself stays strict.
 */
export const deviceIdArg = (value: string): DeviceId => normalizeDeviceId(value);

/** A switch ID as a person types it (`d123456789012_s1` is `D123456789012_S1`); strict otherwise, like {@link deviceIdArg}. */
export const switchIdArg = (value: string): SwitchId => {
  try {
    return parseSwitchId(value.trim().toUpperCase());
  } catch (error) {
    // Name the input as typed, not its upper-cased form.
    if (error instanceof InvalidIdError) throw new InvalidIdError(value, error.reason, error.idKind);
    throw error;
  }
};
