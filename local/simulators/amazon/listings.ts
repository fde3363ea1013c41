/**
 * The seller's listings as the Listings Items API 2021-08-01 and JSON_LISTINGS_FEED see them: product attributes per
 * SKU, and per marketplace the offer (price) and the merchant-fulfilled quantity. One code path validates and
 * applies every change, whether it comes from patchListingsItem, putListingsItem or a feed message.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { DEMO_CATALOGUE, LEGACY_AMAZON_SKUS } from '../catalogue';
import { ISSUE_CODES, MARKETPLACES } from './facts';
import {
  attributeTitle,
  familyRequiredAttributes,
  isAttributeValue,
  OFFER_ONLY_PRODUCT_TYPE,
  PRODUCT_TYPES,
  parentageOf,
  parentSkuOf,
  productTypeSchema,
  type Requirements,
  requiredAttributes,
  THEME_ATTRIBUTES,
  themeOf,
} from './product-types';
import { type IdSource, isoMillis, toAmount } from './support';

/** The offer of a listing in one marketplace. */
interface MarketOffer {
  /** Merchant-fulfilled (`DEFAULT` channel) quantity; undefined when no fulfillment availability is set. */
  quantity?: number;
  /** Price with tax in minor units of the marketplace currency. */
  priceMinor?: number;
  /** Epoch milliseconds of the last change to this marketplace's offer. */
  updatedAt: number;
}

/** One listing: the product attributes and the offer per marketplace it is listed in. */
interface SimListing {
  sku: string;
  asin: string;
  productType: string;
  /** Product attributes; the offer attributes live in `markets`. */
  attributes: Record<string, unknown[]>;
  createdAt: number;
  updatedAt: number;
  markets: Map<string, MarketOffer>;
  /** Made by `POST /_sim/listings` `generate`: counted, not listed, in `GET /_sim/state`. */
  generated?: boolean;
}

/** What searchListingsItems can order listings by [V listingsItems_2021-08-01.json]. */
export type ListingsSortKey = 'sku' | 'createdDate' | 'lastUpdatedDate';

/** A listing a search found, with the requested marketplaces it is listed in. */
export interface ListingsHit {
  readonly sku: string;
  readonly marketplaceIds: string[];
}

/** A listings issue as the API reports it. */
export interface ListingIssue {
  readonly code: string;
  readonly message: string;
  readonly severity: 'ERROR' | 'WARNING' | 'INFO';
  readonly attributeNames: string[];
  readonly categories: string[];
}

/** A listing in one marketplace as `GET /_sim/state` shows it; null where nothing is set. */
export interface ListingMarketState {
  readonly quantity: number | null;
  readonly price: string | null;
  readonly currency: string;
}

/** A listing in one marketplace as `GET /_sim/listings/{sku}` shows it; null where nothing is set. */
export interface ListingOfferState {
  readonly quantity: number | null;
  readonly priceMinor: number | null;
  /** ISO-8601: the last change to this marketplace's offer. */
  readonly updatedAt: string;
}

/** Price of a control listing given none: the cheapest demo price. */
const CONTROL_PRICE_MINOR = 1990;

/** Amazon SellerSKUs have at most 40 characters [V]. */
const sellerSku = z.string().min(1).max(40);

/**
 * Body of `POST /_sim/listings`: listings named one by one, or `generate` SKUs `{prefix}00001` ... for load runs.
 * Either way they are SHIRTs in every marketplace, quantity 0 unless given; an SKU already listed is replaced.
 */
export const addListingsInputSchema = z.union([
  z.strictObject({
    listings: z
      .array(
        z.object({
          sku: sellerSku,
          asin: z
            .string()
            .regex(/^[A-Z0-9]{10}$/, 'must be 10 upper-case letters and digits')
            .optional(),
          quantity: z.number().int().min(0).default(0),
          priceMinor: z.number().int().min(1).default(CONTROL_PRICE_MINOR),
        }),
      )
      .min(1)
      .max(20_000),
  }),
  z.strictObject({
    generate: z.object({
      prefix: z.string().min(1).max(35),
      count: z.number().int().min(1).max(20_000),
      quantity: z.number().int().min(0).default(0),
    }),
  }),
]);

