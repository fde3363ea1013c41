import type { CatalogueRepository } from '../../adapters/aws/catalogue-repository';
import type { Clock } from '../../runtime/clock';
import type { ListingMessage } from '../../schemas/queue-messages';

/** The ports of a relisting. */
export interface RelistDeps {
  readonly catalogue: Pick<CatalogueRepository, 'listings' | 'removeListing'>;
  readonly queue: { sendAll(messages: readonly ListingMessage[]): Promise<void> };
  readonly clock: Clock;
}

/**
 * Amazon answered NOT_FOUND for a SellerSKU the hub listed (deleted in Seller Central, or dropped by Amazon). The
 * catalogue loop would never notice: its sync sends nothing while the attributes equal what it last sent. So the
 * listing record goes first (the next sync looks Amazon up and creates the listing again, then hands the offer
 * back to the stock loop) and a sync of the product is queued; if the queue fails, the daily sync does the same.
 * @returns false when the hub has no listing of the SellerSKU to heal (never listed, or blocked).
 */
export const makeRelist =
  ({ catalogue, queue, clock }: RelistDeps) =>
  async (marketplaceId: string, sellerSku: string): Promise<boolean> => {
    const record = (await catalogue.listings(marketplaceId, [sellerSku])).get(sellerSku);
    if (!record || record.status === 'blocked') return false;
    await catalogue.removeListing(marketplaceId, sellerSku);
    const now = new Date(clock.now()).toISOString();
    await queue.sendAll([
      {
        kind: 'product-sync',
        productKey: record.productKey,
        reason: 'relist',
        // One relisting per SellerSKU and hour: rounds that meet the same NOT_FOUND within it queue one sync.
        eventId: `relist-${sellerSku}@${marketplaceId}-${now.slice(0, 13)}`,
        receivedAt: now,
      },
    ]);
    return true;
  };
