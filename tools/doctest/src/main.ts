// `nx run @wattstream/doctest:doctest`: every TypeScript example of the root README, rx's and transport's READMEs
// and their sources' TSDoc @example tags (src/extract.ts) is written out as a module, type-checked in one program
// against the packages' public builds, then run, two at a time, against one simulator started here. Prints one line
// per block and the counts; exits 1 when a block does not type-check or fails when run. Conventions (context
// names, the run window, the no-run / no-check markers): tools/doctest/README.md.
import { spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startSimulator } from "@wattstream/simulator";
import ts from "typescript";
import { allBlocks } from "./extract.ts";
import type { Block } from "./extract.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../../..");
const scratch = path.resolve(here, "../.scratch");
/** How long a block that does not end by itself runs before it is stopped (and passes if nothing failed). */
const WINDOW_MS = Number(process.env["DOCTEST_WINDOW_MS"] ?? 2000);
/** A block still alive this long after its start failed: the window did not stop it. */
const HARD_LIMIT_MS = 30_000;
const CONCURRENCY = Math.max(2, availableParallelism() * 2);
const STOP_MARK = "@@doctest: stopped after the window@@";
/**
 * The device ID examples use as a placeholder (also inside switch and channel IDs, `D123456789012_S1`); replaced
 * when run with the simulator's first device that has switches.
 */
const PLACEHOLDER_ID = "D123456789012";

/** Names src/context.ts provides to a block that uses them without declaring them. */
const CONTEXT_NAMES = ["client", "deviceId", "id", "device", "now", "fromTs", "toTs", "readings$", "render", "draw"] as const;

/** The top-level names a block declares (imports, variables, functions, classes) and every identifier it reads. */
const names = (code: string): { readonly declared: Set<string>; readonly used: Set<string> } => {
  const file = ts.createSourceFile("block.ts", code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const declared = new Set<string>();
  const used = new Set<string>();
  const bind = (name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) declared.add(name.text);
    else for (const e of name.elements) if (!ts.isOmittedExpression(e)) bind(e.name);
  };
  for (const s of file.statements) {
    if (ts.isImportDeclaration(s)) {
      const clause = s.importClause;
      if (clause?.name) declared.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) declared.add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings)) for (const e of bindings.elements) declared.add(e.name.text);
    } else if (ts.isVariableStatement(s)) for (const d of s.declarationList.declarations) bind(d.name);
    else if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name) declared.add(s.name.text);
  }
  // A name read as a value or type, not a property's name (`sim.clock.now()` does not read `now`).
  const isPropertyName = (node: ts.Identifier): boolean => {
    const parent = node.parent;
    return (
      (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
      (ts.isQualifiedName(parent) && parent.right === node) ||
      ((ts.isPropertyAssignment(parent) || ts.isPropertySignature(parent) || ts.isPropertyDeclaration(parent) || ts.isMethodDeclaration(parent)) &&
        parent.name === node)
    );
  };
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && !isPropertyName(node)) used.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return { declared, used };
};

interface Prepared {
  readonly block: Block;
  readonly dir: string;
  readonly file: string;
  /** Lines put in front of the block's code (diagnostics are mapped back past them). */
  readonly preludeLines: number;
  readonly text: string;
}

/** The module written for a block: `export {}` (a module, never a script) and the context names it needs. */
const prepare = (block: Block, k: number): Prepared => {
  const dir = path.join(scratch, `block-${String(k).padStart(3, "0")}`);
  const { declared, used } = names(block.code);
  const wanted = CONTEXT_NAMES.filter((n) => used.has(n) && !declared.has(n));
  const context = path.relative(dir, path.join(here, "context.ts")).split(path.sep).join("/");
  const prelude = `export {};${wanted.length > 0 ? ` import { ${wanted.join(", ")} } from "${context}";` : ""} // ${block.where}\n`;
  // Starts the window (src/guard.mjs) once the block's top level has run.
  const epilogue = `(globalThis as { doctestEvaluated?: () => void }).doctestEvaluated?.();\n`;
  return { block, dir, file: path.join(dir, "block.ts"), preludeLines: 1, text: prelude + block.code + epilogue };
};

