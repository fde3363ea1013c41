/**
 * Loop 8's rules: how a SCAYLE product becomes Amazon listings. A declarative mapping (validated with zod) names,
 * per SCAYLE category, an Amazon product type and, per Amazon attribute, a rule that computes its value from the
 * SCAYLE product: `copy`, `map` (through a value table), `constant`, `convert` (units) or `join`. Pure functions:
 * the use case reads SCAYLE and the catalogue map, this module turns them into listing drafts or names, per
 * attribute and rule, why a listing is blocked.
 */
import { z } from 'zod';

/** Where a rule reads: `master.`, `product.` or `variant.` then field names; `*` walks every element of a list. */
const sourcePathSchema = z
  .string()
  .regex(
    /^(master|product|variant)(\.([A-Za-z0-9_]+|\*))+$/,
    'must be a path such as product.attributes.color or product.attributes.material_composition.*.components.*',
  );

/** Units `convert` knows, by dimension, with the factor to the dimension's base unit (grams, millimeters). */
const UNITS = {
  grams: { dimension: 'mass', factor: 1 },
  kilograms: { dimension: 'mass', factor: 1_000 },
  ounces: { dimension: 'mass', factor: 28.349523125 },
  pounds: { dimension: 'mass', factor: 453.59237 },
  millimeters: { dimension: 'length', factor: 1 },
  centimeters: { dimension: 'length', factor: 10 },
  meters: { dimension: 'length', factor: 1_000 },
  inches: { dimension: 'length', factor: 25.4 },
} as const;
const unitSchema = z.enum(Object.keys(UNITS) as [keyof typeof UNITS, ...(keyof typeof UNITS)[]]);

/** One attribute rule. */
export const attributeRuleSchema = z.discriminatedUnion('rule', [
  z.object({ rule: z.literal('copy'), from: sourcePathSchema }),
  z.object({
    rule: z.literal('map'),
    from: sourcePathSchema,
    /** SCAYLE value -> Amazon value; a SCAYLE value not in the table blocks the listing unless `otherwise` is set. */
    values: z.record(z.string(), z.string().min(1)),
    otherwise: z.string().min(1).optional(),
  }),
  z.object({ rule: z.literal('constant'), value: z.union([z.string().min(1), z.number()]) }),
  z
    .object({
      rule: z.literal('convert'),
      from: sourcePathSchema,
      fromUnit: unitSchema,
      toUnit: unitSchema,
      decimals: z.number().int().min(0).max(6).default(2),
    })
    .refine((r) => UNITS[r.fromUnit].dimension === UNITS[r.toUnit].dimension, {
      message: 'fromUnit and toUnit must measure the same thing (mass or length)',
      path: ['toUnit'],
    }),
  z.object({
    rule: z.literal('join'),
    from: z.array(sourcePathSchema).min(1),
    separator: z.string().default(' '),
    /** Renders each structured value, e.g. '{fraction}% {material}' for a material composition component. */
    template: z.string().min(1).optional(),
  }),
]);

/** One attribute rule, as written in the mapping. */
export type AttributeRule = z.output<typeof attributeRuleSchema>;

const attributeNameSchema = z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be an Amazon attribute name such as item_name');
const attributeRulesSchema = z.record(attributeNameSchema, attributeRuleSchema);
const marketplaceIdSchema = z.string().regex(/^[A-Z0-9]{10,14}$/, 'must be an Amazon MarketplaceId');
/** Attributes the hub writes itself: a rule for one of them would fight the parentage or the stock loop. */
const RESERVED_ATTRIBUTES = [
  'parentage_level',
  'child_parent_sku_relationship',
  'variation_theme',
  'purchasable_offer',
  'fulfillment_availability',
];

const noReserved = (rules: Record<string, unknown>, ctx: z.RefinementCtx) => {
  for (const name of Object.keys(rules))
    if (RESERVED_ATTRIBUTES.includes(name))
      ctx.addIssue({ code: 'custom', path: [name], message: `${name} is written by the hub, not by a rule` });
};

