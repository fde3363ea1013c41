import type { ListingMappingInput } from '../../shared/domain/listing-mapping';

/**
 * The worked example for apparel (README, "Loop 8"): how the demo shop's SCAYLE products become Amazon SHIRT, PANTS
 * and COAT listings in the UK and German marketplaces. A stage names its mapping in `catalogue.mapping`; copy this
 * file for your own catalogue. Every rule reads the SCAYLE product as the Admin API returns it, with attributes by
 * name: `product.attributes.color` is the product's `color` attribute, read in the marketplace's locale.
 *
 * - size and colour: copied (the variant's `size`, the product's localized `color`); they are also what the
 *   variation theme SIZE_NAME/COLOR_NAME varies by, so every child must have both;
 * - material: joined from SCAYLE's material composition, each component as '70% Cotton';
 * - care: copied; department: SCAYLE's target group mapped through a table;
 * - weight: SCAYLE keeps grams, Amazon gets kilograms;
 * - the parent listing of a family is the SCAYLE master: its SellerSKU is the master's reference key.
 */
export const APPAREL_LISTING_MAPPING: ListingMappingInput = {
  marketplaces: {
    A1F83G8C2ARO7P: { locale: 'en_GB', languageTag: 'en_GB' },
    A1PA6795UKMFR9: { locale: 'de_DE', languageTag: 'de_DE' },
  },
  attributes: {
    item_name: {
      rule: 'join',
      from: ['product.attributes.brand', 'product.name', 'product.attributes.color', 'variant.attributes.size'],
      separator: ' ',
    },
    brand: { rule: 'copy', from: 'product.attributes.brand' },
    color: { rule: 'copy', from: 'product.attributes.color' },
    size: { rule: 'copy', from: 'variant.attributes.size' },
    department: {
      rule: 'map',
      from: 'product.attributes.target_group',
      values: { men: 'Mens', women: 'Womens', unisex: 'Unisex Adult' },
    },
    material: {
      rule: 'join',
      from: ['product.attributes.material_composition.*.components.*'],
      template: '{fraction}% {material}',
      separator: ', ',
    },
    care_instructions: { rule: 'copy', from: 'product.attributes.care_instructions' },
    item_weight: {
      rule: 'convert',
      from: 'product.attributes.weight',
      fromUnit: 'grams',
      toUnit: 'kilograms',
      decimals: 3,
    },
  },
  productTypes: [
    { category: 'Tops', productType: 'SHIRT' },
    {
      category: 'Trousers',
      productType: 'PANTS',
      attributes: {
        fit_type: {
          rule: 'map',
          from: 'product.attributes.fit',
          values: { regular: 'Regular', slim: 'Slim', relaxed: 'Relaxed' },
        },
      },
    },
    {
      category: 'Jackets & Coats',
      productType: 'COAT',
      attributes: {
        closure_type: { rule: 'map', from: 'product.attributes.closure', values: { zip: 'Zip', button: 'Button' } },
      },
    },
  ],
  parent: {
    sku: { rule: 'copy', from: 'master.referenceKey' },
    variationTheme: 'SIZE_NAME/COLOR_NAME',
    attributes: {
      item_name: { rule: 'join', from: ['product.attributes.brand', 'product.name'], separator: ' ' },
      brand: { rule: 'copy', from: 'product.attributes.brand' },
      department: {
        rule: 'map',
        from: 'product.attributes.target_group',
        values: { men: 'Mens', women: 'Womens', unisex: 'Unisex Adult' },
      },
    },
  },
};

/** The listing mappings a stage can name in `catalogue.mapping`; add yours here. */
export const LISTING_MAPPINGS: Readonly<Record<string, ListingMappingInput>> = {
  apparel: APPAREL_LISTING_MAPPING,
};
