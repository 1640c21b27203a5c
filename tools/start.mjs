// `npm start`: the main job. Until the CLI lands this explains how to run the pieces.
console.log("wattstream: the CLI is not built yet. Run `npm test` for every check, `npm run bench` for benchmarks.");
