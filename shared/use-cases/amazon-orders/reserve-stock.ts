import type { Reservation } from '../../domain/stock';
import type { StockLedger, StockQueue } from '../../ports';
import type { Clock } from '../../runtime/clock';
import { ConditionFailedError, RetryableError } from '../../runtime/errors';
import type { OrderwiseStockMessage } from '../../schemas/queue-messages';

/** The ports holding stock for marketplace orders needs. */
export interface ReserveStockDeps {
  readonly stock: Pick<StockLedger, 'get' | 'writeReservations'>;
  /** The stock queue: a changed reservation re-pushes the SKU's figure to SCAYLE (and so to Amazon). */
  readonly stockQueue: StockQueue;
  readonly clock: Clock;
}

const MAX_WRITE_ATTEMPTS = 5;
/** A held reservation is renewed when a trigger would make it last this much longer (an order Pending for days). */
const RENEW_MARGIN_MS = 6 * 3_600_000;

/**
 * Holds stock for an order that is not in SCAYLE yet, or lets it go. `hold(ref, units, skus, expiresAt)` makes
 * the reservations of `ref` exactly `units` (SKU -> units) on every SKU in `units` or in `skus` (those it held
 * before): a SKU no longer in `units` is released. Each changed SKU is written with a conditional write on its
 * version (expired reservations of lost orders are dropped on the way), then re-queued so that SCAYLE gets
 * max(0, free - buffer - reserved) with the reservation's time as `changedAt`, and Amazon follows. Writing the same
 * units again changes nothing and queues nothing.
 * @returns the SKUs whose reservations changed.
 */
export const makeReserveStock = ({ stock, stockQueue, clock }: ReserveStockDeps) => {
  const write = async (sku: string, ref: string, quantity: number, expiresAt: string): Promise<boolean> => {
    for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
      const item = await stock.get(sku);
      const now = clock.now();
      const current = item?.reservations?.[ref];
      // The same units again change nothing, unless the reservation would run out well before it should now.
      const renew = current !== undefined && Date.parse(current.expiresAt) < Date.parse(expiresAt) - RENEW_MARGIN_MS;
      if (quantity === 0 ? current === undefined : current?.quantity === quantity && !renew) return false;
      const kept = Object.entries(item?.reservations ?? {}).filter(
        ([other, r]) => other !== ref && Date.parse(r.expiresAt) > now,
      );
      const next: Record<string, Reservation> = Object.fromEntries(kept);
      if (quantity > 0) next[ref] = { quantity, expiresAt };
      const changedAt = new Date(now).toISOString();
      try {
        await stock.writeReservations(sku, next, changedAt, item?.version);
      } catch (error) {
        if (error instanceof ConditionFailedError) continue;
        throw error;
      }
      // Nothing to re-push until OrderWise has given a figure: the first figure will include the reservation.
      if (item?.orderwiseVariantCode !== undefined && item.owQuantity !== undefined && item.owChangedAt) {
        const repush: OrderwiseStockMessage = {
          kind: 'orderwise-stock',
          variantCode: item.orderwiseVariantCode,
          freeStock: item.owQuantity,
          changedAt: item.owChangedAt,
          source: 'reservation',
          receivedAt: changedAt,
          force: true,
          reservationsChangedAt: changedAt,
        };
        await stockQueue.sendAll([repush]);
      }
      return true;
    }
    throw new RetryableError(`reservations of ${sku} kept changing under ${MAX_WRITE_ATTEMPTS} attempts`);
  };

  return async (
    ref: string,
    units: ReadonlyMap<string, number>,
    heldBefore: readonly string[],
    expiresAt: string,
  ): Promise<string[]> => {
    const skus = [...new Set([...units.keys(), ...heldBefore])];
    const changed = await Promise.all(skus.map((sku) => write(sku, ref, units.get(sku) ?? 0, expiresAt)));
    return skus.filter((_, i) => changed[i]);
  };
};

/** Holds or releases the stock of one order: see `makeReserveStock`. */
export type ReserveStock = ReturnType<typeof makeReserveStock>;
