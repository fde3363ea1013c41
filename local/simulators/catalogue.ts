/**
 * The demo catalogue shared by the simulators and the local hub's catalogue map: 30 products in two colours
 * and five sizes (300 variants), mapped across SCAYLE, OrderWise and Amazon, with a few gaps on purpose:
 * every 47th variant is missing in OrderWise and every 53rd has no Amazon listing, and Amazon also lists a few
 * legacy SellerSKUs that map to nothing in SCAYLE.
 */

/** One variant as the three systems know it. */
export interface DemoVariant {
  /** SCAYLE variant id. */
  readonly scayleVariantId: number;
  /** SCAYLE variant reference key: the SKU the shop uses. */
  readonly sku: string;
  readonly productName: string;
  readonly colour: string;
  readonly size: string;
  /** Gross unit price in minor units and the VAT rate in percent. */
  readonly priceMinor: number;
  readonly taxRate: number;
  /** OrderWise stock code and variant id; absent when OrderWise does not stock the variant. */
  readonly orderwise?: { readonly variantCode: string; readonly variantId: number };
  /** Amazon SellerSKU and ASIN; absent when the variant is not listed on Amazon. */
  readonly amazon?: { readonly sellerSku: string; readonly asin: string };
  /** OrderWise free stock at the start of a demo. */
  readonly initialStock: number;
}

const PRODUCTS = [
  'Organic Tee',
  'Linen Shirt',
  'Merino Jumper',
  'Chino Trousers',
  'Denim Jacket',
  'Rain Parka',
  'Hoodie',
  'Polo Shirt',
  'Cargo Shorts',
  'Wool Coat',
] as const;
const COLOURS = [
  ['BLK', 'Black'],
  ['NAV', 'Navy'],
  ['OLV', 'Olive'],
] as const;
const SIZES = ['XS', 'S', 'M', 'L', 'XL'] as const;

/** SellerSKUs Amazon still lists that SCAYLE does not know: orders for them must be flagged, never lost. */
export const LEGACY_AMAZON_SKUS = ['AMZ-LEGACY-001', 'AMZ-LEGACY-002', 'AMZ-LEGACY-003'] as const;

const build = (): DemoVariant[] => {
  const variants: DemoVariant[] = [];
  let index = 0;
  for (let line = 0; line < 3; line++) {
    for (const [p, productName] of PRODUCTS.entries()) {
      const style = `${String(p + 1).padStart(2, '0')}${line}`;
      const [code, colour] = COLOURS[(p + line) % COLOURS.length] as readonly [string, string];
      const [code2, colour2] = COLOURS[(p + line + 1) % COLOURS.length] as readonly [string, string];
      for (const [colourCode, colourName] of [
        [code, colour],
        [code2, colour2],
      ] as const) {
        for (const size of SIZES) {
          index++;
          const sku = `SH-${style}-${colourCode}-${size}`;
          const priceMinor = 1990 + ((p * 7 + line * 3) % 12) * 500;
          variants.push({
            scayleVariantId: 100_000 + index,
            sku,
            productName: `${productName} ${line > 0 ? `Edition ${line}` : ''}`.trim(),
            colour: colourName,
            size,
            priceMinor,
            taxRate: 19,
            ...(index % 47 === 0
              ? {}
              : { orderwise: { variantCode: `OW${style}${colourCode}${size}`, variantId: 50_000 + index } }),
            ...(index % 53 === 0
              ? {}
              : {
                  amazon: {
                    sellerSku: `AMZ-${style}-${colourCode}-${size}`,
                    asin: `B0${String(7_000_000 + index * 37).padStart(8, '0')}`,
                  },
                }),
            initialStock: (index * 13) % 40,
          });
        }
      }
    }
  }
  return variants;
};

/** The 300 demo variants, in a stable order. */
export const DEMO_CATALOGUE: readonly DemoVariant[] = build();

/**
 * The demo catalogue as the hub's catalogue map holds it (shared/adapters/aws/catalogue-repository.ts
 * `CatalogueEntry`): each variant's SCAYLE id, OrderWise stock code and, in every marketplace given, its SellerSKU.
 */
