import { checkEnergyQuery } from "@wattstream/core";
import { describe, expect, it } from "vitest";
import { buildQuery, checkDeviceId, isInvalid, normalizeFields } from "../src/internal/buildQuery.js";
import type { QueryRules } from "../src/internal/buildQuery.js";

const LONG: QueryRules = { window: "long", granularity: true, convert: true, filterGroup: true, fields: ["+pf", "timestamp"] };
const SHORT_POINT: QueryRules = { convert: true, filterGroup: true, fields: ["+pf", "timestamp"] };
const rule = (u: unknown) => (isInvalid(u) ? u.rule : "ok");

describe("buildQuery", () => {
  it("encodes the contract's parameter names literally and values percent-encoded", () => {
    expect(
      buildQuery({ fromTs: 100, toTs: 400, granularity: "hour", timezone: "Australia/Sydney", convert: "kWh" }, LONG),
    ).toBe("fromTs=100&toTs=400&granularity=hour&timezone=Australia%2FSydney&convert[energy]=kWh");
    expect(buildQuery({ fields: "+pf" }, SHORT_POINT)).toBe("fields[energy]=%2Bpf");
    expect(buildQuery({ filterGroup: "phases" }, SHORT_POINT)).toBe("filter[group]=phases");
    expect(buildQuery({ fields: ["timestamp"] }, SHORT_POINT)).toBe("fields[energy]=timestamp");
    expect(buildQuery(undefined, LONG)).toBe("");
    expect(buildQuery({}, LONG)).toBe("");
  });

  it("refuses the combinations the service rejects", () => {
    expect(rule(buildQuery({ fields: "+pf", filterGroup: "phases" }, SHORT_POINT))).toBe("fields-with-phases");
    expect(rule(buildQuery({ fields: ["+pf", "timestamp"] }, SHORT_POINT))).toBe("pf-with-timestamp");
    expect(rule(buildQuery({ fields: "+pf,timestamp" }, SHORT_POINT))).toBe("pf-with-timestamp");
    expect(rule(buildQuery({ granularity: "hour" }, LONG))).toBe("timezone-required");
    expect(rule(buildQuery({ granularity: "day", timezone: "Mars/Olympus" }, LONG))).toBe("timezone");
    // core's isTimeZone: an IANA name, not a UTC offset Intl happens to accept.
    expect(rule(buildQuery({ granularity: "day", timezone: "+10:00" }, LONG))).toBe("timezone");
    expect(rule(buildQuery({ granularity: "fortnight" as never }, LONG))).toBe("granularity");
    expect(rule(buildQuery({ granularity: "30m" }, LONG))).toBe("ok");
    expect(rule(buildQuery({ fromTs: 10, toTs: 10 }, LONG))).toBe("window-order");
    expect(rule(buildQuery({ fromTs: 0, toTs: 7 * 86_400 }, LONG))).toBe("ok");
    expect(rule(buildQuery({ fromTs: 0, toTs: 7 * 86_400 + 1 }, LONG))).toBe("window-too-long");
    expect(rule(buildQuery({ fromTs: 0, toTs: 14 * 86_400, granularity: "15m" }, LONG))).toBe("ok");
    expect(rule(buildQuery({ fromTs: 1.5 }, LONG))).toBe("timestamp");
    expect(rule(buildQuery({ fromTs: -1 }, LONG))).toBe("timestamp");
    expect(rule(buildQuery({ fromTs: 1 }, SHORT_POINT))).toBe("no-window");
    expect(rule(buildQuery({ granularity: "5m" }, SHORT_POINT))).toBe("no-granularity");
    expect(rule(buildQuery({ convert: "W" }, SHORT_POINT))).toBe("convert");
    expect(rule(buildQuery({ filterGroup: "channels" }, SHORT_POINT))).toBe("filter-group");
    expect(rule(buildQuery({ fields: "timestamp" }, { fields: ["timestamp"] }))).toBe("ok");
    expect(rule(buildQuery({ fields: "+pf" }, { fields: ["timestamp"] }))).toBe("fields");
    expect(rule(buildQuery({ convert: "kW" }, { fields: ["timestamp"] }))).toBe("no-convert");
  });

  it("checks a one-ended window against the documented default for the other end (api-facts: query parameters)", () => {
    const SHORT: QueryRules = { window: "short" };
    const now = 1_800_000_000;
    // short: fromTs defaults to now − 1 h, so toTs may be at most 11 h ahead of now.
    expect(rule(buildQuery({ toTs: now + 11 * 3600 }, SHORT, now))).toBe("ok");
    expect(rule(buildQuery({ toTs: now + 11 * 3600 + 1 }, SHORT, now))).toBe("window-too-long");
    expect(rule(buildQuery({ toTs: now - 3600 }, SHORT, now))).toBe("window-order");
    expect(buildQuery({ toTs: now }, SHORT, now)).toBe(`toTs=${now}`); // the default is the server's: not sent
    expect(rule(buildQuery({ fromTs: now }, SHORT, now))).toBe("ok"); // toTs = from + 1 h
    // long: toTs defaults to from + 7 days, within the maximum at every granularity; fromTs (first entry) is unknown.
    expect(rule(buildQuery({ fromTs: 0 }, LONG))).toBe("ok");
    expect(rule(buildQuery({ toTs: now }, LONG))).toBe("ok");
  });

  it("refuses with core's rule and message (the simulator answers with the same)", () => {
    const input = { fromTs: 1_800_000_000_000, toTs: 1_800_000_003_600 };
    const core = checkEnergyQuery({ kind: "long", variant: "range" }, input);
    expect(core.ok).toBe(false);
    expect(buildQuery(input, LONG)).toEqual({
      parameter: "fromTs",
      rule: "timestamp",
      reason: core.ok ? undefined : core.violation.message,
    });
    // The client's own strictness, on top of core's rules: what an operation does not take is refused, not ignored.
    expect(rule(buildQuery({ timezone: "UTC" }, { window: "short" }))).toBe("no-granularity");
    expect(rule(buildQuery({ convert: "kW" }, {}))).toBe("no-query");
    expect(buildQuery({ fields: "pf" }, SHORT_POINT)).toBe("fields[energy]=%2Bpf"); // canonical spelling
  });

  it("normalises fields lists", () => {
    expect(normalizeFields(["+pf", "+pf"])).toEqual(["+pf"]);
    expect(normalizeFields([])).toBeUndefined();
    expect(normalizeFields(undefined)).toBeUndefined();
  });

  it("validates device IDs with core's rules", () => {
    expect(checkDeviceId("D123456789012")).toBe("D123456789012");
    expect(rule(checkDeviceId("A123456789012"))).toBe("device-id");
    expect(rule(checkDeviceId("D12345"))).toBe("device-id");
    expect(rule(checkDeviceId(42))).toBe("device-id");
  });
});
