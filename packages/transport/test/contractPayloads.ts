// What the contract-driven tests share: the contract, the names the decoders declare (an extra property must
// avoid them), the fields generated valid because the client is strict about them by design (IDs, timestamps,
// durations: the contract writes down no rule for them), and each operation's 200 response schema.
import fc from "fast-check";
import { Schema, SchemaAST } from "effect";
import { canonicalConvertedField, isEnergyField } from "@wattstream/core";
import { loadContract } from "../../../tools/contract/contract.ts";
import * as energySchemas from "../src/internal/energySchemas.js";
import * as schemas from "../src/internal/schemas.js";
import type { ContractArbitraryOptions, JsonSchema } from "./contractArbitrary.ts";

interface Operation {
  readonly operationId?: string;
  readonly responses?: Record<string, { readonly content?: Record<string, { readonly schema?: JsonSchema }> }>;
}
export const contract = loadContract<{
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components: { readonly schemas: Record<string, JsonSchema> };
}>();

/** Every property name the decoders declare anywhere: an extra property must not be one of them. */
const declared = new Set<string>();
const collect = (ast: SchemaAST.AST, seen: Set<SchemaAST.AST>): void => {
  if (seen.has(ast)) return;
  seen.add(ast);
  if (ast._tag === "Objects") {
    for (const p of ast.propertySignatures) {
      declared.add(String(p.name));
      collect(p.type, seen);
    }
  }
  if (ast._tag === "Arrays") for (const t of [...ast.elements, ...ast.rest]) collect(t, seen);
  if (ast._tag === "Union") for (const t of ast.types) collect(t, seen);
  const encoded = SchemaAST.toEncoded(ast);
  if (encoded !== ast) collect(encoded, seen);
};
for (const value of [...Object.values(schemas), ...Object.values(energySchemas)]) {
  if (Schema.isSchema(value)) collect(value.ast, new Set());
}
const isKnownName = (name: string): boolean =>
  declared.has(name) || isEnergyField(name) || canonicalConvertedField(name) !== undefined;

// The fields the client is strict about by design; the contract gives them no pattern or range.
export const deviceId = fc
  .tuple(fc.constantFrom("B", "D", "E", "F"), fc.string({ unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), minLength: 12, maxLength: 12 }))
  .map(([first, rest]) => first + rest);
const PLACEHOLDER = "D000000000000";
const subNumber = fc.integer({ min: 1, max: 99 });
const timestamp = fc.integer({ min: 0, max: 2 ** 32 });
const duration = fc.integer({ min: 1, max: 86_400 * 31 });

const override = (path: string): fc.Arbitrary<unknown> | undefined => {
  if (path === "Devices.items") return deviceId;
  if (/^DeviceDetails\w+\.id$/.test(path)) return fc.constant(PLACEHOLDER);
  if (path === "DeviceChannels.items.id" || path === "DevicePhases.grouping.items.included.items") {
    return subNumber.map((n) => `${PLACEHOLDER}_C${n}`);
  }
  // The contract types a Modbus `model` as any string; the known meters' names come up often enough too.
  const meter = /^ModbusDataPoint(PMC-\w+)\.model$/.exec(path);
  if (meter !== null) return fc.oneof(fc.constant(meter[1]), fc.string({ maxLength: 8 }));
  if (path.endsWith(".timestamp")) return timestamp;
  if (path.endsWith(".duration")) return duration;
  return undefined;
};
const required = (path: string): boolean =>
  /^DeviceDetails\w+\.id$/.test(path) || path === "DeviceChannels.items.id" || path.endsWith(".timestamp");

/** The device record with its ID, and its channels' and phase groups' IDs, moved to device `id`. */
export const ownedBy = (record: unknown, id: string): unknown =>
  JSON.parse(JSON.stringify(record, (key, value: unknown) => (typeof value === "string" && value.startsWith(PLACEHOLDER) ? id + value.slice(PLACEHOLDER.length) : value)));

export const branches = new Map<string, number>();
export const options: ContractArbitraryOptions = {
  contract,
  override,
  required,
  isKnownName,
  onBranch: (path: string) => branches.set(path, (branches.get(path) ?? 0) + 1),
};

/** The 200 response schema of each operation, straight from the contract's paths. */
export const responses = new Map<string, JsonSchema>();
for (const methods of Object.values(contract.paths)) {
  for (const op of Object.values(methods)) {
    const schema = op.responses?.["200"]?.content?.["application/json"]?.schema;
    if (op.operationId !== undefined && schema !== undefined) responses.set(op.operationId, schema);
  }
}