/** Input of `POST /_sim/listings`. */
export type AddListingsInput = z.input<typeof addListingsInputSchema>;

/** A stable ASIN-shaped id for a control listing: derived from the SKU so the seeded id sequence is untouched. */
const asinOf = (sku: string) => `B0${createHash('sha256').update(sku).digest('hex').slice(0, 8).toUpperCase()}`;

/** The outcome of a submission: ACCEPTED (applied), VALID (preview, would apply) or INVALID. */
export interface ListingsOutcome {
  readonly status: 'ACCEPTED' | 'VALID' | 'INVALID';
  readonly issues: ListingIssue[];
}

/** One attribute change. */
interface AttributeChange {
  readonly op: 'add' | 'replace' | 'merge' | 'delete';
  readonly name: string;
  readonly value?: unknown[];
}

const PATCH_PATH = /^\/attributes\/([a-z0-9_]+)$/;

/** One JSON Patch operation; only top-level attributes can be patched [V]. */
export const patchSchema = z.object({
  op: z.enum(['add', 'replace', 'merge', 'delete']),
  path: z.string(),
  value: z.array(z.unknown()).optional(),
});

/** Body of patchListingsItem, also the `patches` of a PATCH feed message. */
export const patchBodySchema = z.object({
  productType: z.string().min(1),
  patches: z.array(patchSchema).min(1),
});

/** Body of putListingsItem, also the `attributes` of an UPDATE feed message. */
export const putBodySchema = z.object({
  productType: z.string().min(1),
  requirements: z.enum(['LISTING', 'LISTING_PRODUCT_ONLY', 'LISTING_OFFER_ONLY']).default('LISTING'),
  attributes: z.record(z.string(), z.array(z.unknown())),
});

/**
 * The attribute changes of a list of patches, or the message Amazon gives for the first bad one (a 400, not an
 * issue: the request itself is malformed) [O amzn/selling-partner-api-docs#3005].
 */
export const changesOfPatches = (patches: readonly z.infer<typeof patchSchema>[]): AttributeChange[] | string => {
  const changes: AttributeChange[] = [];
  for (const [index, patch] of patches.entries()) {
    const name = PATCH_PATH.exec(patch.path)?.[1];
    if (!name) return `Invalid path provided in patch at index of ${index}.`;
    if (patch.op !== 'delete' && patch.value === undefined) return `Missing value in patch at index of ${index}.`;
    changes.push({ op: patch.op, name, value: patch.value });
  }
  return changes;
};

const issue = (code: string, message: string, attributeNames: string[], category?: string): ListingIssue => ({
  code,
  message,
  severity: 'ERROR',
  attributeNames,
  categories: category ? [category] : [],
});

const invalidValue = (name: string) =>
  issue(
    ISSUE_CODES.invalidValue,
    `The provided value for '${attributeTitle(name)}' is invalid.`,
    [name],
    'INVALID_ATTRIBUTE',
  );

const missingAttribute = (name: string) =>
  issue(
    ISSUE_CODES.missingAttribute,
    `'${attributeTitle(name)}' is required but not supplied.`,
    [name],
    'MISSING_ATTRIBUTE',
  );

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};

const firstOf = (value: unknown): Record<string, unknown> => asRecord(Array.isArray(value) ? value[0] : undefined);

/** Attribute names a product type's schema defines (offer-only submissions may touch only the offer). */
const allowedAttributes = (productType: string): Set<string> => {
  const schema = productTypeSchema(productType) as { properties?: object } | undefined;
  return new Set(
    schema?.properties ? Object.keys(schema.properties) : ['fulfillment_availability', 'purchasable_offer'],
  );
};

/** The listing store of one simulated seller. */
export class ListingStore {
  #listings = new Map<string, SimListing>();

  constructor(
    private readonly marketplaceIds: readonly string[],
    private readonly ids: IdSource,
  ) {}

  /** Forgets every listing: the seller lists nothing until the hub (or a control call) creates listings. */
  clear(): void {
    this.#listings = new Map();
  }

