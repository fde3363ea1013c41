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

/** Demo variants by SKU. */
export const demoVariantBySku: ReadonlyMap<string, DemoVariant> = new Map(DEMO_CATALOGUE.map((v) => [v.sku, v]));
