// End-to-end: the built React example in real headless Chromium (Debian's package, driven by playwright-core, as
// the dashboard's test) against the simulator on a virtual clock. The page's clock is Playwright's fake clock set
// to the simulator's time and moved in step with it, so "time passes" is one call and nobody sleeps.
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startSimulator } from "@wattstream/simulator";
import type { Simulator } from "@wattstream/simulator";
import { chromium } from "playwright-core";
import type { BrowserContext, Page } from "playwright-core";
import { build, preview } from "vite";
import type { PreviewServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CHROMIUM = "/usr/bin/chromium";
const root = join(dirname(fileURLToPath(import.meta.url)), "..");

let sim: Simulator;
let server: PreviewServer;
let context: BrowserContext;
let page: Page;
let outDir: string;
let profile: string;
const pageErrors: Array<string> = [];
/** Paths of the page's short-energy requests, in order. */
const energyRequests: Array<string> = [];

/** Moves the simulator's clock and the page's clock forward together. */
const advance = async (seconds: number): Promise<void> => {
  sim.clock.advance(seconds);
  await page.clock.fastForward(seconds * 1000);
};

const shownTimestamp = async (): Promise<number> => Number(await page.getByTestId("balance").getAttribute("data-timestamp"));

describe("React example in Chromium", () => {
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's Chromium (apt-get install -y chromium)`);
    outDir = await mkdtemp(join(tmpdir(), "wattstream-react-build-"));
    profile = await mkdtemp(join(tmpdir(), "wattstream-react-profile-"));
    await build({ configFile: join(root, "vite.config.ts"), root, logLevel: "warn", build: { outDir, emptyOutDir: true } });
    server = await preview({
      configFile: join(root, "vite.config.ts"),
      root,
      logLevel: "warn",
      build: { outDir },
      preview: { host: "127.0.0.1", port: 0, strictPort: true, open: false },
    });
    const pageUrl = server.resolvedUrls?.local[0];
    if (pageUrl === undefined) throw new Error("vite preview reported no URL");
    // A virtual clock stands still between steps, so a per-second budget would never refill: TPS limiting off.
    sim = await startSimulator({ seed: 1, rateLimits: { tps: Infinity } });
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-component-update", "--disable-sync"],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("pageerror", (e) => pageErrors.push(e.message));
    page.on("request", (r) => {
      if (r.url().startsWith(`${sim.baseUrl}/short-energy/`)) energyRequests.push(new URL(r.url()).pathname);
    });
    await page.clock.install({ time: sim.clock.now() * 1000 });
    const fragment = new URLSearchParams({ baseUrl: sim.baseUrl, apiKey: sim.demoKey }).toString();
    await page.goto(`${pageUrl}#${fragment}`);
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    await sim?.close();
    await Promise.all([outDir, profile].filter((d) => d !== undefined).map((d) => rm(d, { recursive: true, force: true })));
  });

  it("renders the fleet from fleet$ through the useSyncExternalStore hook", async () => {
    await expect.poll(() => page.getByTestId("fleet").textContent()).toBe(`${sim.fleet.ids().length} devices`);
  });

  it("shows the first device's site balance, and the next interval when time passes", async () => {
    await expect.poll(() => page.getByTestId("balance").textContent()).toMatch(/Z · Grid (import|export) .+ · Solar .+ · Using /);
    const first = await shownTimestamp();
    await expect
      .poll(async () => {
        await advance(10);
        return shownTimestamp();
      })
      .toBeGreaterThan(first);
  });

  it("unsubscribes on unmount: hiding the component stops its polling, showing it starts again", async () => {
    await page.getByTestId("toggle").click();
    await expect.poll(() => page.getByTestId("balance").count()).toBe(0);
    const before = energyRequests.length;
    for (let i = 0; i < 12; i++) await advance(10); // two minutes: four intervals fall due
    expect(energyRequests.length).toBe(before);
    await page.getByTestId("toggle").click();
    await expect.poll(() => energyRequests.length).toBeGreaterThan(before);
    await expect.poll(() => page.getByTestId("balance").getAttribute("data-timestamp")).not.toBeNull();
  });

  it("raised no page errors", () => {
    expect(pageErrors).toEqual([]);
  });
});
