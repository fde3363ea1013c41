/**
 * The three product types the demo sells (SHIRT, PANTS, COAT) as the Product Type Definitions API describes them:
 * a definition that links to a JSON Schema of the listing attributes. The same tables drive the simulator's own
 * validation of putListingsItem, patchListingsItem and JSON_LISTINGS_FEED, so what the schema calls required (at
 * the top, or in the if/then branch for a standalone listing, a variation parent or a child) is exactly what a listing
 * is refused without.
 */
import { createHash } from 'node:crypto';

/** How an attribute's values are shaped. */
type AttributeKind =
  | 'text'
  | 'variation_theme'
  | 'parentage_level'
  | 'child_parent_sku_relationship'
  | 'weight'
  | 'fulfillment_availability'
  | 'purchasable_offer';

/** An attribute a product type knows. */
interface AttributeSpec {
  readonly title: string;
  readonly kind: AttributeKind;
}

const ATTRIBUTES: Readonly<Record<string, AttributeSpec>> = {
  item_name: { title: 'Item Name', kind: 'text' },
  brand: { title: 'Brand Name', kind: 'text' },
  color: { title: 'Colour', kind: 'text' },
  size: { title: 'Size', kind: 'text' },
  department: { title: 'Department', kind: 'text' },
  material: { title: 'Material', kind: 'text' },
  care_instructions: { title: 'Care Instructions', kind: 'text' },
  fit_type: { title: 'Fit Type', kind: 'text' },
  closure_type: { title: 'Closure Type', kind: 'text' },
  item_weight: { title: 'Item Weight', kind: 'weight' },
  parentage_level: { title: 'Parentage Level', kind: 'parentage_level' },
  child_parent_sku_relationship: { title: 'Child Parent SKU Relationship', kind: 'child_parent_sku_relationship' },
  variation_theme: { title: 'Variation Theme', kind: 'variation_theme' },
  fulfillment_availability: { title: 'Fulfillment Availability', kind: 'fulfillment_availability' },
  purchasable_offer: { title: 'Purchasable Offer', kind: 'purchasable_offer' },
};

/** The attributes that make an offer; the rest describe the product. */
export const OFFER_ATTRIBUTES = ['purchasable_offer', 'fulfillment_availability'] as const;

/** Variation themes of the apparel types. */
export const VARIATION_THEMES = ['SIZE_NAME', 'COLOR_NAME', 'SIZE_NAME/COLOR_NAME'] as const;

/** A variation theme of the apparel types. */
export type VariationTheme = (typeof VARIATION_THEMES)[number];

/** The attributes that tell the children of a theme apart; each child must carry them. */
export const THEME_ATTRIBUTES: Readonly<Record<VariationTheme, readonly string[]>> = {
  SIZE_NAME: ['size'],
  COLOR_NAME: ['color'],
  'SIZE_NAME/COLOR_NAME': ['size', 'color'],
};

/** The attributes that make a listing a variation parent or child. */
const VARIATION_ATTRIBUTES = ['parentage_level', 'child_parent_sku_relationship', 'variation_theme'];

/** What ties a variation child to its family. */
const CHILD_LINKS = ['child_parent_sku_relationship', 'variation_theme'];

/**
 * What a variation parent needs: it only names the family and is never bought, so it carries no offer and none of
 * the attributes its children differ by [V Seller Central "Variation relationships": a parent is non-buyable]. Amazon
 * may ignore an offer sent for a parent; the simulator refuses it so the hub learns of the mistake [A].
 */
const PARENT_REQUIRED = ['item_name', 'brand', 'department', 'variation_theme'];

/**
 * Units `item_weight` accepts: Amazon's schemas name units in plural words (`pounds`) and know more of them [O];
 * the simulator accepts the two the hub sends [A].
 */
const WEIGHT_UNITS = ['grams', 'kilograms'] as const;

const APPAREL_REQUIRED = [
  'item_name',
  'brand',
  'color',
  'size',
  'department',
  'material',
  'care_instructions',
  ...OFFER_ATTRIBUTES,
];

const APPAREL_OPTIONAL = ['item_weight'];

interface ProductTypeSpec {
  readonly displayName: string;
  /** What a standalone listing (and each variation child) must carry. */
  readonly required: readonly string[];
  readonly optional: readonly string[];
  /** Words that find the type in searchDefinitionsProductTypes. */
  readonly keywords: readonly string[];
}

