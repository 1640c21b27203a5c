import type { CheckpointStore } from "@wattstream/rx";
import type { StoreSink } from "@wattstream/store";
import { UsageError } from "../UsageError.js";
import { openStoreOrExplain } from "./openStoreOrExplain.js";

/**
 * `watch --store <url>`: a sink for the watch streams and the database's checkpoints (each save commits the events
 * received so far with it), so a restart of the same command resumes from the database.
 */
export const watchStore = async (
  url: string,
  checkpointDir: string | undefined,
): Promise<{ readonly options: { readonly store: StoreSink; readonly checkpoints: CheckpointStore }; readonly close: () => Promise<void> }> => {
  if (checkpointDir !== undefined) throw new UsageError("--checkpoint", "is not used with --store: the database keeps its own checkpoints");
  const store = await openStoreOrExplain(url, "--store");
  const sink = store.sink();
  return {
    options: { store: sink, checkpoints: sink.checkpoints },
    close: async () => {
      await sink.flush().catch(() => undefined);
      await store.close();
    },
  };
};
