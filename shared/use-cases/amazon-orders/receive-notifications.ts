import type { ObjectStore } from '../../adapters/aws/object-store';
import type { ExceptionSink } from '../../ports';
import type { Clock } from '../../runtime/clock';
import { type OrderChangeNotification, orderChangeNotificationSchema } from '../../schemas/amazon-orders';
import type { AmazonOrderMessage } from '../../schemas/queue-messages';

/** The ports of the ORDER_CHANGE intake. */
export interface ReceiveNotificationsDeps {
  readonly queue: { sendAll(messages: readonly AmazonOrderMessage[]): Promise<void> };
  /** Where a notification that fails validation is kept (`rejected/amazon-notifications/`). */
  readonly store: ObjectStore;
  readonly exceptions: ExceptionSink;
  readonly clock: Clock;
  /** The seller's marketplaces the hub serves; notifications of others are counted and dropped. */
  readonly marketplaceIds: readonly string[];
}

/** What became of a batch of SQS notification bodies. */
export interface ReceiveNotificationsOutcome {
  readonly queued: number;
  /** Amazon-fulfilled orders (Amazon ships them) and marketplaces the hub does not serve. */
  readonly skipped: number;
  readonly rejected: number;
}

/** The trigger an ORDER_CHANGE notification becomes. */
export const messageOfNotification = (notification: OrderChangeNotification, seenAt: string): AmazonOrderMessage => {
  const change = notification.Payload.OrderChangeNotification;
  return {
    amazonOrderId: change.AmazonOrderId,
    eventId: `notification#${notification.NotificationMetadata.NotificationId}`,
    source: 'notification',
    marketplaceId: change.Summary.MarketplaceId,
    orderStatus: change.Summary.OrderStatus,
    changeType: change.OrderChangeType,
    ...(change.Summary.LatestShipDate ? { latestShipDate: change.Summary.LatestShipDate } : {}),
    seenAt,
  };
};

/**
 * Loop 6, intake: ORDER_CHANGE notifications from the SP-API's SQS destination. Each is validated and becomes a
 * trigger on the Amazon orders FIFO queue (group = AmazonOrderId, deduplicated by NotificationId, so Amazon's
 * at-least-once delivery is handled once). Amazon-fulfilled (AFN) orders are skipped. A body that is not a valid
 * notification is kept as sent under `rejected/amazon-notifications/` with a PAYLOAD_REJECTED exception and not
 * retried (it would fail the same way); the poll still finds its order.
 * @param bodies SQS message id -> body.
 */
export const makeReceiveNotifications =
  ({ queue, store, exceptions, clock, marketplaceIds }: ReceiveNotificationsDeps) =>
  async (bodies: ReadonlyMap<string, string>): Promise<ReceiveNotificationsOutcome> => {
    const seenAt = new Date(clock.now()).toISOString();
    const messages: AmazonOrderMessage[] = [];
    let skipped = 0;
    let rejected = 0;
    for (const [messageId, body] of bodies) {
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const parsed = orderChangeNotificationSchema.safeParse(json);
      if (!parsed.success) {
        const reason =
          json === undefined
            ? 'body is not JSON'
            : parsed.error.issues
                .slice(0, 5)
                .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
                .join('; ');
        const key = `rejected/amazon-notifications/${seenAt.slice(0, 10)}/${messageId}.json`;
        await store.put(key, body, 'text/plain; charset=utf-8', { reason: reason.slice(0, 1_000) });
        await exceptions.raise('PAYLOAD_REJECTED', `amazon-notifications:${messageId}`, { s3Key: key, reason });
        rejected++;
        continue;
      }
      const summary = parsed.data.Payload.OrderChangeNotification.Summary;
      if (summary.FulfillmentType === 'AFN' || !marketplaceIds.includes(summary.MarketplaceId)) {
        skipped++;
        continue;
      }
      messages.push(messageOfNotification(parsed.data, seenAt));
    }
    await queue.sendAll(messages);
    return { queued: messages.length, skipped, rejected };
  };
