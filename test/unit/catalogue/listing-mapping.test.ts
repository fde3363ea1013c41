import { describe, expect, it } from 'vitest';
import { APPAREL_LISTING_MAPPING } from '../../../lib/config/listing-mappings';
import { productTypeSchema } from '../../../local/simulators/amazon/product-types';
import {
  DEMO_CATALOGUE,
  DEMO_PRODUCT_GAPS,
  DEMO_PRODUCTS,
  type DemoProduct,
  demoVariantBySku,
} from '../../../local/simulators/catalogue';
import {
  type AttributeRule,
  applyRules,
  attributeRuleSchema,
  type ListingMappingInput,
  listingMappingSchema,
  type MappingSource,
  parentageAttributes,
  planListings,
  productTypeOf,
  themeAttributes,
  type VariantMapping,
  valuesAt,
} from '../../../shared/domain/listing-mapping';
import { validateAgainstSchema } from '../../../shared/domain/listing-validation';
import { scayleProductSchema } from '../../../shared/schemas/scayle';
import { mappingSourceOf } from '../../../shared/use-cases/catalogue/sync-listings';

const UK = 'A1F83G8C2ARO7P';
const DE = 'A1PA6795UKMFR9';
const MARKETPLACES = {
  [UK]: { id: UK, locale: 'en_GB', languageTag: 'en_GB' },
  [DE]: { id: DE, locale: 'de_DE', languageTag: 'de_DE' },
};
const MAPPING = listingMappingSchema.parse(APPAREL_LISTING_MAPPING);
const SIZES = ['XS', 'S', 'M', 'L', 'XL'];

