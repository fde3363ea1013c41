import { describe, expect, it } from 'vitest';
import { productTypeSchema } from '../../../local/simulators/amazon/product-types';
import { validateAgainstSchema } from '../../../shared/domain/listing-validation';

const UK = 'A1F83G8C2ARO7P';
const schemaOf = (productType: string) =>
  productTypeSchema(productType, 'LISTING_PRODUCT_ONLY') as Record<string, unknown>;
const SHIRT = schemaOf('SHIRT');
const text = (value: string) => [{ value, language_tag: 'en_GB', marketplace_id: UK }];

/** A variation child of a SHIRT family with every attribute the product type requires. */
const CHILD: Record<string, unknown> = {
  item_name: text('Northwind Apparel Organic Tee Black XS'),
  brand: text('Northwind Apparel'),
  color: text('Black'),
  size: text('XS'),
  department: text('Unisex Adult'),
  material: text('100% Organic cotton'),
  care_instructions: text('Machine wash 30°C'),
  item_weight: [{ value: 0.18, unit: 'kilograms' }],
  parentage_level: [{ value: 'child', marketplace_id: UK }],
  variation_theme: [{ name: 'SIZE_NAME/COLOR_NAME' }],
  child_parent_sku_relationship: [{ child_relationship_type: 'variation', parent_sku: 'SH-010', marketplace_id: UK }],
};

const PARENT: Record<string, unknown> = {
  item_name: text('Northwind Apparel Organic Tee'),
  brand: text('Northwind Apparel'),
  department: text('Unisex Adult'),
  parentage_level: [{ value: 'parent', marketplace_id: UK }],
  variation_theme: [{ name: 'SIZE_NAME/COLOR_NAME' }],
};

const without = (attributes: Record<string, unknown>, name: string) =>
  Object.fromEntries(Object.entries(attributes).filter(([key]) => key !== name));

describe('validateAgainstSchema with the SHIRT schema for product facts only', () => {
  it('accepts a complete variation child', () => {
    expect(validateAgainstSchema('SHIRT.valid-child', SHIRT, CHILD)).toEqual([]);
  });

  it('accepts a parent that names the family but carries none of what its children differ by', () => {
    expect(validateAgainstSchema('SHIRT.parent', SHIRT, PARENT)).toEqual([]);
  });

  it.each(['care_instructions', 'size', 'child_parent_sku_relationship', 'brand'])(
    'names %s, once, when a child lacks it',
    (name) => {
      expect(validateAgainstSchema('SHIRT.missing', SHIRT, without(CHILD, name))).toEqual([
        { attribute: name, message: 'required by the product type but not produced' },
      ]);
    },
  );

  it.each([
    ['item_weight', [{ value: 0.18, unit: 'stones' }], '0/unit must be equal to one of the allowed values'],
    ['item_weight', [{ value: 0, unit: 'kilograms' }], '0/value must be > 0'],
    ['brand', text(''), '0/value must NOT have fewer than 1 characters'],
    ['color', [], 'must NOT have fewer than 1 items'],
    ['variation_theme', [{ name: 'STYLE_NAME' }], '0/name must be equal to one of the allowed values'],
  ])('names %s when its value is shaped wrong (%j)', (name, value, message) => {
    expect(validateAgainstSchema('SHIRT.shape', SHIRT, { ...CHILD, [name]: value })).toEqual([
      { attribute: name, message },
    ]);
  });

  it('refuses an offer on a parent', () => {
    const violations = validateAgainstSchema('SHIRT.parent-offer', SHIRT, {
      ...PARENT,
      purchasable_offer: [{ currency: 'GBP', our_price: [{ schedule: [{ value_with_tax: 19.9 }] }] }],
    });

    expect(violations.map((v) => v.attribute)).toEqual(['purchasable_offer']);
  });

  it('gives a right answer for each of several calls with one key', () => {
    const key = 'SHIRT.repeated';

    expect(validateAgainstSchema(key, SHIRT, CHILD)).toEqual([]);
    expect(validateAgainstSchema(key, SHIRT, without(CHILD, 'material')).map((v) => v.attribute)).toEqual(['material']);
    expect(validateAgainstSchema(key, SHIRT, CHILD)).toEqual([]);
  });

  it('compiles a key once: a second schema under the same key is not read', () => {
    const shirtChild = CHILD;
    expect(validateAgainstSchema('PANTS.v1', schemaOf('PANTS'), shirtChild).map((v) => v.attribute)).toEqual([
      'fit_type',
    ]);

    // The key names a schema version, so the SHIRT schema handed in under PANTS' key does not replace it.
    expect(validateAgainstSchema('PANTS.v1', SHIRT, shirtChild).map((v) => v.attribute)).toEqual(['fit_type']);
    expect(validateAgainstSchema('SHIRT.v1', SHIRT, shirtChild)).toEqual([]);
  });
});
