import { createHash } from 'node:crypto';
import type {
  ListingPatch,
  ListingsItem,
  ListingsItemBody,
  ListingsSubmission,
  SubmitOptions,
} from '../../adapters/amazon/client';
import { offerPatches } from '../../adapters/amazon/listings';
import type { CatalogueEntry, ListingRecord } from '../../adapters/aws/catalogue-repository';
import type { ExceptionType } from '../../domain/exception-types';
import {
  type ListingDraft,
  type ListingMapping,
  type ListingPlan,
  type MappingSource,
  type ProductTypeSchema,
  planListings,
  productTypeOf,
  type VariantMapping,
} from '../../domain/listing-mapping';
import { validateAgainstSchema } from '../../domain/listing-validation';
import type { Clock } from '../../runtime/clock';
import { UpstreamRejectedError } from '../../runtime/errors';
import type { ScayleProduct } from '../../schemas/scayle';

/** The Listings Items and Product Type Definitions operations the catalogue loop calls. */
export interface ListingsMarketplace {
  getListingsItem(sellerId: string, sku: string, marketplaceId: string): Promise<ListingsItem | undefined>;
  putListingsItem(
    sellerId: string,
    sku: string,
    marketplaceId: string,
    body: ListingsItemBody,
    options?: SubmitOptions,
  ): Promise<ListingsSubmission>;
  patchListingsItem(
    sellerId: string,
    sku: string,
    marketplaceId: string,
    patches: readonly ListingPatch[],
    options?: SubmitOptions & { readonly productType?: string },
  ): Promise<ListingsSubmission>;
  deleteListingsItem(sellerId: string, sku: string, marketplaceId: string): Promise<void>;
  productTypeSchema(
    sellerId: string,
    productType: string,
    marketplaceId: string,
    requirements: ListingsItemBody['requirements'],
  ): Promise<{ key: string; schema: Record<string, unknown> }>;
}

/** The ports of the catalogue loop. */
export interface SyncListingsDeps {
  readonly scayle: {
    getProduct(identifier: number | string): Promise<ScayleProduct | undefined>;
    /** The variant's prices in force, per currency, in minor units (what the stock loop offers Amazon). */
    getCurrentPrices(sku: string, now: number): Promise<Record<string, number>>;
  };
  readonly catalogue: {
    get(sku: string): Promise<CatalogueEntry | undefined>;
    entries(skus: readonly string[]): Promise<ReadonlyMap<string, CatalogueEntry>>;
    bySellerSkus(marketplaceId: string, sellerSkus: readonly string[]): Promise<ReadonlyMap<string, string>>;
    listings(marketplaceId: string, sellerSkus: readonly string[]): Promise<ReadonlyMap<string, ListingRecord>>;
    recordListing(record: ListingRecord): Promise<void>;
    recordHeld(
      marketplaceId: string,
      held: readonly { sellerSku: string; sku: string; status: 'blocked' | 'external'; replace?: boolean }[],
      productKey: string,
      now: string,
    ): Promise<void>;
    markRelisted(
      marketplaceId: string,
      sellerSku: string,
      now: string,
      what?: 'relistedAt' | 'relistDoneAt',
    ): Promise<void>;
    removeListing(marketplaceId: string, sellerSku: string): Promise<void>;
    remove(sku: string): Promise<CatalogueEntry | undefined>;
  };
  readonly amazon: ListingsMarketplace;
  /**
   * A new child listing owes Amazon its offer: the hub records the variant's SCAYLE prices and marks it pending, and
   * the stock loop's Amazon push sends price and quantity.
   */
  readonly stock: {
    recordScayleState(
      sku: string,
      state: { prices: Record<string, { amountMinor: number; observedAt: string }> },
      now: string,
    ): Promise<void>;
    markAmazonPending(skus: readonly string[], now: string, force: boolean): Promise<void>;
  };
  readonly exceptions: {
    raise(type: ExceptionType, key: string, details?: Record<string, unknown>): Promise<unknown>;
    resolveOpen(type: ExceptionType, key: string, raisedBy?: Readonly<Record<string, string>>): Promise<void>;
  };
  readonly mapping: ListingMapping;
  readonly sellerId: string;
  readonly clock: Clock;
}

