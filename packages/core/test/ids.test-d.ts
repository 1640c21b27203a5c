// Type-level tests, checked by `tsc -p tsconfig.json` (the typecheck target): branded IDs are not
// interchangeable, and parse results are discriminated.
import { expectTypeOf } from "vitest";
import { channelId, parseChannelId, parseDeviceId, parseSubEntityId, switchId } from "../src/index.js";
import type { ChannelId, DeviceId, SwitchId } from "../src/index.js";

const device = parseDeviceId("D123456789012");
const channel = channelId(device, 1);
const sw = switchId(device, 1);

expectTypeOf(device).toEqualTypeOf<DeviceId>();
expectTypeOf(channel).toEqualTypeOf<ChannelId>();
expectTypeOf(sw).toEqualTypeOf<SwitchId>();
expectTypeOf(parseChannelId("D123456789012_C1")).toEqualTypeOf<ChannelId>();

// Every brand is a string, but no two brands (nor a plain string) are interchangeable.
expectTypeOf<DeviceId>().toExtend<string>();
expectTypeOf<string>().not.toExtend<DeviceId>();
expectTypeOf<ChannelId>().not.toExtend<DeviceId>();
expectTypeOf<ChannelId>().not.toExtend<SwitchId>();
expectTypeOf<SwitchId>().not.toExtend<ChannelId>();
expectTypeOf<DeviceId>().not.toExtend<ChannelId>();

const takesDevice = (id: DeviceId): DeviceId => id;
// @ts-expect-error a channel ID is not a device ID
takesDevice(channel);
// @ts-expect-error a plain string must be parsed first
takesDevice("D123456789012");

const parsed = parseSubEntityId("D123456789012_S2");
if (parsed.kind === "switch") expectTypeOf(parsed.id).toEqualTypeOf<SwitchId>();
else expectTypeOf(parsed.id).toEqualTypeOf<ChannelId>();
expectTypeOf(parsed.deviceId).toEqualTypeOf<DeviceId>();