/** The whole mapping from SCAYLE products to Amazon listings. */
export const listingMappingSchema = z.object({
  /** Marketplaces to list in: the SCAYLE locale their text is read in and the language tag Amazon gets. */
  marketplaces: z
    .record(
      marketplaceIdSchema,
      z.object({
        locale: z.string().regex(/^[a-z]{2}_[A-Z]{2}$/, 'must be a SCAYLE locale such as en_GB'),
        languageTag: z.string().regex(/^[a-z]{2}_[A-Z]{2}$/, 'must be an Amazon language tag such as en_GB'),
      }),
    )
    .refine((m) => Object.keys(m).length > 0, 'name at least one marketplace'),
  /** Rules every product type shares; a product type's own rules win. */
  attributes: attributeRulesSchema.superRefine(noReserved),
  /** Per SCAYLE category (its path, or the end of it, joined by ' > '), the Amazon product type and its rules. */
  productTypes: z
    .array(
      z.object({
        category: z.string().min(1),
        productType: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'must be an Amazon product type such as SHIRT'),
        attributes: attributeRulesSchema.superRefine(noReserved).default({}),
        variationTheme: z.string().min(1).optional(),
      }),
    )
    .min(1),
  /** The parent listing of a variation family (one per SCAYLE master): its SellerSKU, theme and attributes. */
  parent: z.object({
    sku: attributeRuleSchema,
    variationTheme: z.string().min(1),
    attributes: attributeRulesSchema.superRefine(noReserved),
  }),
});

/** The mapping as written. */
export type ListingMappingInput = z.input<typeof listingMappingSchema>;

/** The mapping, validated. */
export type ListingMapping = z.output<typeof listingMappingSchema>;

/** What rules read: a SCAYLE product with its attributes as name -> value, and one of its variants. */
export interface MappingSource {
  readonly master: { readonly referenceKey: string; readonly attributes: Readonly<Record<string, unknown>> };
  readonly product: {
    readonly id: number;
    readonly referenceKey: string;
    readonly name: unknown;
    readonly categories: readonly (readonly string[])[];
    readonly attributes: Readonly<Record<string, unknown>>;
  };
  readonly variant?: {
    readonly id: number;
    readonly referenceKey: string;
    readonly attributes: Readonly<Record<string, unknown>>;
  };
}

/** An Amazon attribute's values as the Listings Items API takes them. */
export type AttributeValues = Record<string, unknown>[];

/** Why one attribute could not be computed or is not valid. */
export interface ListingProblem {
  /** The Amazon attribute (or 'sku_mapping' / 'product_type' for problems outside the attributes). */
  readonly attribute: string;
  /** The rule as a sentence, e.g. "copy from product.attributes.care_instructions". */
  readonly rule: string;
  readonly message: string;
  /** The SCAYLE variant reference key, when the problem is about one variant. */
  readonly sku?: string;
}

const LOCALE = /^[a-z]{2}_[A-Z]{2}$/;
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isLocalized = (value: unknown): value is Record<string, unknown> =>
  isRecord(value) && Object.keys(value).length > 0 && Object.keys(value).every((key) => LOCALE.test(key));

/** The values at `path`: lists are walked by `*`, localized values read in `locale`, empty values dropped. */
export const valuesAt = (source: MappingSource, path: string, locale: string): unknown[] => {
  let current: unknown[] = [source];
  for (const segment of path.split('.')) {
    const next: unknown[] = [];
    for (const value of current) {
      if (segment === '*') {
        if (Array.isArray(value)) next.push(...value);
      } else if (isRecord(value)) next.push(value[segment]);
    }
    current = next;
  }
  const localized = current.flatMap((value) => (Array.isArray(value) ? value : [value]));
  return localized
    .map((value) => (isLocalized(value) ? value[locale] : value))
    .filter((value) => value !== undefined && value !== null && value !== '');
};

