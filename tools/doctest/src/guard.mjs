// Preloaded into every block's process (`node --import`). The runner appends a call of `doctestEvaluated` to each
// block: once the block's top-level code (its awaits included) has run, a block still running when its window ends
// (a stream that polls for ever, a server) is stopped there, and passes if nothing failed until then. The timer is
// unref'd, so a block that finishes sooner ends its process on its own.
const windowMs = Number(process.env["DOCTEST_WINDOW_MS"] ?? 2000);
globalThis.doctestEvaluated = () => {
  setTimeout(() => {
    process.stdout.write(`\n${process.env["DOCTEST_STOP_MARK"] ?? "doctest: stopped"}\n`);
    process.exit(0);
  }, windowMs).unref();
};
