import { randomUUID } from 'node:crypto';
import type { LedgerEntry } from '../adapters/aws/ledger-repository';
import type { ShopCountry } from '../adapters/scayle/shops';
import { deliveryAddressOf, OrderTotalsInconsistentError, SkuUnmappedError, toSalesOrder } from '../domain/sales-order';
import type { CatalogueLookup, CommerceGateway, ErpGateway, ErpOrderRef, ExceptionSink, OrderLedger } from '../ports';
import { ConditionFailedError, RetryableError, UpstreamRejectedError } from '../runtime/errors';
import type { OrderEventMessage } from '../schemas/queue-messages';
import { isCancelledIn, isWithdrawn, type ScayleOrder } from '../schemas/scayle';
import { knownShopOf, type LocateOrder } from './locate-scayle-order';

/** What became of one order event. */
export type PostOrderOutcome = 'acknowledged' | 'duplicate' | 'flagged' | 'cancelled';

/** The ports posting needs. */
export interface PostOrderDeps {
  readonly commerce: CommerceGateway;
  /** Finds the order and its shop in SCAYLE (the event may not name the shop). */
  readonly locate: LocateOrder;
  readonly erp: ErpGateway;
  readonly ledger: OrderLedger;
  readonly catalogue: CatalogueLookup;
  readonly exceptions: ExceptionSink;
  /**
   * Lets go of the stock an Amazon order held (loop 6) once OrderWise has it, so the next SCAYLE figure comes from
   * OrderWise's own free stock: `(amazonOrderId, skus of the order)`.
   */
  readonly releaseReservation?: (amazonOrderId: string, skus: readonly string[]) => Promise<unknown>;
  /** How long a worker holds an order it is posting; longer than the consumer's timeout. Default 2 minutes. */
  readonly leaseMs?: number;
  readonly now?: () => number;
}

/** Another worker holds the order right now; the message comes back after its visibility timeout. */
export class OrderBusyError extends RetryableError {}

/**
 * SCAYLE does not (yet) show an order an event named: it may still be on its way through SCAYLE, so the event is
 * retried, and dead-lettered (with an alarm) if the order never appears.
 */
export class ScayleOrderNotFoundError extends RetryableError {}

/** Records the order on the ledger once, or returns what is already there. */
export const recordOrder = async (
  ledger: OrderLedger,
  message: OrderEventMessage,
  shop: ShopCountry | undefined = knownShopOf(message),
): Promise<LedgerEntry> => {
  try {
    return await ledger.create({
      channel: 'scayle',
      orderId: message.orderId,
      data: { ...(shop ?? {}), receivedAt: message.receivedAt },
      note: `${message.event} ${message.eventId}`,
    });
  } catch (error) {
    if (error instanceof ConditionFailedError && error.stored) return error.stored as LedgerEntry;
    throw error;
  }
};

/**
 * Posts a confirmed SCAYLE order to OrderWise exactly once in effect.
 *
 * The ledger is the first guard: the order is taken with a conditional move to `pending`, and an order already
 * `sent` or beyond is a duplicate. The ERP is the second: before creating, the order is looked up there by its
 * `eCommerceOrderNumber`, so a create that committed but never answered (timeout, crash) is found on the retry
 * instead of being created again. The webhook is only a trigger: the order is re-read from SCAYLE.
 */
