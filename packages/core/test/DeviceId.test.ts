import { describe, expect, it } from "vitest";
import { parseDeviceId } from "../src/index.js";

describe("parseDeviceId", () => {
  it("accepts a valid ID", () => {
    expect(parseDeviceId("D123456789012")).toBe("D123456789012");
  });
});