/** What one product's sync did across its marketplaces. */
export interface SyncOutcome {
  readonly productKey: string;
  /** False when SCAYLE no longer has the product. */
  readonly found: boolean;
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  /** Variants (or whole families) the hub would not list, with LISTING_BLOCKED raised. */
  readonly blocked: number;
  /** Listings Amazon refused, with AMAZON_LISTING_REJECTED raised. */
  readonly rejected: number;
}

/** One listing as the preview saw it: the hub's verdict and Amazon's. */
export interface PreviewedListing {
  readonly sellerSku: string;
  readonly role: 'parent' | 'child';
  readonly sku?: string;
  readonly status: string;
  readonly issues: readonly { code: string; message: string; severity: string }[];
  readonly attributes: Record<string, unknown>;
}

/** The preview of one product in one marketplace. */
export interface ProductPreview {
  readonly productKey: string;
  readonly marketplaceId: string;
  readonly productType?: string;
  readonly problems: ListingPlan['problems'];
  readonly listings: readonly PreviewedListing[];
  readonly notListed: readonly string[];
}

/** Every product type is described for listings that carry product facts only: the stock loop owns the offer. */
const REQUIREMENTS = 'LISTING_PRODUCT_ONLY';
const SCHEMA_TTL_MS = 3_600_000;
const MAX_PROBLEMS_IN_DETAILS = 25;

/** SCAYLE's attribute list as name -> value, which is what mapping rules read. */
const byName = (attributes: readonly { name: string; value: unknown }[]): Record<string, unknown> =>
  Object.fromEntries(attributes.map((attribute) => [attribute.name, attribute.value]));

/** A SCAYLE product as mapping rules read it, without a variant, and its variants. */
export const mappingSourceOf = (
  product: ScayleProduct,
): { source: MappingSource; variants: NonNullable<MappingSource['variant']>[] } => ({
  source: {
    master: { referenceKey: product.master.referenceKey, attributes: byName(product.master.attributes) },
    product: {
      id: product.id,
      referenceKey: product.referenceKey,
      name: product.name,
      categories: product.categories,
      attributes: byName(product.attributes),
    },
  },
  variants: product.variants.map((v) => ({ id: v.id, referenceKey: v.referenceKey, attributes: byName(v.attributes) })),
});

const hashOf = (draft: ListingDraft): string =>
  createHash('sha256')
    .update(JSON.stringify({ productType: draft.productType, attributes: draft.attributes }))
    .digest('hex');

const errorsOf = (submission: ListingsSubmission) =>
  submission.issues.filter((issue) => issue.severity.toUpperCase() === 'ERROR');

/**
 * Loop 8: maps SCAYLE products to Amazon listings and keeps them in step. For one product, in every marketplace of
 * the mapping: read the product from SCAYLE and its variants' rows of the catalogue map, plan the family (domain
 * `planListings`: rules, SKU match on both sides, the product type's JSON Schema), raise LISTING_BLOCKED (ecommerce)
 * naming each attribute and rule that blocks and resolve it once nothing does, then send what changed: the parent
 * first, a look-up before each create (`getListingsItem`), `putListingsItem` for a new listing, `patchListingsItem`
 * for one Amazon has, nothing when the attributes equal what was last sent (a hash on the listing record). Amazon's
 * ERROR issues raise AMAZON_LISTING_REJECTED; a new child is handed to the stock loop for its price and quantity.
 */