/** Type-checks every prepared block in one program; returns the errors, each naming the block's file and line. */
const typecheck = (prepared: ReadonlyArray<Prepared>): string[] => {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(here, "../tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (config === undefined) throw new Error("tools/doctest/tsconfig.json could not be read");
  // The public builds' types (no source condition): what a user's editor sees.
  const options: ts.CompilerOptions = { ...config.options, customConditions: [], noEmit: true, incremental: false, noUnusedLocals: false };
  const program = ts.createProgram(
    prepared.map((p) => p.file),
    options,
  );
  const byFile = new Map(prepared.map((p) => [path.resolve(p.file), p]));
  return ts.getPreEmitDiagnostics(program).flatMap((d) => {
    const owner = d.file === undefined ? undefined : byFile.get(path.resolve(d.file.fileName));
    const message = ts.flattenDiagnosticMessageText(d.messageText, "\n    ");
    if (d.file === undefined || owner === undefined) return [`${d.file?.fileName ?? "(program)"}: ${message}`];
    const { line } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
    return [`${owner.block.file}:${owner.block.line + line - owner.preludeLines}: TS${d.code}: ${message}`];
  });
};

interface RunResult {
  readonly ok: boolean;
  readonly stopped: boolean;
  readonly ms: number;
  readonly output: string;
}

/** Runs one block in its own Node process (type stripping; the packages' builds), in its own directory. */
const runBlock = (p: Prepared, env: NodeJS.ProcessEnv, deviceId: string): Promise<RunResult> => {
  writeFileSync(p.file, p.text.replaceAll(PLACEHOLDER_ID, deviceId));
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ["--disable-warning=ExperimentalWarning", "--import", pathToFileURL(path.join(here, "guard.mjs")).href, p.file],
      { cwd: p.dir, env, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const limit = setTimeout(() => {
      output += `\n(killed: still running ${HARD_LIMIT_MS / 1000} s after its start)`;
      child.kill("SIGKILL");
    }, HARD_LIMIT_MS);
    child.on("close", (code) => {
      clearTimeout(limit);
      const stopped = output.includes(STOP_MARK);
      resolve({ ok: code === 0, stopped, ms: performance.now() - started, output: output.replace(`\n${STOP_MARK}\n`, "") });
    });
  });
};

const main = async (): Promise<number> => {
  const started = performance.now();
  const blocks = allBlocks(root);
  rmSync(scratch, { recursive: true, force: true });
  const prepared = blocks.map(prepare);
  const checked = prepared.filter((p) => p.block.mode !== "skip");
  for (const p of checked) {
    mkdirSync(p.dir, { recursive: true });
    writeFileSync(p.file, p.text);
  }
  console.log(`doctest: ${blocks.length} TypeScript blocks in ${new Set(blocks.map((b) => b.file)).size} files; type-checking ${checked.length}…`);
  const errors = typecheck(checked);
  console.log(`doctest: type-checked in ${((performance.now() - started) / 1000).toFixed(1)} s; running ${checked.filter((p) => p.block.mode === "run").length}, ${CONCURRENCY} at a time…`);
  if (errors.length > 0) {
    console.log(`\n${errors.length} type error(s):\n${errors.map((e) => `  ${e}`).join("\n")}`);
    return 1;
  }
  const sim = await startSimulator({ clock: "real", rateLimits: { tps: Number.POSITIVE_INFINITY } });
  const withSwitches = sim.fleet.ids().find((id) => Array.isArray(sim.fleet.get(id)?.["switches"]));
  if (withSwitches === undefined) throw new Error("the simulator's fleet has no device with switches");
  const deviceId = withSwitches;
  const env = {
    ...process.env,
    WATTSTREAM_API_URL: sim.baseUrl,
    WATTSTREAM_API_KEY: sim.demoKey,
    DOCTEST_WINDOW_MS: String(WINDOW_MS),
    DOCTEST_STOP_MARK: STOP_MARK,
    DOCTEST_DEVICE_ID: deviceId,
  };
  const toRun = checked.filter((p) => p.block.mode === "run");
  const results = new Map<Prepared, RunResult>();
  try {
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let p = toRun[next++]; p !== undefined; p = toRun[next++]) results.set(p, await runBlock(p, env, deviceId));
    };
    // Most of a block's time is its window's wait: more blocks than cores at a time.
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  } finally {
    await sim.close();
  }
  let failed = 0;
  for (const p of prepared) {
    const { block } = p;
    const r = results.get(p);
    if (r === undefined) {
      console.log(`  ${block.mode === "check" ? "checked" : "skipped"}  ${block.where}  (${block.reason ?? ""})`);
      continue;
    }
    if (!r.ok) failed++;
    console.log(`  ${r.ok ? "ran    " : "FAILED "}  ${block.where}  (${r.stopped ? "stopped after the window" : "ended"}, ${(r.ms / 1000).toFixed(1)} s)`);
    if (!r.ok) console.log(r.output.replace(/^/gm, "      | "));
  }
  const count = (mode: Block["mode"]): number => blocks.filter((b) => b.mode === mode).length;
  const stopped = [...results.values()].filter((r) => r.stopped).length;
  console.log(
    `\ndoctest: ${toRun.length} blocks run (${toRun.length - stopped} ended by themselves, ${stopped} stopped after ${WINDOW_MS} ms), ` +
      `${count("check")} type-checked only, ${count("skip")} not checked; ${failed} failed; ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return failed > 0 ? 1 : 0;
};

process.exitCode = await main();
