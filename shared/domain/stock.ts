/**
 * Stock rules of loops 3 and 5: which change wins, how many units each channel may sell, how fast a SKU sells,
 * when drift needs a person, and when Amazon gets a feed instead of one call per SKU. Pure: no I/O, no clock.
 *
 * The arithmetic, in one place:
 *
 *     buffer          = per-SKU override, else max(default buffer, the fast-mover tier the SKU's velocity reaches)
 *     reserved        = units of Amazon orders not yet in SCAYLE (unexpired reservations)
 *     SCAYLE quantity = max(0, OrderWise free stock - buffer - reserved)
 *     Amazon ATS      = max(0, SCAYLE quantity - Amazon buffer)
 *
 * Reservations are subtracted once, in the SCAYLE quantity: SCAYLE's quantity is "sellable after your own
 * reservations" (reference scayle.md §1.5), and Amazon's ATS is taken from it, so an Amazon order that is not yet
 * in SCAYLE holds its units back from both channels without being counted twice.
 */

/** How many units to hold back from SCAYLE, per SKU. */
export interface BufferPolicy {
  /** Units held back from every SKU. */
  readonly defaultBuffer: number;
  /** Per-SKU buffers; an override is final (it can also lower a fast mover's buffer, e.g. to 0 for a clearance). */
  readonly skuBuffers: Readonly<Record<string, number>>;
  /** Tiers for fast movers: a SKU selling at least `minUnitsPerHour` keeps at least `buffer` units back. */
  readonly fastMovers: readonly { readonly minUnitsPerHour: number; readonly buffer: number }[];
}

/** A SKU's recent sales velocity: an exponentially decayed rate of free-stock decreases. */
export interface Velocity {
  /** Units per hour at `at`. */
  readonly unitsPerHour: number;
  /** Epoch milliseconds. */
  readonly at: number;
}

/** One reservation for a marketplace order that has not reached SCAYLE yet. */
export interface Reservation {
  readonly quantity: number;
  /** ISO-8601: a reservation left behind by a lost order stops counting at this time. */
  readonly expiresAt: string;
}

/** The buffer of `sku` given its velocity (units per hour, now). */
export const bufferFor = (sku: string, unitsPerHour: number, policy: BufferPolicy): number => {
  const override = policy.skuBuffers[sku];
  if (override !== undefined) return override;
  const tier = policy.fastMovers
    .filter((t) => unitsPerHour >= t.minUnitsPerHour)
    .reduce((most, t) => Math.max(most, t.buffer), 0);
  return Math.max(policy.defaultBuffer, tier);
};

/** The velocity at `now`, decayed from its last update with time constant `windowMs`. */
export const velocityAt = (velocity: Velocity | undefined, now: number, windowMs: number): number =>
  velocity ? velocity.unitsPerHour * Math.exp(-Math.max(0, now - velocity.at) / windowMs) : 0;

/**
 * The velocity after free stock moved from `before` to `after` at `at`. Only decreases count (goods going out);
 * a delivery or a stock-take raising the figure does not make a SKU a slow mover. Each unit out adds
 * `1 / window` to the rate, so a steady seller's rate converges on its units per hour.
 */
export const recordMovement = (
  velocity: Velocity | undefined,
  before: number | undefined,
  after: number,
  at: number,
  windowMs: number,
): Velocity => {
  const decayed = velocityAt(velocity, at, windowMs);
  const out = before === undefined ? 0 : Math.max(0, before - after);
  return { unitsPerHour: decayed + (out * 3_600_000) / windowMs, at };
};

/** Units held by reservations that have not expired at `now`. */
export const reservedUnits = (reservations: Readonly<Record<string, Reservation>> | undefined, now: number): number =>
  Object.values(reservations ?? {})
    .filter((r) => Date.parse(r.expiresAt) > now)
    .reduce((sum, r) => sum + r.quantity, 0);

/** The absolute quantity SCAYLE may sell: never negative. */
export const scayleQuantity = (freeStock: number, buffer: number, reserved: number): number =>
  Math.max(0, freeStock - buffer - reserved);

/** The available-to-sell quantity for Amazon, from SCAYLE's sellable quantity: never negative. */
export const amazonQuantity = (scayleSellable: number, amazonBuffer: number): number =>
  Math.max(0, scayleSellable - amazonBuffer);

/** A stock change time as the hub stores it: UTC with milliseconds, so that ISO strings compare in time order. */
export const normaliseChangedAt = (iso: string): string => new Date(iso).toISOString();

/** Whether a change at `candidate` may replace one at `stored`: newer or the same change again (never older). */
export const supersedes = (candidate: string, stored: string | undefined): boolean =>
  stored === undefined || Date.parse(candidate) >= Date.parse(stored);

/**
 * The newest item per key, in first-seen key order: many changes of one SKU in a batch become the last one.
 * A later item with the same change time wins (it was sent later).
 */
export const newestPerKey = <T>(items: readonly T[], key: (item: T) => string, changedAt: (item: T) => string): T[] => {
  const newest = new Map<string, T>();
  for (const item of items) {
    const current = newest.get(key(item));
    if (!current || Date.parse(changedAt(item)) >= Date.parse(changedAt(current))) newest.set(key(item), item);
  }
  return [...newest.values()];
};

/** Whether the difference between what a channel shows and what it should show needs a person. */
export const isDrift = (expected: number, actual: number | undefined, threshold: number): boolean =>
  Math.abs(expected - (actual ?? 0)) > threshold;

/**
 * How the Amazon backlog goes out: one call per update while the backlog drains within `windowSeconds` at
 * `ratePerSecond`, else a JSON_LISTINGS_FEED (one createFeed instead of thousands of calls).
 */
export const amazonPushMode = (backlog: number, ratePerSecond: number, windowSeconds: number): 'patch' | 'feed' =>
  backlog / ratePerSecond > windowSeconds ? 'feed' : 'patch';
