import { z } from 'zod';
import type { StockItem } from '../../adapters/aws/stock-repository';
import { amazonQuantity, bufferFor, reservedUnits, scayleQuantity, velocityAt } from '../../domain/stock';

/**
 * The stock settings a stage configures (lib/config/stage-config.ts `stock`), as the functions receive them in
 * `STOCK_POLICY` (JSON): not secret, validated at cold start.
 */
export const stockPolicySchema = z.object({
  warehouseReferenceKey: z.string().min(1),
  defaultBuffer: z.number().int().min(0),
  skuBuffers: z.record(z.string(), z.number().int().min(0)),
  fastMovers: z.array(z.object({ minUnitsPerHour: z.number().positive(), buffer: z.number().int().min(0) })),
  velocityWindowMinutes: z.number().int().positive(),
  amazonBuffer: z.number().int().min(0),
  driftThreshold: z.number().int().min(0),
});

/** A stage's stock settings. */
export type StockPolicy = z.output<typeof stockPolicySchema>;

/** What SCAYLE should hold for a SKU now, and why. */
export interface ScayleTarget {
  readonly quantity: number;
  readonly buffer: number;
  readonly reserved: number;
  /** The `changedAt` to send: the latest real change behind the figure (OrderWise's or a reservation's). */
  readonly changedAt: string;
}

/** The SCAYLE figure a stock item calls for at `now`. */
export const scayleTargetOf = (item: StockItem, policy: StockPolicy, now: number): ScayleTarget => {
  const buffer = bufferFor(item.sku, velocityAt(item.velocity, now, policy.velocityWindowMinutes * 60_000), {
    defaultBuffer: policy.defaultBuffer,
    skuBuffers: policy.skuBuffers,
    fastMovers: policy.fastMovers,
  });
  const reserved = reservedUnits(item.reservations, now);
  const changes = [item.owChangedAt, item.reservationsChangedAt].filter((c): c is string => c !== undefined);
  return {
    quantity: scayleQuantity(item.owQuantity ?? 0, buffer, reserved),
    buffer,
    reserved,
    changedAt: changes.sort().at(-1) ?? new Date(now).toISOString(),
  };
};

/**
 * SCAYLE's sellable quantity as the hub knows it: whichever it learnt last. A figure read from SCAYLE (a merchant
 * edit or a shop sale, read after `product-variant-stock-updated`) after the hub's last push is SCAYLE's current
 * figure; a push after that read replaced it (SCAYLE stock is absolute), even when the push carries an older
 * `changedAt` (a repair sends OrderWise's real change time, which may precede the merchant's edit).
 */
export const scayleSellableOf = (item: StockItem): number | undefined => {
  const pushed = item.scayle;
  const observed = item.scayleObserved;
  if (observed && (!pushed || Date.parse(observed.observedAt) > Date.parse(pushed.pushedAt))) return observed.quantity;
  return pushed?.quantity;
};

/** Amazon's ATS for a stock item (undefined while SCAYLE has no figure yet: nothing is sent on a guess). */
export const amazonTargetOf = (item: StockItem, policy: StockPolicy): number | undefined => {
  const sellable = scayleSellableOf(item);
  return sellable === undefined ? undefined : amazonQuantity(sellable, policy.amazonBuffer);
};
