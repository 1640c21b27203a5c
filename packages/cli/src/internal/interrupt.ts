/**
 * Ctrl-C handling for long-running commands: SIGINT / SIGTERM abort a signal instead of killing the process,
 * so the command can abort requests in flight, flush its checkpoint and exit cleanly.
 */
export interface Interrupt {
  readonly signal: AbortSignal;
  /** Resolves on the first SIGINT / SIGTERM. */
  readonly interrupted: Promise<void>;
  /** Removes the handlers (a second Ctrl-C after this kills the process as usual). */
  readonly dispose: () => void;
}

export const onInterrupt = (): Interrupt => {
  const controller = new AbortController();
  let resolve: () => void = () => undefined;
  const interrupted = new Promise<void>((r) => {
    resolve = r;
  });
  const handler = (): void => {
    if (controller.signal.aborted) {
      // A second Ctrl-C while shutting down: give up waiting.
      process.exit(130);
    }
    controller.abort();
    resolve();
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    signal: controller.signal,
    interrupted,
    dispose: () => {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
};
