import type { StockCommerce, StockLedger } from '../../ports';
import type { Clock } from '../../runtime/clock';
import type { StockEventMessage } from '../../schemas/queue-messages';

/** The ports of reading SCAYLE's own stock and price changes. */
export interface ObserveScayleDeps {
  readonly stock: Pick<StockLedger, 'recordScayleState'>;
  readonly commerce: Pick<StockCommerce, 'getStock' | 'getCurrentPrices'>;
  readonly clock: Clock;
}

/**
 * Loop 5's change events. A SCAYLE `product-variant-stock-updated` or `product-variant-prices-updated` webhook
 * is a trigger: the hub reads the variant's stock (all warehouses: what SCAYLE can sell) or its prices in force
 * back from SCAYLE, records them on the stock item and marks the SKU as owing Amazon an update.
 */
export const makeObserveScayle =
  ({ stock, commerce, clock }: ObserveScayleDeps) =>
  async (message: Extract<StockEventMessage, { kind: 'scayle-variant' }>): Promise<void> => {
    const now = new Date(clock.now()).toISOString();
    if (message.event === 'product-variant-stock-updated') {
      const warehouses = await commerce.getStock(message.sku);
      const changedAt = warehouses
        .map((w) => w.changedAt)
        .filter((c): c is string => typeof c === 'string')
        .map((c) => new Date(c).toISOString())
        .sort()
        .at(-1);
      await stock.recordScayleState(
        message.sku,
        {
          scayleObserved: {
            quantity: warehouses.reduce((sum, w) => sum + Math.max(0, w.quantity), 0),
            changedAt: changedAt ?? now,
            observedAt: now,
          },
        },
        now,
      );
      return;
    }
    const prices = await commerce.getCurrentPrices(message.sku, clock.now());
    await stock.recordScayleState(
      message.sku,
      {
        prices: Object.fromEntries(
          Object.entries(prices).map(([currency, amountMinor]) => [currency, { amountMinor, observedAt: now }]),
        ),
      },
      now,
    );
  };
