// Finding the examples: ```ts fences of the READMEs (marked's lexer) and of the TSDoc @example tags of the
// packages' sources (the TypeScript parser reads the tags, marked the fences inside them).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Lexer } from "marked";
import ts from "typescript";

/** What the runner does with a block, from the words after `ts` in its fence. */
export type Mode = "run" | "check" | "skip";

/** One example: its code, where it is, and what to do with it. */
export interface Block {
  /** `path/from/root.md:line` of the block's first code line. */
  readonly where: string;
  /** The file, relative to the repository root. */
  readonly file: string;
  /** 1-based line of the block's first code line in `file`. */
  readonly line: number;
  readonly code: string;
  readonly mode: Mode;
  /** Why a `no-run` or `no-check` block is not run (the text after the marker), for the summary. */
  readonly reason: string | undefined;
}

/** The languages taken as TypeScript examples; other fences (sh, json, vue, …) are prose. */
const TS_LANGS = new Set(["ts", "typescript", "tsx"]);

/**
 * Reads a fence's info string: `ts` runs, `ts no-run: <reason>` is type-checked only, `ts no-check: <reason>`
 * is neither (a framework the workspace does not install). A marker without a reason is refused.
 */
export const parseInfo = (info: string, where: string): { readonly ts: boolean; readonly mode: Mode; readonly reason: string | undefined } => {
  const [lang = "", ...rest] = info.trim().split(/\s+/);
  if (!TS_LANGS.has(lang)) return { ts: false, mode: "skip", reason: undefined };
  const words = rest.join(" ");
  const marker = /^(no-run|no-check)\b:?\s*(.*)$/.exec(words);
  if (words === "") return { ts: true, mode: "run", reason: undefined };
  if (marker === null) throw new Error(`${where}: unknown doctest marker "${words}" (use "no-run: <reason>" or "no-check: <reason>")`);
  const reason = marker[2]?.trim() ?? "";
  if (reason === "") throw new Error(`${where}: "${marker[1]}" needs the reason after it, e.g. "${marker[1]}: needs a browser"`);
  return { ts: true, mode: marker[1] === "no-run" ? "check" : "skip", reason };
};

interface Fence {
  readonly info: string;
  readonly code: string;
  /** 0-based line of the opening fence within the parsed text. */
  readonly fenceLine: number;
}

/** The fenced code blocks of a markdown text, with the line each opens on. */
const fences = (markdown: string): ReadonlyArray<Fence> => {
  const found: Fence[] = [];
  let line = 0;
  for (const token of Lexer.lex(markdown)) {
    if (token.type === "code" && /^\s*(```|~~~)/.test(token.raw)) {
      const code = token as { lang?: string; text: string };
      found.push({ info: code.lang ?? "", code: code.text, fenceLine: line + (/^\n*/.exec(token.raw)?.[0].length ?? 0) });
    }
    line += token.raw.split("\n").length - 1;
  }
  return found;
};

const toBlocks = (file: string, list: ReadonlyArray<{ readonly fence: Fence; readonly line: number }>): Block[] =>
  list.flatMap(({ fence, line }) => {
    const where = `${file}:${line}`;
    const info = parseInfo(fence.info, where);
    if (!info.ts) return [];
    return [{ where, file, line, code: `${fence.code}\n`, mode: info.mode, reason: info.reason }];
  });

/** The TypeScript blocks of a markdown file. */
export const markdownBlocks = (root: string, file: string): Block[] => {
  const text = readFileSync(path.join(root, file), "utf8");
  return toBlocks(
    file,
    fences(text).map((fence) => ({ fence, line: fence.fenceLine + 2 })),
  );
};

/** The TypeScript blocks inside the `@example` tags of one source file. */
export const tsdocBlocks = (root: string, file: string): Block[] => {
  const text = readFileSync(path.join(root, file), "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const seen = new Set<number>();
  const found: Array<{ readonly fence: Fence; readonly line: number }> = [];
  const visit = (node: ts.Node): void => {
    for (const tag of ts.getJSDocTags(node)) {
      // A variable's tags are also reported on its declaration: each tag once, by position.
      if (tag.tagName.text !== "example" || seen.has(tag.pos)) continue;
      seen.add(tag.pos);
      // The tag's own lines with the comment's ` * ` margin taken off (one space after the star, so code keeps
      // its indentation), line for line: a fence's line in this text is its line below the tag in the file.
      const body = text
        .slice(tag.getStart(source), tag.end)
        .replace(/\*\/\s*$/, "")
        .split("\n")
        .map((l) => l.replace(/^\s*\* ?/, ""))
        .join("\n");
      const tagLine = source.getLineAndCharacterOfPosition(tag.getStart(source)).line;
      for (const fence of fences(body)) found.push({ fence, line: tagLine + fence.fenceLine + 2 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return toBlocks(file, found);
};

/** The files read: the root README, rx's and transport's READMEs and every source file of their `src`. */
export const sources = (root: string): { readonly markdown: ReadonlyArray<string>; readonly tsdoc: ReadonlyArray<string> } => ({
  markdown: ["README.md", "packages/rx/README.md", "packages/transport/README.md"],
  tsdoc: ["packages/rx/src", "packages/transport/src"].flatMap((dir) =>
    readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".d.ts"))
      .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
      .sort(),
  ),
});

/** Every block of every source, in file order. */
export const allBlocks = (root: string): Block[] => {
  const { markdown, tsdoc } = sources(root);
  return [...markdown.flatMap((f) => markdownBlocks(root, f)), ...tsdoc.flatMap((f) => tsdocBlocks(root, f))];
};
