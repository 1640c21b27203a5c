// The README's example runs as written and prints what its comments say.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

describe("README", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("the example runs and prints what its comments say", async () => {
    const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(code).toBeDefined();
    const dir = new URL("../test-artifacts/", import.meta.url);
    mkdirSync(dir, { recursive: true });
    const file = new URL("readme-example.ts", dir);
    writeFileSync(file, code!);
    const printed: string[] = [];
    vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
      printed.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
    });
    await import(/* @vite-ignore */ fileURLToPath(file));
    expect(printed).toEqual([
      "true",
      "D123456789012_S1",
      JSON.stringify({ kind: "channel", deviceId: "D123456789012", number: 3, id: "D123456789012_C3" }),
      "leading-zero",
      "1",
      "5",
      "D123456789012_C1 Grid 1200 W 0.01 kWh",
      "D123456789012_C2 Solar -3000 W -0.025 kWh",
    ]);
  });
});
