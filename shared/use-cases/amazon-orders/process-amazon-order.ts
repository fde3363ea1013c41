import { randomUUID } from 'node:crypto';
import type { ExceptionsRepository } from '../../adapters/aws/exceptions-repository';
import type { LedgerEntry } from '../../adapters/aws/ledger-repository';
import {
  AddressMissingError,
  AmazonTotalMismatchError,
  type MarketplaceShop,
  nextStepOf,
  reservationsOf,
  SellerSkuUnmappedError,
  toScayleOrderCreate,
  unmappedOf,
} from '../../domain/amazon-order';
import type { ExceptionSink, OrderLedger } from '../../ports';
import type { Clock } from '../../runtime/clock';
import {
  ConditionFailedError,
  PermanentError,
  RetryableError,
  UpstreamRejectedError,
  ValidationError,
} from '../../runtime/errors';
import type { AmazonOrder, AmazonOrderItem } from '../../schemas/amazon-orders';
import type { AmazonOrderMessage, OrderEventMessage } from '../../schemas/queue-messages';
import { isWithdrawn, type ScayleOrder, type ScayleOrderCreate } from '../../schemas/scayle';
import type { ReserveStock } from './reserve-stock';

/** What became of one Amazon order trigger. */
export type AmazonOrderOutcome = 'created' | 'reserved' | 'flagged' | 'cancelled' | 'duplicate' | 'ignored';

/** Amazon's order reads. */
export interface AmazonOrderSource {
  getOrder(amazonOrderId: string, options: { readonly pii: boolean }): Promise<AmazonOrder>;
  getOrderItems(amazonOrderId: string): Promise<AmazonOrderItem[]>;
}

/** SCAYLE as the Amazon order loop needs it. */
export interface ExternalOrderTarget {
  findOrderByPublicKey(shopKey: string, countryCode: string, publicKey: string): Promise<ScayleOrder | undefined>;
  createExternalOrder(shopKey: string, countryCode: string, order: ScayleOrderCreate): Promise<ScayleOrder>;
  getOrder(shopKey: string, countryCode: string, orderId: string): Promise<ScayleOrder>;
  cancelOrderItems(
    shopKey: string,
    countryCode: string,
    orderId: number,
    orderItemIds: readonly number[],
  ): Promise<void>;
}

/** The ports of loop 6. */
export interface ProcessAmazonOrderDeps {
  readonly amazon: AmazonOrderSource;
  readonly commerce: ExternalOrderTarget;
  readonly ledger: OrderLedger;
  /** The catalogue map: SellerSKUs of one marketplace -> SCAYLE SKUs (unmapped ones absent). */
  readonly catalogue: {
    bySellerSkus(marketplaceId: string, sellerSkus: readonly string[]): Promise<ReadonlyMap<string, string>>;
  };
  readonly reserve: ReserveStock;
  /** The SCAYLE -> OrderWise loop's queue: a created order is handed to it, as a confirmed web order is. */
  readonly orders: { send(message: OrderEventMessage): Promise<void> };
  /** `resolveOpen` closes the order's ghost-order exception once it reaches SCAYLE. */
  readonly exceptions: ExceptionSink & Pick<ExceptionsRepository, 'resolveOpen'>;
  /** SCAYLE shop per MarketplaceId. */
  readonly shops: Readonly<Record<string, MarketplaceShop>>;
  /** How long a reservation holds when its order is lost (hours). */
  readonly reservationHours: number;
  readonly clock: Clock;
  /** How long a worker holds an order it is creating; longer than the consumer's timeout. */
  readonly leaseMs?: number;
}

/** Another worker holds the order right now; the message comes back after its visibility timeout. */
export class AmazonOrderBusyError extends RetryableError {}

/** The ledger's reference of an Amazon order in reservations: `amazon#<AmazonOrderId>`. */
export const reservationRef = (amazonOrderId: string): string => `amazon#${amazonOrderId}`;

