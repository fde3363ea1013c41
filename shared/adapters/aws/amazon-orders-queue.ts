import type { SQSClient } from '@aws-sdk/client-sqs';
import type { AmazonOrderMessage } from '../../schemas/queue-messages';
import { FifoQueue } from './fifo-send';

/**
 * The Amazon orders FIFO queue. Group = AmazonOrderId, so the changes of one order are handled one at a time and
 * in order; deduplication id = the message's event id (the notification id, or the order's LastUpdateDate for the
 * poll), so a notification delivered twice, or the poll seeing an order the notification already brought, is one
 * message within SQS's five-minute window, and the ledger catches later repeats.
 */
export class AmazonOrdersQueue extends FifoQueue<AmazonOrderMessage> {
  constructor(sqs: SQSClient, queueUrl: string) {
    super(
      sqs,
      queueUrl,
      {
        group: (message) => message.amazonOrderId,
        deduplicationId: (message) => `${message.amazonOrderId}#${message.eventId}`.slice(0, 128),
      },
      'Amazon orders',
    );
  }
}