export const demoCatalogueMap = (marketplaceIds: readonly string[]) =>
  DEMO_CATALOGUE.map((v) => ({
    sku: v.sku,
    scayleVariantId: v.scayleVariantId,
    ...(v.orderwise ? { orderwiseVariantCode: v.orderwise.variantCode } : {}),
    ...(v.amazon
      ? {
          amazon: Object.fromEntries(
            marketplaceIds.map((m) => [m, { sellerSku: v.amazon?.sellerSku as string, asin: v.amazon?.asin }]),
          ),
        }
      : {}),
  }));

/** Demo variants by SKU. */
export const demoVariantBySku: ReadonlyMap<string, DemoVariant> = new Map(DEMO_CATALOGUE.map((v) => [v.sku, v]));

/** A text in the shop's two locales. */
export interface LocalizedString {
  readonly de_DE: string;
  readonly en_GB: string;
}

/**
 * A SCAYLE attribute as the Admin API returns it on products, masters and variants: `{name, type, value}`, the
 * value's shape given by the type [V PHP SDK fixture ProductGetResponse.json].
 */
export type ScayleAttribute =
  | { readonly name: string; readonly type: 'simple'; readonly value: string }
  | { readonly name: string; readonly type: 'localizedString'; readonly value: LocalizedString }
  | { readonly name: string; readonly type: 'localizedStringList'; readonly value: readonly LocalizedString[] }
  | {
      readonly name: string;
      readonly type: 'advancedList';
      readonly value: readonly Readonly<Record<string, unknown>>[];
    };

/** A variant price as a SCAYLE product read carries it: gross minor units and the VAT rate in percent. */
export interface DemoProductPrice {
  readonly price: number;
  readonly tax: number;
  readonly currencyCode: string;
  readonly countryCode: string;
}

/** One size of a demo product, the SCAYLE variant: the id and key of its {@link DemoVariant}. */
export interface DemoProductVariant {
  readonly id: number;
  readonly referenceKey: string;
  /** `size` (simple). */
  readonly attributes: readonly ScayleAttribute[];
  readonly prices: readonly DemoProductPrice[];
}

/**
 * One SCAYLE product of the demo catalogue: a style in one colour. SCAYLE's three levels are master (the style,
 * `SH-<style>`), product (`SH-<style>-<colourCode>`) and variant (the size, keyed by the SKU).
 */
export interface DemoProduct {
  readonly id: number;
  readonly referenceKey: string;
  /** Reference key of the product's master. */
  readonly masterKey: string;
  readonly name: LocalizedString;
  /** Category paths from the root, e.g. `[['Fashion', 'Men', 'Clothing', 'Trousers']]`. */
  readonly categories: readonly (readonly string[])[];
  /** `brand`, `color`, `material_composition`, `care_instructions`, `target_group`, `weight`; `fit` or `closure`. */
  readonly attributes: readonly ScayleAttribute[];
  readonly variants: readonly DemoProductVariant[];
}

/** A product of the demo catalogue that lacks an attribute on purpose: the hub must not list it as it is. */
export interface DemoProductGap {
  readonly productKey: string;
  readonly missingAttribute: string;
}

/** The SCAYLE product reference key of a demo SKU: style and colour, `SH-<style>-<colourCode>`. */
export const productKeyOf = (sku: string): string => sku.slice(0, sku.lastIndexOf('-'));

/** The SCAYLE master reference key of a demo SKU or product key: the style, `SH-<style>`. */
export const masterKeyOf = (key: string): string => key.split('-').slice(0, 2).join('-');

/** The demo SCAYLE product ids: 200001 onwards, in the catalogue's order. */
const PRODUCT_ID_BASE = 200_000;
const BRAND = 'Northwind Apparel';

