import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ListingMessage } from '../../schemas/queue-messages';
import { FifoQueue } from './fifo-send';

/**
 * The listings FIFO queue: group = SCAYLE product, so one product's syncs and deletions run in order and never
 * side by side; deduplication id = the trigger's id (SCAYLE's event id, or the run that queued it).
 */
export const listingsQueue = (sqs: SQSClient, queueUrl: string) =>
  new FifoQueue<ListingMessage>(
    sqs,
    queueUrl,
    {
      group: (m) => m.productKey,
      deduplicationId: (m) => (m.kind === 'variant-deleted' ? `${m.eventId}#${m.sku}` : `${m.eventId}#${m.productKey}`),
    },
    'listing syncs',
  );
