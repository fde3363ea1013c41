import { createHash } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { AmazonConfirmationMessage, DespatchMessage } from '../../schemas/queue-messages';
import { FifoQueue } from './fifo-send';

/**
 * The despatch FIFO queue. Group = SCAYLE order id; deduplication id = a hash of the order number and its
 * packages (numbers and tracking numbers), so the push and the pull of one despatch are one message, and a later
 * export that adds a package is a new one.
 */
export class DespatchQueue extends FifoQueue<DespatchMessage> {
  constructor(sqs: SQSClient, queueUrl: string) {
    super(
      sqs,
      queueUrl,
      {
        group: (m) => m.scayleOrderId,
        deduplicationId: (m) =>
          createHash('sha256')
            .update(
              `${m.orderNumber}|${m.deliveries.map((d) => `${d.deliveryNumber}:${d.consignmentNumbers.join(',')}`).join('|')}`,
            )
            .digest('hex'),
      },
      'despatches',
    );
  }
}

/**
 * The Amazon confirmations FIFO queue: group = AmazonOrderId, deduplication id = the package reference, so a
 * package is confirmed once per SQS window (and a resend edits it on Amazon anyway).
 */
export class AmazonConfirmationsQueue extends FifoQueue<AmazonConfirmationMessage> {
  constructor(sqs: SQSClient, queueUrl: string) {
    super(
      sqs,
      queueUrl,
      {
        group: (m) => m.amazonOrderId,
        deduplicationId: (m) => `${m.amazonOrderId}#${m.packageReferenceId}`,
      },
      'Amazon confirmations',
    );
  }

  /** Queues one confirmation. @throws RetryableError when SQS did not take it. */
  async send(message: AmazonConfirmationMessage): Promise<void> {
    await this.sendAll([message]);
  }
}
