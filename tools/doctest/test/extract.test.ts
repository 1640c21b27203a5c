// The extraction the doctest runner relies on: which fences are examples, what their markers mean, and the line
// each block's code starts on (type errors are reported there).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { allBlocks, markdownBlocks, parseInfo, tsdocBlocks } from "../src/extract.ts";

const dir = mkdtempSync(path.join(tmpdir(), "doctest-extract-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string): string => {
  writeFileSync(path.join(dir, name), text);
  return name;
};

describe("parseInfo", () => {
  it("runs a plain ts fence, checks a no-run one, skips a no-check one, ignores other languages", () => {
    expect(parseInfo("ts", "x")).toEqual({ ts: true, mode: "run", reason: undefined });
    expect(parseInfo("ts no-run: needs a browser", "x")).toEqual({ ts: true, mode: "check", reason: "needs a browser" });
    expect(parseInfo("typescript no-check: Angular", "x")).toEqual({ ts: true, mode: "skip", reason: "Angular" });
    expect(parseInfo("sh", "x").ts).toBe(false);
    expect(parseInfo("vue", "x").ts).toBe(false);
  });

  it("refuses a marker without its reason, and an unknown marker, naming the block", () => {
    expect(() => parseInfo("ts no-run", "README.md:3")).toThrow(/README\.md:3: "no-run" needs the reason/);
    expect(() => parseInfo("ts skip-me", "README.md:9")).toThrow(/README\.md:9: unknown doctest marker "skip-me"/);
  });
});

describe("markdownBlocks", () => {
  it("finds ts fences with the line of their first code line", () => {
    const file = write(
      "a.md",
      ["# Title", "", "```sh", "npm i", "```", "", "Text.", "", "```ts", "const a = 1;", "```", "", "```ts no-run: browser", "location.href;", "```", ""].join("\n"),
    );
    expect(markdownBlocks(dir, file).map((b) => [b.line, b.mode, b.code])).toEqual([
      [10, "run", "const a = 1;\n"],
      [14, "check", "location.href;\n"],
    ]);
  });
});

describe("tsdocBlocks", () => {
  it("finds each fence of each @example once (a variable's tags are reported twice by the parser), at its line", () => {
    const file = write(
      "b.ts",
      [
        "/**",
        " * Doc.",
        " *",
        " * @example",
        " * ```ts",
        " * one();",
        " * ```",
        " * ```ts no-run: browser",
        " * two();",
        " * ```",
        " */",
        "export const x = 1;",
        "/** @example",
        " * ```ts",
        " * if (a) {",
        " *   three();",
        " * }",
        " * ```",
        " */",
        "export function f(): void {}",
      ].join("\n"),
    );
    expect(tsdocBlocks(dir, file).map((b) => [b.line, b.mode, b.code])).toEqual([
      [6, "run", "one();\n"],
      [9, "check", "two();\n"],
      [15, "run", "if (a) {\n  three();\n}\n"],
    ]);
  });
});

describe("allBlocks", () => {
  it("reads the READMEs and rx's and transport's sources of this repository", () => {
    const blocks = allBlocks(path.resolve(import.meta.dirname, "../../.."));
    const files = new Set(blocks.map((b) => b.file));
    expect(files).toContain("README.md");
    expect(files).toContain("packages/rx/README.md");
    expect(files).toContain("packages/transport/README.md");
    expect([...files].some((f) => f.startsWith("packages/rx/src/"))).toBe(true);
    expect([...files].some((f) => f.startsWith("packages/transport/src/"))).toBe(true);
    for (const b of blocks) if (b.mode !== "run") expect(b.reason, b.where).toBeTruthy();
  });
});
