// End-to-end: the built dashboard in real headless Chromium (Debian's package, driven by playwright-core) against
// the simulator on a virtual clock. The page's clock is Playwright's fake clock set to the simulator's time and
// moved in step with it, so "time passes" is one call in the test and no one sleeps.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startSimulator } from "@wattstream/simulator";
import type { Simulator } from "@wattstream/simulator";
import { chromium } from "playwright-core";
import type { BrowserContext, Page, Request } from "playwright-core";
import { build, preview } from "vite";
import type { PreviewServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configFragment } from "../src/config.ts";

const CHROMIUM = "/usr/bin/chromium";
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const artifacts = join(root, "test-artifacts");

let sim: Simulator;
let server: PreviewServer;
let context: BrowserContext;
let page: Page;
let outDir: string;
let profile: string;
const pageErrors: Array<string> = [];
/** Failed API calls as the page saw them (method, path, status), to explain a failure. */
const apiTrouble: Array<string> = [];
const simRequests: Array<Request> = [];

/** Moves the simulator's clock and the page's clock forward together. */
const advance = async (seconds: number): Promise<void> => {
  sim.clock.advance(seconds);
  await page.clock.fastForward(seconds * 1000);
};

/**
 * Lets time pass in 5-second steps (both clocks) until `check` holds: for effects whose exact time depends on the
 * stream's own back-off and learned reporting lag. Bounded by the poll timeout.
 */
const advanceUntil = async (check: () => Promise<boolean>, step = 5): Promise<void> => {
  await expect.poll(async () => (await check()) || (await advance(step), false), { interval: 100 }).toBe(true);
};

const auth = (): { headers: Record<string, string> } => ({ headers: { Authorization: `Bearer ${sim.demoKey}` } });

interface SwitchRecord {
  readonly id: string;
  readonly state: string;
  readonly pending?: { readonly state?: string };
}
const switchesOf = async (id: string): Promise<ReadonlyArray<SwitchRecord>> => {
  const res = await fetch(`${sim.baseUrl}/devices/${id}`, auth());
  return ((await res.json()) as { switches: ReadonlyArray<SwitchRecord> }).switches;
};

/** The start of the latest short-energy interval the simulator serves for a device. */
const simLatest = async (id: string): Promise<number> =>
  ((await (await fetch(`${sim.baseUrl}/short-energy/${id}/latest?fields[energy]=timestamp`, auth())).json()) as { timestamp: number })
    .timestamp;

const chartPoints = async (): Promise<number> => Number(await page.getByTestId("chart").getAttribute("data-points"));
const lastTimestamp = async (): Promise<number> => Number(await page.getByTestId("chart").getAttribute("data-last-timestamp"));

it("finds Debian's Chromium at /usr/bin/chromium", () => {
  // Fail, never skip: a dashboard test that silently does not run proves nothing.
  expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's Chromium (apt-get install -y chromium); .ci/run installs it when absent`).toBe(true);
});

