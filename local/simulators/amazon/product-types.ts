/**
 * The three product types the demo sells (SHIRT, PANTS, COAT) as the Product Type Definitions API describes them:
 * a definition that links to a JSON Schema of the listing attributes. The same tables drive the simulator's own
 * validation of putListingsItem, patchListingsItem and JSON_LISTINGS_FEED, so what the schema calls required is
 * exactly what a listing is refused without.
 */
import { createHash } from 'node:crypto';

/** How an attribute's values are shaped. */
type AttributeKind = 'text' | 'variation_theme' | 'fulfillment_availability' | 'purchasable_offer';

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
  variation_theme: { title: 'Variation Theme', kind: 'variation_theme' },
  fulfillment_availability: { title: 'Fulfillment Availability', kind: 'fulfillment_availability' },
  purchasable_offer: { title: 'Purchasable Offer', kind: 'purchasable_offer' },
};

/** The attributes that make an offer; the rest describe the product. */
export const OFFER_ATTRIBUTES = ['purchasable_offer', 'fulfillment_availability'] as const;

/** Variation themes of the apparel types. */
export const VARIATION_THEMES = ['SIZE_NAME', 'COLOR_NAME', 'SIZE_NAME/COLOR_NAME'] as const;

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

interface ProductTypeSpec {
  readonly displayName: string;
  readonly required: readonly string[];
  /** Words that find the type in searchDefinitionsProductTypes. */
  readonly keywords: readonly string[];
}

/** The product types the simulator defines. */
export const PRODUCT_TYPES: Readonly<Record<string, ProductTypeSpec>> = {
  SHIRT: {
    displayName: 'Shirt',
    required: APPAREL_REQUIRED,
    keywords: ['shirt', 'tee', 't-shirt', 'polo', 'hoodie', 'jumper', 'sweater'],
  },
  PANTS: {
    displayName: 'Pants',
    required: [...APPAREL_REQUIRED, 'fit_type'],
    keywords: ['pants', 'trousers', 'chino', 'chinos', 'shorts', 'jeans'],
  },
  COAT: {
    displayName: 'Coat',
    required: [...APPAREL_REQUIRED, 'closure_type'],
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

/** The attributes `productType` requires under `requirements`. */
export const requiredAttributes = (productType: string, requirements: Requirements = 'LISTING'): string[] => {
  const spec = PRODUCT_TYPES[productType];
  if (!spec) return [];
  const isOffer = (name: string) => (OFFER_ATTRIBUTES as readonly string[]).includes(name);
  if (requirements === 'LISTING_OFFER_ONLY') return spec.required.filter(isOffer);
  if (requirements === 'LISTING_PRODUCT_ONLY') return spec.required.filter((name) => !isOffer(name));
  return [...spec.required];
};

/** The title Amazon uses for an attribute in issue messages, e.g. 'Brand Name'. */
export const attributeTitle = (name: string): string =>
  ATTRIBUTES[name]?.title ?? name.replace(/_/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());

/** Whether `value` is shaped as a text attribute wants: a non-empty array of `{value: string}`. */
export const isTextAttributeValue = (name: string, value: unknown): boolean => {
  const kind = ATTRIBUTES[name]?.kind ?? 'text';
  if (kind !== 'text' && kind !== 'variation_theme') return true;
  if (!Array.isArray(value) || value.length === 0) return false;
  return value.every((entry) => {
    if (typeof entry !== 'object' || entry === null) return false;
    const record = entry as Record<string, unknown>;
    return kind === 'text'
      ? typeof record.value === 'string' && record.value !== ''
      : (VARIATION_THEMES as readonly string[]).includes(String(record.name));
  });
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

/** The JSON Schema a definition links to: the attributes of `productType` and which of them are required. */
export const productTypeSchema = (productType: string): object | undefined => {
  const spec = PRODUCT_TYPES[productType];
  if (!spec) return undefined;
  const names = [...new Set([...spec.required, 'variation_theme'])];
  return {
    $schema: 'https://schemas.amazon.com/selling-partners/definitions/product-types/meta-schema/v1',
    $id: `https://schemas.amazon.com/selling-partners/definitions/product-types/schema/v1/${productType}`,
    title: `Amazon Product Type Definition for ${productType}`,
    type: 'object',
    required: [...spec.required],
    properties: Object.fromEntries(
      names.map((name) => {
        const attribute = ATTRIBUTES[name] ?? { title: name, kind: 'text' as const };
        return [name, { title: attribute.title, type: 'array', minItems: 1, items: itemSchemaOf(attribute.kind) }];
      }),
    ),
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
  const schema = productTypeSchema(productType);
  if (!spec || !schema) return undefined;
  const required = new Set(requiredAttributes(productType, options.requirements));
  const offer = OFFER_ATTRIBUTES.filter((name) => required.has(name));
  return {
    metaSchema: { link: { resource: options.schemaUrl('meta-schema'), verb: 'GET' }, checksum: checksum(META_SCHEMA) },
    schema: { link: { resource: options.schemaUrl(productType), verb: 'GET' }, checksum: checksum(schema) },
    requirements: options.requirements,
    requirementsEnforced: 'ENFORCED',
    propertyGroups: {
      offer: { title: 'Offer', description: 'Price and quantity of the offer', propertyNames: offer },
      variations: { title: 'Variations', description: 'How variants relate', propertyNames: ['variation_theme'] },
      product_details: {
        title: 'Product Details',
        description: 'What the product is',
        propertyNames: [...required].filter((name) => !(offer as string[]).includes(name)),
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
