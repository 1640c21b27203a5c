// Type-level checks, run by the typecheck target (`tsc -p tsconfig.json` includes test/; vitest does not collect
// *.test-d.ts, so there are no runtime no-op assertions here): the decoders
// accept everything core's domain types describe, and the decoded type follows the options. (@wattstream/rx takes
// this client's type itself, so there is no port to check against here.)
import { Effect } from "effect";
import type { Layer } from "effect";
import type { InvalidRequest } from "@wattstream/resilience";
import { WattwatchersClient as WattwatchersClientTag } from "../src/index.js";
import { describe, expectTypeOf, it } from "vitest";
import type {
  ChannelCategory,
  Device,
  DeviceId,
  DeviceModel,
  LongEnergyPoint,
  LongEnergyPointKw,
  ModbusPoint,
  ShortEnergyPoint,
  ShortEnergyPointKwh,
  TimestampPoint,
} from "@wattstream/core";
import type { ChannelCategoriesSchema, DeviceIdsSchema, DeviceModelsSchema, DeviceSchema, TimestampPointSchema } from "../src/internal/schemas.js";
import type {
  LongPointKwSchema,
  LongPointSchema,
  ModbusPointSchema,
  ShortPointKwhSchema,
  ShortPointSchema,
} from "../src/internal/energySchemas.js";
import type { NoData, WattwatchersClient } from "../src/index.js";

describe("types", () => {
  it("core's domain types fit the decoders' schemas", () => {
    expectTypeOf<Device>().toExtend<typeof DeviceSchema.Type>();
    expectTypeOf<ChannelCategory>().toExtend<(typeof ChannelCategoriesSchema.Type)[number]>();
    expectTypeOf<DeviceModel>().toExtend<(typeof DeviceModelsSchema.Type)[number]>();
    expectTypeOf<TimestampPoint>().toExtend<typeof TimestampPointSchema.Type>();
    expectTypeOf<ShortEnergyPoint>().toExtend<typeof ShortPointSchema.Type>();
    expectTypeOf<ShortEnergyPointKwh>().toExtend<typeof ShortPointKwhSchema.Type>();
    expectTypeOf<LongEnergyPoint>().toExtend<typeof LongPointSchema.Type>();
    expectTypeOf<LongEnergyPointKw>().toExtend<typeof LongPointKwSchema.Type>();
    expectTypeOf<ModbusPoint>().toExtend<typeof ModbusPointSchema.Type>();
  });

  it("the decoders' output is core's domain types (what the client claims to return)", () => {
    expectTypeOf<typeof DeviceSchema.Type>().toExtend<Device>();
    expectTypeOf<typeof DeviceIdsSchema.Type>().toExtend<ReadonlyArray<DeviceId>>();
    expectTypeOf<(typeof ChannelCategoriesSchema.Type)[number]>().toExtend<ChannelCategory>();
    expectTypeOf<(typeof DeviceModelsSchema.Type)[number]>().toExtend<DeviceModel>();
    expectTypeOf<typeof TimestampPointSchema.Type>().toExtend<TimestampPoint>();
    expectTypeOf<typeof ShortPointSchema.Type>().toExtend<ShortEnergyPoint>();
    expectTypeOf<typeof ShortPointKwhSchema.Type>().toExtend<ShortEnergyPointKwh>();
    expectTypeOf<typeof LongPointSchema.Type>().toExtend<LongEnergyPoint>();
    expectTypeOf<typeof LongPointKwSchema.Type>().toExtend<LongEnergyPointKw>();
    expectTypeOf<typeof ModbusPointSchema.Type>().toExtend<ModbusPoint>();
  });

  it("only identity is required in the decoded types (issue 10)", () => {
    expectTypeOf<{ readonly id: DeviceId }>().toExtend<Device>();
    expectTypeOf<{ readonly timestamp: number }>().toExtend<LongEnergyPoint>();
    expectTypeOf<{ readonly timestamp: number }>().toExtend<ShortEnergyPointKwh>();
    expectTypeOf<{ readonly timestamp: number }>().toExtend<ModbusPoint>();
    expectTypeOf<{ readonly model: string }>().not.toExtend<Device>();
    expectTypeOf<{ readonly duration: number }>().not.toExtend<ShortEnergyPoint>();
  });

  it("the decoded type follows convert and fields", () => {
    type C = WattwatchersClient;
    const _call = (c: C) => ({
      raw: c.getShortEnergyData("D123456789012"),
      kwh: c.getShortEnergyData("D123456789012", { convert: "kWh" }),
      stamps: c.getLatestLongEnergyData("D123456789012", { fields: ["timestamp"] }),
      kw: c.promise.getLongEnergyData("D123456789012", { convert: "kW", fields: "+pf" }),
      modbus: c.promise.getLatestModbusData("D123456789012"),
    });
    type R = ReturnType<typeof _call>;
    expectTypeOf<Effect.Success<R["raw"]>>().toEqualTypeOf<ReadonlyArray<ShortEnergyPoint> | NoData>();
    expectTypeOf<Effect.Success<R["kwh"]>>().toEqualTypeOf<ReadonlyArray<ShortEnergyPointKwh> | NoData>();
    expectTypeOf<Effect.Success<R["stamps"]>>().toEqualTypeOf<TimestampPoint | NoData>();
    expectTypeOf<Awaited<R["kw"]>>().toEqualTypeOf<ReadonlyArray<LongEnergyPointKw> | NoData>();
    expectTypeOf<Awaited<R["modbus"]>>().toEqualTypeOf<ModbusPoint | NoData>();
  });

  it("every operation takes the per-call retry option, and the client is its own service key", () => {
    const _calls = (c: WattwatchersClient) => ({
      once: c.getDevice("D123456789012", { retry: false }),
      patient: c.promise.listDevices({ retry: { maxRetries: 10, maxElapsed: "2 minutes" } }),
      energy: c.getShortEnergyData("D123456789012", { convert: "kWh", retry: false }),
    });
    type R = ReturnType<typeof _calls>;
    // The retry option does not change the decoded type.
    expectTypeOf<Effect.Success<R["energy"]>>().toEqualTypeOf<ReadonlyArray<ShortEnergyPointKwh> | NoData>();
    // @ts-expect-error retry is false or options, never true
    void ((c: WattwatchersClient) => c.listDevices({ retry: true }));
    const _program = Effect.gen(function* () {
      const client = yield* WattwatchersClientTag;
      return yield* client.listDevices();
    });
    expectTypeOf<Effect.Services<typeof _program>>().toEqualTypeOf<WattwatchersClient>();
    expectTypeOf(WattwatchersClientTag.layer).returns.toEqualTypeOf<Layer.Layer<WattwatchersClient, InvalidRequest>>();
  });
});
