import { isWattwatchersError } from "@wattstream/resilience";
import type { WattwatchersError } from "@wattstream/resilience";

/** The typed error a Promise-facade call rejected with; fails the test if it resolved or threw something else. */
export const failure = async (p: Promise<unknown>): Promise<WattwatchersError> => {
  try {
    await p;
  } catch (e) {
    if (!isWattwatchersError(e)) throw e;
    return e;
  }
  throw new Error("expected a failure");
};
