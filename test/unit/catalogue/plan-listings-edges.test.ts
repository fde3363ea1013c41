import { describe, expect, it } from 'vitest';
import {
  type ListingMappingInput,
  listingMappingSchema,
  type MappingSource,
  type PlanInput,
  planListings,
  productTypeOf,
  type VariantMapping,
} from '../../../shared/domain/listing-mapping';

const UK = 'A1F83G8C2ARO7P';

/** A small mapping: size and colour children of a SHIRT parent named by the master. */
const MAPPING: ListingMappingInput = {
  marketplaces: { [UK]: { locale: 'en_GB', languageTag: 'en_GB' } },
  attributes: {
    color: { rule: 'copy', from: 'product.attributes.color' },
    size: { rule: 'copy', from: 'variant.attributes.size' },
  },
  productTypes: [{ category: 'Tops', productType: 'SHIRT' }],
  parent: {
    sku: { rule: 'copy', from: 'master.referenceKey' },
    variationTheme: 'SIZE_NAME/COLOR_NAME',
    attributes: { color: { rule: 'copy', from: 'product.attributes.color' } },
  },
};

const PRODUCT: MappingSource = {
  master: { referenceKey: 'SH-1', attributes: {} },
  product: {
    id: 1,
    referenceKey: 'SH-1-BLK',
    name: 'Tee',
    categories: [['Fashion', 'Tops']],
    attributes: { color: 'Black' },
  },
};
const VARIANTS = [
  { id: 11, referenceKey: 'SH-1-BLK-S', attributes: { size: 'S' } },
  { id: 12, referenceKey: 'SH-1-BLK-M', attributes: { size: 'M' } },
];
const mapped = (sku: string): VariantMapping => ({
  sellerSku: sku.replace('SH-', 'AMZ-'),
  sellerSkuOwner: sku,
  orderwiseVariantCode: `OW-${sku}`,
});

/** Plans the product with every variant mapped, each part replaceable. */
const plan = (overrides: Partial<PlanInput> & { readonly mappingInput?: ListingMappingInput } = {}) =>
  planListings({
    mapping: listingMappingSchema.parse(overrides.mappingInput ?? MAPPING),
    marketplaceId: UK,
    product: PRODUCT,
    variants: VARIANTS,
    mappings: new Map(VARIANTS.map((v) => [v.referenceKey, mapped(v.referenceKey)])),
    schemaOf: () => undefined,
    validate: () => [],
    ...overrides,
  });

describe('planListings at the edges', () => {
  it('plans a family whose catalogue rows name no SCAYLE variant id', () => {
    expect(plan().children.map((c) => c.sku)).toEqual(['SH-1-BLK-S', 'SH-1-BLK-M']);
  });

  it('leaves out, as not listed, a variant the catalogue map has no row for', () => {
    const result = plan({ mappings: new Map([['SH-1-BLK-S', mapped('SH-1-BLK-S')]]) });

    expect(result.notListed).toEqual(['SH-1-BLK-M']);
    expect(result.children.map((c) => c.sku)).toEqual(['SH-1-BLK-S']);
  });

  it('plans nothing, with no problem, in a marketplace the mapping does not list', () => {
    expect(plan({ marketplaceId: 'A1PA6795UKMFR9' })).toEqual({
      marketplaceId: 'A1PA6795UKMFR9',
      children: [],
      problems: [],
      notListed: [],
      blocked: [
        { sku: 'SH-1-BLK-S', sellerSku: 'AMZ-1-BLK-S' },
        { sku: 'SH-1-BLK-M', sellerSku: 'AMZ-1-BLK-M' },
      ],
    });
  });

  it('names every category path, or none, when no product type is mapped', () => {
    const withCategories = (categories: string[][]) => ({ ...PRODUCT, product: { ...PRODUCT.product, categories } });

    expect(plan({ product: withCategories([['Sale'], ['Gifts', 'Socks']]) }).problems[0]?.message).toBe(
      'no product type is mapped for category Sale; Gifts > Socks',
    );
    expect(plan({ product: withCategories([]) }).problems[0]?.message).toBe(
      'no product type is mapped for category (none)',
    );
  });

  it('blocks the family under parent_sku alone when the parent SellerSKU rule finds nothing', () => {
    const result = plan({
      mappingInput: {
        ...MAPPING,
        parent: {
          ...MAPPING.parent,
          sku: { rule: 'copy', from: 'master.attributes.key' },
          // Not read at all without a parent SellerSKU, so it adds no problem of its own.
          attributes: { brand: { rule: 'copy', from: 'product.attributes.brand' } },
        },
      },
    });

    expect(result.problems).toEqual([
      {
        attribute: 'parent_sku',
        rule: 'copy from master.attributes.key',
        message: 'parent listing: master.attributes.key has no value',
      },
    ]);
    expect(result.children).toEqual([]);
  });

  it('names the variant of a schema problem, and a theme attribute its rule already failed on only once', () => {
    const noSize = { ...VARIANTS[0], attributes: {} } as (typeof VARIANTS)[number];
    const result = plan({
      variants: [noSize],
      schemaOf: () => ({ key: 'SHIRT', schema: {} }),
      // The schema wants a fabric on every child; the parent passes.
      validate: (_, attributes) =>
        'child_parent_sku_relationship' in attributes ? [{ attribute: 'fabric', message: 'required' }] : [],
    });

    expect(result.problems).toEqual([
      {
        attribute: 'size',
        rule: 'copy from variant.attributes.size',
        message: 'variant.attributes.size has no value',
        sku: 'SH-1-BLK-S',
      },
      { attribute: 'fabric', rule: 'no rule in the mapping', message: 'required', sku: 'SH-1-BLK-S' },
    ]);
  });
});

describe('planListings: the variation theme', () => {
  it('names a theme attribute no rule produces even when another attribute failed its rule', () => {
    const result = plan({
      mappingInput: {
        ...MAPPING,
        attributes: { color: { rule: 'copy', from: 'product.attributes.color' } },
        parent: { ...MAPPING.parent, attributes: {} },
      },
      product: { ...PRODUCT, product: { ...PRODUCT.product, attributes: {} } },
      variants: [VARIANTS[0] as (typeof VARIANTS)[number]],
    });

    expect(result.problems.map((p) => [p.attribute, p.message])).toEqual([
      ['color', 'product.attributes.color has no value'],
      ['size', 'the variation theme SIZE_NAME/COLOR_NAME needs it on every child'],
    ]);
  });
});

describe('productTypeOf at the edges', () => {
  it('matches a category path that is the category itself', () => {
    expect(productTypeOf(listingMappingSchema.parse(MAPPING), [['Tops']])?.productType).toBe('SHIRT');
  });
});
