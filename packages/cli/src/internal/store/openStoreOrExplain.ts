import { InvalidStoreUrlError, openStore } from "@wattstream/store";
import type { Store } from "@wattstream/store";
import { UsageError } from "../UsageError.js";

/**
 * Opens a store for a command: a malformed URL is a usage error naming the flag (exit 2); an unreachable
 * database or one with a newer schema fails with the store's own one-line message (exit 1), nothing written.
 */
export const openStoreOrExplain = async (url: string, flag: string): Promise<Store> => {
  try {
    return await openStore(url);
  } catch (error) {
    if (error instanceof InvalidStoreUrlError) throw new UsageError(`${flag} ${error.url}`, error.rule);
    throw error;
  }
};
