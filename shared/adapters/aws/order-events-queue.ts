import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { OrderEventMessage } from '../../schemas/queue-messages';
import { fifoId } from './fifo-send';

/**
 * The orders FIFO queue. Group = SCAYLE order id, so the events of one order are handled in order and one at a
 * time; deduplication id = the event id, so SQS drops a repeat of the same event within its five-minute window
 * (the ledger catches later repeats).
 */
export class OrderEventsQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  /** Queues one order event. */
  async send(message: OrderEventMessage): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(message),
        MessageGroupId: fifoId(message.orderId),
        MessageDeduplicationId: fifoId(message.eventId),
      }),
    );
  }
}
