import { z } from 'zod';
import { jsonEnv } from '../../runtime/env';

/**
 * The SCAYLE shops a stage serves: each shop's key (in Admin API paths) and its countries, each with the shop
 * country's numeric id where known. Order webhooks name the shop country only by that id, as `locale.appId`
 * [V fixture order-confirmed.json; the id is the ShopCountry's, SDK `ShopCountry.id`, `GET /shops/{key}/countries`].
 */
export const scayleShopsConfigSchema = z
  .array(
    z.object({
      key: z.string().min(1).max(64),
      countries: z
        .array(
          z.object({
            countryCode: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as DE'),
            /** The shop country's id (`locale.appId` of its webhooks); without it such orders are looked up. */
            id: z.number().int().positive().optional(),
          }),
        )
        .min(1),
    }),
  )
  .min(1);

/** The SCAYLE shops of a stage. */
export type ScayleShops = z.output<typeof scayleShopsConfigSchema>;

/** A shop country as Admin API order paths name it. */
export interface ShopCountry {
  readonly shopKey: string;
  readonly countryCode: string;
}

/** Every shop country of the stage, in configuration order: where an order of unknown shop is looked for. */
export const shopCountriesOf = (shops: ScayleShops): ShopCountry[] =>
  shops.flatMap((shop) => shop.countries.map(({ countryCode }) => ({ shopKey: shop.key, countryCode })));

/** The shop country a webhook's `locale.appId` names, or undefined when no configured shop country has that id. */
export const shopOfLocale = (
  shops: ScayleShops,
  locale: { readonly appId?: number | string | null } | null | undefined,
): ShopCountry | undefined => {
  if (locale?.appId === undefined || locale.appId === null) return undefined;
  for (const shop of shops)
    for (const country of shop.countries)
      if (country.id !== undefined && String(country.id) === String(locale.appId))
        return { shopKey: shop.key, countryCode: country.countryCode };
  return undefined;
};

/** The environment variable that carries the stage's shops to a function, as JSON. */
export const scayleShopsEnv = z.object({
  SCAYLE_SHOPS: jsonEnv(scayleShopsConfigSchema),
});