type Kind = 'Tops' | 'Trousers' | 'Jackets & Coats';
type TargetGroup = 'men' | 'women' | 'unisex';
const CARE = {
  wash30: { de_DE: 'Maschinenwäsche 30°C', en_GB: 'Machine wash 30°C' },
  wash40: { de_DE: 'Maschinenwäsche 40°C', en_GB: 'Machine wash 40°C' },
  handWash: { de_DE: 'Handwäsche kalt', en_GB: 'Hand wash cold' },
  dryClean: { de_DE: 'Nur chemische Reinigung', en_GB: 'Dry clean only' },
} as const;
const COLOUR_NAMES: Readonly<Record<(typeof COLOURS)[number][0], LocalizedString>> = {
  BLK: { de_DE: 'Schwarz', en_GB: 'Black' },
  NAV: { de_DE: 'Marineblau', en_GB: 'Navy' },
  OLV: { de_DE: 'Oliv', en_GB: 'Olive' },
};
const AUDIENCE: Readonly<Record<TargetGroup, string>> = { men: 'Men', women: 'Women', unisex: 'Unisex' };
const FITS = ['regular', 'slim', 'relaxed'] as const;

/** `material_composition` value from `[group, [[fraction, material], …]]` pairs. */
const materials = (...groups: [string, [number, string][]][]) =>
  groups.map(([group, parts]) => ({
    material_group: group,
    components: parts.map(([fraction, material]) => ({ fraction, material })),
  }));

/** What SCAYLE holds per product name: German name, category, fabric, care, audience, weight in grams, closure. */
const PRODUCT_DETAILS: Readonly<
  Record<
    (typeof PRODUCTS)[number],
    {
      readonly de: string;
      readonly kind: Kind;
      readonly materials: ReturnType<typeof materials>;
      readonly care: LocalizedString;
      readonly targetGroup: TargetGroup;
      readonly grams: number;
      readonly closure?: 'zip' | 'button';
    }
  >
> = {
  'Organic Tee': {
    de: 'Bio-T-Shirt',
    kind: 'Tops',
    materials: materials(['Outer', [[100, 'Organic cotton']]]),
    care: CARE.wash30,
    targetGroup: 'unisex',
    grams: 180,
  },
  'Linen Shirt': {
    de: 'Leinenhemd',
    kind: 'Tops',
    materials: materials(['Outer', [[100, 'Linen']]]),
    care: CARE.wash30,
    targetGroup: 'men',
    grams: 220,
  },
  'Merino Jumper': {
    de: 'Merinopullover',
    kind: 'Tops',
    materials: materials(['Outer', [[100, 'Merino wool']]]),
    care: CARE.handWash,
    targetGroup: 'women',
    grams: 320,
  },
  'Chino Trousers': {
    de: 'Chinohose',
    kind: 'Trousers',
    materials: materials([
      'Outer',
      [
        [98, 'Cotton'],
        [2, 'Elastane'],
      ],
    ]),
    care: CARE.wash40,
    targetGroup: 'men',
    grams: 450,
  },
  'Denim Jacket': {
    de: 'Jeansjacke',
    kind: 'Jackets & Coats',
    materials: materials(['Outer', [[100, 'Cotton']]]),
    care: CARE.wash30,
    targetGroup: 'unisex',
    grams: 750,
    closure: 'button',
  },
  'Rain Parka': {
    de: 'Regenparka',
    kind: 'Jackets & Coats',
    materials: materials(['Outer', [[100, 'Polyamide']]], ['Lining', [[100, 'Polyester']]]),
    care: CARE.wash30,
    targetGroup: 'women',
    grams: 600,
    closure: 'zip',
  },
  Hoodie: {
    de: 'Kapuzenpullover',
    kind: 'Tops',
    materials: materials([
      'Outer',
      [
        [80, 'Cotton'],
        [20, 'Polyester'],
      ],
    ]),
    care: CARE.wash30,
    targetGroup: 'unisex',
    grams: 500,
  },
  'Polo Shirt': {
    de: 'Poloshirt',
    kind: 'Tops',
    materials: materials([
      'Outer',
      [
        [70, 'Cotton'],
        [30, 'Polyester'],
      ],
    ]),
    care: CARE.wash40,
    targetGroup: 'men',
    grams: 250,
  },
  'Cargo Shorts': {
    de: 'Cargoshorts',
    kind: 'Trousers',
    materials: materials(['Outer', [[100, 'Cotton']]]),
    care: CARE.wash40,
    targetGroup: 'men',
    grams: 300,
  },
  'Wool Coat': {
    de: 'Wollmantel',
    kind: 'Jackets & Coats',
    materials: materials(
      [
        'Outer',
        [
          [80, 'Wool'],
          [20, 'Polyamide'],
        ],
      ],
      ['Lining', [[100, 'Viscose']]],
    ),
    care: CARE.dryClean,
    targetGroup: 'women',
    grams: 1400,
    closure: 'button',
  },
};

