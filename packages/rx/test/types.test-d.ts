// Type-level checks, run by the typecheck target (`tsc -p tsconfig.json` includes test/; vitest does not collect
// *.test-d.ts): rx takes transport's client and hands out core's types, so no consumer needs a cast.
import type { Channel, ChannelId, Device, DeviceId, DevicePatch, LongEnergyPoint, ModbusPoint, ShortEnergyPoint, SwitchId, SwitchState } from "@wattstream/core";
import type { NotFound, ServerError, WattwatchersError } from "@wattstream/resilience";
import type {
  EnergyPointOptions,
  LongEnergyOptions,
  LongPointForOptions,
  ModbusOptions,
  ModbusPointForOptions,
  ModbusPointOptions,
  NoData,
  NoOptions,
  RequestOptions,
  ShortEnergyOptions,
  ShortPointForOptions,
  WattwatchersClient,
} from "@wattstream/transport";
import type { Observable } from "rxjs";
import { describe, expectTypeOf, it } from "vitest";
import { Effect } from "effect";
import { device$, fleet$, longEnergy$, makeStreams, meanPower, offlineFor, perChannel, perDevice, readSwitch, setSwitch, shortEnergy$, sustained, threshold } from "../src/index.js";
import type { deviceEvents$, modbus$, switchState$ } from "../src/index.js";
import type {
  Alert,
  ChannelReadings,
  CheckpointCorrupt,
  DeviceLost,
  DeviceSnapshot,
  FleetChange,
  OfflineAlert,
  Streams,
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

/**
 * Every path to an `any` or `unknown` inside an event type, as `path:any` / `path:unknown` strings (`never` when
 * there is none). Types owned by another package (core's device records and points, resilience's and rx's error
 * classes) are checked there and not entered: a device record's unknown fields are unknown by design.
 */
type IsAny<T> = 0 extends 1 & T ? true : false;
type Opaque = Device | Channel | ShortEnergyPoint | LongEnergyPoint | ModbusPoint | WattwatchersError | CheckpointCorrupt | Error;
type Leaks<T, P extends string = ""> =
  IsAny<T> extends true
    ? `${P}:any`
    : unknown extends T
      ? `${P}:unknown`
      : T extends Opaque | string | number | boolean | bigint | symbol | null | undefined
        ? never
        : T extends ReadonlyArray<infer U>
          ? Leaks<U, `${P}[]`>
          : T extends object
            ? { [K in keyof T & string]-?: Leaks<T[K], `${P}.${K}`> }[keyof T & string]
            : never;
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

describe("no any, no unknown in event payloads", () => {
  it("streams: only a device diff's old and new values (any JSON the device record held) are unknown", () => {
    expectTypeOf<Leaks<Payload<ReturnType<typeof fleet$>>>>().toEqualTypeOf<never>();
    expectTypeOf<Leaks<Payload<ReturnType<typeof shortEnergy$>>>>().toEqualTypeOf<never>();
    expectTypeOf<Leaks<Payload<ReturnType<typeof longEnergy$>>>>().toEqualTypeOf<never>();
    expectTypeOf<Leaks<Payload<ReturnType<typeof modbus$>>>>().toEqualTypeOf<never>();
    expectTypeOf<Leaks<Payload<ReturnType<typeof switchState$>>>>().toEqualTypeOf<never>();
    expectTypeOf<Leaks<Payload<ReturnType<typeof setSwitch>>>>().toEqualTypeOf<never>();
    // The diff's values are whatever JSON sat at the path (unknown fields included): truly unknown.
    type DiffValues = ".events[].from:unknown" | ".events[].to:unknown" | ".events[].value:unknown";
    expectTypeOf<Leaks<Payload<ReturnType<typeof device$>>>>().toEqualTypeOf<DiffValues>();
    expectTypeOf<Leaks<Payload<ReturnType<typeof deviceEvents$>>>>().toEqualTypeOf<".from:unknown" | ".to:unknown" | ".value:unknown">();
  });

  it("operators: alerts, readings and power carry their input's types", () => {
    const power = shortEnergy$(client, id).pipe(perChannel(), meanPower());
    expectTypeOf<Leaks<Payload<typeof power>>>().toEqualTypeOf<never>();
    const _alerts = power.pipe(threshold({ value: (p) => p.channels[0]?.watts ?? 0, above: 5000 }), sustained(60_000));
    expectTypeOf<Payload<typeof _alerts>>().toEqualTypeOf<Alert<PowerReadings>>();
    expectTypeOf<Leaks<Payload<typeof _alerts>>>().toEqualTypeOf<never>();
    const _offline = device$(client, id).pipe(offlineFor(600_000));
    expectTypeOf<Payload<typeof _offline>>().toEqualTypeOf<OfflineAlert>();
    expectTypeOf<OfflineAlert["deviceId"]>().toEqualTypeOf<DeviceId>();
    expectTypeOf<Leaks<OfflineAlert>>().toEqualTypeOf<never>();
    const _each = fleet$(client).pipe(perDevice((d) => shortEnergy$(client, d)));
    expectTypeOf<Payload<typeof _each>>().toEqualTypeOf<EnergyEvent<ShortEnergyPoint> | DeviceLost>();
    expectTypeOf<DeviceLost["deviceId"]>().toEqualTypeOf<DeviceId>();
    // @ts-expect-error perDevice hands its project a DeviceId, not a ChannelId
    fleet$(client).pipe(perDevice((c: ChannelId) => shortEnergy$(client, c)));
  });
});

describe("the stream owner's types", () => {
  const streams = makeStreams(client);

  it("takes transport's client and types status errors with its error union: the same events as the standalone streams", () => {
    expectTypeOf(streams).toEqualTypeOf<Streams<WattwatchersError>>();
    expectTypeOf<Payload<ReturnType<typeof streams.shortEnergy$>>>().toEqualTypeOf<EnergyEvent<ShortEnergyPoint>>();
    expectTypeOf<Payload<ReturnType<typeof streams.longEnergy$>>>().toEqualTypeOf<EnergyEvent<LongEnergyPoint>>();
    expectTypeOf<Payload<ReturnType<typeof streams.modbus$>>>().toEqualTypeOf<EnergyEvent<ModbusPoint>>();
    expectTypeOf<Payload<ReturnType<typeof streams.device$>>>().toEqualTypeOf<DeviceUpdate>();
    expectTypeOf<Payload<ReturnType<typeof streams.deviceEvents$>>>().toEqualTypeOf<DeviceEvent>();
    expectTypeOf<Payload<ReturnType<typeof streams.fleet$>>>().toEqualTypeOf<FleetUpdate>();
    expectTypeOf<Payload<ReturnType<typeof streams.switchState$>>>().toEqualTypeOf<SwitchReading>();
    expectTypeOf<Payload<ReturnType<typeof streams.setSwitch>>>().toEqualTypeOf<SwitchConfirmed>();
    const _each = streams.eachDevice$((d) => streams.shortEnergy$(d));
    expectTypeOf<Payload<typeof _each>>().toEqualTypeOf<FleetUpdate | EnergyEvent<ShortEnergyPoint> | DeviceLost>();
    // A device stream's error, whatever it is (an Observable's error is untyped: a client error, a checkpoint's).
    expectTypeOf<Leaks<Payload<typeof _each>>>().toEqualTypeOf<".error:unknown">();
    expectTypeOf(streams.pollers).toEqualTypeOf<number>();
    // The owner's streams pipe into the operators like the standalone ones.
    streams.shortEnergy$(id).pipe(perChannel(), meanPower());
    streams.device$(id).pipe(offlineFor(600_000));
  });

  it("infers a narrower error type from a client typed to fail with less, and carries it to every status event", () => {
    type Narrow = NotFound | ServerError;
    type Fail<A> = Effect.Effect<A, Narrow>;
    const fail = <A>(): Fail<A> => Effect.die("stub");
    /** A client whose every operation is typed to fail with `Narrow` only (e.g. a wrapper that maps the rest away). */
    const narrowClient = {
      listDevices: (_o?: RequestOptions) => fail<ReadonlyArray<DeviceId>>(),
      getDevice: (_id: DeviceId | string, _o?: RequestOptions) => fail<Device>(),
      updateDevice: (_id: DeviceId | string, _b: DevicePatch | Device, _o?: RequestOptions) => fail<Device>(),
      getShortEnergyData: <const O extends ShortEnergyOptions = NoOptions>(_id: DeviceId | string, _o?: O) => fail<ReadonlyArray<ShortPointForOptions<O>> | NoData>(),
      getLatestShortEnergyData: <const O extends EnergyPointOptions = NoOptions>(_id: DeviceId | string, _o?: O) => fail<ShortPointForOptions<O> | NoData>(),
      getLongEnergyData: <const O extends LongEnergyOptions = NoOptions>(_id: DeviceId | string, _o?: O) => fail<ReadonlyArray<LongPointForOptions<O>> | NoData>(),
      getLatestLongEnergyData: <const O extends EnergyPointOptions = NoOptions>(_id: DeviceId | string, _o?: O) => fail<LongPointForOptions<O> | NoData>(),
      getModbusData: <const O extends ModbusOptions = NoOptions>(_id: DeviceId | string, _o?: O) => fail<ReadonlyArray<ModbusPointForOptions<O>> | NoData>(),
      getLatestModbusData: <const O extends ModbusPointOptions = NoOptions>(_id: DeviceId | string, _o?: O) => fail<ModbusPointForOptions<O> | NoData>(),
    };
    const narrowOnly = makeStreams(narrowClient);
    expectTypeOf(narrowOnly).toEqualTypeOf<Streams<Narrow>>();
    expectTypeOf<Extract<Payload<ReturnType<typeof narrowOnly.device$>>, { readonly type: "status" }>["error"]>().toEqualTypeOf<Narrow | undefined>();
    expectTypeOf<Extract<Payload<ReturnType<typeof narrowOnly.shortEnergy$>>, { readonly type: "status" }>["error"]>().toEqualTypeOf<Narrow | undefined>();
    expectTypeOf<Extract<Payload<ReturnType<typeof narrowOnly.fleet$>>, { readonly type: "status" }>["error"]>().toEqualTypeOf<Narrow | undefined>();
    // Everything else about the events stays as it is.
    expectTypeOf<Extract<Payload<ReturnType<typeof narrowOnly.shortEnergy$>>, { readonly type: "interval" | "revised" }>["point"]>().toEqualTypeOf<ShortEnergyPoint>();
    expectTypeOf<Extract<Payload<ReturnType<typeof narrowOnly.device$>>, { readonly type: "snapshot" }>>().toEqualTypeOf<DeviceSnapshot>();
    expectTypeOf<Extract<Payload<ReturnType<typeof narrowOnly.fleet$>>, { readonly type: "fleet" }>>().toEqualTypeOf<FleetChange>();
  });

  it("refuses a channel ID (or a plain string) where a device ID belongs, and a device ID where a switch ID belongs", () => {
    // @ts-expect-error a channel ID is not a device ID
    streams.shortEnergy$(channel);
    // @ts-expect-error a channel ID is not a device ID
    streams.device$(channel);
    // @ts-expect-error a channel ID is not a device ID
    streams.eachDevice$((d) => streams.device$(d), { ids: [channel] });
    // @ts-expect-error an unparsed string is not a device ID
    streams.modbus$("D123456789012");
    // @ts-expect-error a device ID is not a switch ID
    streams.switchState$(id);
    // @ts-expect-error a device ID is not a switch ID
    streams.setSwitch(id, "open");
  });

  it("needs every operation it may call: a client with only the device read is not enough", () => {
    const onlyDevice: Pick<WattwatchersClient, "getDevice"> = client;
    // @ts-expect-error an owner also lists devices, reads energy and writes switches
    makeStreams(onlyDevice);
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
