// The fleet supervisor's start gate: runners started together wait until they share the shards, so every device and
// the budget owner get their place once instead of starting on the first runner up and being handed off.
import { Clock, Duration, Effect, Option, Schedule } from "effect";
import { SqlClient } from "effect/sql/SqlClient";
import { runnerShards } from "./tables.js";

/** Figures older than this are of a runner that stopped (each writes its own every second). */
const FRESH_MS = 3000;

/**
 * Waits until `runners` runners hold all `shards` between them, each some (from the figures they wrote in the last
 * 3 s), or until `timeoutMs` has passed (logged). `true` when they do; `false` after the timeout. One runner: at once.
 */
export const awaitRunners = (runners: number, shards: number, timeoutMs: number): Effect.Effect<boolean, never, SqlClient> =>
  Effect.gen(function* () {
    if (runners <= 1) return true;
    const sql = yield* SqlClient;
    const settled = Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Effect.map(
        runnerShards(sql, now - FRESH_MS),
        (held) => held.length >= runners && held.every((n) => n > 0) && held.reduce((a, n) => a + n, 0) === shards,
      ),
    );
    const waited = yield* settled.pipe(
      // The runners' table may not exist yet (no runner has started), or PostgreSQL may be briefly away: ask again.
      Effect.catchCause(() => Effect.succeed(false)),
      Effect.repeat({ until: (done) => done, schedule: Schedule.spaced(Duration.millis(250)) }),
      Effect.timeoutOption(Duration.millis(timeoutMs)),
    );
    if (Option.isSome(waited)) return true;
    yield* Effect.logWarning(`fleet supervisor: ${runners} runners did not share the shards within ${timeoutMs} ms; starting anyway`);
    return false;
  });
