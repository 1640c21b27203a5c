import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkEnergyQuery, GRANULARITIES, maxWindow, requiresTimezone } from "../src/index.js";
import type { EnergyKind, EnergyOperation, EnergyQueryContext, EnergyQueryInput } from "../src/index.js";

const SHORT: EnergyOperation = { kind: "short", variant: "range" };
const LONG: EnergyOperation = { kind: "long", variant: "range" };
const MODBUS: EnergyOperation = { kind: "modbus", variant: "range" };
const SHORT_LATEST: EnergyOperation = { kind: "short", variant: "latest" };
const MODBUS_FIRST: EnergyOperation = { kind: "modbus", variant: "first" };
const NOW = 1_800_000_000;
const DAY = 86_400;
const TZ_MESSAGE = "You must specify a valid timezone value when applying granularity of 'hour', 'day', 'week', or 'month.'";

type Row = readonly [string, EnergyOperation, EnergyQueryInput, EnergyQueryContext, string | { rule: string; status: number; message: string }];

// Each row: the query, and the rule it breaks with the service's status and message (or "ok").
const rows: ReadonlyArray<Row> = [
  ["an empty query", SHORT, {}, { now: NOW }, "ok"],
  ["kW conversion", SHORT, { convert: "kW" }, {}, "ok"],
  ["an unknown conversion", SHORT, { convert: "W" }, {}, { rule: "convert", status: 400, message: "convert[energy] must be kWh or kW." }],
  ["a conversion of Modbus data", MODBUS, { convert: "kWh" }, {}, { rule: "no-convert", status: 400, message: "convert[energy] is not supported for Modbus data." }],
  ["a group other than phases", SHORT, { filterGroup: "channels" }, {}, { rule: "filter-group", status: 400, message: "filter[group] must be phases." }],
  ["phase grouping of Modbus data", MODBUS, { filterGroup: "phases" }, {}, { rule: "filter-group", status: 400, message: "filter[group] must be phases." }],
  ["an unknown field", SHORT, { fields: "frequency" }, {}, { rule: "fields", status: 400, message: 'fields[energy] value "frequency" is not supported.' }],
  ["+pf on Modbus data", MODBUS_FIRST, { fields: "+pf" }, {}, { rule: "fields", status: 400, message: 'fields[energy] value "+pf" is not supported.' }],
  ["timestamp on Modbus data", MODBUS_FIRST, { fields: "timestamp" }, {}, "ok"],
  ["+pf with timestamp (comma list)", SHORT_LATEST, { fields: "+pf,timestamp" }, {}, { rule: "pf-with-timestamp", status: 400, message: "fields[energy]=+pf and fields[energy]=timestamp are mutually exclusive." }],
  ["+pf with timestamp (array)", SHORT_LATEST, { fields: ["timestamp", "+pf"] }, {}, { rule: "pf-with-timestamp", status: 400, message: "fields[energy]=+pf and fields[energy]=timestamp are mutually exclusive." }],
  ["+pf with phases", SHORT_LATEST, { fields: "+pf", filterGroup: "phases" }, {}, { rule: "fields-with-phases", status: 400, message: "fields[energy] can't be combined with filter[group]=phases." }],
  ["timestamp with phases", LONG, { fields: "timestamp", filterGroup: "phases" }, {}, { rule: "fields-with-phases", status: 400, message: "fields[energy] can't be combined with filter[group]=phases." }],
  ["an unknown granularity", LONG, { granularity: "fortnight" }, {}, { rule: "granularity", status: 400, message: `granularity must be one of ${GRANULARITIES.join(", ")}.` }],
  ["hour without a timezone", LONG, { granularity: "hour" }, {}, { rule: "timezone-required", status: 400, message: TZ_MESSAGE }],
  ["day with an empty timezone", LONG, { granularity: "day", timezone: "" }, {}, { rule: "timezone-required", status: 400, message: TZ_MESSAGE }],
  ["day with an unknown timezone", LONG, { granularity: "day", timezone: "Mars/Olympus" }, {}, { rule: "timezone", status: 400, message: TZ_MESSAGE }],
  ["a UTC offset for a timezone", LONG, { granularity: "week", timezone: "+10:00" }, {}, { rule: "timezone", status: 400, message: TZ_MESSAGE }],
  ["30m ignores the timezone", LONG, { granularity: "30m", timezone: "Mars/Olympus" }, {}, "ok"],
  ["granularity on short energy is ignored", SHORT, { granularity: "fortnight" }, {}, "ok"],
  ["a window on a point is ignored", SHORT_LATEST, { fromTs: "x" }, {}, "ok"],
  ["a fractional timestamp", SHORT, { fromTs: 1.5 }, {}, { rule: "timestamp", status: 400, message: "fromTs must be an integer Unix timestamp in seconds." }],
  ["a non-integer string", SHORT, { toTs: "12.0" }, { now: NOW }, { rule: "timestamp", status: 400, message: "toTs must be an integer Unix timestamp in seconds." }],
  ["NaN", LONG, { fromTs: Number.NaN }, {}, { rule: "timestamp", status: 400, message: "fromTs must be an integer Unix timestamp in seconds." }],
  ["a negative timestamp", LONG, { fromTs: "-1" }, {}, { rule: "timestamp", status: 422, message: "fromTs is not a valid timestamp." }],
  ["milliseconds", SHORT, { fromTs: NOW * 1000 }, {}, { rule: "timestamp", status: 422, message: "fromTs is not a valid timestamp." }],
  ["an empty string is absent", SHORT, { fromTs: "" }, { now: NOW }, "ok"],
  ["an empty window", LONG, { fromTs: 10, toTs: 10 }, {}, { rule: "window-order", status: 422, message: "toTs must be after fromTs." }],
  ["short at 12 h", SHORT, { fromTs: 0, toTs: 12 * 3600 }, {}, "ok"],
  ["short over 12 h", SHORT, { fromTs: 0, toTs: 12 * 3600 + 1 }, {}, { rule: "window-too-long", status: 422, message: "The requested time period is greater than 12 hours." }],
  ["long 5m over 7 days", LONG, { fromTs: 0, toTs: 7 * DAY + 1 }, {}, { rule: "window-too-long", status: 422, message: "The requested time period is greater than 7 days." }],
  ["long 15m at 14 days", LONG, { fromTs: 0, toTs: 14 * DAY, granularity: "15m" }, {}, "ok"],
  ["Modbus over 7 days", MODBUS, { fromTs: "0", toTs: String(7 * DAY + 30) }, {}, { rule: "window-too-long", status: 422, message: "The requested time period is greater than 7 days." }],
  // One end only: the documented default fills the other (short: fromTs = now − 1 h).
  ["short toTs 11 h ahead", SHORT, { toTs: NOW + 11 * 3600 }, { now: NOW }, "ok"],
  ["short toTs 11 h + 1 s ahead", SHORT, { toTs: NOW + 11 * 3600 + 1 }, { now: NOW }, { rule: "window-too-long", status: 422, message: "The requested time period is greater than 12 hours." }],
  ["short toTs before the default start", SHORT, { toTs: NOW - 3600 }, { now: NOW }, { rule: "window-order", status: 422, message: "toTs must be after fromTs." }],
  ["long toTs 8 days after the first entry", LONG, { toTs: 8 * DAY }, { firstEntry: () => 0 }, { rule: "window-too-long", status: 422, message: "The requested time period is greater than 7 days." }],
  ["long toTs with no known first entry", LONG, { toTs: 8 * DAY }, {}, "ok"],
];

