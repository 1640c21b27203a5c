// Query parsing for the energy and Modbus operations: core's checkEnergyQuery holds the service's rules (the
// client checks with the same); a broken rule becomes the service's 400/422 envelope with the rule's message.
import { checkEnergyQuery } from "@wattstream/core";
import type { CheckedEnergyQuery, EnergyKind, EnergyQueryContext } from "@wattstream/core";
import type { Reply } from "./envelope.js";
import { fail } from "./envelope.js";

/** Reads one query parameter by its name on the wire (`fromTs`, `fields[energy]`, …). */
export type Query = (name: string) => string | undefined;
export type Variant = "range" | "first" | "latest";

export type Parsed<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly reply: Reply };

/** The request's options, checked; the window with its defaults is `value.window` (range requests only). */
export const parseQuery = (
  q: Query,
  kind: EnergyKind,
  variant: Variant,
  context: EnergyQueryContext,
): Parsed<CheckedEnergyQuery> => {
  const checked = checkEnergyQuery(
    { kind, variant },
    {
      fromTs: q("fromTs"),
      toTs: q("toTs"),
      granularity: q("granularity"),
      timezone: q("timezone"),
      convert: q("convert[energy]"),
      fields: q("fields[energy]"),
      filterGroup: q("filter[group]"),
    },
    context,
  );
  if (checked.ok) return { ok: true, value: checked.query };
  const { status, message } = checked.violation;
  return { ok: false, reply: fail(status === 422 ? "UNPROCESSABLE_ENTITY" : "BAD_REQUEST", message) };
};
