// `npm start`: the main job — `wattstream watch --simulate` against the embedded simulator's demo fleet, with
// the simulated clock 10× real time so new 30-second intervals arrive every few seconds.
//
// It runs the CLI from source (tools/cli.mjs: tsx, with the `@wattstream/source` export condition) rather than
// building first: on a fresh clone `npm install && npm start` shows live events within seconds, where a first
// build of six packages with tsc would take far longer. Extra arguments pass through:
// `npm start -- --faults flaky --channels`.
process.argv.splice(2, 0, "watch", "--simulate", "--speed", "10");
await import("./cli.mjs");
