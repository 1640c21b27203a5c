// The vendor's OpenAPI contract, as the repository keeps it (contract/wattwatchers-v3.openapi.json), so a fresh
// clone tests without anything beside it. Tests load it through here: a missing or unreadable copy fails with one
// line that names the file, not a stack from deep inside a test.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The repository's copy of the contract. */
export const contractPath = path.join(repoRoot, "contract", "wattwatchers-v3.openapi.json");

/** The steering copy beside the clone (../shared), when there is one: the repository's copy must equal it. */
export const sharedContractPath = path.resolve(repoRoot, "../shared/contract/wattwatchers-v3.openapi.json");

/** The contract's text; throws one clear line when the file is missing. */
export const readContractText = (file: string = contractPath): string => {
  if (!existsSync(file)) {
    const error = new Error(`the vendor contract is missing: ${path.relative(process.cwd(), file)} (restore it from git)`);
    error.stack = error.message;
    throw error;
  }
  return readFileSync(file, "utf8");
};

/** The parsed contract. */
export const loadContract = <A = unknown>(file: string = contractPath): A => JSON.parse(readContractText(file)) as A;

/** Whether ../shared holds a copy to compare with. */
export const hasSharedContract = (): boolean => existsSync(sharedContractPath);