const heldSkusOf = (entry: LedgerEntry): string[] =>
  Array.isArray(entry.data.reservedSkus) ? (entry.data.reservedSkus as string[]) : [];

/**
 * Loop 6: an Amazon order into SCAYLE, once. The trigger (notification or poll) is recorded on the ledger first
 * (`amazon#<AmazonOrderId>`, so the ghost-order monitor sees every order the hub ever heard of, even one whose
 * reads keep failing); then the order and its items are read from the SP-API (a Restricted Data Token for the
 * address) and:
 *
 * - Canceled, or the buyer asked to cancel every item: reservations released; an order already in SCAYLE has its
 *   items cancelled there and a cancellation handed to the SCAYLE -> OrderWise loop.
 * - a SellerSKU without a SCAYLE variant: `flagged`, one `SKU_UNMAPPED` (ecommerce) per SellerSKU naming it, its
 *   ASIN and marketplace; mapped units stay reserved until a retry after the mapping is fixed.
 * - Pending (no address yet): its units are reserved in the stock ledger at once (SCAYLE and Amazon drop by them).
 * - Unshipped: taken with a leased move to `pending`, looked up in SCAYLE by its `publicKey` (the AmazonOrderId)
 *   and created only if absent, `sent` with the SCAYLE id, reservations released (SCAYLE has the order now),
 *   then handed to the SCAYLE -> OrderWise loop and `acknowledged`.
 */