describe("checkEnergyQuery", () => {
  it.each(rows)("%s", (_, operation, input, context, expected) => {
    const r = checkEnergyQuery(operation, input, context);
    if (expected === "ok") expect(r).toMatchObject({ ok: true });
    else expect(r).toMatchObject({ ok: false, violation: expected });
  });

  it("names the parameter that broke the rule", () => {
    const param = (op: EnergyOperation, input: EnergyQueryInput) => {
      const r = checkEnergyQuery(op, input, { now: NOW });
      return r.ok ? undefined : r.violation.parameter;
    };
    expect(param(SHORT, { convert: "W" })).toBe("convert[energy]");
    expect(param(SHORT, { filterGroup: "x" })).toBe("filter[group]");
    expect(param(SHORT, { fields: "x" })).toBe("fields[energy]");
    expect(param(LONG, { granularity: "x" })).toBe("granularity");
    expect(param(LONG, { granularity: "hour" })).toBe("timezone");
    expect(param(SHORT, { fromTs: "x" })).toBe("fromTs");
    expect(param(SHORT, { toTs: "x" })).toBe("toTs");
    expect(param(SHORT, { fromTs: 10, toTs: 5 })).toBe("toTs");
  });

  it("fills in the documented default windows (api-facts: query parameters)", () => {
    const windowOf = (op: EnergyOperation, input: EnergyQueryInput, context: EnergyQueryContext) => {
      const r = checkEnergyQuery(op, input, context);
      return r.ok ? r.query.window : r.violation;
    };
    expect(windowOf(SHORT, {}, { now: NOW + 0.7 })).toEqual({ fromTs: NOW - 3600, toTs: NOW });
    expect(windowOf(SHORT, { fromTs: 100 }, {})).toEqual({ fromTs: 100, toTs: 3700 });
    expect(windowOf(SHORT, {}, {})).toBeUndefined(); // no clock, no default
    expect(windowOf(LONG, {}, { firstEntry: () => 600 })).toEqual({ fromTs: 600, toTs: 600 + 7 * DAY });
    expect(windowOf(LONG, { fromTs: 0 }, {})).toEqual({ fromTs: 0, toTs: 7 * DAY });
    expect(windowOf(MODBUS, {}, { firstEntry: () => undefined })).toBeUndefined(); // never reported
    expect(windowOf(SHORT_LATEST, { fromTs: 0, toTs: 1 }, { now: NOW })).toBeUndefined();
  });

  it("asks for the first entry only when fromTs is absent", () => {
    let asked = 0;
    const firstEntry = () => {
      asked++;
      return 0;
    };
    checkEnergyQuery(LONG, { fromTs: 5 }, { firstEntry });
    expect(asked).toBe(0);
    checkEnergyQuery(LONG, {}, { firstEntry });
    expect(asked).toBe(1);
  });

  it("returns canonical, typed options", () => {
    expect(checkEnergyQuery(SHORT, { fields: ["+pf", " +pf ", "pf"], convert: "kWh", fromTs: "60", toTs: "120" })).toEqual({
      ok: true,
      query: {
        fromTs: 60,
        toTs: 120,
        window: { fromTs: 60, toTs: 120 },
        granularity: undefined,
        timezone: undefined,
        convert: "kWh",
        fields: ["+pf"],
        pf: true,
        timestampOnly: false,
        grouped: false,
      },
    });
    const grouped = checkEnergyQuery(LONG, { filterGroup: "phases", granularity: "day", timezone: "Australia/Sydney" });
    expect(grouped).toMatchObject({ ok: true, query: { grouped: true, granularity: "day", timezone: "Australia/Sydney", fields: undefined } });
  });

  it("property: every window within the maximum passes, and one second more is refused with 422", () => {
    const kinds: ReadonlyArray<EnergyKind> = ["short", "long", "modbus"];
    fc.assert(
      fc.property(
        fc.constantFrom(...kinds),
        fc.constantFrom(...GRANULARITIES),
        fc.integer({ min: 0, max: 2_000_000_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (kind, g, from, f) => {
          const granularity = kind === "long" ? g : undefined;
          const input = {
            granularity,
            ...(granularity !== undefined && requiresTimezone(granularity) ? { timezone: "UTC" } : {}),
          };
          const max = maxWindow(kind, granularity);
          const length = Math.max(1, Math.floor(f * max));
          const op: EnergyOperation = { kind, variant: "range" };
          const within = checkEnergyQuery(op, { ...input, fromTs: from, toTs: from + length });
          expect(within).toMatchObject({ ok: true, query: { window: { fromTs: from, toTs: from + length } } });
          const over = checkEnergyQuery(op, { ...input, fromTs: String(from), toTs: String(from + max + 1) });
          expect(over).toMatchObject({ ok: false, violation: { rule: "window-too-long", status: 422 } });
        },
      ),
    );
  });

  it("property: +pf and timestamp never pass together, in any order or spelling, nor either with phases", () => {
    const field = fc.constantFrom("+pf", "pf", " +pf", "timestamp", "timestamp ");
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 5 }), fc.boolean(), fc.boolean(), (fields, grouped, asString) => {
        const r = checkEnergyQuery(SHORT_LATEST, {
          fields: asString ? fields.join(",") : fields,
          ...(grouped ? { filterGroup: "phases" } : {}),
        });
        const pf = fields.some((f) => f.trim() !== "timestamp");
        const ts = fields.some((f) => f.trim() === "timestamp");
        if (pf && ts) expect(r).toMatchObject({ ok: false, violation: { rule: "pf-with-timestamp" } });
        else if (grouped) expect(r).toMatchObject({ ok: false, violation: { rule: "fields-with-phases" } });
        else expect(r).toMatchObject({ ok: true, query: { pf, timestampOnly: ts } });
      }),
    );
  });
});