export const makePostOrder =
  ({
    commerce,
    locate,
    erp,
    ledger,
    catalogue,
    exceptions,
    releaseReservation,
    leaseMs = 120_000,
    now = Date.now,
  }: PostOrderDeps) =>
  async (message: OrderEventMessage): Promise<PostOrderOutcome> => {
    const { orderId } = message;
    let entry = await recordOrder(ledger, message);
    if (['acknowledged', 'cancelled', 'return_required'].includes(entry.status)) return 'duplicate';

    if (entry.status !== 'sent') {
      const leaseId = randomUUID();
      try {
        entry = await ledger.transition('scayle', orderId, {
          from: entry.status,
          to: 'pending',
          note: `posting for ${message.eventId}`,
          countAttempt: true,
          // A pending order is taken over only when its worker's lease ran out (it crashed or timed out).
          lease: { now: new Date(now()).toISOString(), until: new Date(now() + leaseMs).toISOString(), id: leaseId },
        });
      } catch (error) {
        if (error instanceof ConditionFailedError)
          throw new OrderBusyError(`order ${orderId} moved while being taken: ${error.message}`);
        throw error;
      }

      try {
        const located = await locate(orderId, knownShopOf(message, entry.data));
        if (!located) throw new ScayleOrderNotFoundError(`SCAYLE shows no order ${orderId} in any shop country`);
        const { order, shop } = located;
        // Exceptions first, then the flag: an order the ledger shows as flagged always has its exceptions. The shop
        // goes with the flag, so a retry and `hub trace` find the order without looking for it.
        const flag = async (reason: string, raise: () => Promise<unknown>): Promise<PostOrderOutcome> => {
          await raise();
          await ledger.transition('scayle', orderId, { from: 'pending', to: 'flagged', reason, data: { ...shop } });
          return 'flagged';
        };
        if (isCancelledIn(order)) {
          await ledger.transition('scayle', orderId, {
            from: 'pending',
            to: 'cancelled',
            reason: 'cancelled in SCAYLE before it reached OrderWise',
            data: { ...shop },
          });
          return 'cancelled';
        }
        const codes = await catalogue.stockCodes(order.items.map((item) => item.variant.referenceKey));
        let salesOrder: ReturnType<typeof toSalesOrder>;
        try {
          salesOrder = toSalesOrder(order, (sku) => codes.get(sku));
        } catch (error) {
          if (error instanceof SkuUnmappedError) {
            const { skus } = error;
            return flag(`SKU_UNMAPPED: ${skus.join(', ')}`, () =>
              Promise.all(
                skus.map((sku) => exceptions.raise('SKU_UNMAPPED', sku, { orderId, system: 'orderwise', sku })),
              ),
            );
          }
          if (error instanceof OrderTotalsInconsistentError) {
            const { expectedMinor, computedMinor } = error;
            return flag(`ORDER_TOTAL_MISMATCH: ${error.message}`, () =>
              exceptions.raise('ORDER_TOTAL_MISMATCH', orderId, {
                orderId,
                stage: 'before posting',
                scayleTotalMinor: expectedMinor,
                sumOfPartsMinor: computedMinor,
              }),
            );
          }
          throw error;
        }

        let ref: ErpOrderRef;
        try {
          ref = await findOrCreate(erp, salesOrder, () => deliveryAddressOf(order));
        } catch (error) {
          // OrderWise refused the order itself (not a duplicate, not an outage): retrying cannot help.
          if (error instanceof UpstreamRejectedError) {
            const { status, body } = error;
            return flag(`ORDER_REJECTED: ${error.message}`, () =>
              exceptions.raise('ORDER_REJECTED', orderId, { orderId, status, orderwiseError: body ?? null }),
            );
          }
          throw error;
        }
        entry = await ledger.transition('scayle', orderId, {
          from: 'pending',
          to: 'sent',
          ids: { orderwise: ref.orderNumber, ...(amazonOrderIdOf(order) ? { amazon: amazonOrderIdOf(order) } : {}) },
          data: {
            ...shop,
            orderwiseOrderId: ref.orderId,
            // The units OrderWise got: an item SCAYLE withdraws later is taken off only if it was sent.
            postedItemIds: order.items.filter((item) => !isWithdrawn(item)).map((item) => item.id),
            currency: salesOrder.currency,
            scayleTotalMinor: salesOrder.totalGrossMinor,
            scayleTaxMinor: salesOrder.totalTaxMinor,
          },
        });
      } catch (error) {
        // Let the retry of this message take the order at once rather than wait for the lease to run out.
        await ledger.releaseLease('scayle', orderId, leaseId).catch(() => undefined);
        throw error;
      }
    }

    // sent: OrderWise has the order. Confirm it there and tell SCAYLE its number.
    const { shopKey, countryCode } = knownShopOf(entry.data) as ShopCountry;
    const orderwiseOrderId = Number(entry.data.orderwiseOrderId);
    const state = await erp.getSalesOrder(orderwiseOrderId);
    await commerce.setOrderReference(shopKey, countryCode, orderId, state.orderNumber);
    // Before `acknowledged`: a failure here is retried with the message (an acknowledged order is a duplicate).
    if (entry.ids.amazon && releaseReservation) {
      const placed = await commerce.getOrder(shopKey, countryCode, orderId);
      await releaseReservation(entry.ids.amazon, [...new Set(placed.items.map((item) => item.variant.referenceKey))]);
    }
    await ledger.transition('scayle', orderId, {
      from: 'sent',
      to: 'acknowledged',
      data: {
        ...(state.totals
          ? { orderwiseTotalMinor: state.totals.grossMinor, orderwiseTaxMinor: state.totals.taxMinor }
          : {}),
        orderwiseStatus: state.status,
      },
    });
    return 'acknowledged';
  };

/** The AmazonOrderId of an order the Amazon order loop created in SCAYLE (it is in its custom data). */
const amazonOrderIdOf = (order: ScayleOrder): string | undefined => {
  const id = order.legacyCustomData?.amazonOrderId;
  return typeof id === 'string' && id ? id : undefined;
};

const findOrCreate = async (
  erp: ErpGateway,
  salesOrder: Parameters<ErpGateway['createSalesOrder']>[0],
  delivery: () => Parameters<ErpGateway['createSalesOrder']>[1],
): Promise<ErpOrderRef> => {
  const existing = await erp.findSalesOrder(salesOrder.externalReference);
  if (existing) return existing;
  try {
    return await erp.createSalesOrder(salesOrder, delivery());
  } catch (error) {
    // A duplicate refusal means an earlier attempt committed after our look-up: use that order.
    if (error instanceof UpstreamRejectedError && error.status === 409) {
      const created = await erp.findSalesOrder(salesOrder.externalReference);
      if (created) return created;
    }
    throw error;
  }
};
