/**
 * Did a PATCH whose answer was lost (timeout, reset, 5xx) take effect? api-facts: there is no idempotency key,
 * so a PATCH is never re-sent blindly; the device is read first. Writes are eventually consistent: an accepted
 * value shows either live or under `pending` (the device's, or a switch's own), so either counts as applied.
 * Only writable properties are compared, so a read-modify-write body full of read-only fields still matches.
 */
import { Equal } from "effect";

type Rec = Readonly<Record<string, unknown>>;

const WRITABLE: Readonly<Record<"device" | "channel" | "switch" | "phases", ReadonlyArray<string>>> = {
  device: ["label", "timezone", "channels", "switches", "phases"],
  channel: ["label", "categoryId", "ctRating"],
  switch: ["state", "label", "contactorType", "closedStateLabel", "openStateLabel"],
  phases: ["count", "grouping"],
};

const isRec = (u: unknown): u is Rec => typeof u === "object" && u !== null && !Array.isArray(u);
const field = (u: unknown, key: string): unknown => (isRec(u) ? u[key] : undefined);

const byId = (list: unknown, id: unknown): unknown =>
  Array.isArray(list) ? list.find((item: unknown) => field(item, "id") === id) : undefined;

/** Whether every writable property of `requested` shows in one of `candidates` (live, then pending views). */
const matches = (kind: keyof typeof WRITABLE, requested: Rec, candidates: ReadonlyArray<unknown>): boolean =>
  WRITABLE[kind].every((key) => {
    if (!(key in requested)) return true;
    const want = requested[key];
    if (kind === "device" && (key === "channels" || key === "switches")) {
      if (!Array.isArray(want)) return false;
      return want.every((item: unknown) => {
        if (!isRec(item)) return false;
        const views = candidates.map((c) => byId(field(c, key), item["id"]));
        // A switch carries its own `pending` object as well (the simulator's and the service's shape).
        const own = views.map((v) => field(v, "pending"));
        return matches(key === "channels" ? "channel" : "switch", item, [...views, ...own]);
      });
    }
    if (kind === "device" && key === "phases") {
      return isRec(want) && matches("phases", want, candidates.map((c) => field(c, "phases")));
    }
    return candidates.some((c) => isRec(c) && key in c && Equal.equals(c[key], want));
  });

/** Whether `device` (a fresh read) shows every writable value of the PATCH `body`, live or pending. */
export const patchApplied = (body: unknown, device: unknown): boolean =>
  isRec(body) && isRec(device) && matches("device", body, [device, device["pending"]]);