/** A rule as one sentence for an exception: what it does and where it reads. */
export const describeRule = (rule: AttributeRule): string => {
  switch (rule.rule) {
    case 'copy':
      return `copy from ${rule.from}`;
    case 'map':
      return `map ${rule.from} through its value table`;
    case 'constant':
      return `constant ${JSON.stringify(rule.value)}`;
    case 'convert':
      return `convert ${rule.from} from ${rule.fromUnit} to ${rule.toUnit}`;
    case 'join':
      return `join ${rule.from.join(', ')}${rule.template ? ` as '${rule.template}'` : ''} with '${rule.separator}'`;
  }
};

const scalarOf = (value: unknown, locale: string): string | undefined => {
  const read = isLocalized(value) ? value[locale] : value;
  return typeof read === 'string' || typeof read === 'number' || typeof read === 'boolean' ? String(read) : undefined;
};

/** A value as text: a scalar as is; a structured value only through a template such as '{fraction}% {material}'. */
const textOf = (value: unknown, template: string | undefined, locale: string): string | undefined => {
  if (!isRecord(value) || isLocalized(value)) return scalarOf(value, locale);
  if (!template) return undefined;
  let missing = false;
  const text = template.replace(/\{([A-Za-z0-9_]+)\}/g, (_, field: string) => {
    const scalar = scalarOf(value[field], locale);
    if (scalar === undefined || scalar === '') missing = true;
    return scalar ?? '';
  });
  return missing ? undefined : text;
};

/** What a rule computed: scalar values (text or numbers) with a unit for measures, or why it could not. */
type RuleResult =
  | { readonly ok: true; readonly values: readonly (string | number)[]; readonly unit?: string }
  | { readonly ok: false; readonly message: string };

const evaluate = (rule: AttributeRule, source: MappingSource, locale: string): RuleResult => {
  const none = (path: string): RuleResult => ({ ok: false, message: `${path} has no value` });
  switch (rule.rule) {
    case 'constant':
      return { ok: true, values: [rule.value] };
    case 'copy': {
      const values = valuesAt(source, rule.from, locale);
      if (values.length === 0) return none(rule.from);
      const texts = values.map((value) => textOf(value, undefined, locale));
      if (texts.some((text) => text === undefined))
        return { ok: false, message: `${rule.from} is structured; use join with a template` };
      return { ok: true, values: texts as string[] };
    }
    case 'map': {
      const values = valuesAt(source, rule.from, locale).map((value) => textOf(value, undefined, locale));
      if (values.length === 0) return none(rule.from);
      const mapped: string[] = [];
      for (const value of values) {
        const target = value !== undefined && Object.hasOwn(rule.values, value) ? rule.values[value] : rule.otherwise;
        if (target === undefined)
          return { ok: false, message: `${rule.from} is '${value ?? '(structured)'}', which the value table lacks` };
        mapped.push(target);
      }
      return { ok: true, values: [...new Set(mapped)] };
    }
    case 'convert': {
      const [value] = valuesAt(source, rule.from, locale);
      if (value === undefined) return none(rule.from);
      const text = String(value).trim().replace(',', '.');
      const amount = typeof value === 'number' ? value : text === '' ? Number.NaN : Number(text);
      if (!Number.isFinite(amount)) return { ok: false, message: `${rule.from} is '${String(value)}', not a number` };
      const factor = UNITS[rule.fromUnit].factor / UNITS[rule.toUnit].factor;
      const scale = 10 ** rule.decimals;
      return { ok: true, values: [Math.round(amount * factor * scale) / scale], unit: rule.toUnit };
    }
    case 'join': {
      const parts: string[] = [];
      for (const path of rule.from) {
        const values = valuesAt(source, path, locale);
        if (values.length === 0) return none(path);
        for (const value of values) {
          const text = textOf(value, rule.template, locale);
          if (text === undefined)
            return {
              ok: false,
              message: rule.template
                ? `${path} lacks a field the template '${rule.template}' names`
                : `${path} is structured; give the join a template`,
            };
          parts.push(text);
        }
      }
      return { ok: true, values: [parts.join(rule.separator)] };
    }
  }
};

