// Type-level checks, run by the typecheck target (`tsc -p tsconfig.json` includes test/; vitest does not collect
// *.test-d.ts): rx takes transport's client and hands out core's types, so no consumer needs a cast.
import type { Channel, ChannelId, Device, DeviceId, LongEnergyPoint, ModbusPoint, ShortEnergyPoint, SwitchId, SwitchState } from "@wattstream/core";
import type { WattwatchersError } from "@wattstream/resilience";
import type { WattwatchersClient } from "@wattstream/transport";
import type { Observable } from "rxjs";
import { describe, expectTypeOf, it } from "vitest";
import { device$, fleet$, longEnergy$, meanPower, perChannel, readSwitch, setSwitch, shortEnergy$ } from "../src/index.js";
import type { deviceEvents$, modbus$, switchState$ } from "../src/index.js";
import type {
  ChannelReadings,
  CheckpointCorrupt,
  DeviceEvent,
  DeviceUpdate,
  EnergyEvent,
  FleetStatusEvent,
  FleetUpdate,
  PowerReadings,
  StatusEvent,
  SwitchConfirmed,
  SwitchReading,
} from "../src/index.js";

declare const client: WattwatchersClient;
declare const id: DeviceId;
declare const channel: ChannelId;
declare const sw: SwitchId;

type Payload<O> = O extends Observable<infer T> ? T : never;
type Interval<E> = Extract<E, { readonly type: "interval" | "revised" }>;

describe("rx's types", () => {
  it("takes transport's client as it is, and each stream asks only for what it calls", () => {
    shortEnergy$(client, id);
    device$(client, id);
    fleet$(client);
    // A fake with just the device read is enough for device$, not for an energy stream.
    const onlyDevice: Pick<WattwatchersClient, "getDevice"> = client;
    device$(onlyDevice, id);
    // @ts-expect-error an energy stream also reads energy
    shortEnergy$(onlyDevice, id);
  });

  it("refuses a channel ID (or a plain string) where a device ID belongs", () => {
    // @ts-expect-error a channel ID is not a device ID
    shortEnergy$(client, channel);
    // @ts-expect-error a channel ID is not a device ID
    device$(client, channel);
    // @ts-expect-error an unparsed string is not a device ID
    longEnergy$(client, "D123456789012");
    // @ts-expect-error a device ID is not a switch ID
    setSwitch(client, id, "open");
    // @ts-expect-error not a switch position
    setSwitch(client, sw, "on");
  });

  it("energy events carry the stream's point type, core channels and a DeviceId", () => {
    type Short = Payload<ReturnType<typeof shortEnergy$>>;
    expectTypeOf<Short>().toEqualTypeOf<EnergyEvent<ShortEnergyPoint>>();
    expectTypeOf<Interval<Short>["point"]>().toEqualTypeOf<ShortEnergyPoint>();
    expectTypeOf<Interval<Short>["channels"]>().toEqualTypeOf<ReadonlyArray<Channel>>();
    expectTypeOf<Interval<Short>["deviceId"]>().toEqualTypeOf<DeviceId>();
    expectTypeOf<Interval<Payload<ReturnType<typeof longEnergy$>>>["point"]>().toEqualTypeOf<LongEnergyPoint>();
    expectTypeOf<Interval<Payload<ReturnType<typeof modbus$>>>["point"]>().toEqualTypeOf<ModbusPoint>();
    // A corrupt checkpoint replaced on request carries rx's own typed error.
    expectTypeOf<Extract<Short, { readonly type: "checkpointReset" }>["error"]>().toEqualTypeOf<CheckpointCorrupt>();
  });

  it("status errors are the client's typed error union, and the fleet's status has its own shape", () => {
    expectTypeOf<StatusEvent["error"]>().toEqualTypeOf<WattwatchersError | undefined>();
    expectTypeOf<StatusEvent["deviceId"]>().toEqualTypeOf<DeviceId>();
    expectTypeOf<Extract<FleetUpdate, { readonly type: "status" }>>().toEqualTypeOf<FleetStatusEvent>();
    expectTypeOf<FleetStatusEvent>().not.toHaveProperty("deviceId");
    expectTypeOf<FleetStatusEvent["scope"]>().toEqualTypeOf<"fleet">();
    expectTypeOf<Extract<FleetUpdate, { readonly type: "fleet" }>["added"]>().toEqualTypeOf<ReadonlyArray<DeviceId>>();
  });

  it("device snapshots are core Devices, change events carry branded IDs", () => {
    expectTypeOf<Payload<ReturnType<typeof device$>>>().toEqualTypeOf<DeviceUpdate>();
    expectTypeOf<Extract<DeviceUpdate, { readonly type: "snapshot" }>["device"]>().toEqualTypeOf<Device>();
    expectTypeOf<Payload<ReturnType<typeof deviceEvents$>>>().toEqualTypeOf<DeviceEvent>();
    expectTypeOf<Extract<DeviceEvent, { readonly type: "switchChanged" }>["switchId"]>().toEqualTypeOf<SwitchId>();
    expectTypeOf<Extract<DeviceEvent, { readonly type: "channelChanged" }>["channelId"]>().toEqualTypeOf<ChannelId>();
  });

  it("switch readings and confirmations carry core's SwitchState and SwitchId", () => {
    expectTypeOf<Payload<ReturnType<typeof switchState$>>>().toEqualTypeOf<SwitchReading>();
    expectTypeOf<SwitchReading["state"]>().toEqualTypeOf<SwitchState | undefined>();
    expectTypeOf<SwitchReading["switchId"]>().toEqualTypeOf<SwitchId>();
    expectTypeOf<Payload<ReturnType<typeof setSwitch>>>().toEqualTypeOf<SwitchConfirmed>();
    expectTypeOf<SwitchConfirmed["state"]>().toEqualTypeOf<SwitchState>();
    expectTypeOf(readSwitch).parameter(0).toEqualTypeOf<Device>();
  });

  it("perChannel and meanPower need no cast and keep the point's field names", () => {
    const _readings = shortEnergy$(client, id).pipe(perChannel());
    expectTypeOf<Payload<typeof _readings>>().toExtend<ChannelReadings>();
    expectTypeOf<Payload<typeof _readings>["channels"][number]["values"]>().toHaveProperty("eReal");
    expectTypeOf<Payload<typeof _readings>["channels"][number]["id"]>().toEqualTypeOf<ChannelId>();
    expectTypeOf<Payload<typeof _readings>["deviceId"]>().toEqualTypeOf<DeviceId>();
    const _power = shortEnergy$(client, id).pipe(perChannel(), meanPower());
    expectTypeOf<Payload<typeof _power>>().toEqualTypeOf<PowerReadings>();
    expectTypeOf<PowerReadings["channels"][number]["id"]>().toEqualTypeOf<ChannelId>();
    // Another field by name, still without a cast.
    shortEnergy$(client, id).pipe(perChannel(), meanPower("eReactive"));
  });
});

// The shared-poller key registry: an option without a decided role does not compile.
import type { OptionKeys } from "../src/internal/sharedBy.js";
interface TwoOptions {
  readonly every?: number;
  readonly added?: string;
}
export const complete: OptionKeys<TwoOptions> = { every: "key", added: "key" };
// @ts-expect-error `added` has no entry: a new option must be registered before it can be used.
export const missing: OptionKeys<TwoOptions> = { every: "key" };
