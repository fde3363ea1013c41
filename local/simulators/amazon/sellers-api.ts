/**
 * Sellers API v1 getMarketplaceParticipations [V models/sellers-api-model/sellers.json]: the marketplaces the seller
 * participates in, which a go-live check compares with the marketplaces the hub is set up to sell in.
 */
import type { ApiContext } from './api';
import { MARKETPLACES, STORE_NAME } from './facts';

/** One MarketplaceParticipation of the model, for a marketplace MARKETPLACES knows. */
const participation = (id: string) => {
  const facts = MARKETPLACES[id];
  if (!facts) throw new RangeError(`the SP-API simulator knows no marketplace ${id}`);
  return {
    marketplace: {
      id,
      countryCode: facts.countryCode,
      name: facts.salesChannel,
      defaultCurrencyCode: facts.currency,
      defaultLanguageCode: facts.languageTag,
      domainName: facts.domainName,
    },
    // Suspended listings (an Inactive listing status) are not simulated [A].
    participation: { isParticipating: true, hasSuspendedListings: false },
    storeName: STORE_NAME,
  };
};

/** Registers getMarketplaceParticipations, answering `participations` (marketplace ids) in that order. */
export const registerSellersApi = (api: ApiContext, participations: readonly string[]): void => {
  const payload = participations.map(participation);
  api.route('GET', '/sellers/v1/marketplaceParticipations', 'getMarketplaceParticipations', 'seller', (c) =>
    c.json({ payload }),
  );
};