/** The Amazon values of a rule's result in one marketplace: text with its language tag, or a measure. */
const amazonValues = (
  result: Extract<RuleResult, { ok: true }>,
  marketplaceId: string,
  languageTag: string,
): AttributeValues =>
  result.unit
    ? result.values.map((value) => ({ value, unit: result.unit }))
    : result.values.map((value) => ({
        value: String(value),
        language_tag: languageTag,
        marketplace_id: marketplaceId,
      }));

/** Computes attributes by rules; problems name the attribute and the rule. */
export const applyRules = (
  rules: Readonly<Record<string, AttributeRule>>,
  source: MappingSource,
  marketplace: { readonly id: string; readonly locale: string; readonly languageTag: string },
): { attributes: Record<string, AttributeValues>; problems: ListingProblem[] } => {
  const attributes: Record<string, AttributeValues> = {};
  const problems: ListingProblem[] = [];
  for (const [attribute, rule] of Object.entries(rules)) {
    const result = evaluate(rule, source, marketplace.locale);
    if (result.ok) attributes[attribute] = amazonValues(result, marketplace.id, marketplace.languageTag);
    else
      problems.push({
        attribute,
        rule: describeRule(rule),
        message: result.message,
        ...(source.variant ? { sku: source.variant.referenceKey } : {}),
      });
  }
  return { attributes, problems };
};

/** The product type entry of a product: the first whose category ends one of the product's category paths. */
export const productTypeOf = (
  mapping: ListingMapping,
  categories: readonly (readonly string[])[],
): ListingMapping['productTypes'][number] | undefined => {
  const paths = categories.map((path) => path.join(' > ').toLowerCase());
  return mapping.productTypes.find((entry) => {
    const wanted = entry.category.toLowerCase();
    return paths.some((path) => path === wanted || path.endsWith(` > ${wanted}`));
  });
};

/** The rules of a child listing of a product type: the shared rules, overridden by the type's own. */
export const childRulesOf = (
  mapping: ListingMapping,
  entry: ListingMapping['productTypes'][number],
): Record<string, AttributeRule> => ({ ...mapping.attributes, ...entry.attributes });

/** The Amazon attributes the variation theme names: a child must carry each one. */
export const THEME_ATTRIBUTES: Readonly<Record<string, string>> = { SIZE_NAME: 'size', COLOR_NAME: 'color' };

/** The attributes a theme requires on every child, e.g. SIZE_NAME/COLOR_NAME -> size, color. */
export const themeAttributes = (theme: string): string[] =>
  theme.split('/').flatMap((part) => (THEME_ATTRIBUTES[part] ? [THEME_ATTRIBUTES[part] as string] : []));

/** The parentage attributes the hub writes: the parent names the theme; a child names its parent too. */
export const parentageAttributes = (
  role: 'parent' | 'child',
  theme: string,
  parentSku: string,
  marketplaceId: string,
): Record<string, AttributeValues> => ({
  parentage_level: [{ value: role, marketplace_id: marketplaceId }],
  variation_theme: [{ name: theme }],
  ...(role === 'child'
    ? {
        child_parent_sku_relationship: [
          { child_relationship_type: 'variation', parent_sku: parentSku, marketplace_id: marketplaceId },
        ],
      }
    : {}),
});

/** One listing to send: the SellerSKU, its product type and every attribute the hub writes for it. */
export interface ListingDraft {
  readonly sellerSku: string;
  readonly role: 'parent' | 'child';
  readonly productType: string;
  readonly attributes: Record<string, AttributeValues>;
  /** The SCAYLE variant reference key (children only). */
  readonly sku?: string;
}

