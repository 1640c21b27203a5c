/** A Wattwatchers device ID (serial number). @category models */
export type DeviceId = string & { readonly DeviceId: unique symbol };

/** Parses a device ID. @category constructors */
export const parseDeviceId = (input: string): DeviceId => {
  if (!/^[BDEF][A-Z0-9]{12}$/.test(input)) throw new TypeError(`invalid device ID ${JSON.stringify(input)}`);
  return input as DeviceId;
};
