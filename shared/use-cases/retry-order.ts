import type { AmazonOrdersQueue } from '../adapters/aws/amazon-orders-queue';
import type { LedgerEntry } from '../adapters/aws/ledger-repository';
import type { OrderEventsQueue } from '../adapters/aws/order-events-queue';
import type { OrderStatus } from '../domain/order-status';
import type { OrderLedger } from '../ports';
import { NotFoundError } from '../runtime/errors';

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
      shopKey: String(entry.data.shopKey),
      countryCode: String(entry.data.countryCode),
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
  /** Absent in a dry run. */
  readonly outcome?: RetryOutcome;
}

/**
 * Retries every flagged order whose reason contains `match` (e.g. the SKU whose mapping was just added, or
 * `SKU_UNMAPPED`; every flagged order without one), Amazon orders first since they must reach SCAYLE before their
 * LatestShipDate, oldest first. Each goes through `retry`, so the same exactly-once path applies; one still
 * unmapped is simply flagged again. A dry run only lists them.
 */
export const makeRetryFlagged =
  ({
    ledger,
    retry,
  }: {
    ledger: Pick<OrderLedger, 'listByStatus'>;
    retry: (orderId: string) => Promise<RetryOutcome>;
  }) =>
  async (options: { readonly match?: string; readonly dryRun?: boolean } = {}): Promise<FlaggedRetry[]> => {
    const flagged = (await ledger.listByStatus('flagged'))
      .filter((entry) => !options.match || (entry.reason ?? '').includes(options.match))
      .sort(
        (a, b) =>
          Number(b.channel === 'amazon') - Number(a.channel === 'amazon') || a.updatedAt.localeCompare(b.updatedAt),
      );
    const found: FlaggedRetry[] = [];
    for (const entry of flagged) {
      const item = {
        channel: entry.channel,
        orderId: entry.orderId,
        reason: entry.reason ?? '',
        flaggedAt: entry.updatedAt,
      };
      found.push(options.dryRun ? item : { ...item, outcome: await retry(entry.orderId) });
    }
    return found;
  };