describe("dashboard in Chromium", () => {
  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: install Debian's Chromium (apt-get install -y chromium); .ci/run installs it when absent`);

    outDir = await mkdtemp(join(tmpdir(), "wattstream-dashboard-build-"));
    profile = await mkdtemp(join(tmpdir(), "wattstream-dashboard-profile-"));
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

    // The virtual clock stands still between steps, so a per-second budget would never refill: TPS limiting off
    // (the rate-limit test below uses the simulator's edge-throttling fault instead).
    sim = await startSimulator({ seed: 1, rateLimits: { tps: Infinity } });
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-quic",
        "--no-first-run",
        "--disable-component-update",
        "--disable-sync",
      ],
      viewport: { width: 1200, height: 800 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("pageerror", (e) => pageErrors.push(e.message));
    page.on("request", (r) => {
      if (r.url().startsWith(sim.baseUrl)) simRequests.push(r);
    });
    page.on("requestfailed", (r) => apiTrouble.push(`${r.method()} ${new URL(r.url()).pathname} failed: ${r.failure()?.errorText}`));
    page.on("response", (r) => {
      if (r.url().startsWith(sim.baseUrl) && r.status() >= 400) apiTrouble.push(`${r.request().method()} ${new URL(r.url()).pathname} ${r.status()}`);
    });
    await page.clock.install({ time: sim.clock.now() * 1000 });
    await page.goto(`${pageUrl}${configFragment({ baseUrl: sim.baseUrl, apiKey: sim.demoKey })}`);
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    await sim?.close();
    await Promise.all([outDir, profile].filter((d) => d !== undefined).map((d) => rm(d, { recursive: true, force: true })));
  });

  it("ships no Node built-ins in the bundle", async () => {
    const assets = join(outDir, "assets");
    const files = (await readdir(assets)).filter((f) => f.endsWith(".js"));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const code = await readFile(join(assets, f), "utf8");
      expect(code).not.toContain("__vite-browser-external");
      expect(code).not.toMatch(/["']node:(fs|path|os|child_process)/);
      // The demo key reaches the page through the URL fragment only, never through the bundle.
      expect(code).not.toContain(sim.demoKey);
    }
  });

  it("shows the fleet with online and offline devices", async () => {
    const ids: ReadonlyArray<string> = await (await fetch(`${sim.baseUrl}/devices`, auth())).json();
    const rows = page.locator("[data-testid=fleet] li");
    await expect.poll(() => rows.count()).toBe(ids.length);
    await expect.poll(() => page.locator("[data-testid=fleet] li[data-online=unknown]").count()).toBe(0);
    expect(await rows.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset["deviceId"]))).toEqual(ids);
    // The ninth device of the fixed mix has never reported: offline, not "zero watts". The rest report.
    const offline = await page.locator("[data-testid=fleet] li[data-online=offline]").evaluateAll((els) =>
      els.map((e) => (e as HTMLElement).dataset["deviceId"]),
    );
    expect(offline).toEqual([ids[8]]);
    await expect.poll(() => page.locator("[data-testid=fleet] li[data-online=online]").count()).toBe(ids.length - 1);
    await expect
      .poll(async () => `${await page.getByTestId("status").getAttribute("data-health")} ${apiTrouble.join("; ")}`)
      .toBe("live ");
  });

  it("draws live power per channel, labelled from the device record, and gains points as time passes", async () => {
    const selected = await page.locator("#app").getAttribute("data-selected");
    expect(selected).toMatch(/^D|^E|^F|^B/);
    const device = (await (await fetch(`${sim.baseUrl}/devices/${selected}`, auth())).json()) as {
      channels: ReadonlyArray<{ id: string; label: string }>;
    };
    await expect.poll(() => page.locator("[data-testid=legend] li").allTextContents()).toEqual(device.channels.map((c) => c.label));
    // 30 minutes of history at 30 s intervals, then every interval the simulator publishes.
    await expect.poll(chartPoints).toBeGreaterThanOrEqual(58);
    // The site's balance from the channel categories, not a sum of every channel.
    await expect.poll(() => page.getByTestId("balance").textContent()).toMatch(/^Latest interval: Grid (import|export) -?\d/);
    await expect.poll(lastTimestamp).toBe(await simLatest(selected!));
    const before = await chartPoints();
    const lastBefore = await lastTimestamp();
    const legendRenders = await page.getByTestId("legend").getAttribute("data-renders");
    const renders = (): Promise<Array<string | undefined>> =>
      page.locator("[data-testid=fleet] li, [data-testid=switches] li").evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset["renders"]));
    const rendersBefore = await renders();
    const devicePolls = (): number => simRequests.filter((r) => /\/devices\/[A-Z0-9]{13}$/.test(new URL(r.url()).pathname)).length;
    const pollsBefore = devicePolls();
    expect(await page.locator("[data-testid=chart] polyline").count()).toBeGreaterThanOrEqual(device.channels.length);

    await advance(300);
    // Five minutes later: ten more 30-second intervals, each drawn once.
    expect(await simLatest(selected!)).toBe(lastBefore + 300);
    await expect.poll(lastTimestamp).toBe(lastBefore + 300);
    expect(await chartPoints()).toBe(before + 10);
    // Structural sharing: every device was read again, but only `comms.lastHeardAt` moved, so no fleet row, no
    // switch row and not the legend was redrawn.
    await expect.poll(devicePolls).toBeGreaterThanOrEqual(pollsBefore + 9);
    expect(await renders()).toEqual(rendersBefore);
    expect(await page.getByTestId("legend").getAttribute("data-renders")).toBe(legendRenders);
  });

  it("toggles a switch only after confirmation, shows pending, then the converged state", async () => {
    const deviceId = (await page.locator("#app").getAttribute("data-selected"))!;
    const [first] = await switchesOf(deviceId);
    expect(first).toBeDefined();
    const target = first!.state === "open" ? "closed" : "open";
    const row = page.locator(`[data-testid=switches] li[data-switch-id="${first!.id}"]`);
    await expect.poll(() => row.getAttribute("data-live")).toBe(first!.state);

    await row.locator("button[data-action=toggle]").click();
    // Asking is not writing: nothing was sent yet.
    await expect.poll(() => row.locator(".confirm").count()).toBe(1);
    expect((await switchesOf(deviceId))[0]!.pending).toBeUndefined();

    const patched = page.waitForResponse((r) => r.request().method() === "PATCH" && r.url().includes(deviceId));
    await row.locator("button[data-action=confirm]").click();
    expect((await patched).status()).toBe(200);
    await expect.poll(() => row.getAttribute("data-state")).toBe("pending");
    expect(await row.getAttribute("data-pending")).toBe(target);
    await mkdir(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, "switch-pending.png") });
    // The service accepted the write; the device has not picked it up yet.
    const accepted = (await switchesOf(deviceId))[0]!;
    expect(accepted.state).toBe(first!.state);
    expect(accepted.pending?.state).toBe(target);

    // The device checks in every 30 s: a minute later the write is live, and the page says so.
    await advance(60);
    await expect.poll(() => row.getAttribute("data-state")).toBe(target);
    expect(await row.getAttribute("data-live")).toBe(target);
    expect(await row.getAttribute("data-pending")).toBeNull();
    const live = (await switchesOf(deviceId))[0]!;
    expect(live.state).toBe(target);
    expect(live.pending).toBeUndefined();
  });

  it("stops polling while the tab is hidden and catches up without losing an interval", async () => {
    const deviceId = (await page.locator("#app").getAttribute("data-selected"))!;
    await expect.poll(lastTimestamp).toBe(await simLatest(deviceId));
    const before = await lastTimestamp();
    const pointsBefore = await chartPoints();
    await page.evaluate(() => {
      Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
      document.dispatchEvent(new Event("visibilitychange"));
    });
    await expect.poll(() => page.getByTestId("status").getAttribute("data-health")).toBe("paused");
    const sent = simRequests.length;
    await advance(600);
    await advance(600);
    // Nothing polled while hidden, however much time passed.
    expect(simRequests.length).toBe(sent);
    expect(await lastTimestamp()).toBe(before);

    await page.evaluate(() => {
      Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "visible" });
      document.dispatchEvent(new Event("visibilitychange"));
    });
    // 20 minutes = 40 intervals, all of them, in order, no hole.
    expect(await simLatest(deviceId)).toBe(before + 1200);
    await expect.poll(lastTimestamp).toBe(before + 1200);
    expect(await chartPoints()).toBe(Math.min(pointsBefore + 40, 120 + 60));
    const xs = await page.locator("[data-testid=chart] polyline").first().getAttribute("points");
    expect(xs?.split(" ").length).toBe(await chartPoints());
    await expect.poll(() => page.getByTestId("status").getAttribute("data-health")).toBe("live");
  });

  it("reports retrying and rate limiting in the status line, then recovers", async () => {
    const deviceId = (await page.locator("#app").getAttribute("data-selected"))!;
    const health = (): Promise<string | null> => page.getByTestId("status").getAttribute("data-health");
    const before = await lastTimestamp();

    // Two failed reads of the selected device's energy: the stream keeps going and says it is retrying.
    sim.faults.add({ kind: "error500", operation: ["getShortEnergyData", "getLatestShortEnergyData"], device: deviceId, times: 2 });
    await advanceUntil(async () => (await health()) === "retrying");
    expect(await page.getByTestId("status").textContent()).toMatch(/^retrying until \d\d:\d\d:\d\d UTC \(1 stream\)$/);
    // Time passes (the back-off is on the page's clock): the retries run out of faults and the stream recovers.
    await advanceUntil(async () => (await health()) === "live");
    const resumed = sim.clock.now();

    // Edge throttling (a 429 without rate-limit headers) is rate limiting, not a failure of the key.
    sim.faults.add({ kind: "edgeThrottle", operation: ["getShortEnergyData", "getLatestShortEnergyData"], device: deviceId, times: 1 });
    await advanceUntil(async () => (await health()) === "rateLimited");
    expect(await page.getByTestId("status").textContent()).toMatch(/^rate limited/);
    await advanceUntil(async () => (await health()) === "live");
    // Nothing was lost on the way: the chart keeps up with the simulator's latest interval, without holes.
    await advanceUntil(async () => (await lastTimestamp()) === (await simLatest(deviceId)));
    expect(await lastTimestamp()).toBeGreaterThan(before);
    expect(sim.clock.now()).toBeGreaterThan(resumed);
    const runs = await page.locator("[data-testid=chart] polyline").evaluateAll((els) => new Set(els.map((e) => e.getAttribute("data-channel"))).size);
    expect(await page.locator("[data-testid=chart] polyline").count()).toBe(runs);
  });

  it("marks a device offline when it stops reporting and online again when it is back", async () => {
    const id = sim.fleet.ids()[0]!;
    const row = page.locator(`[data-testid=fleet] li[data-device-id="${id}"]`);
    expect(await row.getAttribute("data-online")).toBe("online");
    const renders = Number(await row.getAttribute("data-renders"));
    sim.fleet.takeOffline(id);
    // Offline = no word from the device for 600 s, seen at the next read of its record.
    await advanceUntil(async () => (await row.getAttribute("data-online")) === "offline", 60);
    expect(await row.locator(".meta").textContent()).toMatch(/^offline/);
    sim.fleet.bringOnline(id);
    await advanceUntil(async () => (await row.getAttribute("data-online")) === "online", 60);
    // A real change is redrawn (the counterpart of the structural-sharing check above).
    expect(Number(await row.getAttribute("data-renders"))).toBe(renders + 2);
  });

  it("drops a device from the list when the key loses it", async () => {
    const ids = sim.fleet.ids();
    const gone = ids[1]!;
    sim.fleet.removeFromKey(sim.demoKey, gone);
    await advanceUntil(async () => (await page.locator("[data-testid=fleet] li").count()) === ids.length - 1, 60);
    expect(await page.locator(`[data-testid=fleet] li[data-device-id="${gone}"]`).count()).toBe(0);
  });

  it("saves a screenshot and raised no page errors", async () => {
    await mkdir(artifacts, { recursive: true });
    const file = join(artifacts, "dashboard.png");
    await page.screenshot({ path: file, fullPage: true });
    expect((await readFile(file)).subarray(1, 4).toString()).toBe("PNG");
    expect(pageErrors).toEqual([]);
  });
});
