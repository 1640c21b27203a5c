// `npm run cli -- <args>`: the `wattstream` CLI from source (TypeScript through tsx, with the
// `@wattstream/source` export condition), whatever is or is not in any dist/: on a fresh clone it needs no build,
// and after edits it never runs stale output. `npx wattstream` runs the same launcher, but prefers a build.
process.env["WATTSTREAM_FROM_SOURCE"] = "1";
await import("../packages/cli/bin/wattstream.js");
