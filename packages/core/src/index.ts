export { parseDeviceId } from "./DeviceId.js";
export type { DeviceId } from "./DeviceId.js";
