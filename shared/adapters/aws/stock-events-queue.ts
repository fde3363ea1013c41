import { createHash } from 'node:crypto';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { RetryableError } from '../../runtime/errors';
import type { StockEventMessage } from '../../schemas/queue-messages';

/** The message group of a stock event: one per OrderWise stock code, one per SCAYLE SKU. */
export const stockGroupOf = (message: StockEventMessage): string =>
  message.kind === 'orderwise-stock' ? `ow#${message.variantCode}` : `scayle#${message.sku}`;

/**
 * The deduplication id: SCAYLE's event id, or for OrderWise what makes a figure the same figure (code, change time,
 * quantity), so the push and the pull of one change collapse into one message within SQS's five-minute window;
 * the ledger's change-time condition catches later repeats.
 */
export const stockDeduplicationId = (message: StockEventMessage): string =>
  message.kind === 'scayle-variant'
    ? createHash('sha256').update(`scayle|${message.eventId}`).digest('hex')
    : createHash('sha256')
        .update(
          `ow|${message.variantCode}|${new Date(message.changedAt).toISOString()}|${message.freeStock}|${message.force ? 'force' : ''}`,
        )
        .digest('hex');

/** The stock FIFO queue: messages go ten to a SendMessageBatch. */
export class StockEventsQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  /**
   * Queues stock events.
   * @throws RetryableError naming the messages SQS did not take (the caller's caller retries; duplicates are harmless).
   */
  async sendAll(messages: readonly StockEventMessage[]): Promise<void> {
    const batches: StockEventMessage[][] = [];
    for (let i = 0; i < messages.length; i += 10) batches.push(messages.slice(i, i + 10));
    const failed: string[] = [];
    await Promise.all(
      batches.map(async (batch) => {
        const result = await this.sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: this.queueUrl,
            Entries: batch.map((message, i) => ({
              Id: String(i),
              MessageBody: JSON.stringify(message),
              MessageGroupId: stockGroupOf(message),
              MessageDeduplicationId: stockDeduplicationId(message),
            })),
          }),
        );
        for (const entry of result.Failed ?? []) failed.push(`${entry.Id}: ${entry.Code} ${entry.Message ?? ''}`);
      }),
    );
    if (failed.length > 0)
      throw new RetryableError(`SQS did not take ${failed.length} stock events: ${failed.slice(0, 5).join('; ')}`);
  }
}