export const makeSyncListings = (deps: SyncListingsDeps) => {
  const { scayle, catalogue, amazon, exceptions, mapping, sellerId, clock } = deps;
  const schemas = new Map<string, { value: ProductTypeSchema | undefined; at: number }>();

  /** The product type's schema, cached per container for an hour; undefined when Amazon does not know the type. */
  const schemaOf = async (productType: string, marketplaceId: string): Promise<ProductTypeSchema | undefined> => {
    const id = `${productType}@${marketplaceId}`;
    const cached = schemas.get(id);
    if (cached && clock.now() - cached.at < SCHEMA_TTL_MS) return cached.value;
    let value: ProductTypeSchema | undefined;
    try {
      value = await amazon.productTypeSchema(sellerId, productType, marketplaceId, REQUIREMENTS);
    } catch (error) {
      // Only "no such product type" is an answer worth an hour; a refused token (403) or a throttle is not.
      if (!(error instanceof UpstreamRejectedError) || ![400, 404].includes(error.status)) throw error;
    }
    schemas.set(id, { value, at: clock.now() });
    return value;
  };

  /** Plans one product in one marketplace with everything it needs read first. */
  const plan = async (product: ScayleProduct, marketplaceId: string): Promise<ListingPlan> => {
    const { source, variants } = mappingSourceOf(product);
    const entries = await catalogue.entries(variants.map((v) => v.referenceKey));
    const sellerSkuOf = (sku: string) => entries.get(sku)?.amazon?.[marketplaceId]?.sellerSku;
    const sellerSkus = variants.flatMap((v) => sellerSkuOf(v.referenceKey) ?? []);
    const owners = await catalogue.bySellerSkus(marketplaceId, sellerSkus);
    const claimed = new Map<string, number>();
    for (const s of sellerSkus) claimed.set(s, (claimed.get(s) ?? 0) + 1);
    const mappings = new Map<string, VariantMapping>(
      variants.map((v) => {
        const entry = entries.get(v.referenceKey);
        const sellerSku = sellerSkuOf(v.referenceKey);
        // Two variants of one product naming one SellerSKU: neither may be listed.
        const owner = sellerSku && (claimed.get(sellerSku) ?? 0) > 1 ? '(another variant of this product)' : undefined;
        return [
          v.referenceKey,
          {
            ...(sellerSku ? { sellerSku, sellerSkuOwner: owner ?? owners.get(sellerSku) } : {}),
            ...(entry?.orderwiseVariantCode ? { orderwiseVariantCode: entry.orderwiseVariantCode } : {}),
            ...(entry?.scayleVariantId !== undefined ? { scayleVariantId: entry.scayleVariantId } : {}),
          },
        ];
      }),
    );
    const entry = productTypeOf(mapping, product.categories);
    const schema = entry ? await schemaOf(entry.productType, marketplaceId) : undefined;
    const result = planListings({
      mapping,
      marketplaceId,
      product: source,
      variants,
      mappings,
      schemaOf: () => schema,
      validate: (s, attributes) => validateAgainstSchema(s.key, s.schema, attributes),
    });
    if (entry && !schema && result.children.length + result.problems.length > 0) {
      return {
        ...result,
        parent: undefined,
        children: [],
        blocked: [...result.blocked, ...result.children.map((c) => ({ sku: c.sku as string, sellerSku: c.sellerSku }))],
        problems: [
          {
            attribute: 'product_type',
            rule: `productTypes (${entry.category})`,
            message: `Amazon has no product type ${entry.productType} in ${marketplaceId}`,
          },
        ],
      } as ListingPlan;
    }
    return result;
  };

  /**
   * Sets the quantity of a listing to 0, so it sells nothing; Amazon's refusal raises AMAZON_LISTING_REJECTED.
   * @returns whether Amazon took it.
   */
  const zeroOffer = async (marketplaceId: string, sellerSku: string, sku: string, why: string): Promise<boolean> => {
    const zero = { sku, sellerSku, marketplaceId, quantity: 0 };
    const answer = await amazon.patchListingsItem(sellerId, sellerSku, marketplaceId, offerPatches(zero));
    if (answer.status === 'ACCEPTED') return true;
    await exceptions.raise('AMAZON_LISTING_REJECTED', `${sellerSku}@${marketplaceId}`, {
      loop: 'catalogue',
      sku,
      sellerSku,
      marketplaceId,
      via: `patchListingsItem (quantity 0: ${why})`,
      issues: answer.issues,
    });
    return false;
  };

  /** Deletes a listing Amazon has (a look-up first) and forgets its record. @returns 1 if Amazon had it, else 0. */
  const takeDown = async (marketplaceId: string, sellerSku: string): Promise<number> => {
    const onAmazon = (await amazon.getListingsItem(sellerId, sellerSku, marketplaceId)) !== undefined;
    if (onAmazon) await amazon.deleteListingsItem(sellerId, sellerSku, marketplaceId);
    await catalogue.removeListing(marketplaceId, sellerSku);
    return onAmazon ? 1 : 0;
  };

  /**
   * What the blocked SellerSKUs of a plan are held as: `blocked` (no offer either) when the hub never listed them
   * and Amazon has no listing of them, `external` when Amazon has a listing the hub did not make (Seller Central,
   * or before the hub): its offer keeps going, since freezing its quantity would oversell. A listing the hub sent
   * before keeps its record and its offer, so a SCAYLE attribute lost later never leaves a stale offer behind.
   * Amazon is asked once per SellerSKU, when it is first blocked; a `recheck` asks again. Returns the records to
   * write and the SKUs let go (they were blocked and Amazon has them now: their offer is owed).
   */
  const holdBlocked = async (result: ListingPlan, recheck: boolean) => {
    const { marketplaceId } = result;
    const records = await catalogue.listings(
      marketplaceId,
      result.blocked.map((b) => b.sellerSku),
    );
    const held: { sellerSku: string; sku: string; status: 'blocked' | 'external'; replace?: boolean }[] = [];
    const letGo: string[] = [];
    let refused = 0;
    for (const b of result.blocked) {
      const record = records.get(b.sellerSku);
      if (record && !record.status && record.sku !== undefined && record.sku !== b.sku) {
        // The hub listed this SellerSKU for another variant (an import passed it on): its listing describes that
        // variant, so it must not sell this one. Quantity 0, and held back until this variant can be listed.
        if (await zeroOffer(marketplaceId, b.sellerSku, b.sku, 'the listing describes another variant'))
          held.push({ ...b, status: 'blocked', replace: true });
        else refused++;
        continue;
      }
      if (record && !record.status) {
        // A listing the hub sent keeps its offer; a recheck finds out whether Amazon still has it.
        if (recheck && !(await amazon.getListingsItem(sellerId, b.sellerSku, marketplaceId)))
          held.push({ ...b, status: 'blocked', replace: true });
        continue;
      }
      if (record && !recheck) {
        held.push({ ...b, status: record.status ?? 'blocked' });
        continue;
      }
      const onAmazon = (await amazon.getListingsItem(sellerId, b.sellerSku, marketplaceId)) !== undefined;
      held.push({ ...b, status: onAmazon ? 'external' : 'blocked' });
      if (onAmazon && record?.status !== 'external') letGo.push(b.sku);
    }
    return { held, letGo, refused };
  };

  /** Raises or resolves LISTING_BLOCKED and holds the blocked SellerSKUs back; counts variants blocked, refusals. */
  const report = async (product: ScayleProduct, result: ListingPlan, recheck: boolean) => {
    const key = `${product.referenceKey}@${result.marketplaceId}`;
    if (result.problems.length === 0) {
      await exceptions.resolveOpen('LISTING_BLOCKED', key);
      return { blocked: 0, rejected: 0 };
    }
    let rejected = 0;
    if (result.blocked.length > 0) {
      const { marketplaceId } = result;
      const now = new Date(clock.now()).toISOString();
      const { held, letGo, refused } = await holdBlocked(result, recheck);
      rejected = refused;
      await catalogue.recordHeld(marketplaceId, held, product.referenceKey, now);
      for (const sku of letGo) await handOfferToStockLoop(sku, now);
      // Amazon refusing an offer for a SellerSKU it has no listing of is this block, told better.
      for (const b of held.filter((h) => h.status === 'blocked'))
        await exceptions.resolveOpen('AMAZON_LISTING_REJECTED', `${b.sellerSku}@${marketplaceId}`);
    }
    const skus = [...new Set(result.problems.map((p) => p.sku ?? '(family)'))];
    await exceptions.raise('LISTING_BLOCKED', key, {
      productKey: product.referenceKey,
      marketplaceId: result.marketplaceId,
      ...(result.productType ? { productType: result.productType } : {}),
      blocked: skus,
      problems: result.problems.slice(0, MAX_PROBLEMS_IN_DETAILS),
      problemCount: result.problems.length,
    });
    return { blocked: skus.length, rejected };
  };

  const handOfferToStockLoop = async (sku: string, now: string) => {
    const prices = await scayle.getCurrentPrices(sku, clock.now());
    if (Object.keys(prices).length > 0)
      await deps.stock.recordScayleState(
        sku,
        {
          prices: Object.fromEntries(
            Object.entries(prices).map(([currency, amountMinor]) => [currency, { amountMinor, observedAt: now }]),
          ),
        },
        now,
      );
    await deps.stock.markAmazonPending([sku], now, true);
  };

  /**
   * Every colour (SCAYLE product) of a master shares its Amazon parent. The colour that listed it keeps writing it,
   * so colours whose parent attributes differ (a name with the colour in it) do not patch it back and forth; another
   * colour takes over once that one left the master (deleted, or moved) or the family's product type changed.
   */
  const parentOfAnotherColour = async (
    product: ScayleProduct,
    draft: ListingDraft,
    record: ListingRecord | undefined,
    hash: string,
  ): Promise<boolean> => {
    if (draft.role !== 'parent' || !record || record.hash === hash || record.productKey === product.referenceKey)
      return false;
    const owner = await readProduct(record.productKey);
    if (!owner || owner.master.referenceKey !== product.master.referenceKey) return false;
    // The owner keeps the parent while it still maps to the product type the parent was listed under.
    return productTypeOf(mapping, owner.categories)?.productType === record.productType;
  };

  /**
   * Sends one listing if it changed; returns what happened to it. A `recheck` looks Amazon up even for a listing
   * the hub recorded and sends it again when Amazon lost it.
   */
  const send = async (
    product: ScayleProduct,
    draft: ListingDraft,
    marketplaceId: string,
    recorded: ListingRecord | undefined,
    recheck: boolean,
  ): Promise<'created' | 'updated' | 'unchanged' | 'rejected'> => {
    // A blocked or external record only says the hub held the SKU back: the hub never sent it.
    const record = recorded?.status ? undefined : recorded;
    const hash = hashOf(draft);
    const same = record?.hash === hash || (await parentOfAnotherColour(product, draft, record, hash));
    if (same && !recheck) return 'unchanged';
    const lookUp = !record || recheck;
    const existing = lookUp ? await amazon.getListingsItem(sellerId, draft.sellerSku, marketplaceId) : undefined;
    const listedType = existing?.summaries.find((s) => s.marketplaceId === marketplaceId)?.productType;
    const sameType = listedType === undefined || listedType === draft.productType;
    if (same && existing && sameType) return 'unchanged';
    // A product moved to a category of another product type is listed anew: a patch cannot change the type.
    const typeChanged = record !== undefined && record.productType !== draft.productType;
    const create = (lookUp && (!existing || !sameType)) || typeChanged;
    const submission = create
      ? await amazon.putListingsItem(sellerId, draft.sellerSku, marketplaceId, {
          productType: draft.productType,
          requirements: REQUIREMENTS,
          attributes: draft.attributes,
        })
      : await amazon.patchListingsItem(
          sellerId,
          draft.sellerSku,
          marketplaceId,
          Object.entries(draft.attributes).map(([name, value]) => ({
            op: 'replace' as const,
            path: `/attributes/${name}`,
            value,
          })),
          { productType: draft.productType },
        );
    const rejectedKey = `${draft.sellerSku}@${marketplaceId}`;
    const errors = errorsOf(submission);
    if (submission.status === 'INVALID' || errors.length > 0) {
      await exceptions.raise('AMAZON_LISTING_REJECTED', rejectedKey, {
        loop: 'catalogue',
        sku: draft.sku,
        sellerSku: draft.sellerSku,
        marketplaceId,
        productKey: product.referenceKey,
        role: draft.role,
        via: create ? 'putListingsItem' : 'patchListingsItem',
        issues: errors.length > 0 ? errors : submission.issues,
      });
      return 'rejected';
    }
    const now = new Date(clock.now()).toISOString();
    // A held-back SellerSKU is let go first: a push round between the hand-over and the record below would skip
    // it as blocked and drop the offer it is owed.
    if (recorded?.status === 'blocked') await catalogue.removeListing(marketplaceId, draft.sellerSku);
    // The offer is handed over before the listing is recorded: a failure in between retries both, where the other
    // order would find the listing unchanged on the retry and the offer never sent.
    // A SellerSKU new to the hub, listed anew, or passed from another variant owes Amazon this variant's offer.
    if ((!record || create || record.sku !== draft.sku) && draft.sku) await handOfferToStockLoop(draft.sku, now);
    await catalogue.recordListing({
      marketplaceId,
      sellerSku: draft.sellerSku,
      role: draft.role,
      productKey: product.referenceKey,
      ...(draft.sku ? { sku: draft.sku } : {}),
      productType: draft.productType,
      hash,
      listedAt: record?.listedAt ?? now,
      updatedAt: now,
    });
    // Only the catalogue's own refusal: a price the stock push had refused is not healed by accepted attributes.
    await exceptions.resolveOpen('AMAZON_LISTING_REJECTED', rejectedKey, { loop: 'catalogue' });
    // The stock push asked for this listing again: it is back, and a loss within a day from now is news.
    if (create && recorded?.relistedAt)
      await catalogue.markRelisted(marketplaceId, draft.sellerSku, now, 'relistDoneAt');
    return create && !existing && !typeChanged ? 'created' : 'updated';
  };

  /**
   * A product by reference key, or by SCAYLE id when no product has that key: retailers' reference keys may be all
   * digits (an article number), so a numeric key is read as a key first.
   */
  const readProduct = async (productKey: string) =>
    (await scayle.getProduct(productKey)) ??
    (/^\d{1,15}$/.test(productKey) ? await scayle.getProduct(Number(productKey)) : undefined);

  /**
   * Syncs one product (by reference key, or numeric id) in every marketplace of the mapping. `recheck` (a manual
   * sync) looks up every listing on Amazon instead of trusting what the hub last sent: one listing deleted in Seller
   * Central is listed again, and a SellerSKU held back is let go if Amazon has a listing of it.
   */
  const syncProduct = async (productKey: string, options: { recheck?: boolean } = {}): Promise<SyncOutcome> => {
    const recheck = options.recheck ?? false;
    const counts = { created: 0, updated: 0, unchanged: 0, blocked: 0, rejected: 0 };
    const product = await readProduct(productKey);
    if (!product) return { productKey, found: false, ...counts };
    for (const marketplaceId of Object.keys(mapping.marketplaces)) {
      const result = await plan(product, marketplaceId);
      const reported = await report(product, result, recheck);
      counts.blocked += reported.blocked;
      counts.rejected += reported.rejected;
      const drafts = [...(result.parent ? [result.parent] : []), ...result.children];
      if (drafts.length === 0) continue;
      const records = await catalogue.listings(
        marketplaceId,
        drafts.map((d) => d.sellerSku),
      );
      if (result.parent) {
        const outcome = await send(
          product,
          result.parent,
          marketplaceId,
          records.get(result.parent.sellerSku),
          recheck,
        );
        counts[outcome]++;
        // Amazon refuses children whose parent it does not have: they wait for the next sync.
        if (outcome === 'rejected') continue;
      }
      for (const child of result.children)
        counts[await send(product, child, marketplaceId, records.get(child.sellerSku), recheck)]++;
    }
    return { productKey: product.referenceKey, found: true, ...counts };
  };

  /**
   * A variant was deleted in SCAYLE: its listings are taken down (a look-up first; a SKU Amazon no longer has is
   * done), then its row of the catalogue map goes, so no listing or stock update names it again. In that order,
   * so a retry after a failure still knows the SellerSKUs.
   */
  const deleteVariant = async (sku: string): Promise<{ removed: number }> => {
    const entry = await catalogue.get(sku);
    let removed = 0;
    for (const [marketplaceId, { sellerSku }] of Object.entries(entry?.amazon ?? {}))
      removed += await takeDown(marketplaceId, sellerSku);
    if (entry) await catalogue.remove(sku);
    return { removed };
  };

  /**
   * A SellerSKU no variant maps any more (an import moved its variant away): a listing there has no SKU match (an
   * order for it would be a ghost order), and the stock loop no longer feeds it. A listing the hub made is taken
   * down (a look-up first); one it only let the stock loop feed (`external`, the team's own) gets quantity 0, so
   * it can no longer sell what nobody will ship. Either way its record goes. A SellerSKU mapped again is left alone.
   */
  const retireListing = async (
    marketplaceId: string,
    sellerSku: string,
  ): Promise<{ removed: number; rejected: number }> => {
    const none = { removed: 0, rejected: 0 };
    if ((await catalogue.bySellerSkus(marketplaceId, [sellerSku])).has(sellerSku)) return none;
    const record = (await catalogue.listings(marketplaceId, [sellerSku])).get(sellerSku);
    if (!record) return none;
    if (!record.status) return { removed: await takeDown(marketplaceId, sellerSku), rejected: 0 };
    if (
      record.status === 'external' &&
      (await amazon.getListingsItem(sellerId, sellerSku, marketplaceId)) &&
      !(await zeroOffer(marketplaceId, sellerSku, record.sku ?? sellerSku, 'a SellerSKU no variant maps'))
    )
      // The record stays, so the daily sweep tries again; the exception tells a person meanwhile.
      return { removed: 0, rejected: 1 };
    await catalogue.removeListing(marketplaceId, sellerSku);
    return none;
  };

  /** The product of a SCAYLE SKU, found through the listing records a sync left (SCAYLE has no variant -> product look-up here). */
  const productOfSku = async (sku: string): Promise<ScayleProduct | undefined> => {
    const entry = await catalogue.get(sku);
    for (const [marketplaceId, { sellerSku }] of Object.entries(entry?.amazon ?? {})) {
      const record = (await catalogue.listings(marketplaceId, [sellerSku])).get(sellerSku);
      if (record) return readProduct(record.productKey);
    }
    return undefined;
  };

  /**
   * What a sync would send for one product, checked by Amazon with `mode=VALIDATION_PREVIEW` (nothing changes). A
   * child's complaint that its parent is missing is dropped when the parent is previewed alongside and valid.
   */
  const preview = async (productKeyOrSku: string, marketplaceIds?: readonly string[]): Promise<ProductPreview[]> => {
    const product = (await readProduct(productKeyOrSku)) ?? (await productOfSku(productKeyOrSku));
    if (!product) return [];
    const previews: ProductPreview[] = [];
    for (const marketplaceId of marketplaceIds ?? Object.keys(mapping.marketplaces)) {
      const result = await plan(product, marketplaceId);
      const listings: PreviewedListing[] = [];
      let parentValid = false;
      for (const draft of [...(result.parent ? [result.parent] : []), ...result.children]) {
        const submission = await amazon.putListingsItem(
          sellerId,
          draft.sellerSku,
          marketplaceId,
          { productType: draft.productType, requirements: REQUIREMENTS, attributes: draft.attributes },
          { preview: true },
        );
        const issues = submission.issues.filter(
          (issue) =>
            !(parentValid && draft.role === 'child' && JSON.stringify(issue).includes('child_parent_sku_relationship')),
        );
        const valid = !issues.some((issue) => issue.severity.toUpperCase() === 'ERROR');
        if (draft.role === 'parent') parentValid = valid;
        listings.push({
          sellerSku: draft.sellerSku,
          role: draft.role,
          ...(draft.sku ? { sku: draft.sku } : {}),
          status: valid ? 'VALID' : 'INVALID',
          issues,
          attributes: draft.attributes,
        });
      }
      previews.push({
        productKey: product.referenceKey,
        marketplaceId,
        ...(result.productType ? { productType: result.productType } : {}),
        problems: result.problems,
        listings,
        notListed: result.notListed,
      });
    }
    return previews;
  };

  return { syncProduct, deleteVariant, retireListing, preview };
};
