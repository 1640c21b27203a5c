// PATCH /devices/{id} (and POST, which the service treats as PATCH): validation with the multi-error envelope,
// read-only fields ignored, metadata applied at once and configuration queued as pending until the device next
// checks in (api-facts: conventions; devices are IoT hardware).
import type { SubEntity } from "@wattstream/core";
import { InvalidIdError, isTimeZone, parseSubEntityId } from "@wattstream/core";
import { canSwitch, categoryLabel, CT_RATINGS } from "./catalogue.js";
import type { ContactorType, SimDevice, SimPhases, SwitchState } from "./device.js";
import type { Envelope } from "./envelope.js";
import { envelope } from "./envelope.js";
import type { Permission } from "./keys.js";

export type PatchOutcome =
  | { readonly ok: true; readonly apply: (device: SimDevice, now: number) => void }
  | { readonly ok: false; readonly errors: ReadonlyArray<Envelope> }
  | { readonly ok: false; readonly forbidden: string };

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u);

const LABEL_MAX = 64;
const STATE_LABEL_MAX = 16;

/** Validates a PATCH body against a device and the key's permission; nothing is applied unless all is valid. */
export const validatePatch = (d: SimDevice, body: unknown, permission: Permission): PatchOutcome => {
  const errors: Envelope[] = [];
  const badType = (message: string): void => void errors.push(envelope("BAD_REQUEST", message));
  const outOfRange = (message: string): void => void errors.push(envelope("UNPROCESSABLE_ENTITY", message));
  if (permission === "read") return { ok: false, forbidden: "This API key does not have write access to the device." };
  if (!isObject(body)) return { ok: false, errors: [envelope("BAD_REQUEST", "The request body must be a JSON object.")] };

  let configWrite = false;
  let label: string | undefined;
  let timezone: string | undefined;
  const channelMeta = new Map<number, { label?: string; categoryId?: number }>();
  const ctRatings = new Map<number, number>();
  const switchMeta = new Map<number, { label?: string; closedStateLabel?: string; openStateLabel?: string }>();
  const switchStates = new Map<number, SwitchState>();
  const contactorTypes = new Map<number, ContactorType>();
  let phases: SimPhases | undefined;

  const text = (value: unknown, field: string, max: number): string | undefined => {
    if (typeof value !== "string") {
      badType(`${field} must be a string.`);
      return undefined;
    }
    if (value.length > max) {
      outOfRange(`${field} must be at most ${max} characters.`);
      return undefined;
    }
    return value;
  };

  const subEntity = (value: unknown, field: string, kind: SubEntity["kind"], count: number): number | undefined => {
    if (typeof value !== "string") {
      badType(`${field} must be a ${kind} ID string.`);
      return undefined;
    }
    let parsed: SubEntity;
    try {
      parsed = parseSubEntityId(value);
    } catch (e) {
      if (!(e instanceof InvalidIdError)) throw e;
      badType(`${field} ${JSON.stringify(value)} is not a valid ${kind} ID (${e.reason}).`);
      return undefined;
    }
    if (parsed.kind !== kind || parsed.deviceId !== d.id || parsed.number > count) {
      outOfRange(`${field} ${JSON.stringify(value)} is not a ${kind} of device ${d.id}.`);
      return undefined;
    }
    return parsed.number;
  };

  if ("label" in body) label = text(body["label"], "label", LABEL_MAX);
  if ("timezone" in body) {
    const tz = text(body["timezone"], "timezone", LABEL_MAX);
    if (tz !== undefined && !isTimeZone(tz)) outOfRange(`timezone ${JSON.stringify(tz)} is not an IANA time zone.`);
    else timezone = tz;
  }

  if ("channels" in body) {
    const channels = body["channels"];
    if (!Array.isArray(channels)) badType("channels must be an array.");
    else
      channels.forEach((c: unknown, i) => {
        const at = `channels[${i}]`;
        if (!isObject(c)) return badType(`${at} must be an object.`);
        const n = subEntity(c["id"], `${at}.id`, "channel", d.channels.length);
        if (n === undefined) return;
        const meta: { label?: string; categoryId?: number } = {};
        if ("label" in c) {
          const l = text(c["label"], `${at}.label`, LABEL_MAX);
          if (l !== undefined) meta.label = l;
        }
        if ("categoryId" in c) {
          const id = c["categoryId"];
          if (typeof id !== "number" || !Number.isInteger(id)) badType(`${at}.categoryId must be an integer.`);
          else if (categoryLabel(id) === undefined) outOfRange(`${at}.categoryId ${id} is not a channel category.`);
          else meta.categoryId = id;
        }
        channelMeta.set(n, meta);
        if ("ctRating" in c) {
          const rating = c["ctRating"];
          if (typeof rating !== "number") badType(`${at}.ctRating must be a number.`);
          else if (!CT_RATINGS.includes(rating)) outOfRange(`${at}.ctRating must be one of ${CT_RATINGS.join(", ")}.`);
          else {
            // Unchanged values are read-modify-PATCH echoes, not configuration writes.
            const current = d.channels[n - 1]?.ctRating;
            if (rating !== current) {
              ctRatings.set(n, rating);
              configWrite = true;
            }
          }
        }
      });
  }

  if ("switches" in body) {
    const switches = body["switches"];
    if (!Array.isArray(switches)) badType("switches must be an array.");
    else if (switches.length > 0 && !canSwitch(d.model)) {
      // Switching exists only on +3SW models (api-facts: devices are IoT hardware).
      outOfRange(`Device model ${d.model.code} does not support switching.`);
    } else
      switches.forEach((s: unknown, i) => {
        const at = `switches[${i}]`;
        if (!isObject(s)) return badType(`${at} must be an object.`);
        const n = subEntity(s["id"], `${at}.id`, "switch", d.switches.length);
        if (n === undefined) return;
        const current = d.switches[n - 1];
        const meta: { label?: string; closedStateLabel?: string; openStateLabel?: string } = {};
        if ("label" in s) {
          const l = text(s["label"], `${at}.label`, LABEL_MAX);
          if (l !== undefined) meta.label = l;
        }
        for (const key of ["closedStateLabel", "openStateLabel"] as const) {
          if (key in s) {
            const l = text(s[key], `${at}.${key}`, STATE_LABEL_MAX);
            if (l !== undefined) meta[key] = l;
          }
        }
        switchMeta.set(n, meta);
        if ("state" in s) {
          const state = s["state"];
          if (state !== "open" && state !== "closed") outOfRange(`${at}.state must be open or closed.`);
          else {
            // A state write is a command even when it repeats the current state: the device confirms it.
            switchStates.set(n, state);
            configWrite = true;
          }
        }
        if ("contactorType" in s) {
          const type = s["contactorType"];
          if (type !== "NO" && type !== "NC") outOfRange(`${at}.contactorType must be NO or NC.`);
          else if (type !== current?.contactorType) {
            contactorTypes.set(n, type);
            configWrite = true;
          }
        }
      });
  }

  if ("phases" in body) {
    const p = body["phases"];
    if (!isObject(p)) badType("phases must be an object.");
    else {
      const count = p["count"] ?? d.phases?.count ?? 1;
      let grouping: number[][] | undefined;
      if (typeof count !== "number" || !Number.isInteger(count)) badType("phases.count must be an integer.");
      else if (count < 0 || count > 3) outOfRange("phases.count must be 0, 1, 2 or 3.");
      if ("grouping" in p) {
        const g = p["grouping"];
        if (!Array.isArray(g)) badType("phases.grouping must be an array.");
        else {
          grouping = [];
          g.forEach((group: unknown, i) => {
            const included = isObject(group) ? group["included"] : undefined;
            if (!Array.isArray(included)) return badType(`phases.grouping[${i}].included must be an array.`);
            const numbers: number[] = [];
            included.forEach((id: unknown, j) => {
              const n = subEntity(id, `phases.grouping[${i}].included[${j}]`, "channel", d.channels.length);
              if (n !== undefined) numbers.push(n);
            });
            grouping?.push(numbers);
          });
        }
      }
      if (typeof count === "number") {
        const next: SimPhases = { count, grouping: grouping ?? d.phases?.grouping ?? [] };
        if (JSON.stringify(next) !== JSON.stringify(d.phases)) {
          phases = next;
          configWrite = true;
        }
      }
    }
  }

  if (errors.length > 0) return { ok: false, errors };
  if (configWrite && permission !== "config") {
    return { ok: false, forbidden: "This API key may change metadata only, not device configuration." };
  }

  return {
    ok: true,
    apply: (device, now) => {
      // Labels, categories and the timezone live in the cloud: they change at once.
      if (label !== undefined) device.label = label;
      if (timezone !== undefined) device.timezone = timezone;
      for (const [n, meta] of channelMeta) {
        const ch = device.channels[n - 1];
        if (!ch) continue;
        if (meta.label !== undefined) ch.label = meta.label;
        if (meta.categoryId !== undefined) ch.categoryId = meta.categoryId;
      }
      for (const [n, meta] of switchMeta) {
        const sw = device.switches[n - 1];
        if (!sw) continue;
        if (meta.label !== undefined) sw.label = meta.label;
        if (meta.closedStateLabel !== undefined) sw.closedStateLabel = meta.closedStateLabel;
        if (meta.openStateLabel !== undefined) sw.openStateLabel = meta.openStateLabel;
      }
      // Configuration reaches the hardware at its next check-in: until then it shows under `pending`.
      if (configWrite) {
        device.pending.push({ requestedAt: now, ctRatings, phases, switchStates, contactorTypes, firmwareVersion: undefined });
      }
    },
  };
};
