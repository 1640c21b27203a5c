import { describe, expect, it } from "vitest";
import { switchSummary } from "../src/internal/deviceView.js";

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
    expect(switchSummary(contractExample)).toBe("S1 open→closed, S2 open");
  });

  it("shows a pending change listed under the device's pending.switches too", () => {
    const d = { id: "D123456789012", switches: [{ id: "D123456789012_S1", state: "closed" }], pending: { switches: [{ id: "D123456789012_S1", state: "open" }] } };
    expect(switchSummary(d)).toBe("S1 closed→open");
  });

  it("shows no arrow once the device reports the requested state, and '-' without switches", () => {
    expect(switchSummary({ id: "D123456789012", switches: [{ id: "D123456789012_S1", state: "closed", pending: { state: "closed" } }] })).toBe("S1 closed");
    expect(switchSummary({ id: "D123456789012" })).toBe("-");
  });
});