  /**
   * The seeded listings: every demo variant with an Amazon mapping and the legacy SKUs, as standalone SHIRTs in
   * every marketplace, priced at the catalogue price (the same figure in each currency) with OrderWise's opening
   * stock.
   */
  seed(): void {
    this.clear();
    const now = Date.now();
    for (const variant of DEMO_CATALOGUE) {
      if (!variant.amazon) continue;
      this.#add(variant.amazon.sellerSku, variant.amazon.asin, now, {
        name: `${variant.productName} ${variant.colour} ${variant.size}`,
        colour: variant.colour,
        size: variant.size,
        priceMinor: variant.priceMinor,
        quantity: variant.initialStock,
      });
    }
    for (const [i, sku] of LEGACY_AMAZON_SKUS.entries()) {
      this.#add(sku, `B0LEGACY${String(i + 1).padStart(2, '0')}`, now, {
        name: `Legacy item ${sku}`,
        colour: 'Black',
        size: 'M',
        priceMinor: 1500,
        quantity: 5,
      });
    }
  }

  /**
   * Adds SHIRT listings in every marketplace (`POST /_sim/listings`), replacing any listing with the same SKU;
   * generated ones are only counted in the state. Returns how many were added.
   */
  addListings(input: AddListingsInput): number {
    const parsed = addListingsInputSchema.parse(input);
    const now = Date.now();
    const items =
      'listings' in parsed
        ? parsed.listings.map((listing) => ({ ...listing, generated: false }))
        : Array.from({ length: parsed.generate.count }, (_, i) => ({
            sku: `${parsed.generate.prefix}${String(i + 1).padStart(5, '0')}`,
            asin: undefined,
            quantity: parsed.generate.quantity,
            priceMinor: CONTROL_PRICE_MINOR,
            generated: true,
          }));
    for (const item of items) {
      this.#add(
        item.sku,
        item.asin ?? asinOf(item.sku),
        now,
        {
          name: `Load item ${item.sku}`,
          colour: 'Black',
          size: 'M',
          priceMinor: item.priceMinor,
          quantity: item.quantity,
        },
        item.generated,
      );
    }
    return items.length;
  }

  #add(
    sku: string,
    asin: string,
    now: number,
    item: { name: string; colour: string; size: string; priceMinor: number; quantity: number },
    generated = false,
  ): void {
    const text = (value: string) => [{ value, language_tag: 'en_GB' }];
    this.#listings.set(sku, {
      sku,
      asin,
      productType: 'SHIRT',
      attributes: {
        item_name: text(item.name),
        brand: text('SCAYLE Demo'),
        color: text(item.colour),
        size: text(item.size),
        department: text('Unisex Adult'),
        material: text('Cotton'),
        care_instructions: text('Machine Wash'),
        variation_theme: [{ name: 'SIZE_NAME/COLOR_NAME' }],
      },
      createdAt: now,
      updatedAt: now,
      markets: new Map(
        this.marketplaceIds.map((id) => [id, { quantity: item.quantity, priceMinor: item.priceMinor, updatedAt: now }]),
      ),
      ...(generated ? { generated } : {}),
    });
  }

  /** Whether `sku` is listed in `marketplaceId`. */
  isListed(sku: string, marketplaceId: string): boolean {
    return this.#listings.get(sku)?.markets.has(marketplaceId) ?? false;
  }

  /** ASIN, title and price of a listed SKU, for orders. */
  describe(sku: string, marketplaceId: string): { asin: string; title: string; priceMinor?: number } | undefined {
    const listing = this.#listings.get(sku);
    const market = listing?.markets.get(marketplaceId);
    if (!listing || !market) return undefined;
    const title = asRecord(listing.attributes.item_name?.[0]).value;
    return { asin: listing.asin, title: typeof title === 'string' ? title : sku, priceMinor: market.priceMinor };
  }

  /** Moves a listed quantity by `delta` (orders reserve units, cancellations give them back), never below zero. */
  adjustQuantity(sku: string, marketplaceId: string, delta: number): void {
    const listing = this.#listings.get(sku);
    const market = listing?.markets.get(marketplaceId);
    if (!listing || market?.quantity === undefined) return;
    market.quantity = Math.max(0, market.quantity + delta);
    listing.updatedAt = Date.now();
    market.updatedAt = listing.updatedAt;
  }

  /** patchListingsItem and PATCH / PARTIAL_UPDATE feed messages. */
  patch(
    sku: string,
    marketplaceIds: readonly string[],
    productType: string,
    changes: readonly AttributeChange[],
    preview: boolean,
  ): ListingsOutcome {
    const listing = this.#listings.get(sku);
    const missing = marketplaceIds.filter((id) => !listing?.markets.has(id));
    if (!listing || missing.length > 0) {
      return {
        status: 'INVALID',
        issues: [issue(ISSUE_CODES.unknownSku, `SKU '${sku}' is not listed in marketplace ${missing.join(', ')}.`, [])],
      };
    }
    if (productType !== listing.productType && productType !== OFFER_ONLY_PRODUCT_TYPE) {
      return { status: 'INVALID', issues: [this.#productTypeIssue(productType)] };
    }
    const draft = structuredClone(listing);
    const issues = this.#apply(draft, marketplaceIds, changes, allowedAttributes(productType));
    issues.push(
      ...familyRequiredAttributes(draft.attributes)
        .filter((name) => !(name in draft.attributes))
        .map(missingAttribute),
      ...this.#familyIssues(sku, draft, marketplaceIds),
    );
    return this.#settle(sku, draft, issues, preview);
  }

  /** putListingsItem and UPDATE feed messages: creates or fully replaces the listing in the marketplaces. */
  put(
    sku: string,
    marketplaceIds: readonly string[],
    body: { productType: string; requirements: Requirements; attributes: Record<string, unknown[]> },
    preview: boolean,
  ): ListingsOutcome {
    if (!PRODUCT_TYPES[body.productType]) {
      return { status: 'INVALID', issues: [this.#productTypeIssue(body.productType)] };
    }
    const existing = this.#listings.get(sku);
    const now = Date.now();
    const draft: SimListing = {
      sku,
      asin: existing?.asin ?? `B0${this.ids.digits(8)}`,
      productType: body.productType,
      // An offer-only submission leaves the product alone and a product-only one leaves the offer alone.
      attributes: body.requirements === 'LISTING_OFFER_ONLY' ? structuredClone(existing?.attributes ?? {}) : {},
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
      markets: structuredClone(existing?.markets ?? new Map<string, MarketOffer>()),
      ...(existing?.generated ? { generated: true } : {}),
    };
    for (const id of marketplaceIds) {
      if (body.requirements !== 'LISTING_PRODUCT_ONLY' || !draft.markets.has(id))
        draft.markets.set(id, { updatedAt: now });
    }
    // Whether the listing is a variation parent, child or standalone decides what it needs.
    const issues = requiredAttributes(body.productType, body.requirements, { ...draft.attributes, ...body.attributes })
      .filter((name) => !(name in body.attributes))
      .map(missingAttribute);
    const changes = Object.entries(body.attributes).map(([name, value]) => ({ op: 'replace' as const, name, value }));
    issues.push(...this.#apply(draft, marketplaceIds, changes, allowedAttributes(body.productType)));
    issues.push(...this.#familyIssues(sku, draft, marketplaceIds));
    return this.#settle(sku, draft, issues, preview);
  }

  /** deleteListingsItem and DELETE feed messages: the SKU leaves the marketplaces. */
  delete(sku: string, marketplaceIds: readonly string[]): ListingsOutcome {
    const listing = this.#listings.get(sku);
    if (!listing) {
      return { status: 'INVALID', issues: [issue(ISSUE_CODES.unknownSku, `SKU '${sku}' is not listed.`, [])] };
    }
    for (const id of marketplaceIds) listing.markets.delete(id);
    if (listing.markets.size === 0) this.#listings.delete(sku);
    return { status: 'ACCEPTED', issues: [] };
  }

  /**
   * What the schema cannot say about a variation family: a parent carries no offer in the marketplaces (it is not
   * sold), and a child's parent SKU is a variation parent of the same product type and theme, listed in them.
   */
  #familyIssues(sku: string, draft: SimListing, marketplaceIds: readonly string[]): ListingIssue[] {
    const parentage = parentageOf(draft.attributes);
    if (parentage === 'parent') {
      const markets = marketplaceIds.map((id) => draft.markets.get(id));
      const offered = [
        ...(markets.some((market) => market?.priceMinor !== undefined) ? ['purchasable_offer'] : []),
        ...(markets.some((market) => market?.quantity !== undefined) ? ['fulfillment_availability'] : []),
      ];
      return offered.map((name) =>
        issue(
          ISSUE_CODES.invalidValue,
          `The provided value for '${attributeTitle(name)}' is invalid: a variation parent is not sold and carries no offer.`,
          [name],
          'INVALID_ATTRIBUTE',
        ),
      );
    }
    const parentSku = parentage === 'child' ? parentSkuOf(draft.attributes) : undefined;
    if (parentSku === undefined) return [];
    const parent = parentSku === sku ? undefined : this.#listings.get(parentSku);
    const isParent =
      parent !== undefined &&
      parentageOf(parent.attributes) === 'parent' &&
      parent.productType === draft.productType &&
      marketplaceIds.every((id) => parent.markets.has(id));
    if (!isParent) {
      return [
        issue(
          ISSUE_CODES.invalidValue,
          `The provided value for '${attributeTitle('child_parent_sku_relationship')}' is invalid: '${parentSku}' is not a variation parent of product type ${draft.productType} in marketplace ${marketplaceIds.join(', ')}.`,
          ['child_parent_sku_relationship'],
          'INVALID_ATTRIBUTE',
        ),
      ];
    }
    const theme = themeOf(draft.attributes);
    if (theme !== undefined && theme !== themeOf(parent.attributes)) {
      return [
        issue(
          ISSUE_CODES.invalidValue,
          `The provided value for '${attributeTitle('variation_theme')}' is invalid: the parent '${parentSku}' varies by ${themeOf(parent.attributes) ?? 'no theme'}.`,
          ['variation_theme'],
          'INVALID_ATTRIBUTE',
        ),
      ];
    }
    return [];
  }

  /** The variation relations of a listing in one marketplace, as getListingsItem's `relationships` shows them. */
  #relationships(listing: SimListing, marketplaceId: string): object[] {
    const theme = themeOf(listing.attributes);
    const variationTheme = theme ? { variationTheme: { attributes: [...THEME_ATTRIBUTES[theme]], theme } } : {};
    const parentage = parentageOf(listing.attributes);
    const parentSku = parentSkuOf(listing.attributes);
    if (parentage === 'child' && parentSku !== undefined) {
      return [{ type: 'VARIATION', parentSkus: [parentSku], ...variationTheme }];
    }
    if (parentage !== 'parent') return [];
    const childSkus = [...this.#listings.values()]
      .filter(
        (child) =>
          child.markets.has(marketplaceId) &&
          parentageOf(child.attributes) === 'child' &&
          parentSkuOf(child.attributes) === listing.sku,
      )
      .map((child) => child.sku)
      .sort();
    return childSkus.length === 0 ? [] : [{ type: 'VARIATION', childSkus, ...variationTheme }];
  }

  #productTypeIssue(productType: string): ListingIssue {
    return issue(ISSUE_CODES.invalidValue, `The provided value for 'Product Type' (${productType}) is invalid.`, []);
  }

  #settle(sku: string, draft: SimListing, issues: ListingIssue[], preview: boolean): ListingsOutcome {
    if (issues.some((i) => i.severity === 'ERROR')) return { status: 'INVALID', issues };
    if (preview) return { status: 'VALID', issues };
    draft.updatedAt = Date.now();
    this.#listings.set(sku, draft);
    return { status: 'ACCEPTED', issues };
  }

  /** Applies changes to a draft and returns the issues found; the caller keeps the draft only if there are none. */
  #apply(
    draft: SimListing,
    marketplaceIds: readonly string[],
    changes: readonly AttributeChange[],
    allowed: ReadonlySet<string>,
  ): ListingIssue[] {
    const issues: ListingIssue[] = [];
    for (const change of changes) {
      if (!allowed.has(change.name)) {
        issues.push(invalidValue(change.name));
        continue;
      }
      if (change.name === 'fulfillment_availability') {
        issues.push(...this.#applyQuantity(draft, marketplaceIds, change));
      } else if (change.name === 'purchasable_offer') {
        issues.push(...this.#applyPrice(draft, marketplaceIds, change));
      } else if (change.op === 'delete') {
        delete draft.attributes[change.name];
      } else if (isAttributeValue(change.name, change.value)) {
        draft.attributes[change.name] = change.value ?? [];
      } else {
        issues.push(invalidValue(change.name));
      }
    }
    return issues;
  }

  #applyQuantity(draft: SimListing, marketplaceIds: readonly string[], change: AttributeChange): ListingIssue[] {
    const name = change.name;
    let quantity: number | undefined;
    if (change.op !== 'delete') {
      const entries = (change.value ?? []).map(asRecord);
      if (entries.length === 0 || entries.some((entry) => typeof entry.fulfillment_channel_code !== 'string')) {
        return [
          issue(
            ISSUE_CODES.tooFewValues,
            `The field 'fulfillment_channel_code' for the attribute '${name}' does not have enough values. The required minimum is '1' value(s).`,
            [name],
            'INVALID_ATTRIBUTE',
          ),
        ];
      }
      // The simulated seller fulfils everything itself: only the merchant channel (`DEFAULT`) carries a quantity.
      const merchant = entries.find((entry) => entry.fulfillment_channel_code === 'DEFAULT');
      const value = merchant?.quantity;
      if (entries.length !== 1 || typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
        return [invalidValue(name)];
      }
      quantity = value;
    }
    for (const id of marketplaceIds) {
      const market = draft.markets.get(id);
      if (market) Object.assign(market, { quantity, updatedAt: Date.now() });
    }
    return [];
  }

  #applyPrice(draft: SimListing, marketplaceIds: readonly string[], change: AttributeChange): ListingIssue[] {
    const name = change.name;
    if (change.op === 'delete') {
      for (const id of marketplaceIds) {
        const market = draft.markets.get(id);
        if (market) Object.assign(market, { priceMinor: undefined, updatedAt: Date.now() });
      }
      return [];
    }
    const entries = (change.value ?? []).map(asRecord);
    if (entries.length === 0) return [invalidValue(name)];
    const prices = new Map<string, number>();
    for (const entry of entries) {
      const targets = typeof entry.marketplace_id === 'string' ? [entry.marketplace_id] : marketplaceIds;
      const price = firstOf(firstOf(entry.our_price).schedule).value_with_tax;
      for (const id of targets) {
        const currency = MARKETPLACES[id]?.currency;
        const valid =
          marketplaceIds.includes(id) && entry.currency === currency && typeof price === 'number' && price > 0;
        if (!valid) return [invalidValue(name)];
        prices.set(id, Math.round(price * 100));
      }
    }
    for (const [id, priceMinor] of prices) {
      const market = draft.markets.get(id);
      if (market) Object.assign(market, { priceMinor, updatedAt: Date.now() });
    }
    return [];
  }

  /**
   * The SKUs listed in any of `marketplaceIds`, each with the ones it is listed in, ordered by `sortBy` (SKU on a
   * tie, so that pages never overlap).
   */
  search(marketplaceIds: readonly string[], sortBy: ListingsSortKey, sortOrder: 'ASC' | 'DESC'): ListingsHit[] {
    const key = (listing: SimListing): string | number =>
      sortBy === 'sku' ? listing.sku : sortBy === 'createdDate' ? listing.createdAt : listing.updatedAt;
    const compare = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
    const hits = [...this.#listings.values()].flatMap((listing) => {
      const listed = marketplaceIds.filter((id) => listing.markets.has(id));
      return listed.length > 0 ? [{ listing, marketplaceIds: listed }] : [];
    });
    hits.sort((a, b) => compare(key(a.listing), key(b.listing)) || compare(a.listing.sku, b.listing.sku));
    if (sortOrder === 'DESC') hits.reverse();
    return hits.map(({ listing, marketplaceIds }) => ({ sku: listing.sku, marketplaceIds }));
  }

  /** getListingsItem's answer for `includedData`, or undefined when the SKU is not listed in the marketplaces. */
  view(sku: string, marketplaceIds: readonly string[], includedData: readonly string[]): object | undefined {
    const listing = this.#listings.get(sku);
    if (!listing || marketplaceIds.some((id) => !listing.markets.has(id))) return undefined;
    const markets = marketplaceIds.map((id): { id: string; offer: Partial<MarketOffer> } => ({
      id,
      offer: listing.markets.get(id) ?? {},
    }));
    const first = markets[0];
    const title = asRecord(listing.attributes.item_name?.[0]).value;
    const sections: Record<string, () => unknown> = {
      summaries: () =>
        markets.map(({ id, offer }) => ({
          marketplaceId: id,
          asin: listing.asin,
          productType: listing.productType,
          conditionType: 'new_new',
          status:
            (offer.quantity ?? 0) > 0 && offer.priceMinor !== undefined
              ? ['BUYABLE', 'DISCOVERABLE']
              : ['DISCOVERABLE'],
          itemName: typeof title === 'string' ? title : sku,
          createdDate: isoMillis(listing.createdAt),
          lastUpdatedDate: isoMillis(listing.updatedAt),
        })),
      attributes: () => ({
        ...listing.attributes,
        ...(first?.offer.quantity === undefined
          ? {}
          : { fulfillment_availability: [{ fulfillment_channel_code: 'DEFAULT', quantity: first.offer.quantity }] }),
        ...(markets.some(({ offer }) => offer.priceMinor !== undefined)
          ? {
              purchasable_offer: markets
                .filter(({ offer }) => offer.priceMinor !== undefined)
                .map(({ id, offer }) => ({
                  marketplace_id: id,
                  currency: MARKETPLACES[id]?.currency,
                  our_price: [{ schedule: [{ value_with_tax: (offer.priceMinor ?? 0) / 100 }] }],
                })),
            }
          : {}),
      }),
      issues: () => [],
      offers: () =>
        markets
          .filter(({ offer }) => offer.priceMinor !== undefined)
          .map(({ id, offer }) => ({
            marketplaceId: id,
            offerType: 'B2C',
            price: { currencyCode: MARKETPLACES[id]?.currency, amount: toAmount(offer.priceMinor ?? 0) },
            audience: { value: 'ALL', displayName: 'Sell on Amazon' },
          })),
      fulfillmentAvailability: () =>
        first?.offer.quantity === undefined
          ? []
          : [{ fulfillmentChannelCode: 'DEFAULT', quantity: first.offer.quantity }],
      productTypes: () => markets.map(({ id }) => ({ marketplaceId: id, productType: listing.productType })),
      relationships: () =>
        markets.map(({ id }) => ({ marketplaceId: id, relationships: this.#relationships(listing, id) })),
    };
    const view: Record<string, unknown> = { sku };
    for (const section of includedData) {
      const build = sections[section];
      if (build) view[section] = build();
    }
    return view;
  }

  /** Quantity, price and last change per marketplace of one SKU (`GET /_sim/listings/{sku}`), if listed. */
  offers(sku: string): { sku: string; asin: string; marketplaces: Record<string, ListingOfferState> } | undefined {
    const listing = this.#listings.get(sku);
    if (!listing) return undefined;
    return {
      sku,
      asin: listing.asin,
      marketplaces: Object.fromEntries(
        [...listing.markets].map(([id, offer]) => [
          id,
          {
            quantity: offer.quantity ?? null,
            priceMinor: offer.priceMinor ?? null,
            updatedAt: isoMillis(offer.updatedAt),
          },
        ]),
      ),
    };
  }

  /** How many listings `generate` made (and are still listed): the state counts them instead of listing them. */
  generatedCount(): number {
    let count = 0;
    for (const listing of this.#listings.values()) if (listing.generated) count++;
    return count;
  }

  /**
   * Quantity and price per SKU and marketplace, for `GET /_sim/state`: every listing except generated ones, which
   * would make the state of a load run megabytes long (see `generatedCount`, `offers`).
   */
  state(): Record<string, Record<string, ListingMarketState>> {
    const out: Record<string, Record<string, ListingMarketState>> = {};
    for (const listing of this.#listings.values()) {
      if (listing.generated) continue;
      out[listing.sku] = Object.fromEntries(
        [...listing.markets].map(([id, offer]) => [
          id,
          {
            quantity: offer.quantity ?? null,
            price: offer.priceMinor === undefined ? null : toAmount(offer.priceMinor),
            currency: MARKETPLACES[id]?.currency ?? '',
          },
        ]),
      );
    }
    return out;
  }
}
