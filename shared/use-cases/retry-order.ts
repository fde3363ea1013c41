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
 * Puts a SCAYLE order back on the orders queue once its cause is fixed (e.g. the SKU mapping was added): the
 * consumer takes it as a fresh `order-confirmed`, so the same exactly-once path applies. Orders already
 * acknowledged, cancelled or waiting for a return are left alone.
 */
export const makeRetryOrder =
  ({
    ledger,
    queue,
    now = () => new Date(),
  }: {
    ledger: OrderLedger;
    queue: Pick<OrderEventsQueue, 'send'>;
    now?: () => Date;
  }) =>
  async (orderId: string): Promise<RetryOutcome> => {
    const entry = await ledger.get('scayle', orderId);
    if (!entry) throw new NotFoundError(`SCAYLE order ${orderId} is not on the ledger`);
    if (!RETRYABLE_STATUSES.includes(entry.status)) return { orderId, status: entry.status, queued: false };
    const at = now().toISOString();
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
