import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { BIN, baseEnv } from "./helpers.js";

/** Runs `switch` under a pseudo-terminal (util-linux `script`) and types `answer` at the prompt. */
const switchOnTty = (answer: string): Promise<{ code: number | null; screen: string }> =>
  new Promise((resolve) => {
    const args = ["switch", "D019081155264_S1", "closed", "--simulate", "--speed", "20", "--every", "1s", "--timeout", "10m"];
    const command = `exec ${[process.execPath, BIN, ...args].map((a) => JSON.stringify(a)).join(" ")}`;
    const child = spawn("script", ["-qfec", command, "/dev/null"], { env: baseEnv(), stdio: ["pipe", "pipe", "pipe"] });
    let screen = "";
    let typed = false;
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      screen += d;
      if (!typed && screen.includes("[y/N]")) {
        typed = true;
        child.stdin.write(answer);
      }
    });
    child.on("close", (code) => resolve({ code, screen }));
  });

describe("wattstream switch on a terminal", () => {
  it("asks first, and goes ahead on yes", async () => {
    const { code, screen } = await switchOnTty("y\r");
    expect(screen).toContain('Switch  S1 "Switch 1": open (Off)');
    expect(screen).toContain("Change  → closed (On)");
    expect(screen).toContain("This drives a real circuit. [y/N]");
    expect(screen).toContain("is closed: the device reports the new state");
    expect(code).toBe(0);
  });

  it("sends nothing on no", async () => {
    const { code, screen } = await switchOnTty("n\r");
    expect(screen).toContain("not confirmed: nothing was sent");
    expect(screen).not.toContain("accepted by the service");
    expect(code).toBe(1);
  });

  // The screen as a person reads it: no escape sequences, no carriage returns.
  // eslint-disable-next-line no-control-regex
  const plain = (screen: string): string => screen.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "").replace(/\r/g, "");

  it("Ctrl-C at the prompt sends nothing, says so on its own line and exits 130", async () => {
    const { code, screen } = await switchOnTty("\u0003");
    expect(plain(screen)).toMatch(/\[y\/N\] *\n(wattstream: )?interrupted at the prompt: nothing was sent/);
    expect(screen).not.toContain("accepted by the service");
    expect(code).toBe(130);
  });

  it("end of input at the prompt is a no, said on its own line", async () => {
    const { code, screen } = await switchOnTty("\u0004");
    expect(plain(screen)).toMatch(/\[y\/N\] *\n(wattstream: )?not confirmed: nothing was sent/);
    expect(code).toBe(1);
  });
});