export const makeProcessAmazonOrder = (deps: ProcessAmazonOrderDeps) => {
  const { amazon, commerce, ledger, catalogue, reserve, orders, exceptions, shops, clock } = deps;
  const leaseMs = deps.leaseMs ?? 120_000;
  const iso = (ms = clock.now()) => new Date(ms).toISOString();

  const record = async (message: AmazonOrderMessage): Promise<LedgerEntry> => {
    try {
      return await ledger.create({
        channel: 'amazon',
        orderId: message.amazonOrderId,
        ids: { amazon: message.amazonOrderId },
        data: {
          firstSeenAt: message.seenAt,
          firstSeenVia: message.source,
          ...(message.marketplaceId ? { marketplaceId: message.marketplaceId } : {}),
          ...(message.orderStatus ? { amazonStatus: message.orderStatus } : {}),
          ...(message.latestShipDate ? { latestShipDate: message.latestShipDate } : {}),
        },
        note: `${message.source} ${message.eventId}`,
      });
    } catch (error) {
      if (!(error instanceof ConditionFailedError && error.stored)) throw error;
      const stored = error.stored as LedgerEntry;
      // What the trigger says now, so the ghost monitor judges the order by its latest status even if its reads fail.
      if (!message.orderStatus || stored.data.amazonStatus === message.orderStatus) return stored;
      return ledger
        .transition('amazon', stored.orderId, {
          from: stored.status,
          to: stored.status,
          note: `${message.source} says ${message.orderStatus}`,
          data: {
            amazonStatus: message.orderStatus,
            ...(message.latestShipDate ? { latestShipDate: message.latestShipDate } : {}),
          },
        })
        .catch((raced: unknown) => {
          if (raced instanceof ConditionFailedError) return stored;
          throw raced;
        });
    }
  };

  /** Records facts on the order without moving it. */
  const note = (entry: LedgerEntry, text: string, data: Record<string, unknown>) =>
    ledger.transition('amazon', entry.orderId, { from: entry.status, to: entry.status, note: text, data });

  /**
   * Makes the order's reservations `units`, releasing them from every SKU it may hold: those on the ledger and
   * `orderSkus` (an attempt that failed may have reserved them without getting as far as the ledger).
   */
  const hold = (entry: LedgerEntry, units: ReadonlyMap<string, number>, orderSkus: Iterable<string> = []) =>
    reserve(
      reservationRef(entry.orderId),
      units,
      [...new Set([...heldSkusOf(entry), ...orderSkus])],
      iso(clock.now() + deps.reservationHours * 3_600_000),
    );

  const handOver = async (entry: LedgerEntry): Promise<AmazonOrderOutcome> => {
    const { scayleShopKey, scayleCountryCode, purchaseDate } = entry.data as Record<string, string>;
    await orders.send({
      eventId: `amazon-${entry.orderId}`,
      event: 'order-confirmed',
      shopKey: scayleShopKey as string,
      countryCode: scayleCountryCode as string,
      orderId: entry.ids.scayle as string,
      occurredAt: purchaseDate ?? entry.createdAt,
      receivedAt: iso(),
    });
    await ledger.transition('amazon', entry.orderId, {
      from: 'sent',
      to: 'acknowledged',
      note: 'handed to the SCAYLE -> OrderWise loop',
    });
    await exceptions.resolveOpen('GHOST_ORDER', entry.orderId);
    return 'created';
  };

  const cancel = async (entry: LedgerEntry, order: AmazonOrder, orderSkus: Iterable<string>) => {
    await hold(entry, new Map(), orderSkus);
    const shop = shops[order.MarketplaceId ?? String(entry.data.marketplaceId)];
    // A create that committed without answering left a SCAYLE order the ledger does not name yet.
    const scayleId =
      entry.ids.scayle ??
      (shop && entry.attempts > 0
        ? (await commerce.findOrderByPublicKey(shop.shopKey, shop.countryCode, order.AmazonOrderId))?.id?.toString()
        : undefined);
    if (scayleId && shop) {
      const scayleOrder = await commerce.getOrder(shop.shopKey, shop.countryCode, scayleId);
      // Only what is still open: a shipped item cannot be cancelled (loop 2 then asks for a return).
      const open = scayleOrder.items
        .filter((item) => {
          const { status, packageId } = item as { status?: string | null; packageId?: number | null };
          return (
            (packageId ?? null) === null && !isWithdrawn(item) && !['delivered', 'returned'].includes(status ?? '')
          );
        })
        .map((item) => item.id);
      if (open.length > 0) {
        await commerce
          .cancelOrderItems(shop.shopKey, shop.countryCode, scayleOrder.id, open)
          .catch((error: unknown) => {
            // Shipped meanwhile: loop 2 decides (CANCEL_TOO_LATE); the cancellation still goes on.
            if (!(error instanceof UpstreamRejectedError && error.status === 409)) throw error;
          });
      }
      // Loop 2 re-reads the order: all of it cancelled closes it in OrderWise, units left (shipped) stay there.
      await orders.send({
        eventId: `amazon-cancel-${entry.orderId}`,
        event: 'order-items-cancelled',
        scayleEvent: 'amazon-cancellation',
        shopKey: shop.shopKey,
        countryCode: shop.countryCode,
        orderId: scayleId,
        occurredAt: order.LastUpdateDate,
        receivedAt: iso(),
      });
    }
    try {
      await ledger.transition('amazon', entry.orderId, {
        from: entry.status,
        to: 'cancelled',
        reason: `Amazon order ${order.OrderStatus === 'Canceled' ? 'cancelled' : 'cancel requested by the buyer'}`,
        ...(entry.status === 'pending' ? { lease: { now: iso() } } : {}),
      });
    } catch (error) {
      if (error instanceof ConditionFailedError)
        throw new AmazonOrderBusyError(`${entry.orderId} moved while cancelling`);
      throw error;
    }
    await exceptions.resolveOpen('GHOST_ORDER', entry.orderId);
    return 'cancelled' as const;
  };

  // Exceptions first, then the flag: an order the ledger shows as flagged always has its exceptions.
  const flag = async (entry: LedgerEntry, reason: string, raise: () => Promise<unknown>) => {
    await raise();
    await ledger.transition('amazon', entry.orderId, { from: entry.status, to: 'flagged', reason });
    return 'flagged' as const;
  };

  const create = async (
    entry: LedgerEntry,
    order: AmazonOrder,
    items: readonly AmazonOrderItem[],
    skuOf: (sellerSku: string) => string | undefined,
    shop: MarketplaceShop,
  ): Promise<AmazonOrderOutcome> => {
    let external: ScayleOrderCreate;
    try {
      external = toScayleOrderCreate(order, items, skuOf, shop);
    } catch (error) {
      if (!(error instanceof AmazonTotalMismatchError)) throw error;
      const { orderTotalMinor, computedMinor } = error;
      return flag(entry, `ORDER_TOTAL_MISMATCH: ${error.message}`, () =>
        exceptions.raise('ORDER_TOTAL_MISMATCH', entry.orderId, {
          amazonOrderId: entry.orderId,
          stage: 'before creating in SCAYLE',
          amazonOrderTotalMinor: orderTotalMinor,
          sumOfPartsMinor: computedMinor,
        }),
      );
    }
    const leaseId = randomUUID();
    let taken: LedgerEntry;
    try {
      taken = await ledger.transition('amazon', entry.orderId, {
        from: entry.status,
        to: 'pending',
        countAttempt: true,
        note: 'creating in SCAYLE',
        lease: { now: iso(), until: iso(clock.now() + leaseMs), id: leaseId },
      });
    } catch (error) {
      if (error instanceof ConditionFailedError)
        throw new AmazonOrderBusyError(`${entry.orderId} is being created by another worker`);
      throw error;
    }
    try {
      let created = await commerce.findOrderByPublicKey(shop.shopKey, shop.countryCode, order.AmazonOrderId);
      if (!created) {
        try {
          created = await commerce.createExternalOrder(shop.shopKey, shop.countryCode, external);
        } catch (error) {
          // SCAYLE already has it: an earlier attempt committed after our look-up.
          if (!(error instanceof UpstreamRejectedError && error.status === 409)) throw error;
          created = await commerce.findOrderByPublicKey(shop.shopKey, shop.countryCode, order.AmazonOrderId);
          if (!created) throw error;
        }
      }
      const sent = await ledger.transition('amazon', entry.orderId, {
        from: 'pending',
        to: 'sent',
        ids: { scayle: String(created.id) },
        data: {
          scayleShopKey: shop.shopKey,
          scayleCountryCode: shop.countryCode,
          purchaseDate: order.PurchaseDate,
          amazonStatus: order.OrderStatus,
          currency: created.currencyCode,
          amazonTotalMinor: created.cost.withTax,
        },
      });
      // Its reservations stay until OrderWise has the order (loop 1 lets them go): a push now would carry an
      // OrderWise figure without this order and a newer changedAt, releasing SCAYLE's own hold on its units.
      return handOver(sent);
    } catch (error) {
      // SCAYLE refused the order, or it is not one SCAYLE can take (not an outage): hold the stock, flag it.
      if ((error instanceof UpstreamRejectedError && error.status !== 409) || error instanceof ValidationError) {
        await hold(taken, reservationsOf(items, skuOf));
        return flag(taken, `ORDER_REJECTED: ${error.message}`, () =>
          exceptions.raise('ORDER_REJECTED', entry.orderId, {
            amazonOrderId: entry.orderId,
            system: 'scayle',
            ...(error instanceof UpstreamRejectedError
              ? { status: error.status, scayleError: error.body ?? null }
              : { invalid: error.issues }),
          }),
        );
      }
      // An outage: hold its units while it waits, and let the retry take the order at once.
      await hold(taken, reservationsOf(items, skuOf)).catch(() => undefined);
      await ledger.releaseLease('amazon', entry.orderId, leaseId).catch(() => undefined);
      throw error;
    }
  };

  return async (message: AmazonOrderMessage): Promise<AmazonOrderOutcome> => {
    let entry = await record(message);
    if (entry.status === 'cancelled' || entry.status === 'return_required') return 'duplicate';
    const cancelSignal = message.orderStatus === 'Canceled' || message.changeType === 'BuyerRequestedChange';
    if (entry.status === 'acknowledged' && !cancelSignal) return 'duplicate';
    if (entry.status === 'sent' && !cancelSignal) return handOver(entry);

    // The poll re-reads recent orders every run: one already handled at this version (reserved, or flagged until its
    // mapping is fixed) costs no SP-API call. A failed create is in neither state, so it is never skipped.
    const handled =
      entry.status === 'flagged' || (entry.status === 'received' && entry.data.amazonStatus === 'Pending');
    if (
      message.source === 'poll' &&
      handled &&
      message.lastUpdateDate !== undefined &&
      entry.data.amazonLastUpdate === message.lastUpdateDate
    )
      return 'duplicate';
    const wantsAddress = !['Pending', 'PendingAvailability', 'Canceled'].includes(message.orderStatus ?? '');
    let order = await amazon.getOrder(message.amazonOrderId, { pii: wantsAddress });
    const items = await amazon.getOrderItems(message.amazonOrderId);
    const marketplaceId = order.MarketplaceId ?? message.marketplaceId;
    if (!marketplaceId) throw new PermanentError(`Amazon order ${message.amazonOrderId} names no marketplace`);
    const sellerSkus = [...new Set(items.flatMap((i) => (i.SellerSKU ? [i.SellerSKU] : [])))];
    const mapped = await catalogue.bySellerSkus(marketplaceId, sellerSkus);
    const skuOf = (sellerSku: string) => mapped.get(sellerSku);

    const step = nextStepOf(order, items);
    if (step === 'cancel') return cancel(entry, order, mapped.values());
    // Not cancelled after all (a stale or partial cancel signal): a created order still goes on to OrderWise.
    if (entry.status === 'sent') return handOver(entry);
    if (entry.status === 'acknowledged') return 'duplicate';
    const facts = {
      marketplaceId,
      amazonStatus: order.OrderStatus,
      amazonLastUpdate: order.LastUpdateDate,
      purchaseDate: order.PurchaseDate,
      ...(order.LatestShipDate ? { latestShipDate: order.LatestShipDate } : {}),
    };
    if (step === 'none') {
      await note(entry, `Amazon shows ${order.OrderStatus}: nothing to do`, facts);
      return 'ignored';
    }

    const unmapped = unmappedOf(items, skuOf);
    if (step === 'reserve' || unmapped.length > 0) {
      const changed = await hold(entry, reservationsOf(items, skuOf));
      const units = reservationsOf(items, skuOf);
      entry = await note(entry, changed.length > 0 ? `reserved ${[...units.keys()].join(', ')}` : 'reservation kept', {
        ...facts,
        reservedSkus: [...units.keys()],
      });
      if (unmapped.length === 0) return 'reserved';
      const error = new SellerSkuUnmappedError(unmapped);
      return flag(entry, `SKU_UNMAPPED: ${unmapped.map((u) => u.sellerSku).join(', ')}`, () =>
        Promise.all(
          unmapped.map(({ sellerSku, asin }) =>
            exceptions.raise('SKU_UNMAPPED', `${marketplaceId}:${sellerSku}`, {
              amazonOrderId: message.amazonOrderId,
              system: 'scayle',
              sellerSku,
              asin,
              marketplaceId,
              reason: error.message,
            }),
          ),
        ),
      );
    }

    const shop = shops[marketplaceId];
    if (!shop) throw new PermanentError(`no SCAYLE shop is configured for marketplace ${marketplaceId}`);
    entry = await note(entry, 'ready for SCAYLE', facts);
    try {
      return await create(entry, order, items, skuOf, shop);
    } catch (error) {
      if (!(error instanceof AddressMissingError) || wantsAddress) throw error;
      // The trigger said Pending but the order moved on: read it again, with its address this time.
      order = await amazon.getOrder(message.amazonOrderId, { pii: true });
      return create(entry, order, items, skuOf, shop);
    }
  };
};
