// A fast-check arbitrary built from a JSON Schema of the vendor's OpenAPI contract, for the subset the contract
// uses: `$ref`, `type` object/array/string/number/integer/boolean, `properties`, `items`, `enum`, `format`
// (int32/int64/float), `minimum`/`maximum`, `nullable`, `oneOf`/`anyOf`/`allOf`. Any other keyword that
// constrains values throws, so a contract update that needs more fails loudly instead of generating too widely.
//
// No library fits: json-schema-faker generates without fast-check (no shrinking, no seed replay through
// fc.assert), and json-schema-fast-check (0.0.6) is pinned to fast-check 1 and faker 4.
//
// What is generated is what the contract allows, and more of its corners than examples show: every property is
// optional (the contract requires none), so each is left out at random; objects get extra unknown properties
// (the contract sets no `additionalProperties`, so any is allowed); arrays are often empty; `oneOf`/`anyOf` pick
// any branch. The caller can override the arbitrary at a schema path and mark properties required, for the
// fields the client is strict about by design (IDs and timestamps, whose rules the contract does not write down).
import fc from "fast-check";

/** The JSON Schema keywords the contract uses. */
export interface JsonSchema {
  readonly $ref?: string;
  readonly type?: "object" | "array" | "string" | "number" | "integer" | "boolean";
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly items?: JsonSchema;
  readonly enum?: ReadonlyArray<unknown>;
  readonly format?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly nullable?: boolean;
  readonly oneOf?: ReadonlyArray<JsonSchema>;
  readonly anyOf?: ReadonlyArray<JsonSchema>;
  readonly allOf?: ReadonlyArray<JsonSchema>;
}

// Keywords that only document (they constrain nothing): allowed anywhere.
const DOCUMENTATION = new Set(["title", "description", "example", "examples", "deprecated", "readOnly", "writeOnly", "externalDocs"]);
const CONSTRAINING = new Set(["$ref", "type", "properties", "items", "enum", "format", "minimum", "maximum", "nullable", "oneOf", "anyOf", "allOf"]);

export interface ContractArbitraryOptions {
  /** The whole contract, to resolve `#/components/schemas/…` references. */
  readonly contract: { readonly components: { readonly schemas: Readonly<Record<string, JsonSchema>> } };
  /**
   * An arbitrary to use instead of the schema's at a path (`DeviceChannels.items.id`: the component name, then
   * `.items`, `.<property>`, `.oneOf[i]`); `undefined` = generate from the schema.
   */
  readonly override?: (path: string) => fc.Arbitrary<unknown> | undefined;
  /** Properties always present at a path (`DeviceDetailsCellular.id`). */
  readonly required?: (path: string) => boolean;
  /** Names extra unknown properties must avoid (those the decoder knows by another type). */
  readonly isKnownName: (name: string) => boolean;
  /** Called with `path.oneOf[i]` each time a branch is generated, so a test can check every branch was. */
  readonly onBranch?: (path: string) => void;
}

const json = fc.jsonValue({ maxDepth: 2 });

const refName = (ref: string): string => {
  const prefix = "#/components/schemas/";
  if (!ref.startsWith(prefix)) throw new Error(`unsupported $ref ${ref}`);
  return ref.slice(prefix.length);
};

/** The arbitrary of component schema `name` (e.g. `LongEnergyData`). */
export const contractArbitrary = (name: string, options: ContractArbitraryOptions): fc.Arbitrary<unknown> =>
  schemaArbitrary({ $ref: `#/components/schemas/${name}` }, name, options);

