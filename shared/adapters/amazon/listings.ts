import { type ListingPatch, OFFER_ONLY_PRODUCT_TYPE } from './client';

export { MARKETPLACE_CURRENCIES } from '../../domain/marketplaces';

/** One offer update for a SellerSKU in one marketplace: the quantity, and the price when SCAYLE has one. */
export interface OfferUpdate {
  readonly sku: string;
  readonly sellerSku: string;
  readonly marketplaceId: string;
  readonly quantity?: number;
  readonly priceMinor?: number;
  readonly currency?: string;
}

/**
 * The JSON Patch of an offer update: `fulfillment_availability` for the merchant-fulfilled quantity (channel
 * `DEFAULT`) and `purchasable_offer` for the price with tax in major units. [V] listings-feed-schema-v2 example
 * in ../shared/fixtures/amazon.
 */
export const offerPatches = (update: OfferUpdate): ListingPatch[] => [
  ...(update.quantity === undefined
    ? []
    : [
        {
          op: 'replace' as const,
          path: '/attributes/fulfillment_availability',
          value: [{ fulfillment_channel_code: 'DEFAULT', quantity: update.quantity }],
        },
      ]),
  ...(update.priceMinor === undefined || update.currency === undefined
    ? []
    : [
        {
          op: 'replace' as const,
          path: '/attributes/purchasable_offer',
          value: [
            {
              marketplace_id: update.marketplaceId,
              currency: update.currency,
              our_price: [{ schedule: [{ value_with_tax: update.priceMinor / 100 }] }],
            },
          ],
        },
      ]),
];

/** A JSON_LISTINGS_FEED document of PATCH messages; message ids are the updates' positions, from 1. */
export const listingsFeedDocument = (sellerId: string, updates: readonly OfferUpdate[]) => ({
  header: { sellerId, version: '2.0', issueLocale: 'en_US' },
  messages: updates.map((update, i) => ({
    messageId: i + 1,
    sku: update.sellerSku,
    operationType: 'PATCH',
    productType: OFFER_ONLY_PRODUCT_TYPE,
    patches: offerPatches(update),
  })),
});
