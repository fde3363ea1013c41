import type { ShopCountry } from '../adapters/scayle/shops';
import { toAlpha2 } from '../domain/countries';
import type { ScayleOrder } from '../schemas/scayle';

/** SCAYLE's order read that tells a missing order (undefined) from a failure (thrown). */
export interface ScayleOrderReader {
  findOrder(shopKey: string, countryCode: string, orderId: string): Promise<ScayleOrder | undefined>;
}

/** A SCAYLE order and the shop country it belongs to. */
export interface LocatedOrder {
  readonly order: ScayleOrder;
  readonly shop: ShopCountry;
}

/** The shop country an order event or the ledger already names, if any. */
export const knownShopOf = (
  ...sources: ({ readonly shopKey?: unknown; readonly countryCode?: unknown } | undefined)[]
): ShopCountry | undefined => {
  for (const source of sources)
    if (typeof source?.shopKey === 'string' && typeof source.countryCode === 'string')
      return { shopKey: source.shopKey, countryCode: source.countryCode };
  return undefined;
};

/**
 * Finds a SCAYLE order and its shop country. Order webhooks in SCAYLE's Admin format carry no shop (only `meta`),
 * and a checkout-format `locale.appId` may name a shop country the stage does not list; the Admin API reads an order
 * whatever shop country the path names [V scayle.dev order GET, "not bound to a specific shop country"], so the
 * order is read through the shop country already known, else through each configured one until one answers. The
 * order's own `shopCountry` then says where it belongs.
 * @returns undefined when SCAYLE knows no such order.
 */
export const makeLocateOrder =
  ({ commerce, shops }: { readonly commerce: ScayleOrderReader; readonly shops: readonly ShopCountry[] }) =>
  async (orderId: string, known?: ShopCountry): Promise<LocatedOrder | undefined> => {
    const same = (a: ShopCountry) => a.shopKey === known?.shopKey && a.countryCode === known?.countryCode;
    for (const candidate of known ? [known, ...shops.filter((s) => !same(s))] : shops) {
      const order = await commerce.findOrder(candidate.shopKey, candidate.countryCode, orderId);
      if (order) return { order, shop: ownShopOf(order) ?? candidate };
    }
    return undefined;
  };

/** The shop country an order says it belongs to (`shopCountry {shopKey, countryCode}` [V OrderGetResponse]). */
const ownShopOf = (order: ScayleOrder): ShopCountry | undefined => {
  const countryCode = toAlpha2(order.shopCountry?.countryCode);
  const shopKey = order.shopCountry?.shopKey;
  return shopKey && countryCode ? { shopKey, countryCode } : undefined;
};

/** A locate function: the order and its shop, or undefined. */
export type LocateOrder = ReturnType<typeof makeLocateOrder>;
