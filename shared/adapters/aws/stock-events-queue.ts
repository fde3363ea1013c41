import { createHash } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { StockEventMessage } from '../../schemas/queue-messages';
import { FifoQueue } from './fifo-send';

/** The message group of a stock event: one per OrderWise stock code, one per SCAYLE SKU. */
export const stockGroupOf = (message: StockEventMessage): string =>
  message.kind === 'orderwise-stock' ? `ow#${message.variantCode}` : `scayle#${message.sku}`;

/**
 * The deduplication id: SCAYLE's event id, or for OrderWise what makes a figure the same figure (code, change time,
 * quantity), so the push and the pull of one change collapse into one message within SQS's five-minute window;
 * the ledger's change-time condition catches later repeats. A re-push after reservations changed also carries the
 * reservations' change time, so two reservation changes are two messages.
 */
export const stockDeduplicationId = (message: StockEventMessage): string =>
  message.kind === 'scayle-variant'
    ? createHash('sha256').update(`scayle|${message.eventId}`).digest('hex')
    : createHash('sha256')
        .update(
          `ow|${message.variantCode}|${new Date(message.changedAt).toISOString()}|${message.freeStock}|${message.force ? 'force' : ''}${
            message.reservationsChangedAt ? `|r${message.reservationsChangedAt}` : ''
          }`,
        )
        .digest('hex');

/** The stock FIFO queue: messages go ten to a SendMessageBatch; a resend is deduplicated, so duplicates are harmless. */
export class StockEventsQueue extends FifoQueue<StockEventMessage> {
  constructor(sqs: SQSClient, queueUrl: string) {
    super(sqs, queueUrl, { group: stockGroupOf, deduplicationId: stockDeduplicationId }, 'stock events');
  }
}