/** The product types the simulator defines. */
export const PRODUCT_TYPES: Readonly<Record<string, ProductTypeSpec>> = {
  SHIRT: {
    displayName: 'Shirt',
    required: APPAREL_REQUIRED,
    optional: APPAREL_OPTIONAL,
    keywords: ['shirt', 'tee', 't-shirt', 'polo', 'hoodie', 'jumper', 'sweater'],
  },
  PANTS: {
    displayName: 'Pants',
    required: [...APPAREL_REQUIRED, 'fit_type'],
    optional: APPAREL_OPTIONAL,
    keywords: ['pants', 'trousers', 'chino', 'chinos', 'shorts', 'jeans'],
  },
  COAT: {
    displayName: 'Coat',
    required: [...APPAREL_REQUIRED, 'closure_type'],
    optional: APPAREL_OPTIONAL,
    keywords: ['coat', 'jacket', 'parka', 'anorak'],
  },
};

/**
 * `PRODUCT` is accepted for offer-only updates of any listing [V listings use-case guide]; it has no definition of
 * its own.
 */
export const OFFER_ONLY_PRODUCT_TYPE = 'PRODUCT';

/** Which attributes a submission must carry. */
export type Requirements = 'LISTING' | 'LISTING_PRODUCT_ONLY' | 'LISTING_OFFER_ONLY';

/** A listing's place in a variation family: no `parentage_level` makes it standalone. */
export type Parentage = 'parent' | 'child' | 'standalone';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const firstEntry = (value: unknown): Record<string, unknown> | undefined =>
  Array.isArray(value) && isObject(value[0]) ? value[0] : undefined;

/** Where the attributes put a listing; an unreadable `parentage_level` counts as neither parent nor child. */
export const parentageOf = (attributes: Readonly<Record<string, unknown>>): Parentage | 'unknown' => {
  if (!('parentage_level' in attributes)) return 'standalone';
  const level = firstEntry(attributes.parentage_level)?.value;
  return level === 'parent' || level === 'child' ? level : 'unknown';
};

/** The variation theme the attributes name, if a valid one. */
export const themeOf = (attributes: Readonly<Record<string, unknown>>): VariationTheme | undefined => {
  const name = firstEntry(attributes.variation_theme)?.name;
  return (VARIATION_THEMES as readonly unknown[]).includes(name) ? (name as VariationTheme) : undefined;
};

/** The parent SKU a child names, if any. */
export const parentSkuOf = (attributes: Readonly<Record<string, unknown>>): string | undefined => {
  const sku = firstEntry(attributes.child_parent_sku_relationship)?.parent_sku;
  return typeof sku === 'string' ? sku : undefined;
};

/** What a variation parent or child needs beyond a standalone listing: the links of the family. */
export const familyRequiredAttributes = (attributes: Readonly<Record<string, unknown>>): string[] => {
  const parentage = parentageOf(attributes);
  if (parentage === 'parent') return ['variation_theme'];
  if (parentage !== 'child') return [];
  const theme = themeOf(attributes);
  return [...CHILD_LINKS, ...(theme ? THEME_ATTRIBUTES[theme] : [])];
};

/**
 * The attributes `productType` requires under `requirements` of a listing with these attributes: a standalone
 * listing what the type requires; a child that too, plus its parent, its theme and the attributes the theme names;
 * a parent only what names the family.
 */
export const requiredAttributes = (
  productType: string,
  requirements: Requirements = 'LISTING',
  attributes: Readonly<Record<string, unknown>> = {},
): string[] => {
  const spec = PRODUCT_TYPES[productType];
  if (!spec) return [];
  const all = parentageOf(attributes) === 'parent' ? PARENT_REQUIRED : [...spec.required];
  const names = [...new Set([...all, ...familyRequiredAttributes(attributes)])];
  const isOffer = (name: string) => (OFFER_ATTRIBUTES as readonly string[]).includes(name);
  if (requirements === 'LISTING_OFFER_ONLY') return names.filter(isOffer);
  if (requirements === 'LISTING_PRODUCT_ONLY') return names.filter((name) => !isOffer(name));
  return names;
};

/** The title Amazon uses for an attribute in issue messages, e.g. 'Brand Name'. */
export const attributeTitle = (name: string): string =>
  ATTRIBUTES[name]?.title ?? name.replace(/_/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());

/** Kinds that take a single value, as Amazon's schemas say with `maxUniqueItems: 1`. */
const SINGLE_VALUED: ReadonlySet<AttributeKind> = new Set([
  'variation_theme',
  'parentage_level',
  'child_parent_sku_relationship',
  'weight',
]);

/** Whether one value (array entry) of an attribute of `kind` is shaped as the served schema's `items` describes. */
const isEntryOf = (kind: AttributeKind, entry: Record<string, unknown>): boolean => {
  switch (kind) {
    case 'text':
      return typeof entry.value === 'string' && entry.value !== '';
    case 'variation_theme':
      return (VARIATION_THEMES as readonly unknown[]).includes(entry.name);
    case 'parentage_level':
      return entry.value === 'parent' || entry.value === 'child';
    case 'child_parent_sku_relationship':
      return (
        entry.child_relationship_type === 'variation' &&
        typeof entry.parent_sku === 'string' &&
        entry.parent_sku.length >= 1 &&
        entry.parent_sku.length <= 40
      );
    case 'weight':
      return (
        typeof entry.value === 'number' && entry.value > 0 && (WEIGHT_UNITS as readonly unknown[]).includes(entry.unit)
      );
    // The offer attributes are checked where they are applied, per marketplace.
    case 'fulfillment_availability':
    case 'purchasable_offer':
      return true;
  }
};

