// The names an example may use without declaring them (tools/doctest/README.md): a block that reads one of them
// and does not declare it gets `import { … } from "…/context.ts"` in front of it. Run against the simulator the
// runner starts (WATTSTREAM_API_URL / WATTSTREAM_API_KEY); type-checked like any module of the workspace.
import { parseDeviceId } from "@wattstream/core";
import type { Device, DeviceId } from "@wattstream/core";
import { makeClient } from "@wattstream/transport";
import type { WattwatchersClient } from "@wattstream/transport";
import { map, of } from "rxjs";
import type { Observable } from "rxjs";

/** A client of the simulator the runner started (the real API when run by hand with only a key set). */
export const client: WattwatchersClient = makeClient({
  apiKey: process.env["WATTSTREAM_API_KEY"] ?? "",
  baseUrl: process.env["WATTSTREAM_API_URL"],
});

/**
 * The device examples talk about: the one the runner picked (DOCTEST_DEVICE_ID, the device the placeholder ID
 * `D123456789012` stands for when a block runs), else the first device the key sees.
 */
export const deviceId: DeviceId = parseDeviceId(process.env["DOCTEST_DEVICE_ID"] ?? (await client.promise.listDevices())[0] ?? "");
/** The same, for examples that call it `id`. */
export const id: DeviceId = deviceId;

/** That device's record. */
export const device: Device = await client.promise.getDevice(deviceId);

/** Now, Unix seconds. */
export const now: number = Math.floor(Date.now() / 1000);

/** The last seven days, Unix seconds, for examples that need a window. */
export const fromTs: number = now - 7 * 86_400;
export const toTs: number = now;

/** A few power readings crossing 5 kW and back, for the alert operators' examples. */
export const readings$: Observable<{ readonly watts: number }> = of(4200, 5100, 5300, 3900).pipe(map((watts) => ({ watts })));

/** What a UI would draw: here, a line on stdout. */
export const render = (value: unknown): void => console.log(JSON.stringify(value)?.slice(0, 200));
export const draw = render;
