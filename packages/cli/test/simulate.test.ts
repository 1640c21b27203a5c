import { describe, expect, it } from "vitest";
import { ndjson, start } from "./helpers.js";

describe("wattstream simulate", () => {
  it("serves the API in the foreground, prints its base URL and a key, and stops on Ctrl-C", async () => {
    const run = start(["simulate", "--json", "--devices", "5", "--seed", "2", "--faults", "none"]);
    await run.waitFor(({ stdout }) => stdout.includes("\n"), "the listening line");
    const [listening] = ndjson(run.stdout());
    expect(listening).toEqual(expect.objectContaining({ type: "listening", devices: 5, baseUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) }));
    const res = await fetch(`${listening!["baseUrl"] as string}/devices`, { headers: { authorization: `Bearer ${listening!["apiKey"] as string}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toHaveLength(5);
    run.child.kill("SIGINT");
    expect((await run.done).code).toBe(0);
    await expect(fetch(`${listening!["baseUrl"] as string}/devices`)).rejects.toThrow();
  });

  it("prints a human summary with the key to use", async () => {
    const run = start(["simulate"]);
    await run.waitFor(({ stdout }) => stdout.includes("Try:"), "the summary");
    expect(run.stdout()).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(run.stdout()).toMatch(/API key .*: key_[A-Za-z0-9]{32}/);
    run.child.kill("SIGTERM");
    expect((await run.done).code).toBe(0);
  });

  it("rejects a bad port with the rule", async () => {
    const run = start(["simulate", "--port", "70000"]);
    const r = await run.done;
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("65535");
  });
});
