/**
 * Drives rx streams against the simulator on its virtual clock: an rxjs VirtualTimeScheduler whose `now()` is
 * the simulator's clock, advanced one due timer at a time, waiting for real HTTP in between. The fetch given to
 * the client is the real one, wrapped only to count requests and know when none is in flight.
 */
import { VirtualTimeScheduler } from "rxjs";
import { makeClient } from "@wattstream/transport";
import type { ClientOptions, WattwatchersClient } from "@wattstream/transport";
import { startSimulator } from "@wattstream/simulator";
import type { Simulator, SimulatorOptions } from "@wattstream/simulator";

export interface RequestRecord {
  readonly at: number;
  readonly path: string;
  readonly status: number;
}

export interface Harness {
  readonly sim: Simulator;
  readonly client: WattwatchersClient;
  readonly scheduler: VirtualTimeScheduler;
  readonly requests: Array<RequestRecord>;
  /** Seconds on the shared (simulator and scheduler) clock. */
  now(): number;
  /** Runs timers and HTTP until the clock reaches `untilS` (Unix seconds). */
  runUntil(untilS: number): Promise<void>;
  /** Counts `work` as in flight (like an HTTP request) until it settles, so virtual time waits for it. */
  track<T>(work: Promise<T>): Promise<T>;
  /** Lets pending promises and in-flight requests settle without moving the clock. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export const startHarness = async (
  options: SimulatorOptions = {},
  clientOptions: Partial<ClientOptions> = {},
): Promise<Harness> => {
  const sim = await startSimulator({ clock: "virtual", ...options });
  const scheduler = new VirtualTimeScheduler();
  scheduler.frame = sim.clock.now() * 1000;
  const requests: Array<RequestRecord> = [];
  let inflight = 0;
  const counting: NonNullable<ClientOptions["fetch"]> = async (input, init) => {
    inflight++;
    const at = sim.clock.now();
    try {
      const response = await fetch(input, init);
      const url = new URL(input instanceof Request ? input.url : input.toString());
      requests.push({ at, path: url.pathname, status: response.status });
      return response;
    } finally {
      inflight--;
    }
  };
  const client = makeClient({
    apiKey: sim.demoKey,
    baseUrl: sim.baseUrl,
    fetch: counting,
    retry: { baseDelay: 1 },
    ...clientOptions,
  });
  const settle = async (): Promise<void> => {
    // Quiet for a few turns of the event loop with nothing in flight: every fiber has had its turn.
    for (let quiet = 0; quiet < 3; ) {
      await tick();
      quiet = inflight === 0 ? quiet + 1 : 0;
    }
  };
  const runUntil = async (untilS: number): Promise<void> => {
    const until = untilS * 1000;
    for (;;) {
      await settle();
      const next = (scheduler.actions[0] as { delay?: number } | undefined)?.delay;
      const target = next === undefined ? until : Math.min(next, until);
      if (target > scheduler.frame) {
        sim.clock.advance((target - scheduler.frame) / 1000);
        scheduler.frame = target;
      }
      if (next === undefined || next > until) return;
      scheduler.maxFrames = target;
      scheduler.flush();
    }
  };
  const track = <T>(work: Promise<T>): Promise<T> => {
    inflight++;
    return work.finally(() => {
      inflight--;
    });
  };
  return {
    track,
    sim,
    client,
    scheduler,
    requests,
    now: () => scheduler.frame / 1000,
    runUntil,
    settle,
    close: () => sim.close(),
  };
};
