import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ListingMessage } from '../../schemas/queue-messages';
import { FifoQueue } from './fifo-send';

/**
 * The listings FIFO queue: group = SCAYLE product, so one product's syncs and deletions run in order and never
 * side by side (a retired SellerSKU, whose product the import does not know, is a group of its own);
 * deduplication id = the trigger's id (SCAYLE's event id, or the run that queued it).
 */
export const listingsQueue = (sqs: SQSClient, queueUrl: string) =>
  new FifoQueue<ListingMessage>(
    sqs,
    queueUrl,
    {
      group: (m) =>
        m.kind === 'listing-retired'
          ? `retired#${m.marketplaceId}#${m.sellerSku}`
          : m.kind === 'variant-deleted'
            ? (m.productKey ?? `variant#${m.sku}`)
            : m.productKey,
      deduplicationId: (m) =>
        m.kind === 'listing-retired'
          ? `${m.eventId}#${m.marketplaceId}#${m.sellerSku}`
          : m.kind === 'variant-deleted'
            ? `${m.eventId}#${m.sku}`
            : `${m.eventId}#${m.productKey}`,
    },
    'listing syncs',
  );
