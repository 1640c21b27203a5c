// The client as an Effect service: provided by its layer against the simulator over real HTTP, or swapped for a
// stub with Layer.succeed, without the program changing.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest";
import { Effect, Exit, Layer } from "effect";
import { startSimulator } from "@wattstream/simulator";
import type { Simulator } from "@wattstream/simulator";
import { NotFound } from "@wattstream/resilience";
import type { DeviceId } from "@wattstream/core";
import { WattwatchersClient } from "../src/index.js";

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ seed: 3, devices: 2, rateLimits: { tps: Infinity } });
});
afterAll(() => sim.close());

/** The program under test: it only knows the service, never how the client was made. */
const firstDeviceLabel = Effect.gen(function* () {
  const client = yield* WattwatchersClient;
  const [first] = yield* client.listDevices({ retry: false });
  if (first === undefined) return "no devices";
  const device = yield* client.getDevice(first, { retry: false });
  return `${device.id}: ${device.label ?? "unlabelled"}`;
});

describe("WattwatchersClient service", () => {
  it.effect("WattwatchersClient.layer provides a real client (the simulator, over HTTP)", () =>
    Effect.gen(function* () {
      const text = yield* firstDeviceLabel.pipe(
        Effect.provide(WattwatchersClient.layer({ apiKey: sim.demoKey, baseUrl: sim.baseUrl })),
      );
      const first = sim.fleet.ids()[0]!;
      expect(text.startsWith(`${first}: `)).toBe(true);
    }),
  );

  it.effect("the layer fails with InvalidRequest for a bad configuration instead of throwing", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(
        firstDeviceLabel.pipe(Effect.provide(WattwatchersClient.layer({ apiKey: sim.demoKey, baseUrl: "http://api.example.com" }))),
      );
      expect(Exit.isFailure(exit)).toBe(true);
      if (Exit.isFailure(exit)) {
        // The key would cross a network in clear text: refused as a typed error, naming the input and the rule.
        expect(String(exit.cause)).toContain("InvalidRequest");
        expect(String(exit.cause)).toContain("baseUrl breaks base-url");
        expect(String(exit.cause)).not.toContain(sim.demoKey);
      }
    }),
  );

  it.effect("Layer.succeed swaps in a stub: the same program, no network", () =>
    Effect.gen(function* () {
      const id = "D123456789012" as DeviceId;
      const stub = {
        listDevices: () => Effect.succeed([id]),
        getDevice: (deviceId: DeviceId | string) => Effect.succeed({ id: deviceId as DeviceId, label: "Stub" }),
      } as Partial<WattwatchersClient>;
      // Only the two methods the program calls exist; the cast is the test's, never the library's.
      const layer = Layer.succeed(WattwatchersClient, stub as WattwatchersClient);
      expect(yield* firstDeviceLabel.pipe(Effect.provide(layer))).toBe("D123456789012: Stub");

      const missing = Layer.succeed(WattwatchersClient, {
        ...stub,
        getDevice: (deviceId: DeviceId | string) =>
          Effect.fail(new NotFound({ operation: "getDevice", method: "GET", path: `/devices/${deviceId}`, status: 404 })),
      } as WattwatchersClient);
      const exit = yield* Effect.exit(firstDeviceLabel.pipe(Effect.provide(missing)));
      expect(Exit.isFailure(exit) && String(exit.cause)).toContain("NotFound");
    }),
  );
});