/** Whether `value` is shaped as the attribute wants: a non-empty array of entries of its kind. */
export const isAttributeValue = (name: string, value: unknown): boolean => {
  const kind = ATTRIBUTES[name]?.kind ?? 'text';
  if (!Array.isArray(value) || value.length === 0 || (SINGLE_VALUED.has(kind) && value.length > 1)) return false;
  return value.every((entry) => isObject(entry) && isEntryOf(kind, entry));
};

const itemSchemaOf = (kind: AttributeKind): object => {
  switch (kind) {
    case 'text':
      return {
        type: 'object',
        required: ['value'],
        properties: {
          value: { type: 'string', minLength: 1 },
          language_tag: { type: 'string' },
          marketplace_id: { type: 'string' },
        },
      };
    case 'variation_theme':
      return { type: 'object', required: ['name'], properties: { name: { type: 'string', enum: VARIATION_THEMES } } };
    case 'parentage_level':
      return {
        type: 'object',
        required: ['value'],
        properties: { value: { type: 'string', enum: ['parent', 'child'] }, marketplace_id: { type: 'string' } },
      };
    case 'child_parent_sku_relationship':
      return {
        type: 'object',
        required: ['child_relationship_type', 'parent_sku'],
        properties: {
          child_relationship_type: { type: 'string', enum: ['variation'] },
          parent_sku: { type: 'string', minLength: 1, maxLength: 40 },
          marketplace_id: { type: 'string' },
        },
      };
    case 'weight':
      return {
        type: 'object',
        required: ['value', 'unit'],
        properties: {
          value: { type: 'number', exclusiveMinimum: 0 },
          unit: { type: 'string', enum: WEIGHT_UNITS },
          marketplace_id: { type: 'string' },
        },
      };
    case 'fulfillment_availability':
      return {
        type: 'object',
        required: ['fulfillment_channel_code'],
        properties: {
          fulfillment_channel_code: { type: 'string', enum: ['DEFAULT'] },
          quantity: { type: 'integer', minimum: 0 },
        },
      };
    case 'purchasable_offer':
      return {
        type: 'object',
        required: ['currency', 'our_price'],
        properties: {
          marketplace_id: { type: 'string' },
          currency: { type: 'string' },
          our_price: {
            type: 'array',
            items: {
              type: 'object',
              required: ['schedule'],
              properties: {
                schedule: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['value_with_tax'],
                    properties: { value_with_tax: { type: 'number', exclusiveMinimum: 0 } },
                  },
                },
              },
            },
          },
        },
      };
  }
};

/** Schema conditions in the shape Amazon's own schemas use: an attribute present with one of these values. */
const hasValue = (name: string, field: string, values: readonly string[]) => ({
  required: [name],
  properties: { [name]: { contains: { required: [field], properties: { [field]: { enum: values } } } } },
});
const IS_PARENT = hasValue('parentage_level', 'value', ['parent']);
const IS_CHILD = hasValue('parentage_level', 'value', ['child']);
const IS_STANDALONE = { not: { required: ['parentage_level'] } };

/** A JSON Schema conditional: where `condition` holds, `consequence` must too. */
const when = (condition: object, consequence: object) => ({
  if: condition,
  // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema keyword, never awaited.
  then: consequence,
});

/**
 * The JSON Schema (2019-09) a definition links to: the attributes of `productType` and which of them are required.
 * The top-level `required` holds what every listing needs; the rest depends on `parentage_level` and is expressed
 * as Amazon's schemas do, with `allOf` of `if`/`then`: a standalone listing needs what the type requires, a parent
 * what names the family and no offer, a child what the type requires plus its parent, its theme and the attributes
 * the theme names. Whether the parent exists the schema cannot say; the simulator checks that itself.
 */
