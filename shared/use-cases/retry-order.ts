import type { AmazonOrdersQueue } from '../adapters/aws/amazon-orders-queue';
import type { LedgerEntry } from '../adapters/aws/ledger-repository';
import type { OrderEventsQueue } from '../adapters/aws/order-events-queue';
import type { OrderStatus } from '../domain/order-status';
import type { OrderLedger } from '../ports';
import { NotFoundError, ValidationError } from '../runtime/errors';
import { knownShopOf } from './locate-scayle-order';

/** Statuses from which an order can be posted again: never posted, or stuck before OrderWise confirmed it. */
export const RETRYABLE_STATUSES: readonly OrderStatus[] = ['flagged', 'received', 'pending', 'sent'];

/** What a retry did. */
export interface RetryOutcome {
  readonly orderId: string;
  readonly status: OrderStatus;
  readonly queued: boolean;
  readonly eventId?: string;
}

/**
 * Puts an order back on its queue once its cause is fixed (e.g. the SKU mapping was added): a SCAYLE order id
 * goes to the orders queue as a fresh `order-confirmed`, an AmazonOrderId to the Amazon orders queue as a `retry`
 * trigger, so the same exactly-once path applies. Orders already acknowledged, cancelled or waiting for a return
 * are left alone.
 */
export const makeRetryOrder =
  ({
    ledger,
    queue,
    amazonQueue,
    now = () => new Date(),
  }: {
    ledger: OrderLedger;
    queue: Pick<OrderEventsQueue, 'send'>;
    amazonQueue?: Pick<AmazonOrdersQueue, 'sendAll'>;
    now?: () => Date;
  }) =>
  async (orderId: string): Promise<RetryOutcome> => {
    const at = now().toISOString();
    const amazonEntry = amazonQueue ? await ledger.get('amazon', orderId) : undefined;
    if (amazonEntry && amazonQueue) {
      if (!RETRYABLE_STATUSES.includes(amazonEntry.status))
        return { orderId, status: amazonEntry.status, queued: false };
      const eventId = `retry#${now().getTime()}`;
      await amazonQueue.sendAll([
        {
          amazonOrderId: orderId,
          eventId,
          source: 'retry',
          ...(amazonEntry.data.marketplaceId ? { marketplaceId: String(amazonEntry.data.marketplaceId) } : {}),
          seenAt: at,
        },
      ]);
      return { orderId, status: amazonEntry.status, queued: true, eventId };
    }
    const entry = await ledger.get('scayle', orderId);
    if (!entry) throw new NotFoundError(`order ${orderId} is not on the ledger (neither a SCAYLE nor an Amazon order)`);
    if (!RETRYABLE_STATUSES.includes(entry.status)) return { orderId, status: entry.status, queued: false };
    const eventId = `retry-${orderId}-${now().getTime()}`;
    await queue.send({
      eventId,
      event: 'order-confirmed',
      // An order recorded before its shop was known is looked for again by the consumer.
      ...knownShopOf(entry.data),
      orderId,
      occurredAt: at,
      receivedAt: at,
    });
    return { orderId, status: entry.status, queued: true, eventId };
  };

/** One flagged order a bulk retry found, and what became of it. */
export interface FlaggedRetry {
  readonly channel: LedgerEntry['channel'];
  readonly orderId: string;
  readonly reason: string;
  readonly flaggedAt: string;
  /** Absent in a dry run, and when the retry failed. */
  readonly outcome?: RetryOutcome;
  /** Why the retry of this order failed; the others still went. */
  readonly error?: string;
}

/** The words of a flag reason: its exception type and the SKUs or SellerSKUs it names. */
const wordsOf = (reason: string): string[] => reason.split(/[\s,:;]+/).filter(Boolean);

/**
 * Retries every flagged order whose flag reason names `match` as a whole word: the SKU or SellerSKU whose mapping
 * was just added (`SKU-1` does not take `SKU-12`), or a type such as `SKU_UNMAPPED`. Amazon orders first, the one
 * due to ship first at the head (they must reach SCAYLE before their LatestShipDate), then SCAYLE orders oldest
 * first. Each goes through `retry`, so the same exactly-once path applies; one still unmapped is flagged again. A
 * failed retry is reported with the order and the rest still go. A dry run only lists them.
 */
export const makeRetryFlagged =
  ({
    ledger,
    retry,
  }: {
    ledger: Pick<OrderLedger, 'listByStatus'>;
    retry: (orderId: string) => Promise<RetryOutcome>;
  }) =>
  async (options: { readonly match: string; readonly dryRun?: boolean }): Promise<FlaggedRetry[]> => {
    if (options.match.trim() === '') throw new ValidationError('say which flagged orders to retry (a SKU or a type)');
    const dueBy = (entry: LedgerEntry) => String(entry.data.latestShipDate ?? entry.updatedAt);
    const flagged = (await ledger.listByStatus('flagged'))
      .filter((entry) => wordsOf(entry.reason ?? '').includes(options.match.trim()))
      .sort(
        (a, b) =>
          Number(b.channel === 'amazon') - Number(a.channel === 'amazon') ||
          (a.channel === 'amazon' ? dueBy(a).localeCompare(dueBy(b)) : 0) ||
          a.updatedAt.localeCompare(b.updatedAt),
      );
    const found: FlaggedRetry[] = [];
    for (const entry of flagged) {
      const item = {
        channel: entry.channel,
        orderId: entry.orderId,
        reason: entry.reason ?? '',
        flaggedAt: entry.updatedAt,
      };
      if (options.dryRun) {
        found.push(item);
        continue;
      }
      try {
        found.push({ ...item, outcome: await retry(entry.orderId) });
      } catch (error) {
        found.push({ ...item, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return found;
  };
