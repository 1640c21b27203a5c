// The simulator answers every broken query rule with core's checkEnergyQuery verdict: the same status and message
// the transport client reports before sending (one home for the rules).
import { checkEnergyQuery } from "@wattstream/core";
import type { EnergyOperation } from "@wattstream/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Http } from "./helpers.js";
import { FLEET, idAt, start } from "./helpers.js";

const DAY = 86_400;

// Each row: the operation (its path follows from it) and the query as sent.
const rows: ReadonlyArray<readonly [EnergyOperation, Record<string, string>]> = [
  [{ kind: "short", variant: "range" }, { fromTs: "abc" }],
  [{ kind: "short", variant: "range" }, { fromTs: "-5" }],
  [{ kind: "short", variant: "range" }, { fromTs: "1000", toTs: "1000" }],
  [{ kind: "short", variant: "range" }, { fromTs: "0", toTs: String(13 * 3600) }],
  [{ kind: "short", variant: "latest" }, { "fields[energy]": "+pf,timestamp" }],
  [{ kind: "short", variant: "first" }, { "fields[energy]": "timestamp", "filter[group]": "phases" }],
  [{ kind: "short", variant: "latest" }, { "convert[energy]": "MWh" }],
  [{ kind: "long", variant: "range" }, { granularity: "hour" }],
  [{ kind: "long", variant: "range" }, { granularity: "day", timezone: "Mars/Olympus" }],
  [{ kind: "long", variant: "range" }, { granularity: "fortnight" }],
  [{ kind: "long", variant: "range" }, { fromTs: "0", toTs: String(8 * DAY) }],
  [{ kind: "long", variant: "latest" }, { "filter[group]": "circuits" }],
  [{ kind: "modbus", variant: "range" }, { "convert[energy]": "kW" }],
  [{ kind: "modbus", variant: "latest" }, { "fields[energy]": "+pf" }],
  [{ kind: "modbus", variant: "range" }, { fromTs: "0", toTs: String(7 * DAY + 1) }],
];

describe("query rules", () => {
  let h: Http;
  let id: string;
  beforeAll(async () => {
    h = await start();
    id = idAt(h.sim, FLEET.sixM);
  });
  afterAll(() => h.sim.close());

  it.each(rows)("%j %j answers with core's verdict", async (operation, query) => {
    const verdict = checkEnergyQuery(operation, {
      fromTs: query["fromTs"],
      toTs: query["toTs"],
      granularity: query["granularity"],
      timezone: query["timezone"],
      convert: query["convert[energy]"],
      fields: query["fields[energy]"],
      filterGroup: query["filter[group]"],
    });
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    const search = Object.entries(query)
      .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
      .join("&");
    const prefix = operation.kind === "modbus" ? "modbus" : `${operation.kind}-energy`;
    const suffix = operation.variant === "range" ? "" : `/${operation.variant}`;
    const r = await h.json<{ code: string; message: string }>(`/${prefix}/${id}${suffix}?${search}`);
    expect([r.status, r.body.message]).toEqual([verdict.violation.status, verdict.violation.message]);
    expect(r.body.code).toBe(verdict.violation.status === 422 ? "UNPROCESSABLE_ENTITY" : "BAD_REQUEST");
  });
});
