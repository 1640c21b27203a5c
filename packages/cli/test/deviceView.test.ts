import { describe, expect, it } from "vitest";
import type { Device } from "@wattstream/core";
import { switchSummary } from "../src/internal/deviceView.js";

/** A hand-written record as the decoded `Device` the client returns. */
const asDevice = (json: object): Device => json as Device;

// The contract's DeviceDetails example puts a requested state under the switch's own `pending`.
const contractExample = {
  id: "D123456789012",
  switches: [
    { id: "D123456789012_S1", state: "open", label: "Switch one", pending: { state: "closed" } },
    { id: "D123456789012_S2", state: "open", label: "Switch two" },
  ],
};

describe("switchSummary", () => {
  it("shows a pending change held under the switch's own pending (the contract's shape)", () => {
    expect(switchSummary(asDevice(contractExample))).toBe("S1 open→closed, S2 open");
  });

  it("shows a pending change listed under the device's pending.switches too", () => {
    const d = { id: "D123456789012", switches: [{ id: "D123456789012_S1", state: "closed" }], pending: { switches: [{ id: "D123456789012_S1", state: "open" }] } };
    expect(switchSummary(asDevice(d))).toBe("S1 closed→open");
  });

  it("shows no arrow once the device reports the requested state, and '-' without switches", () => {
    expect(switchSummary(asDevice({ id: "D123456789012", switches: [{ id: "D123456789012_S1", state: "closed", pending: { state: "closed" } }] }))).toBe("S1 closed");
    expect(switchSummary(asDevice({ id: "D123456789012" }))).toBe("-");
  });
});
