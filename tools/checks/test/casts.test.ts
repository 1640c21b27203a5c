// No double casts in the sources users read and copy: `src/` of rx, the CLI and every example holds no
// `x as unknown as T` and no `x as never` (nor their `<T>x` spellings), found with the TypeScript parser so
// comments, strings and spacing do not matter. A cast that must stay is listed below with the reason; an entry
// that no longer matches a cast fails too, so the list shrinks with the code.
import { readdirSync, readFileSync } from "node:fs";
import { relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { ROOT } from "./workspace.ts";

/**
 * Casts that stay: file (from the repository root) → how many, and why no typed spelling exists. Empty: rx's
 * scaledScheduler, the last one, now hands rxjs a Subscription subclass instead of a cast object literal.
 */
const ALLOWED: Readonly<Record<string, { readonly count: number; readonly reason: string }>> = {};

const sourceDirs = (): ReadonlyArray<string> => [
  `${ROOT}packages/rx/src`,
  `${ROOT}packages/cli/src`,
  ...readdirSync(`${ROOT}examples`, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => `${ROOT}examples/${e.name}/src`),
];

const sourceFiles = (dir: string): ReadonlyArray<string> =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(m|c)?tsx?$/.test(e.name) && !e.name.endsWith(".d.ts"))
    .map((e) => `${e.parentPath}/${e.name}`);

interface Cast {
  readonly line: number;
  readonly text: string;
}

/** Every `as unknown as T`, `as never`, `<T><unknown>x` and `<never>x` in one file's text. */
const doubleCasts = (fileName: string, text: string): ReadonlyArray<Cast> => {
  const file = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: Cast[] = [];
  const isKeyword = (type: ts.TypeNode, kind: ts.SyntaxKind): boolean => type.kind === kind;
  const visit = (node: ts.Node): void => {
    if (ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) {
      const inner = ts.skipPartiallyEmittedExpressions(node.expression);
      const unwrapped = ts.isParenthesizedExpression(inner) ? inner.expression : inner;
      const viaUnknown =
        (ts.isAsExpression(unwrapped) || ts.isTypeAssertionExpression(unwrapped)) &&
        isKeyword(unwrapped.type, ts.SyntaxKind.UnknownKeyword);
      if (viaUnknown || isKeyword(node.type, ts.SyntaxKind.NeverKeyword)) {
        const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
        found.push({ line: line + 1, text: node.getText(file).replace(/\s+/g, " ").slice(0, 120) });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
};

describe("no double casts in src of rx, cli and the examples", () => {
  it("finds both spellings and nothing in comments or strings (the check itself)", () => {
    const text = [
      "// x as unknown as Y",
      'const s = "a as never";',
      "const a = (b as unknown) as string;",
      "const c = d as never;",
      "const e = <string><unknown>f;",
      "const g = h as unknown;",
    ].join("\n");
    expect(doubleCasts("probe.ts", text).map((c) => c.line)).toEqual([3, 4, 5]);
  });

  const dirs = sourceDirs();
  it("looks at rx, the CLI and every example", () => {
    expect(dirs.map((d) => relative(ROOT, d))).toEqual(expect.arrayContaining(["packages/rx/src", "packages/cli/src", "examples/dashboard/src"]));
    for (const dir of dirs) expect(sourceFiles(dir).length, dir).toBeGreaterThan(0);
  });

  it("leaves only the allowlisted casts, each still present", () => {
    const counts: Record<string, number> = {};
    const unexpected: string[] = [];
    for (const dir of dirs)
      for (const path of sourceFiles(dir)) {
        const rel = relative(ROOT, path);
        const casts = doubleCasts(path, readFileSync(path, "utf8"));
        if (casts.length === 0) continue;
        counts[rel] = casts.length;
        if (ALLOWED[rel]?.count !== casts.length)
          unexpected.push(...casts.map((c) => `${rel}:${c.line}: ${c.text} (allowlisted: ${ALLOWED[rel]?.count ?? 0})`));
      }
    expect(unexpected, "casts not on the list (remove them, or list them with the reason)").toEqual([]);
    const stale = Object.keys(ALLOWED).filter((rel) => counts[rel] === undefined);
    expect(stale, "allowlist entries without a cast left (remove the entry)").toEqual([]);
  });
});
