import type { CatalogueRepository } from '../../adapters/aws/catalogue-repository';
import type { Clock } from '../../runtime/clock';
import type { ListingMessage } from '../../schemas/queue-messages';

/** The ports of a relisting. */
export interface RelistDeps {
  readonly catalogue: Pick<CatalogueRepository, 'listings' | 'markRelisted'>;
  readonly queue: { sendAll(messages: readonly ListingMessage[]): Promise<void> };
  readonly clock: Clock;
}

/** A listing Amazon loses again within this time after it was listed again is a problem for a person. */
const RELIST_QUIET_MS = 24 * 3_600_000;

/**
 * Amazon answered NOT_FOUND for a SellerSKU the hub listed (deleted in Seller Central, or dropped by Amazon). The
 * catalogue loop would never notice: its sync sends nothing while the attributes equal what it last sent. So the
 * listing record notes the relisting and a sync of the product is queued (reason `relist`: it looks every listing
 * of the product up on Amazon and creates again what is gone, parent included, then hands the offer back).
 * @returns false when there is nothing to heal (never listed, or blocked), or when the listing was relisted less
 *   than a day ago: Amazon keeps dropping it, and the caller raises AMAZON_LISTING_REJECTED for a person.
 */
export const makeRelist =
  ({ catalogue, queue, clock }: RelistDeps) =>
  async (marketplaceId: string, sellerSku: string): Promise<boolean> => {
    const record = (await catalogue.listings(marketplaceId, [sellerSku])).get(sellerSku);
    if (!record || record.status === 'blocked') return false;
    if (record.relistedAt && clock.now() - Date.parse(record.relistedAt) < RELIST_QUIET_MS) return false;
    const now = new Date(clock.now()).toISOString();
    await catalogue.markRelisted(marketplaceId, sellerSku, now);
    await queue.sendAll([
      {
        kind: 'product-sync',
        productKey: record.productKey,
        reason: 'relist',
        eventId: `relist-${sellerSku}@${marketplaceId}-${now}`,
        receivedAt: now,
      },
    ]);
    return true;
  };
