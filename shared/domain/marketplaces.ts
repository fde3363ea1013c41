import { z } from 'zod';

/** Facts about Amazon marketplaces the hub's rules need. Pure data. */

/**
 * The currency Amazon prices each marketplace in (SP-API marketplace ids, reference amazon-sp-api.md). A price is
 * sent to a marketplace only in its own currency: the hub converts nothing.
 */
export const MARKETPLACE_CURRENCIES: Readonly<Record<string, string>> = {
  A1F83G8C2ARO7P: 'GBP',
  A1PA6795UKMFR9: 'EUR',
  A13V1IB3VIYZZH: 'EUR',
  APJ6JRA9NG5V4: 'EUR',
  A1RKKUPIHCS9HS: 'EUR',
  A1805IZSGTT6HS: 'EUR',
  AMEN7PMS3EDWL: 'EUR',
  A2NODRKZP88ZB9: 'SEK',
  A1C3SOZRARQ6R3: 'PLN',
  ATVPDKIKX0DER: 'USD',
  A2EUQ1WTGCTBG2: 'CAD',
};

/** Where one marketplace's orders are created in SCAYLE: the shop, its country and the external-order channel. */
export const scayleShopSchema = z.object({
  shopKey: z.string().min(1),
  countryCode: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO country code such as GB'),
  channelKey: z.string().min(1),
});

/** The SCAYLE shop per MarketplaceId (stage config `amazon.scayleShops`). */
export const scayleShopsSchema = z.record(z.string(), scayleShopSchema);
