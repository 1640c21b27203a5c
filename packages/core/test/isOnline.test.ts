import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isOnline, lastHeard, OFFLINE_AFTER_SECONDS, parseDeviceId } from "../src/index.js";
import type { Device } from "../src/index.js";

describe("isOnline", () => {
  const T = 1_700_000_000;
  it.each([
    ["heard just now", { comms: { lastHeardAt: T } }, T, true],
    ["heard 600 s ago (the threshold)", { comms: { lastHeardAt: T - 600 } }, T, true],
    ["heard 600.5 s ago", { comms: { lastHeardAt: T - 600.5 } }, T, false],
    ["only latestStatus, recent", { latestStatus: T - 10 }, T, true],
    ["lastHeardAt wins over latestStatus", { comms: { lastHeardAt: T - 3600 }, latestStatus: T }, T, false],
    ["never heard from", {}, T, false],
    ["comms without lastHeardAt", { comms: {} }, T, false],
  ] as const)("%s", (_, device, now, online) => {
    expect(isOnline(device, now)).toBe(online);
  });

  it("takes a core Device and a custom threshold", () => {
    const device: Device = { id: parseDeviceId("D123456789012"), comms: { lastHeardAt: T - 100 } };
    expect(isOnline(device, T, 60)).toBe(false);
    expect(isOnline(device, T, 100)).toBe(true);
    expect(lastHeard(device)).toBe(T - 100);
    expect(OFFLINE_AFTER_SECONDS).toBe(600);
  });

  it("property: online exactly while now − lastHeard ≤ threshold", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2e9 }), fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: 0, max: 1e5 }), (heard, age, limit) => {
        expect(isOnline({ comms: { lastHeardAt: heard } }, heard + age, limit)).toBe(age <= limit);
      }),
    );
  });
});
