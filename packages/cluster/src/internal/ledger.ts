// The budget owner's books: pure functions of the state and the time, so the singleton that wraps them (see
// ../BudgetOwner.ts) is thin and the arithmetic is tested without a cluster.
//
// TPS is shared as *capacity*: each runner holds a lease of `tps` slots for `termMs` and paces its own requests
// with a local pacer of that many slots (a slot is held one second after its answer), so the sum of the leases
// bounds the whole key in every second. Capacity taken back (a lease shrunk or expired) cools for `cooldownMs`
// before anyone else gets it, because its holder may still have requests from the last second in flight.
// TPD is shared as *allowances*: a runner gets a batch of daily requests and spends it locally; every allowance
// handed out counts as spent (a runner that dies with some left loses them: conservative, never over).

/** A runner's request for a lease. */
export interface LeaseRequest {
  readonly runner: string;
  /** Daily requests the runner wants added to what it still holds. */
  readonly wantDaily: number;
  /** The key's budgets as the runner's last answer reported them (absent until it has one). */
  readonly observed?: { readonly tpsLimit?: number | undefined; readonly tpdLimit?: number | undefined } | undefined;
}

/** What the owner granted: hold `tps` slots until `expiresAt` (owner's clock, ms); `daily` more requests to spend. */
export interface LeaseGrant {
  readonly tps: number;
  readonly daily: number;
  readonly termMs: number;
  /** The key's per-day budget as the owner knows it, and what is left of it after this grant. */
  readonly tpdLimit: number | undefined;
  readonly tpdLeft: number | undefined;
}

export interface LedgerOptions {
  /** How long a lease lasts unless renewed, ms. */
  readonly termMs: number;
  /** How long capacity taken back waits before it is leased again, ms (≥ 1 s plus the pacer's margin). */
  readonly cooldownMs: number;
  /** TPS and TPD before any runner reported the key's budgets (undefined: one slot in all, no daily grants cap). */
  readonly tps?: number | undefined;
  readonly tpd?: number | undefined;
}

export interface Ledger {
  readonly options: LedgerOptions;
  tpsLimit: number | undefined;
  tpdLimit: number | undefined;
  /** Nothing is leased before this time (a new owner waits out the leases of the one before). */
  readonly openAt: number;
  readonly leases: Map<string, { tps: number; expiresAt: number }>;
  /** Runners that asked within the last term, with or without a share: the fair share divides among them. */
  readonly seen: Map<string, number>;
  cooling: Array<{ readonly tps: number; readonly availableAt: number }>;
  day: number;
  grantedToday: number;
}

const DAY_MS = 86_400_000;

/**
 * A fresh ledger at `now`. `recovered` says another owner may have leased before (a restart, a move to another
 * runner): then nothing is granted for one term plus the cool-down, so every earlier lease has run out, and the
 * day's grants start from `grantedToday` (stored).
 */
export const makeLedger = (
  options: LedgerOptions,
  now: number,
  stored: { readonly day: number; readonly grantedToday: number } | undefined,
): Ledger => {
  const day = Math.floor(now / DAY_MS);
  return {
    options,
    tpsLimit: options.tps,
    tpdLimit: options.tpd,
    openAt: now + options.termMs + options.cooldownMs,
    leases: new Map(),
    seen: new Map(),
    cooling: [],
    day,
    grantedToday: stored !== undefined && stored.day === day ? stored.grantedToday : 0,
  };
};

const sum = (xs: Iterable<{ readonly tps: number }>): number => {
  let n = 0;
  for (const x of xs) n += x.tps;
  return n;
};

/** Expires leases, ends cool-downs, rolls the day over. */
const tidy = (l: Ledger, now: number): void => {
  for (const [runner, lease] of l.leases)
    if (lease.expiresAt <= now) {
      l.leases.delete(runner);
      l.cooling.push({ tps: lease.tps, availableAt: lease.expiresAt + l.options.cooldownMs });
    }
  l.cooling = l.cooling.filter((c) => c.availableAt > now);
  for (const [runner, at] of l.seen) if (at + l.options.termMs <= now) l.seen.delete(runner);
  const day = Math.floor(now / DAY_MS);
  if (day !== l.day) {
    l.day = day;
    l.grantedToday = 0;
  }
};

/** Slots leased or cooling now. */
export const committed = (l: Ledger, now: number): number => {
  tidy(l, now);
  return sum(l.leases.values()) + sum(l.cooling);
};

/**
 * Grants (or renews) `req.runner`'s lease at `now`: its fair share of the key's TPS (the limit ÷ the runners
 * holding leases), given only from capacity that is neither leased nor cooling; and up to `wantDaily` requests of
 * the day's budget.
 */
export const grant = (l: Ledger, req: LeaseRequest, now: number): LeaseGrant => {
  tidy(l, now);
  const seenTps = req.observed?.tpsLimit;
  const seenTpd = req.observed?.tpdLimit;
  if (seenTps !== undefined && seenTps > 0 && Number.isFinite(seenTps)) l.tpsLimit = seenTps;
  if (seenTpd !== undefined && seenTpd > 0 && Number.isFinite(seenTpd)) l.tpdLimit = seenTpd;
  const termMs = l.options.termMs;
  const current = l.leases.get(req.runner)?.tps ?? 0;
  l.seen.set(req.runner, now);
  let tps: number;
  if (now < l.openAt) tps = 0;
  else if (l.tpsLimit === undefined) {
    // Until a runner reported the key's TPS: one slot for the whole cluster (a probe, as the local pacer does),
    // kept by whoever holds it, else given to the first to ask. (Divided fairly, it would be 0 for everyone.)
    tps = current > 0 || sum(l.leases.values()) + sum(l.cooling) === 0 ? 1 : 0;
  } else {
    const limit = l.tpsLimit;
    const runners = Math.max(l.seen.size, l.leases.size);
    const fair = Math.floor(limit / runners);
    if (current > fair) {
      tps = fair;
      l.cooling.push({ tps: current - fair, availableAt: now + l.options.cooldownMs });
    } else {
      const free = limit - sum(l.leases.values()) - sum(l.cooling);
      tps = current + Math.max(0, Math.min(free, fair - current));
    }
  }
  if (tps > 0) l.leases.set(req.runner, { tps, expiresAt: now + termMs });
  else if (current > 0) l.leases.delete(req.runner);
  const left = l.tpdLimit === undefined ? undefined : Math.max(0, l.tpdLimit - l.grantedToday);
  const daily = Math.max(0, Math.min(req.wantDaily, left ?? req.wantDaily));
  l.grantedToday += daily;
  return { tps, daily, termMs, tpdLimit: l.tpdLimit, tpdLeft: left === undefined ? undefined : left - daily };
};

/** Gives a runner's lease back at once (a clean shutdown): its capacity cools and is then free for the others. */
export const release = (l: Ledger, runner: string, now: number): void => {
  l.seen.delete(runner);
  const lease = l.leases.get(runner);
  if (lease === undefined) return;
  l.leases.delete(runner);
  l.cooling.push({ tps: lease.tps, availableAt: now + l.options.cooldownMs });
};
