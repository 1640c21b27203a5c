// Client-side CPU of decoding one long-energy response (the back-fill path's unit of work): 1,727 five-minute
// intervals × 6 channels, as the simulator serves them, fetched once. `JSON.parse` alone is the baseline; the
// decoder (energyDecoder long/raw/list, the schema's fast guard on the common valid payload) comes on top of it.
// Figures are µs per 1,000 intervals, the fastest of many rounds (interference only ever adds time).
import { startSimulator } from "@wattstream/simulator";
import { defineBench, perOpMicros } from "../../../tools/bench/defineBench.ts";
import { energyDecoder } from "../src/internal/decoders.ts";

interface Ctx {
  readonly text: string;
  readonly parsed: unknown;
  readonly intervals: number;
}

const decode = energyDecoder("long", "raw", undefined, "list");

const decodeOrThrow = (json: unknown): unknown => {
  const result = decode(json);
  if (!("value" in result)) throw new Error(`decode failed at ${result.payloadPath}: ${result.expected}`);
  return result.value;
};

export default defineBench<Ctx>({
  name: "transport: decode one long-energy response (1,727 intervals × 6 channels) vs JSON.parse alone",
  baseline: "JSON.parse",
  time: 1000,
  setup: async () => {
    const sim = await startSimulator({ seed: 1, rateLimits: { tps: Infinity, tpd: Infinity }, historyDays: 10 });
    try {
      const now = sim.clock.now();
      const id = sim.fleet.ids()[0]!;
      const response = await fetch(`${sim.baseUrl}/long-energy/${id}?fromTs=${now - 6 * 86400}&toTs=${now}`, {
        headers: { authorization: `Bearer ${sim.demoKey}` },
      });
      const text = await response.text();
      const parsed: unknown = JSON.parse(text);
      if (!Array.isArray(parsed)) throw new Error(`expected an array of points, got ${text.slice(0, 200)}`);
      return { text, parsed, intervals: parsed.length };
    } finally {
      await sim.close();
    }
  },
  tasks: {
    "JSON.parse": (ctx) => JSON.parse(ctx.text),
    "JSON.parse + decode": (ctx) => decodeOrThrow(JSON.parse(ctx.text)),
  },
  metrics: async (ctx) => {
    const per1000 = 1000 / ctx.intervals;
    const parse = await perOpMicros(async () => JSON.parse(ctx.text), 1, 30);
    // Each round on a fresh parse (as a client sees it: objects not yet in cache), then on one parse reused.
    const parseAndDecode = await perOpMicros(async () => decodeOrThrow(JSON.parse(ctx.text)), 1, 30);
    const decodeOnly = await perOpMicros(async () => decodeOrThrow(ctx.parsed), 1, 30);
    const round = (x: number) => Math.round(x * per1000);
    return [
      { metric: "JSON.parse, per 1,000 intervals", value: round(parse), unit: "µs" },
      { metric: "JSON.parse + decode, per 1,000 intervals", value: round(parseAndDecode), unit: "µs" },
      { metric: "decode (of one parse, reused), per 1,000 intervals", value: round(decodeOnly), unit: "µs" },
      { metric: "intervals per response", value: ctx.intervals, unit: "intervals", better: "none" },
    ];
  },
});