/** The products that lack an attribute on purpose, by product name, line and colour (0 first, 1 second). */
const GAP_RULES = [
  { productName: 'Rain Parka', line: 0, colour: 0, missingAttribute: 'care_instructions' },
  { productName: 'Chino Trousers', line: 2, colour: 1, missingAttribute: 'fit' },
] as const;

const buildProducts = () => {
  const byProduct = new Map<string, DemoVariant[]>();
  for (const variant of DEMO_CATALOGUE) {
    const key = productKeyOf(variant.sku);
    byProduct.set(key, [...(byProduct.get(key) ?? []), variant]);
  }
  const coloursSeen = new Map<string, number>();
  const gaps: DemoProductGap[] = [];
  const products = [...byProduct].map(([referenceKey, variants], index): DemoProduct => {
    const masterKey = masterKeyOf(referenceKey);
    const colour = coloursSeen.get(masterKey) ?? 0;
    coloursSeen.set(masterKey, colour + 1);
    // The style is the product name's position (two digits, from 1) and the line: `SH-<pp><line>`.
    const style = masterKey.slice(3);
    const position = Number(style.slice(0, 2)) - 1;
    const productName = PRODUCTS[position] as (typeof PRODUCTS)[number];
    const line = Number(style.slice(2));
    const details = PRODUCT_DETAILS[productName];
    const colourCode = referenceKey.slice(masterKey.length + 1) as keyof typeof COLOUR_NAMES;
    const edition = line > 0 ? ` Edition ${line}` : '';
    const attributes: ScayleAttribute[] = [
      { name: 'brand', type: 'simple', value: BRAND },
      { name: 'color', type: 'localizedString', value: COLOUR_NAMES[colourCode] },
      { name: 'material_composition', type: 'advancedList', value: details.materials },
      { name: 'care_instructions', type: 'localizedString', value: details.care },
      { name: 'target_group', type: 'simple', value: details.targetGroup },
      ...(details.kind === 'Trousers'
        ? [{ name: 'fit', type: 'simple' as const, value: FITS[(position + line) % FITS.length] as string }]
        : []),
      ...(details.closure ? [{ name: 'closure', type: 'simple' as const, value: details.closure }] : []),
      { name: 'weight', type: 'simple', value: String(details.grams) },
    ];
    const gap = GAP_RULES.find((g) => g.productName === productName && g.line === line && g.colour === colour);
    if (gap) gaps.push({ productKey: referenceKey, missingAttribute: gap.missingAttribute });
    return {
      id: PRODUCT_ID_BASE + index + 1,
      referenceKey,
      masterKey,
      name: { de_DE: `${details.de}${edition}`, en_GB: `${productName}${edition}` },
      categories: [['Fashion', AUDIENCE[details.targetGroup], 'Clothing', details.kind]],
      attributes: attributes.filter((a) => a.name !== gap?.missingAttribute),
      variants: variants.map((v) => ({
        id: v.scayleVariantId,
        referenceKey: v.sku,
        attributes: [{ name: 'size', type: 'simple', value: v.size }],
        prices: [{ price: v.priceMinor, tax: v.taxRate, currencyCode: 'EUR', countryCode: 'DE' }],
      })),
    };
  });
  return { products, gaps };
};

const builtProducts = buildProducts();

/** The 60 demo SCAYLE products (one per style and colour, five sizes each), in the catalogue's order. */
export const DEMO_PRODUCTS: readonly DemoProduct[] = builtProducts.products;

/** The two demo products that lack an attribute on purpose, so the hub's listing validation has work to do. */
export const DEMO_PRODUCT_GAPS: readonly DemoProductGap[] = builtProducts.gaps;

/** Demo products by reference key. */
export const demoProductByKey: ReadonlyMap<string, DemoProduct> = new Map(
  DEMO_PRODUCTS.map((p) => [p.referenceKey, p]),
);