/** The arbitrary of `schema` (an operation's inline response schema, say), overrides addressed from `root`. */
export const schemaArbitrary = (schema: JsonSchema, root: string, options: ContractArbitraryOptions): fc.Arbitrary<unknown> => {
  const cache = new Map<string, fc.Arbitrary<unknown>>();
  const extraKey = fc
    .string({ minLength: 1, maxLength: 10 })
    // `__proto__` as an own key is another rule's business (prototype safety); here unknown means unknown.
    .filter((k) => k !== "__proto__" && !options.isKnownName(k));
  const extras = fc.dictionary(extraKey, json, { maxKeys: 3 });

  const build = (schema: JsonSchema, path: string): fc.Arbitrary<unknown> => {
    const override = options.override?.(path);
    if (override !== undefined) return override;
    for (const key of Object.keys(schema)) {
      if (!CONSTRAINING.has(key) && !DOCUMENTATION.has(key)) throw new Error(`${path}: unsupported JSON Schema keyword ${key}`);
    }
    const base = shape(schema, path);
    return schema.nullable === true ? fc.oneof(base, fc.constant(null)) : base;
  };

  const shape = (schema: JsonSchema, path: string): fc.Arbitrary<unknown> => {
    if (schema.$ref !== undefined) {
      const target = refName(schema.$ref);
      const cached = cache.get(target);
      if (cached !== undefined) return cached;
      const resolved = options.contract.components.schemas[target];
      if (resolved === undefined) throw new Error(`${path}: unresolved $ref ${schema.$ref}`);
      const arb = build(resolved, target);
      cache.set(target, arb);
      return arb;
    }
    const branches = schema.oneOf ?? schema.anyOf;
    if (branches !== undefined) {
      return fc.oneof(
        ...branches.map((b, i) =>
          build(b, `${path}.${schema.oneOf ? "oneOf" : "anyOf"}[${i}]`).map((v) => {
            options.onBranch?.(`${path}.${schema.oneOf ? "oneOf" : "anyOf"}[${i}]`);
            return v;
          }),
        ),
      );
    }
    if (schema.allOf !== undefined) {
      return fc
        .tuple(...schema.allOf.map((s, i) => build(s, `${path}.allOf[${i}]`)))
        .map((parts) => Object.assign({}, ...parts.map((p) => (typeof p === "object" && p !== null ? p : {}))) as unknown);
    }
    if (schema.enum !== undefined) return fc.constantFrom(...schema.enum);
    switch (schema.type) {
      case "string":
        return fc.string({ maxLength: 12 });
      case "boolean":
        return fc.boolean();
      case "integer": {
        const [lo, hi] = schema.format === "int32" ? [-(2 ** 31), 2 ** 31 - 1] : [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
        return fc.integer({ min: schema.minimum ?? lo, max: schema.maximum ?? hi });
      }
      case "number":
        return fc.double({
          noNaN: true,
          noDefaultInfinity: true,
          ...(schema.minimum === undefined ? {} : { min: schema.minimum }),
          ...(schema.maximum === undefined ? {} : { max: schema.maximum }),
        });
      case "array": {
        if (schema.items === undefined) throw new Error(`${path}: an array without items`);
        const item = build(schema.items, `${path}.items`);
        // Empty a quarter of the time: the service answers `[]` and empty per-channel arrays are valid.
        return fc.oneof({ weight: 1, arbitrary: fc.constant([]) }, { weight: 3, arbitrary: fc.array(item, { maxLength: 6 }) });
      }
      case "object":
      case undefined: {
        const properties = Object.entries(schema.properties ?? {});
        const model: Record<string, fc.Arbitrary<unknown>> = {};
        const requiredKeys: Array<string> = [];
        for (const [key, child] of properties) {
          model[key] = build(child, `${path}.${key}`);
          if (options.required?.(`${path}.${key}`) === true) requiredKeys.push(key);
        }
        return fc.tuple(fc.record(model, { requiredKeys }), extras).map(([known, extra]) => {
          // Unknown properties first, known ones on top (a key is never both: extraKey avoids known names).
          const out: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(extra)) out[k] = v;
          for (const [k, v] of Object.entries(known)) out[k] = v;
          return out;
        });
      }
      default:
        throw new Error(`${path}: unsupported type ${String(schema.type)}`);
    }
  };

  return build(schema, root);
};
