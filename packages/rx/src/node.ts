/**
 * Node-only parts of `@wattstream/rx` (they use `node:fs`), kept out of the main entry so browser bundles of
 * the streams never pull in the file system.
 *
 * @module
 */
import { mkdir, open, readFile, rename } from "node:fs/promises";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { checkpointKey, parseCheckpoint } from "./CheckpointStore.js";
import type { CheckpointKey, CheckpointStore } from "./CheckpointStore.js";

/** A {@link CheckpointStore} backed by one JSON file per device and stream. @category models */
export interface FileCheckpointStore extends CheckpointStore {
  readonly directory: string;
  /** Resolves once every save started so far is on disk. */
  flush(): Promise<void>;
}

/**
 * Creates a file-backed {@link CheckpointStore}: each save writes a temporary file, flushes it to disk and
 * renames it over the previous one, so a crash leaves either the old or the new checkpoint, never a torn one
 * (a leftover `*.tmp` file from a crash mid-save is ignored). Saves for one key are serialized. A file that is
 * empty, truncated, not JSON or of the wrong shape loads as a rejection with `CheckpointCorrupt` naming the file.
 *
 * @example
 * ```ts
 * import { parseDeviceId } from "@wattstream/core";
 * import { fileCheckpointStore } from "@wattstream/rx/node";
 * import { shortEnergy$ } from "@wattstream/rx";
 * const checkpoints = fileCheckpointStore(".wattstream/checkpoints");
 * shortEnergy$(client, parseDeviceId("D123456789012"), { checkpoints }).subscribe(console.log);
 * ```
 * @category constructors
 */
export const fileCheckpointStore = (directory: string): FileCheckpointStore => {
  const chains = new Map<string, Promise<void>>();
  let made: Promise<unknown> | undefined;
  const ensureDir = (): Promise<unknown> => (made ??= mkdir(directory, { recursive: true }));
  const fileOf = (key: CheckpointKey): string => join(directory, `${checkpointKey(key)}.json`);
  return {
    directory,
    load: async (key) => {
      await chains.get(checkpointKey(key));
      let text: string;
      try {
        text = await readFile(fileOf(key), "utf8");
      } catch (error) {
        if ((error as { code?: unknown }).code === "ENOENT") return undefined;
        throw error;
      }
      return parseCheckpoint(text, fileOf(key));
    },
    save: (key, checkpoint) => {
      const name = checkpointKey(key);
      const file = fileOf(key);
      const body = JSON.stringify(checkpoint);
      const previous = chains.get(name) ?? Promise.resolve();
      const next = previous
        .catch(() => undefined)
        .then(async () => {
          await ensureDir();
          // A random name: unique across stores and processes writing the same directory (no module-level counter).
          const tmp = `${file}.${randomUUID()}.tmp`;
          const handle = await open(tmp, "w");
          try {
            await handle.writeFile(body);
            // On disk before the rename: after a power loss the rename must not point at unwritten data.
            await handle.sync();
          } finally {
            await handle.close();
          }
          await rename(tmp, file);
        });
      chains.set(name, next);
      void next.finally(() => {
        if (chains.get(name) === next) chains.delete(name);
      }).catch(() => undefined);
      return next;
    },
    flush: async () => {
      await Promise.allSettled([...chains.values()]);
    },
  };
};

export type { CheckpointKey, CheckpointStore, EnergyCheckpoint } from "./CheckpointStore.js";
