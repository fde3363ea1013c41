import { OrderTotalsInconsistentError, type SalesOrderLine, toSalesOrder } from '../domain/sales-order';
import type { CatalogueLookup, ErpGateway, ExceptionSink, OrderLedger } from '../ports';
import type { OrderEventMessage } from '../schemas/queue-messages';
import { isCancelledIn, isWithdrawn } from '../schemas/scayle';
import type { CancelOutcome } from './cancel-order';
import { knownShopOf, type LocateOrder } from './locate-scayle-order';
import { OrderBusyError } from './post-order';

/** What became of an item-level event: units taken off the OrderWise order, or why not. */
export type WithdrawOutcome = 'amended' | 'too_late' | 'flagged' | CancelOutcome;

/** The ports taking withdrawn units off a sales order needs. */
export interface WithdrawItemsDeps {
  readonly locate: LocateOrder;
  readonly erp: ErpGateway;
  readonly ledger: OrderLedger;
  readonly catalogue: CatalogueLookup;
  readonly exceptions: ExceptionSink;
  /** The whole-order cancellation, for when SCAYLE withdrew every unit. */
  readonly cancelOrder: (message: OrderEventMessage) => Promise<CancelOutcome>;
}

/**
 * Carries SCAYLE's item-level events (`order-item-out-of-stock`, `-canceled`, `-unshippable`) to OrderWise: the
 * units SCAYLE withdrew after the order was posted come off the sales order, so the warehouse does not ship them
 * and the money check expects the new total. Like a cancel, the event is a trigger: the order is re-read and only
 * units SCAYLE shows withdrawn, that OrderWise got and that were not taken off before, are acted on (events come
 * out of order [V scayle.dev], so each is judged against SCAYLE's state, not its own content).
 *
 * An order not yet posted needs nothing: posting reads SCAYLE's order as it then is and leaves withdrawn units out.
 * Once picking has started OrderWise refuses, and customer service gets `CANCEL_TOO_LATE` for those units.
 */
export const makeWithdrawItems =
  ({ locate, erp, ledger, catalogue, exceptions, cancelOrder }: WithdrawItemsDeps) =>
  async (message: OrderEventMessage): Promise<WithdrawOutcome> => {
    const { orderId } = message;
    const entry = await ledger.get('scayle', orderId);
    if (entry?.status === 'cancelled' || entry?.status === 'return_required') return 'duplicate';
    const located = await locate(orderId, knownShopOf(message, entry?.data));
    if (!located) return 'ignored';
    const { order } = located;
    // Every unit withdrawn: the whole order is cancelled, whatever its state on the ledger.
    if (isCancelledIn(order)) return cancelOrder(message);
    if (!entry || entry.status === 'received' || entry.status === 'flagged') return 'ignored';
    if (entry.status !== 'acknowledged') throw new OrderBusyError(`order ${orderId} is ${entry.status}`);

    const posted = new Set(idsOf(entry.data.postedItemIds) ?? order.items.map((item) => item.id));
    const done = new Set(idsOf(entry.data.withdrawnItemIds) ?? []);
    const fresh = order.items.filter((item) => isWithdrawn(item) && posted.has(item.id) && !done.has(item.id));
    if (fresh.length === 0) return 'duplicate';

    // The order as it now stands, priced as SCAYLE prices it; the lines of the affected SKUs replace OrderWise's.
    const codes = await catalogue.stockCodes(order.items.map((item) => item.variant.referenceKey));
    let now: ReturnType<typeof toSalesOrder>;
    try {
      now = toSalesOrder(order, (sku) => codes.get(sku));
    } catch (error) {
      // SCAYLE's figures no longer add up: OrderWise is left as it is, and finance decides what it should hold.
      if (!(error instanceof OrderTotalsInconsistentError)) throw error;
      await exceptions.raise('ORDER_TOTAL_MISMATCH', orderId, {
        orderId,
        stage: 'taking withdrawn units off',
        scayleTotalMinor: error.expectedMinor,
        sumOfPartsMinor: error.computedMinor,
        orderItemIds: fresh.map((item) => item.id),
      });
      return 'flagged';
    }
    const lines = [...new Set(fresh.map((item) => item.variant.referenceKey))].flatMap((sku): SalesOrderLine[] => {
      const left = now.lines.filter((line) => line.sku === sku);
      if (left.length > 0) return left;
      const variantCode = codes.get(sku) as string;
      return [
        {
          sku,
          variantCode,
          quantity: 0,
          unitGrossMinor: 0,
          discountMinor: 0,
          taxRate: 0,
          lineGrossMinor: 0,
          lineTaxMinor: 0,
        },
      ];
    });
    const itemIds = fresh.map((item) => item.id);
    const result = await erp.amendSalesOrderLines(Number(entry.data.orderwiseOrderId), lines);
    if (result === 'too-late') {
      await exceptions.raise('CANCEL_TOO_LATE', orderId, {
        orderId,
        orderwiseOrderNumber: entry.ids.orderwise ?? null,
        scayleEvent: message.scayleEvent ?? message.event,
        orderItemIds: itemIds,
        skus: lines.map((line) => line.sku),
      });
    }
    await ledger.transition('scayle', orderId, {
      from: 'acknowledged',
      to: 'acknowledged',
      note: `${message.scayleEvent ?? message.event} ${message.eventId}: items ${itemIds.join(', ')} ${result === 'amended' ? 'taken off the OrderWise order' : 'too late to take off'}`,
      data: {
        withdrawnItemIds: [...done, ...itemIds],
        // The money check compares with what OrderWise now holds: SCAYLE's total less the units taken off.
        ...(result === 'amended' ? { scayleTotalMinor: now.totalGrossMinor, scayleTaxMinor: now.totalTaxMinor } : {}),
      },
    });
    return result === 'amended' ? 'amended' : 'too_late';
  };

const idsOf = (value: unknown): number[] | undefined =>
  Array.isArray(value) ? value.filter((id): id is number => typeof id === 'number') : undefined;
