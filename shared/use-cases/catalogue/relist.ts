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
 * Amazon answered NOT_FOUND for a SellerSKU the hub listed or feeds (deleted in Seller Central, or dropped by
 * Amazon). The catalogue loop would never notice: its sync sends nothing while the attributes equal what it last
 * sent. So a sync of the product is queued (reason `relist`: it looks every listing of the product up on Amazon and
 * creates again what is gone, parent included, then hands the offer back), and then the request is noted on the
 * listing record (`relistedAt`; the sync notes `relistDoneAt` when it created the listing again).
 * @returns true when the relisting is queued or still on its way (quiet for a day); false when there is nothing to
 *   heal (never listed, or blocked) or the listing was created again less than a day ago and is gone once more:
 *   Amazon keeps dropping it, and the caller raises AMAZON_LISTING_REJECTED for a person.
 */
export const makeRelist =
  ({ catalogue, queue, clock }: RelistDeps) =>
  async (marketplaceId: string, sellerSku: string): Promise<boolean> => {
    const record = (await catalogue.listings(marketplaceId, [sellerSku])).get(sellerSku);
    if (!record || record.status === 'blocked') return false;
    const requested = record.relistedAt ? Date.parse(record.relistedAt) : undefined;
    const done = record.relistDoneAt ? Date.parse(record.relistDoneAt) : undefined;
    const pending = requested !== undefined && (done === undefined || done < requested);
    // Asked already and the sync has not run yet (a busy queue): the request stands, for a day at most.
    if (pending && clock.now() - requested < RELIST_QUIET_MS) return true;
    if (!pending && done !== undefined && clock.now() - done < RELIST_QUIET_MS) return false;
    const now = new Date(clock.now()).toISOString();
    await queue.sendAll([
      {
        kind: 'product-sync',
        productKey: record.productKey,
        reason: 'relist',
        eventId: `relist-${sellerSku}@${marketplaceId}-${now}`,
        receivedAt: now,
      },
    ]);
    await catalogue.markRelisted(marketplaceId, sellerSku, now);
    return true;
  };
