import { z } from 'zod';
import { CatalogueRepository } from '../../shared/adapters/aws/catalogue-repository';
import { listingsQueue } from '../../shared/adapters/aws/listings-queue';
import { catalogueEnv, sqsClient, syncListingsFrom } from '../../shared/adapters/catalogue-wiring';
import { documentClient, scayleFrom } from '../../shared/adapters/wiring';
import { parseEnv } from '../../shared/runtime/env';
import { jobHandler } from '../../shared/runtime/handler';
import { logger } from '../../shared/runtime/logger';
import { count } from '../../shared/runtime/metrics';
import { parseWith } from '../../shared/runtime/validation';
import type { ListingMessage } from '../../shared/schemas/queue-messages';

const env = parseEnv(catalogueEnv);
const listings = syncListingsFrom(env);
const scayle = scayleFrom(env);
const queue = listingsQueue(sqsClient, env.LISTINGS_QUEUE_URL);
const catalogue = new CatalogueRepository(documentClient, env.CATALOGUE_TABLE);

const jobSchema = z.discriminatedUnion('job', [
  /** The schedule: every SCAYLE product. */
  z.object({ job: z.literal('sync-all') }),
  /** `hub catalogue sync --product <key>...`: the products named. */
  z.object({ job: z.literal('sync'), products: z.array(z.string().min(1)).min(1) }),
  /** `hub catalogue import`: SellerSKUs the import left without a variant, whose listings are taken down. */
  z.object({
    job: z.literal('retire'),
    listings: z
      .array(z.object({ marketplaceId: z.string().min(1), sellerSku: z.string().min(1), sku: z.string().min(1) }))
      .min(1),
  }),
  /** `hub catalogue preview <product or SKU>`: what a sync would send, checked by Amazon, nothing changed. */
  z.object({
    job: z.literal('preview'),
    product: z.string().min(1),
    marketplaceIds: z.array(z.string().min(1)).optional(),
  }),
]);

const syncMessage = (productKey: string, reason: 'schedule' | 'manual', runId: string): ListingMessage => ({
  kind: 'product-sync',
  productKey,
  reason,
  eventId: runId,
  receivedAt: new Date().toISOString(),
});

const retiredMessage = (
  listing: { marketplaceId: string; sellerSku: string; sku: string },
  runId: string,
  receivedAt: string,
): ListingMessage => ({ kind: 'listing-retired', ...listing, eventId: runId, receivedAt });

/**
 * Loop 8's jobs: `sync-all` queues the take-down of listings whose SellerSKU no variant maps any more, then pages
 * through SCAYLE's products and queues a sync of each (the listings consumer sends only what changed); `sync`
 * queues the products named; `retire` queues the take-down of SellerSKUs an import left without a variant;
 * `preview` answers what a sync of one product would send, with Amazon's VALIDATION_PREVIEW verdict per listing.
 */
export const handler = jobHandler(async (event: unknown) => {
  const job = parseWith(jobSchema, event, 'catalogue job');
  const runId = `${job.job}-${new Date().toISOString()}`;
  if (job.job === 'preview') return { previews: await listings.preview(job.product, job.marketplaceIds) };
  if (job.job === 'retire') {
    const receivedAt = new Date().toISOString();
    await queue.sendAll(job.listings.map((l) => retiredMessage(l, runId, receivedAt)));
    return { queued: job.listings.length };
  }
  if (job.job === 'sync') {
    await queue.sendAll(job.products.map((key) => syncMessage(key, 'manual', runId)));
    return { queued: job.products.length };
  }
  // Listings whose SellerSKU no variant maps any more (an import cut off before it queued their take-down). A
  // failure here must not cost the day's product sync: it is logged and counted, and tomorrow's sweep tries again.
  const orphans = await catalogue.orphanListings().catch((error: unknown) => {
    logger.error('the sweep for listings without a SKU match failed', { error: String(error) });
    count('ListingsSweepFailed');
    return [];
  });
  const receivedAt = new Date().toISOString();
  await queue.sendAll(
    orphans.map((r) =>
      retiredMessage(
        { marketplaceId: r.marketplaceId, sellerSku: r.sellerSku, sku: r.sku ?? r.sellerSku },
        runId,
        receivedAt,
      ),
    ),
  );
  count('ListingsRetiredQueued', orphans.length);
  let queued = 0;
  let cursor: string | undefined;
  do {
    const page = await scayle.listProducts(cursor);
    await queue.sendAll(page.products.map((p) => syncMessage(p.referenceKey, 'schedule', runId)));
    queued += page.products.length;
    cursor = page.next;
  } while (cursor);
  count('ProductsQueuedForSync', queued);
  logger.info('catalogue sync queued', { queued, retired: orphans.length });
  return { queued, retired: orphans.length };
});
