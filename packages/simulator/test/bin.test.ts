import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

describe("wattstream-simulator bin", () => {
  it("prints its base URL and demo key, serves on a real clock, and stops on SIGTERM", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--conditions=@wattstream/source", "src/bin.ts", "--port", "0", "--seed", "3", "--devices", "12"],
      { cwd: pkg, stdio: ["ignore", "pipe", "pipe"] },
    );
    try {
      const out = await new Promise<string>((resolve, reject) => {
        let text = "";
        child.stdout.on("data", (chunk: Buffer) => {
          text += chunk.toString();
          if (/Demo key/.test(text)) resolve(text);
        });
        child.once("exit", (code) => reject(new Error(`bin exited early with ${code}: ${text}`)));
      });
      const baseUrl = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      const key = /(key_[A-Za-z0-9]{32})/.exec(out)?.[1];
      expect(baseUrl).toBeDefined();
      expect(key).toBeDefined();
      const res = await fetch(`${baseUrl}/devices`, { headers: { Authorization: `Bearer ${key}` } });
      expect(res.status).toBe(200);
      expect((await res.json()) as string[]).toHaveLength(12);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    }
  });
});
