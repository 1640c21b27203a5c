import { OPERATION_IDS as CORE_OPERATION_IDS } from "@wattstream/core";
import type { OperationId as CoreOperationId } from "@wattstream/core";
import { describe, expect, expectTypeOf, it } from "vitest";
import { OPERATION_IDS } from "../src/index.js";
import type { OperationId } from "../src/index.js";

describe("OPERATION_IDS", () => {
  it("is core's list, re-exported (one home for the contract's operation IDs)", () => {
    expect(OPERATION_IDS).toBe(CORE_OPERATION_IDS);
    expect(OPERATION_IDS).toHaveLength(14);
    expectTypeOf<OperationId>().toEqualTypeOf<CoreOperationId>();
  });
});
