// A React 19 page on @wattstream/rx: the key's fleet (fleet$) and the selected device's site balance over its latest
// interval (shortEnergy$ + core's siteBalance), each through the useObservable hook. Configuration comes from the
// URL fragment (`#baseUrl=…&apiKey=…`), which the browser never sends to a server; in production, point `baseUrl`
// at a same-origin proxy that adds the key (rx's README, "Use in the browser").
import { meanPowerW, siteBalance } from "@wattstream/core";
import type { DeviceId, ShortEnergyPoint, SiteBalance } from "@wattstream/core";
import { fleet$, shortEnergy$ } from "@wattstream/rx";
import type { EnergyEvent, FleetChange, FleetUpdate } from "@wattstream/rx";
import { makeClient } from "@wattstream/transport";
import type { WattwatchersClient } from "@wattstream/transport";
import { StrictMode, useMemo, useState } from "react";
import { createRoot } from "react-dom/client";
import { filter, map } from "rxjs";
import { useObservable } from "./useObservable.js";

const params = new URLSearchParams(location.hash.slice(1));
const client = makeClient({
  apiKey: params.get("apiKey") ?? "via-proxy",
  baseUrl: params.get("baseUrl") ?? `${location.origin}/api`,
});

const watts = (w: number | undefined): string =>
  w === undefined ? "?" : Math.abs(w) >= 1000 ? `${(w / 1000).toFixed(2)} kW` : `${Math.round(w)} W`;

interface Latest {
  readonly timestamp: number;
  readonly balance: SiteBalance;
}

/** The device's site balance over each new interval. */
const Balance = ({ client, id }: { readonly client: WattwatchersClient; readonly id: DeviceId }) => {
  const latest$ = useMemo(
    () =>
      // From five minutes back, so the latest interval shows at once rather than when the next one is due.
      shortEnergy$(client, id, { fromTs: Math.floor(Date.now() / 1000) - 300 }).pipe(
        filter((e): e is Extract<EnergyEvent<ShortEnergyPoint>, { readonly type: "interval" | "revised" }> => e.type === "interval" || e.type === "revised"),
        map((e): Latest => {
          const point = e.point;
          const seconds = point.duration ?? 30;
          const balance = siteBalance(
            e.channels.map((c, k) => {
              const joules = point.eReal?.[k];
              return { categoryId: c.categoryId, value: joules === undefined ? undefined : meanPowerW(joules, seconds) };
            }),
          );
          return { timestamp: point.timestamp, balance };
        }),
      ),
    [client, id],
  );
  const latest = useObservable<Latest | undefined>(latest$, undefined);
  if (latest === undefined) return <p data-testid="balance">waiting for data…</p>;
  const b = latest.balance;
  const grid = b.gridNet === undefined ? "no grid CT" : b.gridNet >= 0 ? `Grid import ${watts(b.gridImport)}` : `Grid export ${watts(b.gridExport)}`;
  return (
    <p data-testid="balance" data-timestamp={latest.timestamp}>
      {new Date(latest.timestamp * 1000).toISOString().slice(11, 19)}Z · {grid} · Solar {watts(b.generation)} · Using {watts(b.consumption)}
    </p>
  );
};

const App = () => {
  // Status events (retrying, rate limited) are left out here: the list keeps its last known state.
  const fleet = useObservable<FleetChange | undefined>(
    useMemo(() => fleet$(client).pipe(filter((u: FleetUpdate): u is FleetChange => u.type === "fleet")), []),
    undefined,
  );
  const [shown, setShown] = useState(true);
  const first = fleet?.devices[0];
  return (
    <main>
      <h1>wattstream · React</h1>
      <p data-testid="fleet">{fleet === undefined ? "loading the fleet…" : `${fleet.devices.length} devices`}</p>
      {first !== undefined && (
        <section>
          <h2>{first}</h2>
          <button type="button" data-testid="toggle" onClick={() => setShown((s) => !s)}>
            {shown ? "Hide" : "Show"} power
          </button>
          {shown && <Balance client={client} id={first} />}
        </section>
      )}
    </main>
  );
};

const root = document.getElementById("root");
if (root !== null)
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