export const productTypeSchema = (productType: string, requirements: Requirements = 'LISTING'): object | undefined => {
  const type = PRODUCT_TYPES[productType];
  if (!type) return undefined;
  // Amazon links a schema per requirements: product-only listings need no offer, offer-only ones no product facts.
  const isOffer = (name: string) => (OFFER_ATTRIBUTES as readonly string[]).includes(name);
  const spec =
    requirements === 'LISTING_PRODUCT_ONLY' ? { ...type, required: type.required.filter((n) => !isOffer(n)) } : type;
  const names = [...new Set([...spec.required, ...spec.optional, ...VARIATION_ATTRIBUTES])];
  const always = spec.required.filter((name) => PARENT_REQUIRED.includes(name));
  const beyond = (required: readonly string[]) => required.filter((name) => !always.includes(name));
  const themeRules = [...new Set(Object.values(THEME_ATTRIBUTES).flat())].map((attribute) =>
    when(
      {
        allOf: [
          IS_CHILD,
          hasValue(
            'variation_theme',
            'name',
            VARIATION_THEMES.filter((theme) => THEME_ATTRIBUTES[theme].includes(attribute)),
          ),
        ],
      },
      { required: [attribute] },
    ),
  );
  return {
    $schema: 'https://schemas.amazon.com/selling-partners/definitions/product-types/meta-schema/v1',
    $id: `https://schemas.amazon.com/selling-partners/definitions/product-types/schema/v1/${productType}`,
    title: `Amazon Product Type Definition for ${productType}`,
    type: 'object',
    required: always,
    properties: Object.fromEntries(
      names.map((name) => {
        const attribute = ATTRIBUTES[name] ?? { title: name, kind: 'text' as const };
        return [
          name,
          {
            title: attribute.title,
            type: 'array',
            minItems: 1,
            ...(SINGLE_VALUED.has(attribute.kind) ? { maxItems: 1 } : {}),
            items: itemSchemaOf(attribute.kind),
          },
        ];
      }),
    ),
    allOf: [
      when(IS_STANDALONE, { required: beyond(spec.required) }),
      when(IS_PARENT, {
        required: beyond(PARENT_REQUIRED),
        properties: Object.fromEntries(OFFER_ATTRIBUTES.map((name) => [name, false])),
      }),
      when(IS_CHILD, { required: beyond([...spec.required, ...CHILD_LINKS]) }),
      ...themeRules,
    ],
  };
};

/** The meta-schema a definition links to; product type schemas extend JSON Schema 2019-09 [V]. */
export const META_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2019-09/schema',
  $id: 'https://schemas.amazon.com/selling-partners/definitions/product-types/meta-schema/v1',
  title: 'Amazon Product Type Definition Meta-Schema',
};

const checksum = (document: object): string => createHash('md5').update(JSON.stringify(document)).digest('base64');

const PRODUCT_TYPE_VERSION = 'USIM1';

/** getDefinitionsProductType's answer; `schemaUrl(name)` is where the simulator serves each linked document. */
export const productTypeDefinition = (
  productType: string,
  options: {
    marketplaceIds: readonly string[];
    requirements: Requirements;
    locale: string;
    schemaUrl: (name: string) => string;
  },
): object | undefined => {
  const spec = PRODUCT_TYPES[productType];
  const schema = productTypeSchema(productType, options.requirements);
  if (!spec || !schema) return undefined;
  const required = new Set(requiredAttributes(productType, options.requirements));
  const offer = OFFER_ATTRIBUTES.filter((name) => required.has(name));
  return {
    metaSchema: { link: { resource: options.schemaUrl('meta-schema'), verb: 'GET' }, checksum: checksum(META_SCHEMA) },
    schema: {
      link: {
        resource: options.schemaUrl(
          options.requirements === 'LISTING' ? productType : `${productType}.${options.requirements}`,
        ),
        verb: 'GET',
      },
      checksum: checksum(schema),
    },
    requirements: options.requirements,
    requirementsEnforced: 'ENFORCED',
    propertyGroups: {
      offer: { title: 'Offer', description: 'Price and quantity of the offer', propertyNames: offer },
      variations: { title: 'Variations', description: 'How variants relate', propertyNames: VARIATION_ATTRIBUTES },
      product_details: {
        title: 'Product Details',
        description: 'What the product is',
        propertyNames: [...[...required].filter((name) => !(offer as string[]).includes(name)), ...spec.optional],
      },
    },
    locale: options.locale,
    marketplaceIds: [...options.marketplaceIds],
    productType,
    displayName: spec.displayName,
    productTypeVersion: { version: PRODUCT_TYPE_VERSION, latest: true, releaseCandidate: false },
  };
};

/** searchDefinitionsProductTypes: types whose name or keywords match any of `words` (all types when none). */
export const searchProductTypes = (words: readonly string[], marketplaceIds: readonly string[]) => {
  const wanted = words.map((word) => word.toLowerCase());
  const matches = Object.entries(PRODUCT_TYPES).filter(
    ([name, spec]) =>
      wanted.length === 0 ||
      wanted.some(
        (word) =>
          name.toLowerCase() === word || spec.displayName.toLowerCase() === word || spec.keywords.includes(word),
      ),
  );
  return {
    productTypes: matches.map(([name, spec]) => ({
      name,
      displayName: spec.displayName,
      marketplaceIds: [...marketplaceIds],
    })),
    productTypeVersion: PRODUCT_TYPE_VERSION,
  };
};