/** What the catalogue map says about one variant in one marketplace. */
export interface VariantMapping {
  readonly sellerSku?: string;
  readonly orderwiseVariantCode?: string;
  readonly scayleVariantId?: number;
  /** The SCAYLE SKU the SellerSKU's alias points back to; another SKU means two variants claim it. */
  readonly sellerSkuOwner?: string;
}

/** A product type's schema, keyed by its version, when the caller could read it. */
export interface ProductTypeSchema {
  readonly key: string;
  readonly schema: Record<string, unknown>;
}

/** What a family maps to in one marketplace: the listings to send and, per attribute and rule, what blocks. */
export interface ListingPlan {
  readonly marketplaceId: string;
  readonly productType?: string;
  readonly parent?: ListingDraft;
  readonly children: ListingDraft[];
  readonly problems: ListingProblem[];
  /** Variants without a SellerSKU in this marketplace: not for Amazon there, so neither listed nor blocked. */
  readonly notListed: string[];
  /** Variants with a SellerSKU here that must not be listed, with it. */
  readonly blocked: { readonly sku: string; readonly sellerSku: string }[];
}

/** The inputs of `planListings` for one product in one marketplace. */
export interface PlanInput {
  readonly mapping: ListingMapping;
  readonly marketplaceId: string;
  /** The product without a variant, and its variants. */
  readonly product: MappingSource;
  readonly variants: readonly NonNullable<MappingSource['variant']>[];
  /** The catalogue map per variant reference key. */
  readonly mappings: ReadonlyMap<string, VariantMapping>;
  /** The product type's schema, from the Product Type Definitions API. */
  readonly schemaOf: (productType: string) => ProductTypeSchema | undefined;
  /** Validates attributes against a schema (listing-validation.ts). */
  readonly validate: (
    schema: ProductTypeSchema,
    attributes: Record<string, unknown>,
  ) => readonly { attribute: string; message: string }[];
}

const NO_RULE = 'no rule in the mapping';

/**
 * Maps one SCAYLE product to its Amazon listings in one marketplace: a child per variant that has a valid SKU match
 * on both sides (a SellerSKU that points back to it and an OrderWise stock code) and whose attributes every rule
 * could compute and the product type's schema accepts, and the family's parent. Anything else is a problem naming
 * the attribute and the rule; a blocked variant is not listed, and a blocked parent blocks the whole family, since
 * Amazon refuses a child whose parent is not there.
 */