/** Why the schema refuses a mapping, one `path: message` per issue. */
const refusalOf = (input: unknown): string[] => {
  const result = listingMappingSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('listingMappingSchema', () => {
  it('accepts the apparel example and fills in the defaults', () => {
    expect(MAPPING.productTypes.map((entry) => entry.productType)).toEqual(['SHIRT', 'PANTS', 'COAT']);
    expect(MAPPING.productTypes[0]?.attributes).toEqual({});
    expect(MAPPING.attributes.item_name).toMatchObject({ rule: 'join', separator: ' ' });
  });

  it.each<[string, ListingMappingInput, string]>([
    [
      'a rule of an unknown type',
      {
        ...APPAREL_LISTING_MAPPING,
        attributes: { lookup: { rule: 'lookup', from: 'product.attributes.x' } as unknown as AttributeRule },
      },
      'attributes.lookup.rule: ',
    ],
    [
      'a convert from grams to centimeters',
      {
        ...APPAREL_LISTING_MAPPING,
        attributes: {
          item_weight: { rule: 'convert', from: 'product.attributes.weight', fromUnit: 'grams', toUnit: 'centimeters' },
        },
      },
      'attributes.item_weight.toUnit: fromUnit and toUnit must measure the same thing (mass or length)',
    ],
    [
      'a rule for purchasable_offer',
      { ...APPAREL_LISTING_MAPPING, attributes: { purchasable_offer: { rule: 'constant', value: 10 } } },
      'attributes.purchasable_offer: purchasable_offer is written by the hub, not by a rule',
    ],
    [
      "a rule for the parent's parentage_level",
      {
        ...APPAREL_LISTING_MAPPING,
        parent: {
          ...APPAREL_LISTING_MAPPING.parent,
          attributes: { parentage_level: { rule: 'constant', value: 'x' } },
        },
      },
      'parent.attributes.parentage_level: parentage_level is written by the hub, not by a rule',
    ],
    [
      "a rule for a product type's variation_theme",
      {
        ...APPAREL_LISTING_MAPPING,
        productTypes: [
          { category: 'Tops', productType: 'SHIRT', attributes: { variation_theme: { rule: 'constant', value: 'x' } } },
        ],
      },
      'productTypes.0.attributes.variation_theme: variation_theme is written by the hub, not by a rule',
    ],
    [
      'a source path that does not start at master, product or variant',
      { ...APPAREL_LISTING_MAPPING, attributes: { brand: { rule: 'copy', from: 'attributes.brand' } } },
      'attributes.brand.from: must be a path such as product.attributes.color',
    ],
    [
      'a source path with an empty segment',
      { ...APPAREL_LISTING_MAPPING, attributes: { brand: { rule: 'copy', from: 'product.attributes..brand' } } },
      'attributes.brand.from: must be a path',
    ],
    [
      'a mapping with no marketplace',
      { ...APPAREL_LISTING_MAPPING, marketplaces: {} },
      'marketplaces: name at least one marketplace',
    ],
  ])('refuses %s, naming where', (_, input, expected) => {
    const refusal = refusalOf(input);

    expect(refusal).toHaveLength(1);
    expect(refusal[0]).toContain(expected);
  });

  it('refuses a mapping without marketplaces at all', () => {
    const { marketplaces: _, ...withoutMarketplaces } = APPAREL_LISTING_MAPPING;

    expect(refusalOf(withoutMarketplaces)).toEqual([expect.stringMatching(/^marketplaces: /)]);
  });
});

/** A small SCAYLE product of our own, with one variant. */
const SOURCE: MappingSource = {
  master: { referenceKey: 'SH-900', attributes: {} },
  product: {
    id: 900,
    referenceKey: 'SH-900-BLK',
    name: { de_DE: 'Hemd', en_GB: 'Shirt' },
    categories: [['Fashion', 'Men', 'Clothing', 'Tops']],
    attributes: {
      brand: 'Northwind',
      color: { de_DE: 'Schwarz', en_GB: 'Black' },
      seasons: [
        { de_DE: 'Sommer', en_GB: 'Summer' },
        { de_DE: 'Herbst', en_GB: 'Autumn' },
      ],
      target_group: 'men',
      weight: '1234',
      weight_kg: '0,35',
      weight_note: 'heavy',
      material_composition: [
        {
          material_group: 'Outer',
          components: [
            { fraction: 70, material: 'Cotton' },
            { fraction: 30, material: 'Polyester' },
          ],
        },
        { material_group: 'Lining', components: [{ fraction: 100, material: 'Viscose' }] },
      ],
    },
  },
  variant: { id: 9001, referenceKey: 'SH-900-BLK-M', attributes: { size: 'M' } },
};

/** Applies one rule, parsed as the mapping would be, as attribute `attribute`. */
const apply = (rule: unknown, marketplace = MARKETPLACES[UK], source: MappingSource = SOURCE, attribute = 'x') =>
  applyRules({ [attribute]: attributeRuleSchema.parse(rule) }, source, marketplace);

const text = (value: string, marketplaceId = UK, languageTag = 'en_GB') => ({
  value,
  language_tag: languageTag,
  marketplace_id: marketplaceId,
});

describe('valuesAt', () => {
  it('walks every element of a list at *', () => {
    expect(valuesAt(SOURCE, 'product.attributes.material_composition.*.components.*.material', 'en_GB')).toEqual([
      'Cotton',
      'Polyester',
      'Viscose',
    ]);
  });

  it('reads a localized value in the locale asked for and drops what is missing', () => {
    expect(valuesAt(SOURCE, 'product.attributes.color', 'de_DE')).toEqual(['Schwarz']);
    expect(valuesAt(SOURCE, 'product.attributes.color', 'fr_FR')).toEqual([]);
    expect(valuesAt(SOURCE, 'variant.attributes.fit', 'en_GB')).toEqual([]);
  });
});

describe('applyRules', () => {
  describe('copy', () => {
    it('copies a scalar as text for the marketplace', () => {
      expect(apply({ rule: 'copy', from: 'product.attributes.brand' })).toEqual({
        attributes: { x: [text('Northwind')] },
        problems: [],
      });
    });

    it.each([
      [UK, 'Black', 'en_GB'],
      [DE, 'Schwarz', 'de_DE'],
    ] as const)('copies a localized value in the locale of marketplace %s', (marketplaceId, value, tag) => {
      const { attributes } = apply({ rule: 'copy', from: 'product.attributes.color' }, MARKETPLACES[marketplaceId]);

      expect(attributes.x).toEqual([text(value, marketplaceId, tag)]);
    });

    it('copies every value of a list', () => {
      const { attributes } = apply({ rule: 'copy', from: 'product.attributes.seasons' }, MARKETPLACES[DE]);

      expect(attributes.x).toEqual([text('Sommer', DE, 'de_DE'), text('Herbst', DE, 'de_DE')]);
    });

    it('refuses a structured value, naming the attribute and the rule', () => {
      const { attributes, problems } = apply(
        { rule: 'copy', from: 'product.attributes.material_composition' },
        undefined,
        undefined,
        'material',
      );

      expect(attributes).toEqual({});
      expect(problems).toEqual([
        {
          attribute: 'material',
          rule: 'copy from product.attributes.material_composition',
          message: 'product.attributes.material_composition is structured; use join with a template',
          sku: 'SH-900-BLK-M',
        },
      ]);
    });

    it('names the path that has no value, and no SKU when there is no variant', () => {
      const { variant: _, ...product } = SOURCE;

      expect(apply({ rule: 'copy', from: 'product.attributes.care' }, undefined, product).problems).toEqual([
        {
          attribute: 'x',
          rule: 'copy from product.attributes.care',
          message: 'product.attributes.care has no value',
        },
      ]);
    });
  });

  describe('map', () => {
    const department = {
      rule: 'map',
      from: 'product.attributes.target_group',
      values: { men: 'Mens', women: 'Womens' },
    };
    const withTargetGroup = (value: string): MappingSource => ({
      ...SOURCE,
      product: { ...SOURCE.product, attributes: { ...SOURCE.product.attributes, target_group: value } },
    });

    it('maps a value through the table', () => {
      expect(apply(department).attributes.x).toEqual([text('Mens')]);
    });

    it('refuses a value the table lacks, naming it', () => {
      expect(apply(department, undefined, withTargetGroup('kids')).problems).toEqual([
        {
          attribute: 'x',
          rule: 'map product.attributes.target_group through its value table',
          message: "product.attributes.target_group is 'kids', which the value table lacks",
          sku: 'SH-900-BLK-M',
        },
      ]);
    });

    it('maps a value the table lacks to otherwise when set', () => {
      const { attributes, problems } = apply(
        { ...department, otherwise: 'Unisex Adult' },
        undefined,
        withTargetGroup('kids'),
      );

      expect(problems).toEqual([]);
      expect(attributes.x).toEqual([text('Unisex Adult')]);
    });

    // Bug: the value table is a plain object, so a SCAYLE value that names an Object.prototype member
    // ('constructor', 'toString', ...) finds that function instead of missing the table.
    it('refuses a value that happens to name an object property, such as constructor', () => {
      expect(apply(department, undefined, withTargetGroup('constructor')).problems).toHaveLength(1);
    });
  });

  describe('constant', () => {
    it('writes the same text whatever the product', () => {
      expect(apply({ rule: 'constant', value: 'Northwind' }, MARKETPLACES[DE]).attributes.x).toEqual([
        text('Northwind', DE, 'de_DE'),
      ]);
    });
  });

  describe('convert', () => {
    it('converts grams to kilograms, rounded to the decimals asked for, as a measure', () => {
      const rule = { rule: 'convert', from: 'product.attributes.weight', fromUnit: 'grams', toUnit: 'kilograms' };

      expect(apply({ ...rule, decimals: 3 }).attributes.x).toEqual([{ value: 1.234, unit: 'kilograms' }]);
      expect(apply({ ...rule, decimals: 1 }).attributes.x).toEqual([{ value: 1.2, unit: 'kilograms' }]);
      expect(apply(rule).attributes.x).toEqual([{ value: 1.23, unit: 'kilograms' }]);
    });

    it("reads a comma decimal such as '0,35'", () => {
      const rule = { rule: 'convert', from: 'product.attributes.weight_kg', fromUnit: 'kilograms', toUnit: 'grams' };

      expect(apply(rule).attributes.x).toEqual([{ value: 350, unit: 'grams' }]);
    });

    // Bug: only '' is dropped as empty; a blank '  ' trims to '' and Number('') is 0, so it converts to 0.
    it('refuses a blank value rather than reading it as zero', () => {
      const blank: MappingSource = {
        ...SOURCE,
        product: { ...SOURCE.product, attributes: { ...SOURCE.product.attributes, weight: '  ' } },
      };
      const rule = { rule: 'convert', from: 'product.attributes.weight', fromUnit: 'grams', toUnit: 'kilograms' };

      expect(apply(rule, undefined, blank).problems).toHaveLength(1);
    });

    it('refuses a value that is not a number, naming the attribute and the rule', () => {
      const rule = { rule: 'convert', from: 'product.attributes.weight_note', fromUnit: 'grams', toUnit: 'kilograms' };

      expect(apply(rule, undefined, undefined, 'item_weight').problems).toEqual([
        {
          attribute: 'item_weight',
          rule: 'convert product.attributes.weight_note from grams to kilograms',
          message: "product.attributes.weight_note is 'heavy', not a number",
          sku: 'SH-900-BLK-M',
        },
      ]);
    });
  });

  describe('join', () => {
    it('joins the values of several paths with the separator', () => {
      const rule = {
        rule: 'join',
        from: ['product.attributes.brand', 'product.name', 'product.attributes.color', 'variant.attributes.size'],
      };

      expect(apply(rule).attributes.x).toEqual([text('Northwind Shirt Black M')]);
      expect(apply({ ...rule, separator: ' | ' }, MARKETPLACES[DE]).attributes.x).toEqual([
        text('Northwind | Hemd | Schwarz | M', DE, 'de_DE'),
      ]);
    });

    it("renders each component of a SCAYLE material composition with the template '{fraction}% {material}'", () => {
      const rule = {
        rule: 'join',
        from: ['product.attributes.material_composition.*.components.*'],
        template: '{fraction}% {material}',
        separator: ', ',
      };

      expect(apply(rule).attributes.x).toEqual([text('70% Cotton, 30% Polyester, 100% Viscose')]);
    });

    it('refuses when the template names a field a value lacks', () => {
      const rule = {
        rule: 'join',
        from: ['product.attributes.material_composition.*.components.*'],
        template: '{fraction}% {material} ({origin})',
        separator: ', ',
      };

      expect(apply(rule, undefined, undefined, 'material').problems).toEqual([
        {
          attribute: 'material',
          rule: "join product.attributes.material_composition.*.components.* as '{fraction}% {material} ({origin})' with ', '",
          message:
            "product.attributes.material_composition.*.components.* lacks a field the template '{fraction}% {material} ({origin})' names",
          sku: 'SH-900-BLK-M',
        },
      ]);
    });

    it('refuses a structured value without a template, and names the one path of several that has no value', () => {
      const structured = apply({ rule: 'join', from: ['product.attributes.material_composition.*.components.*'] });
      const missing = apply({ rule: 'join', from: ['product.attributes.brand', 'variant.attributes.fit'] });

      expect(structured.problems.map((p) => p.message)).toEqual([
        'product.attributes.material_composition.*.components.* is structured; give the join a template',
      ]);
      expect(missing.problems).toEqual([
        {
          attribute: 'x',
          rule: "join product.attributes.brand, variant.attributes.fit with ' '",
          message: 'variant.attributes.fit has no value',
          sku: 'SH-900-BLK-M',
        },
      ]);
    });
  });

  it('computes each attribute on its own: one failing rule leaves the others computed', () => {
    const rules = {
      brand: attributeRuleSchema.parse({ rule: 'copy', from: 'product.attributes.brand' }),
      care_instructions: attributeRuleSchema.parse({ rule: 'copy', from: 'product.attributes.care' }),
    };

    const { attributes, problems } = applyRules(rules, SOURCE, MARKETPLACES[UK]);

    expect(Object.keys(attributes)).toEqual(['brand']);
    expect(problems.map((p) => p.attribute)).toEqual(['care_instructions']);
  });
});

describe('productTypeOf', () => {
  it.each([
    [[['Fashion', 'Men', 'Clothing', 'Trousers']], 'PANTS'],
    [[['FASHION', 'WOMEN', 'CLOTHING', 'JACKETS & COATS']], 'COAT'],
    [[['Sale'], ['Fashion', 'Unisex', 'Clothing', 'tops']], 'SHIRT'],
    [[['Tops', 'Sale']], undefined],
    [[['Fashion', 'Women', 'Clothing', 'Coats']], undefined],
    [[], undefined],
  ])('finds the product type of %j by the end of a category path: %s', (categories, expected) => {
    expect(productTypeOf(MAPPING, categories)?.productType).toBe(expected);
  });

  it('matches a category of several segments, but not one ending in the middle of a path', () => {
    const mapping = listingMappingSchema.parse({
      ...APPAREL_LISTING_MAPPING,
      productTypes: [{ category: 'Clothing > Tops', productType: 'SHIRT' }],
    });

    expect(productTypeOf(mapping, [['Fashion', 'Men', 'Clothing', 'Tops']])?.productType).toBe('SHIRT');
    expect(productTypeOf(mapping, [['Fashion', 'Men', 'Clothing', 'Tops', 'Polos']])).toBeUndefined();
  });
});

describe('themeAttributes and parentageAttributes', () => {
  it('names the attributes a variation theme needs on every child', () => {
    expect(themeAttributes('SIZE_NAME/COLOR_NAME')).toEqual(['size', 'color']);
    expect(themeAttributes('COLOR_NAME/STYLE_NAME')).toEqual(['color']);
  });

  it('links a child to its parent, and a parent to nothing', () => {
    expect(parentageAttributes('child', 'SIZE_NAME', 'SH-010', UK)).toEqual({
      parentage_level: [{ value: 'child', marketplace_id: UK }],
      variation_theme: [{ name: 'SIZE_NAME' }],
      child_parent_sku_relationship: [
        { child_relationship_type: 'variation', parent_sku: 'SH-010', marketplace_id: UK },
      ],
    });
    expect(parentageAttributes('parent', 'SIZE_NAME', 'SH-010', UK)).not.toHaveProperty(
      'child_parent_sku_relationship',
    );
  });
});

const demoProduct = (key: string): DemoProduct => {
  const product = DEMO_PRODUCTS.find((p) => p.referenceKey === key);
  if (!product) throw new Error(`no demo product ${key}`);
  return product;
};

/** A catalogue map row as the use case builds it from the demo catalogue: the SellerSKU points back to its SKU. */
const demoMapping = (sku: string): VariantMapping => {
  const variant = demoVariantBySku.get(sku);
  if (!variant) throw new Error(`no demo variant ${sku}`);
  return {
    ...(variant.amazon ? { sellerSku: variant.amazon.sellerSku, sellerSkuOwner: sku } : {}),
    ...(variant.orderwise ? { orderwiseVariantCode: variant.orderwise.variantCode } : {}),
    scayleVariantId: variant.scayleVariantId,
  };
};

interface PlanOptions {
  readonly marketplaceId?: string;
  readonly mapping?: ListingMappingInput;
  /** Changes the demo product before it is read as SCAYLE returns it. */
  readonly product?: (product: DemoProduct) => DemoProduct;
  /** Changes a variant's row of the catalogue map. */
  readonly row?: (sku: string, row: VariantMapping) => VariantMapping;
}

/** Plans a demo product as the use case does: SCAYLE's read, the catalogue map and the simulator's schema. */
const planOf = (productKey: string, options: PlanOptions = {}) => {
  const demo = (options.product ?? ((p) => p))(demoProduct(productKey));
  const scayle = scayleProductSchema.parse({ ...demo, master: { referenceKey: demo.masterKey, attributes: [] } });
  const { source, variants } = mappingSourceOf(scayle);
  return planListings({
    mapping: listingMappingSchema.parse(options.mapping ?? APPAREL_LISTING_MAPPING),
    marketplaceId: options.marketplaceId ?? UK,
    product: source,
    variants,
    mappings: new Map(
      variants.map((v) => [
        v.referenceKey,
        (options.row ?? ((_, row) => row))(v.referenceKey, demoMapping(v.referenceKey)),
      ]),
    ),
    schemaOf: (productType) => ({
      key: `${productType}.LISTING_PRODUCT_ONLY`,
      schema: productTypeSchema(productType, 'LISTING_PRODUCT_ONLY') as Record<string, unknown>,
    }),
    validate: (schema, attributes) => validateAgainstSchema(schema.key, schema.schema, attributes),
  });
};

const withoutAttribute = (name: string) => (product: DemoProduct) => ({
  ...product,
  attributes: product.attributes.filter((a) => a.name !== name),
});

describe('planListings with the apparel mapping and the demo catalogue', () => {
  it.each([
    [UK, 'Organic Tee'],
    [DE, 'Bio-T-Shirt'],
  ])(
    'plans a complete product in %s as a parent named by the master and a child per variant',
    (marketplaceId, name) => {
      const plan = planOf('SH-010-BLK', { marketplaceId });

      expect(plan.problems).toEqual([]);
      expect(plan.notListed).toEqual([]);
      expect(plan.productType).toBe('SHIRT');
      expect(plan.parent).toMatchObject({ sellerSku: 'SH-010', role: 'parent', productType: 'SHIRT' });
      expect(plan.parent?.attributes).toMatchObject({
        item_name: [{ value: `Northwind Apparel ${name}`, marketplace_id: marketplaceId }],
        parentage_level: [{ value: 'parent', marketplace_id: marketplaceId }],
        variation_theme: [{ name: 'SIZE_NAME/COLOR_NAME' }],
      });
      expect(plan.children.map((c) => [c.sku, c.sellerSku])).toEqual(
        SIZES.map((size) => [`SH-010-BLK-${size}`, `AMZ-010-BLK-${size}`]),
      );
      for (const child of plan.children)
        expect(child.attributes.child_parent_sku_relationship).toEqual([
          { child_relationship_type: 'variation', parent_sku: 'SH-010', marketplace_id: marketplaceId },
        ]);
    },
  );

  it('gives a child every attribute in the shape Amazon takes', () => {
    const child = planOf('SH-010-BLK').children[0];

    expect(child?.attributes).toEqual({
      item_name: [text('Northwind Apparel Organic Tee Black XS')],
      brand: [text('Northwind Apparel')],
      color: [text('Black')],
      size: [text('XS')],
      department: [text('Unisex Adult')],
      material: [text('100% Organic cotton')],
      care_instructions: [text('Machine wash 30°C')],
      item_weight: [{ value: 0.18, unit: 'kilograms' }],
      parentage_level: [{ value: 'child', marketplace_id: UK }],
      variation_theme: [{ name: 'SIZE_NAME/COLOR_NAME' }],
      child_parent_sku_relationship: [
        { child_relationship_type: 'variation', parent_sku: 'SH-010', marketplace_id: UK },
      ],
    });
  });

  it('finds no problem in the whole demo catalogue beyond the planted gaps, in either marketplace', () => {
    const gapSkus = new Set(DEMO_PRODUCT_GAPS.map((g) => g.productKey));
    const expected = DEMO_CATALOGUE.filter((v) => v.amazon && !v.orderwise).map((v) => `${v.sku} sku_mapping`);

    for (const marketplaceId of [UK, DE]) {
      const found = DEMO_PRODUCTS.filter((p) => !gapSkus.has(p.referenceKey)).flatMap((p) =>
        planOf(p.referenceKey, { marketplaceId }).problems.map((problem) => `${problem.sku} ${problem.attribute}`),
      );

      expect(found.sort()).toEqual([...expected].sort());
    }
  });

  it.each([
    ['care_instructions', 'care_instructions', 'copy from product.attributes.care_instructions'],
    ['fit', 'fit_type', 'map product.attributes.fit through its value table'],
  ])(
    'blocks every variant of the demo product missing %s, naming %s and its rule once per variant',
    (missing, attribute, rule) => {
      const gap = DEMO_PRODUCT_GAPS.find((g) => g.missingAttribute === missing);
      if (!gap) throw new Error(`no demo gap for ${missing}`);

      const plan = planOf(gap.productKey);

      const listed = demoProduct(gap.productKey)
        .variants.map((v) => v.referenceKey)
        .filter((sku) => demoVariantBySku.get(sku)?.amazon);
      expect(plan.problems).toEqual(
        listed.map((sku) => ({ attribute, rule, message: `product.attributes.${missing} has no value`, sku })),
      );
      expect(plan.blocked).toEqual(listed.map((sku) => ({ sku, sellerSku: sku.replace(/^SH-/, 'AMZ-') })));
      // The parent needs neither attribute, but a parent without a child is not sent.
      expect(plan.parent).toBeUndefined();
      expect(plan.children).toEqual([]);
    },
  );

  it('blocks the whole family once, not per variant, when the parent lacks an attribute', () => {
    const plan = planOf('SH-010-BLK', { product: withoutAttribute('brand') });

    expect(plan.problems).toEqual([
      {
        attribute: 'item_name',
        rule: "join product.attributes.brand, product.name with ' '",
        message: 'parent listing: product.attributes.brand has no value',
      },
      {
        attribute: 'brand',
        rule: 'copy from product.attributes.brand',
        message: 'parent listing: product.attributes.brand has no value',
      },
    ]);
    expect(plan.parent).toBeUndefined();
    expect(plan.children).toEqual([]);
    expect(plan.blocked.map((b) => b.sku)).toEqual(SIZES.map((size) => `SH-010-BLK-${size}`));
  });

  it('blocks a variant without an OrderWise stock code and lists the others', () => {
    const plan = planOf('SH-050-OLV');

    expect(plan.problems).toEqual([
      {
        attribute: 'sku_mapping',
        rule: 'catalogue map',
        message: 'SH-050-OLV-S has no OrderWise stock code: nothing could fulfil an order',
        sku: 'SH-050-OLV-S',
      },
    ]);
    expect(plan.children.map((c) => c.sku)).toEqual(['SH-050-OLV-XS', 'SH-050-OLV-M', 'SH-050-OLV-L', 'SH-050-OLV-XL']);
    expect(plan.parent?.sellerSku).toBe('SH-050');
    expect(plan.blocked).toEqual([{ sku: 'SH-050-OLV-S', sellerSku: 'AMZ-050-OLV-S' }]);
  });

  it.each([
    [
      'owned by another SKU',
      { sellerSkuOwner: 'SH-010-NAV-M' },
      'SellerSKU AMZ-010-BLK-M is mapped to SH-010-NAV-M as well',
    ],
    [
      'that maps back to no SKU',
      { sellerSkuOwner: undefined },
      'SellerSKU AMZ-010-BLK-M does not map back to SH-010-BLK-M',
    ],
    [
      'of another SCAYLE variant id',
      { scayleVariantId: 1 },
      'the catalogue map names SCAYLE variant 1, SCAYLE has 100003',
    ],
  ])('blocks a variant whose SellerSKU is %s', (_, change, message) => {
    const plan = planOf('SH-010-BLK', { row: (sku, row) => (sku === 'SH-010-BLK-M' ? { ...row, ...change } : row) });

    expect(plan.problems).toEqual([{ attribute: 'sku_mapping', rule: 'catalogue map', message, sku: 'SH-010-BLK-M' }]);
    expect(plan.blocked).toEqual([{ sku: 'SH-010-BLK-M', sellerSku: 'AMZ-010-BLK-M' }]);
    expect(plan.children.map((c) => c.sku)).toEqual(['SH-010-BLK-XS', 'SH-010-BLK-S', 'SH-010-BLK-L', 'SH-010-BLK-XL']);
  });

  it('leaves a variant without a SellerSKU out, as not listed rather than blocked', () => {
    const plan = planOf('SH-011-OLV');

    expect(plan.notListed).toEqual(['SH-011-OLV-XS']);
    expect(plan.problems).toEqual([]);
    expect(plan.blocked).toEqual([]);
    expect(plan.children.map((c) => c.sku)).toEqual(['SH-011-OLV-S', 'SH-011-OLV-M', 'SH-011-OLV-L', 'SH-011-OLV-XL']);
  });

  it('gives one product_type problem for a category no product type is mapped for', () => {
    const plan = planOf('SH-010-BLK', {
      product: (p) => ({ ...p, categories: [['Fashion', 'Unisex', 'Accessories', 'Belts']] }),
    });

    expect(plan.problems).toEqual([
      {
        attribute: 'product_type',
        rule: 'productTypes',
        message: 'no product type is mapped for category Fashion > Unisex > Accessories > Belts',
      },
    ]);
    expect(plan.productType).toBeUndefined();
    expect(plan.children).toEqual([]);
    expect(plan.blocked).toHaveLength(5);
  });

  it('plans nothing at all for a product none of whose variants is mapped to Amazon', () => {
    const plan = planOf('SH-010-BLK', { row: (_, { sellerSku: __, sellerSkuOwner: ___, ...row }) => row });

    expect(plan).toEqual({
      marketplaceId: UK,
      children: [],
      problems: [],
      notListed: ['SH-010-BLK-XS', 'SH-010-BLK-S', 'SH-010-BLK-M', 'SH-010-BLK-L', 'SH-010-BLK-XL'],
      blocked: [],
    });
  });

  it('blocks a variant on what the schema requires but no rule produces, saying there is no rule', () => {
    const { fit_type: _, ...noFitType } = APPAREL_LISTING_MAPPING.productTypes[1]?.attributes ?? {};
    const mapping = {
      ...APPAREL_LISTING_MAPPING,
      productTypes: APPAREL_LISTING_MAPPING.productTypes.map((entry) =>
        entry.productType === 'PANTS' ? { ...entry, attributes: noFitType } : entry,
      ),
    };

    const plan = planOf('SH-040-BLK', { mapping });

    expect(plan.children).toEqual([]);
    expect(plan.problems).toHaveLength(5);
    expect(new Set(plan.problems.map((p) => JSON.stringify([p.attribute, p.rule, p.message])))).toEqual(
      new Set([
        JSON.stringify(['fit_type', 'no rule in the mapping', 'required by the product type but not produced']),
      ]),
    );
  });

  it('blocks a child without an attribute its variation theme needs, once, not again for the schema', () => {
    const { size: _, ...attributes } = APPAREL_LISTING_MAPPING.attributes;

    const plan = planOf('SH-010-BLK', { mapping: { ...APPAREL_LISTING_MAPPING, attributes } });

    expect(plan.problems).toHaveLength(5);
    expect(plan.problems[0]).toEqual({
      attribute: 'size',
      rule: 'no rule in the mapping',
      message: 'the variation theme SIZE_NAME/COLOR_NAME needs it on every child',
      sku: 'SH-010-BLK-XS',
    });
  });

  it('plans nothing for a marketplace the mapping does not name', () => {
    const plan = planOf('SH-010-BLK', { marketplaceId: 'A13V1IB3VIYZZH' });

    expect(plan.children).toEqual([]);
    expect(plan.problems).toEqual([]);
  });
});
