/**
 * The tenant's shops and shop countries, `GET /shops` and `GET /shops/{shopKey}/countries` [V SDK `ShopService`,
 * `ShopCountryService`, fixtures ShopAllResponse/ShopCountryAllResponse].
 */
import { type ApiContext, notFound, param } from './api';
import { COUNTRIES, type CountryFacts, type ShopOption } from './facts';

/** One country of one shop, with what orders and webhooks need of it. */
export interface ShopCountry {
  /** The shop-country id (`locale.appId` of webhooks [A facts localeOf]). */
  readonly id: number;
  readonly shopId: number;
  readonly shopKey: string;
  /** ISO 3166-1 alpha-2, upper case. */
  readonly countryCode: string;
  readonly facts: CountryFacts;
}

/** The shop country as an order carries it in `shopCountry` [V SDK `ShopCountry`, fixture OrderGetResponse]. */
export const shopCountryView = (sc: ShopCountry) => ({
  id: sc.id,
  shopKey: sc.shopKey,
  countryCode: sc.countryCode,
  defaultLanguageCode: sc.facts.language,
  supportedLanguageCodes: [sc.facts.language],
  priceGroupKey: null,
  url: `https://${sc.shopKey}.shop.example/${sc.countryCode.toLowerCase()}`,
  active: true,
  currencyCode: sc.facts.currencyCode,
  deleted: false,
});

/** The shop countries of the simulator's tenant. */
export class ShopDirectory {
  readonly #countries: ShopCountry[];

  constructor(readonly shops: readonly ShopOption[]) {
    let position = 0;
    this.#countries = shops.flatMap((shop) =>
      shop.countryCodes.map((countryCode): ShopCountry => {
        const facts = COUNTRIES[countryCode];
        if (!facts) throw new Error(`the SCAYLE simulator knows no country ${countryCode}`);
        position++;
        const id = shop.shopCountryIds?.[countryCode] ?? position;
        return { id, shopId: shop.id, shopKey: shop.key, countryCode, facts };
      }),
    );
  }

  /** The shop country of a path or body: the shop key as given, the country code in either case [O fixtures `de`]. */
  find(shopKey: string, countryCode: string): ShopCountry | undefined {
    const upper = countryCode.toUpperCase();
    return this.#countries.find((sc) => sc.shopKey === shopKey && sc.countryCode === upper);
  }

  /** The routes that list shops and shop countries. */
  register({ app, base, authed }: ApiContext): void {
    app.get(
      `${base}/shops`,
      authed('listShops', (c) =>
        c.json({
          entities: this.shops.map((shop) => ({
            id: shop.id,
            key: shop.key,
            name: `Shop ${shop.key}`,
            active: true,
            deleted: false,
            // The fixture's countries carry no id [V ShopAllResponse]; GET /shops/{key}/countries gives them.
            countries: this.#countries
              .filter((sc) => sc.shopKey === shop.key)
              .map((sc) => {
                const { id: _id, shopKey: _shopKey, ...view } = shopCountryView(sc);
                return view;
              }),
          })),
        }),
      ),
    );
    app.get(
      `${base}/shops/:shopKey/countries`,
      authed('listShopCountries', (c) => {
        const shopKey = param(c, 'shopKey');
        if (!this.shops.some((s) => s.key === shopKey)) return notFound(c, 'Shop not found');
        return c.json({
          entities: this.#countries.filter((sc) => sc.shopKey === shopKey).map(shopCountryView),
        });
      }),
    );
  }
}