export const planListings = (input: PlanInput): ListingPlan => {
  const { mapping, marketplaceId, product } = input;
  const settings = mapping.marketplaces[marketplaceId];
  const problems: ListingProblem[] = [];
  const notListed: string[] = [];
  const candidates = input.variants.filter((variant) => {
    if (input.mappings.get(variant.referenceKey)?.sellerSku) return true;
    notListed.push(variant.referenceKey);
    return false;
  });
  const sellerSkuOf = (sku: string) => input.mappings.get(sku)?.sellerSku as string;
  const empty = (extra: ListingProblem[] = []): ListingPlan => ({
    marketplaceId,
    children: [],
    problems: [...problems, ...extra],
    notListed,
    blocked: candidates.map((v) => ({ sku: v.referenceKey, sellerSku: sellerSkuOf(v.referenceKey) })),
  });
  if (!settings || candidates.length === 0) return empty();
  const marketplace = { id: marketplaceId, ...settings };
  const entry = productTypeOf(mapping, product.product.categories);
  if (!entry) {
    const paths = product.product.categories.map((path) => path.join(' > ')).join('; ') || '(none)';
    return empty([
      { attribute: 'product_type', rule: 'productTypes', message: `no product type is mapped for category ${paths}` },
    ]);
  }
  const theme = entry.variationTheme ?? mapping.parent.variationTheme;
  const schema = input.schemaOf(entry.productType);
  const withSchema = (
    attributes: Record<string, AttributeValues>,
    rules: Readonly<Record<string, AttributeRule>>,
    failed: readonly ListingProblem[],
    sku?: string,
  ): ListingProblem[] => {
    if (!schema) return [];
    const failedNames = new Set(failed.map((p) => p.attribute));
    return input
      .validate(schema, attributes)
      .filter((v) => !failedNames.has(v.attribute))
      .map((v) => ({
        attribute: v.attribute,
        rule: rules[v.attribute] ? describeRule(rules[v.attribute] as AttributeRule) : NO_RULE,
        message: v.message,
        ...(sku ? { sku } : {}),
      }));
  };

  const parentSkuResult = applyRules({ sku: mapping.parent.sku }, product, marketplace);
  const parentSku = parentSkuResult.attributes.sku?.[0]?.value;
  const parentRules = mapping.parent.attributes;
  const parentProblems: ListingProblem[] = parentSkuResult.problems.map((p) => ({ ...p, attribute: 'parent_sku' }));
  let parent: ListingDraft | undefined;
  if (typeof parentSku === 'string') {
    const { attributes, problems: ruleProblems } = applyRules(parentRules, product, marketplace);
    Object.assign(attributes, parentageAttributes('parent', theme, parentSku, marketplaceId));
    parentProblems.push(...ruleProblems, ...withSchema(attributes, parentRules, ruleProblems));
    parent = { sellerSku: parentSku, role: 'parent', productType: entry.productType, attributes };
  }
  if (parentProblems.length > 0) {
    return empty(parentProblems.map((p) => ({ ...p, message: `parent listing: ${p.message}` })));
  }

  const rules = childRulesOf(mapping, entry);
  const children: ListingDraft[] = [];
  const blockedVariants: { sku: string; sellerSku: string }[] = [];
  for (const variant of candidates) {
    const map = input.mappings.get(variant.referenceKey) as VariantMapping;
    const sellerSku = map.sellerSku as string;
    const sku = variant.referenceKey;
    const blocked: ListingProblem[] = [];
    const skuProblem = (message: string) =>
      blocked.push({ attribute: 'sku_mapping', rule: 'catalogue map', message, sku });
    if (!map.orderwiseVariantCode) skuProblem(`${sku} has no OrderWise stock code: nothing could fulfil an order`);
    if (map.scayleVariantId !== undefined && map.scayleVariantId !== variant.id)
      skuProblem(`the catalogue map names SCAYLE variant ${map.scayleVariantId}, SCAYLE has ${variant.id}`);
    if (map.sellerSkuOwner !== sku)
      skuProblem(
        map.sellerSkuOwner
          ? `SellerSKU ${sellerSku} is mapped to ${map.sellerSkuOwner} as well`
          : `SellerSKU ${sellerSku} does not map back to ${sku}`,
      );
    const source = { ...product, variant };
    const { attributes, problems: ruleProblems } = applyRules(rules, source, marketplace);
    blocked.push(...ruleProblems);
    for (const name of themeAttributes(theme))
      if (!attributes[name] && !ruleProblems.some((p) => p.attribute === name))
        blocked.push({
          attribute: name,
          rule: rules[name] ? describeRule(rules[name] as AttributeRule) : NO_RULE,
          message: `the variation theme ${theme} needs it on every child`,
          sku,
        });
    Object.assign(attributes, parentageAttributes('child', theme, parentSku as string, marketplaceId));
    blocked.push(...withSchema(attributes, rules, blocked, sku));
    if (blocked.length > 0) {
      problems.push(...blocked);
      blockedVariants.push({ sku, sellerSku });
    } else children.push({ sellerSku, role: 'child', productType: entry.productType, attributes, sku });
  }
  return {
    marketplaceId,
    productType: entry.productType,
    ...(children.length > 0 && parent ? { parent } : {}),
    children,
    problems,
    notListed,
    blocked: blockedVariants,
  };
};
