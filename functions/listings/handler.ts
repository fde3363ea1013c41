import { z } from 'zod';
import { FailuresRepository } from '../../shared/adapters/aws/failures-repository';
import { catalogueEnv, syncListingsFrom } from '../../shared/adapters/catalogue-wiring';
import { documentClient } from '../../shared/adapters/wiring';
import { parseEnv } from '../../shared/runtime/env';
import { sqsFifoHandler } from '../../shared/runtime/handler';
import { logger } from '../../shared/runtime/logger';
import { count } from '../../shared/runtime/metrics';
import { listingMessageSchema } from '../../shared/schemas/queue-messages';

const env = parseEnv(catalogueEnv.extend({ FAILURES_TABLE: z.string().min(1) }));
const listings = syncListingsFrom(env);

/**
 * Consumes the listings FIFO queue (loop 8): a product sync maps the SCAYLE product to its Amazon listings and sends
 * what changed; a deleted variant's listings are taken down and its catalogue row removed.
 */
export const handler = sqsFifoHandler(
  listingMessageSchema,
  async (message) => {
    if (message.kind === 'listing-retired') {
      const { removed, rejected } = await listings.retireListing(message.marketplaceId, message.sellerSku);
      count('ListingsDeleted', removed);
      count('ListingsRejected', rejected);
      logger.info('listing retired', { ...message, removed, rejected });
      return;
    }
    if (message.kind === 'variant-deleted') {
      const { removed } = await listings.deleteVariant(message.sku);
      count('ListingsDeleted', removed);
      logger.info('variant deleted', { sku: message.sku, listingsRemoved: removed });
      return;
    }
    // A sync the team asked for, or one after Amazon lost a listing, looks every listing of the product up on Amazon
    // (the parent too) instead of trusting what the hub last sent.
    const recheck = message.reason === 'manual' || message.reason === 'relist';
    const outcome = await listings.syncProduct(message.productKey, { recheck });
    count('ListingsCreated', outcome.created);
    count('ListingsUpdated', outcome.updated);
    count('ListingsBlocked', outcome.blocked);
    count('ListingsRejected', outcome.rejected);
    logger.info('product synced', { ...outcome, reason: message.reason });
  },
  { failures: new FailuresRepository(documentClient, env.FAILURES_TABLE) },
);
