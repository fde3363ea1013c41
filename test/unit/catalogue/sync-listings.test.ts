import { describe, expect, it } from 'vitest';
import { APPAREL_LISTING_MAPPING } from '../../../lib/config/listing-mappings';
import { productTypeSchema } from '../../../local/simulators/amazon/product-types';
import { DEMO_CATALOGUE, DEMO_PRODUCTS, type DemoProduct } from '../../../local/simulators/catalogue';
import type {
  ListingPatch,
  ListingsItem,
  ListingsItemBody,
  ListingsSubmission,
  SubmitOptions,
} from '../../../shared/adapters/amazon/client';
import type { CatalogueEntry, ListingRecord } from '../../../shared/adapters/aws/catalogue-repository';
import type { ExceptionType } from '../../../shared/domain/exception-types';
import { type ListingMappingInput, listingMappingSchema } from '../../../shared/domain/listing-mapping';
import { UpstreamRejectedError } from '../../../shared/runtime/errors';
import type { ListingMessage } from '../../../shared/schemas/queue-messages';
import { type ScayleProduct, scayleProductSchema } from '../../../shared/schemas/scayle';
import { makeRelist } from '../../../shared/use-cases/catalogue/relist';
import {
  type ListingsMarketplace,
  makeSyncListings,
  type SyncListingsDeps,
} from '../../../shared/use-cases/catalogue/sync-listings';

const UK = 'A1F83G8C2ARO7P';
const DE = 'A1PA6795UKMFR9';
const SELLER = 'A2SELLER';
const NOW = Date.parse('2026-11-26T10:00:00Z');
const NOW_ISO = '2026-11-26T10:00:00.000Z';
const SIZES = ['XS', 'S', 'M', 'L', 'XL'];

/** A demo product as SCAYLE's Admin API returns it. */
const adminView = (product: DemoProduct): ScayleProduct =>
  scayleProductSchema.parse({
    id: product.id,
    referenceKey: product.referenceKey,
    state: 'live',
    master: { referenceKey: product.masterKey, attributes: [] },
    name: product.name,
    categories: product.categories,
    attributes: product.attributes,
    variants: product.variants,
  });

class FakeScayle {
  readonly products = new Map(DEMO_PRODUCTS.map((p) => [p.referenceKey, adminView(p)]));

  async getProduct(identifier: number | string): Promise<ScayleProduct | undefined> {
    if (typeof identifier === 'number') return [...this.products.values()].find((p) => p.id === identifier);
    return this.products.get(identifier);
  }

  /** Prices in force per currency: the demo price in EUR and GBP. */
  async getCurrentPrices(_sku: string, _now: number): Promise<Record<string, number>> {
    return { EUR: 2990, GBP: 2590 };
  }

  /** A change made in SCAYLE: the product attribute `name` takes `value`. */
  change(productKey: string, name: string, value: unknown) {
    const product = this.products.get(productKey) as ScayleProduct;
    this.products.set(productKey, {
      ...product,
      attributes: product.attributes.map((a) => (a.name === name ? { ...a, value } : a)),
    });
  }
}

/** The catalogue map of the demo catalogue, the same SellerSKU in both marketplaces, and the listing records. */
class FakeCatalogue {
  readonly rows = new Map<string, CatalogueEntry>(
    DEMO_CATALOGUE.map((v) => [
      v.sku,
      {
        sku: v.sku,
        scayleVariantId: v.scayleVariantId,
        ...(v.orderwise ? { orderwiseVariantCode: v.orderwise.variantCode } : {}),
        ...(v.amazon ? { amazon: { [UK]: { ...v.amazon }, [DE]: { ...v.amazon } } } : {}),
      },
    ]),
  );
  readonly records = new Map<string, ListingRecord>();

  async get(sku: string) {
    return this.rows.get(sku);
  }
  async entries(skus: readonly string[]) {
    return new Map(skus.flatMap((sku) => (this.rows.has(sku) ? [[sku, this.rows.get(sku) as CatalogueEntry]] : [])));
  }
  async bySellerSkus(marketplaceId: string, sellerSkus: readonly string[]) {
    return new Map(
      [...this.rows.values()].flatMap((row) => {
        const sellerSku = row.amazon?.[marketplaceId]?.sellerSku;
        return sellerSku && sellerSkus.includes(sellerSku) ? [[sellerSku, row.sku] as const] : [];
      }),
    );
  }
  async listings(marketplaceId: string, sellerSkus: readonly string[]) {
    return new Map(
      sellerSkus.flatMap((s) => {
        const record = this.records.get(`${marketplaceId}#${s}`);
        return record ? [[s, record] as const] : [];
      }),
    );
  }
  async recordListing(record: ListingRecord) {
    this.records.set(`${record.marketplaceId}#${record.sellerSku}`, record);
  }
  /** As the repository does: a listing the hub sent keeps its record. */
  async recordHeld(
    marketplaceId: string,
    held: readonly { sellerSku: string; sku: string; status: 'blocked' | 'external'; replace?: boolean }[],
    productKey: string,
    now: string,
  ) {
    for (const { sellerSku, sku, status, replace } of held) {
      const key = `${marketplaceId}#${sellerSku}`;
      if (!replace && this.records.has(key) && !this.records.get(key)?.status) continue;
      this.records.set(key, {
        marketplaceId,
        sellerSku,
        sku,
        productKey,
        role: 'child',
        status,
        hash: status,
        productType: '',
        listedAt: now,
        updatedAt: now,
      });
    }
  }
  async markRelisted(
    marketplaceId: string,
    sellerSku: string,
    now: string,
    what: 'relistedAt' | 'relistDoneAt' = 'relistedAt',
  ) {
    const key = `${marketplaceId}#${sellerSku}`;
    const record = this.records.get(key);
    if (record) this.records.set(key, { ...record, [what]: now });
  }
  async removeListing(marketplaceId: string, sellerSku: string) {
    this.records.delete(`${marketplaceId}#${sellerSku}`);
  }
  async remove(sku: string) {
    const row = this.rows.get(sku);
    this.rows.delete(sku);
    return row;
  }
}

interface AmazonCall {
  readonly op: 'get' | 'put' | 'patch' | 'delete' | 'schema';
  readonly sku: string;
  readonly marketplaceId: string;
  readonly body?: ListingsItemBody;
  readonly patches?: readonly ListingPatch[];
  readonly options?: SubmitOptions & { readonly productType?: string };
}

const PARENT_MISSING = 'child_parent_sku_relationship is not a variation parent';

/**
 * Amazon's Listings Items API in memory: records every call, holds what is listed, refuses a child whose parent it
 * does not have (as Amazon does) and whatever `refuse` names.
 */
class FakeAmazon implements ListingsMarketplace {
  readonly calls: AmazonCall[] = [];
  readonly listed = new Map<string, { productType: string; attributes: Record<string, unknown> }>();
  readonly refused = new Set<string>();
  /** SellerSKUs whose next put Amazon applies and then never answers (a timeout after commit). */
  readonly loseAnswer = new Set<string>();

  /** Every later submission of `sellerSku` in `marketplaceId` is answered INVALID. */
  refuse(sellerSku: string, marketplaceId: string) {
    this.refused.add(`${marketplaceId}#${sellerSku}`);
  }

  /** A listing Amazon has without the hub having sent it. */
  list(sellerSku: string, marketplaceId: string, productType: string) {
    this.listed.set(`${marketplaceId}#${sellerSku}`, { productType, attributes: {} });
  }

  /** The calls that read or change listings, as `op sellerSku` lines, in one marketplace. */
  sent(marketplaceId: string) {
    return this.calls
      .filter((c) => c.op !== 'schema' && c.marketplaceId === marketplaceId)
      .map((c) => `${c.op} ${c.sku}`);
  }

  async getListingsItem(_: string, sku: string, marketplaceId: string): Promise<ListingsItem | undefined> {
    this.calls.push({ op: 'get', sku, marketplaceId });
    const listing = this.listed.get(`${marketplaceId}#${sku}`);
    return listing && { sku, summaries: [{ marketplaceId, productType: listing.productType }] };
  }

  #answer(sku: string, marketplaceId: string, attributes: Record<string, unknown>, preview: boolean) {
    const parentSku = (attributes.child_parent_sku_relationship as { parent_sku: string }[] | undefined)?.[0]
      ?.parent_sku;
    const issues = [
      ...(this.refused.has(`${marketplaceId}#${sku}`)
        ? [{ code: '90220', message: "'brand' is required but not supplied.", severity: 'ERROR' }]
        : []),
      ...(parentSku && !this.listed.has(`${marketplaceId}#${parentSku}`)
        ? [{ code: '8541', message: `${PARENT_MISSING}: ${parentSku}`, severity: 'ERROR' }]
        : []),
    ];
    const status = issues.length > 0 ? 'INVALID' : preview ? 'VALID' : 'ACCEPTED';
    return { sku, status, submissionId: `sub-${this.calls.length}`, issues } satisfies ListingsSubmission;
  }

  async putListingsItem(
    _: string,
    sku: string,
    marketplaceId: string,
    body: ListingsItemBody,
    options?: SubmitOptions,
  ): Promise<ListingsSubmission> {
    this.calls.push({ op: 'put', sku, marketplaceId, body, ...(options ? { options } : {}) });
    const answer = this.#answer(sku, marketplaceId, { ...body.attributes }, options?.preview === true);
    if (answer.status === 'ACCEPTED')
      this.listed.set(`${marketplaceId}#${sku}`, { productType: body.productType, attributes: { ...body.attributes } });
    if (this.loseAnswer.delete(sku)) throw new Error(`timeout after Amazon applied the put of ${sku}`);
    return answer;
  }

  async patchListingsItem(
    _: string,
    sku: string,
    marketplaceId: string,
    patches: readonly ListingPatch[],
    options?: SubmitOptions & { readonly productType?: string },
  ): Promise<ListingsSubmission> {
    this.calls.push({ op: 'patch', sku, marketplaceId, patches, ...(options ? { options } : {}) });
    const listing = this.listed.get(`${marketplaceId}#${sku}`);
    const attributes = {
      ...listing?.attributes,
      ...Object.fromEntries(patches.map((p) => [p.path.replace('/attributes/', ''), p.value])),
    };
    const answer = this.#answer(sku, marketplaceId, attributes, options?.preview === true);
    if (answer.status === 'ACCEPTED' && listing) listing.attributes = attributes;
    return answer;
  }

  async deleteListingsItem(_: string, sku: string, marketplaceId: string): Promise<void> {
    this.calls.push({ op: 'delete', sku, marketplaceId });
    this.listed.delete(`${marketplaceId}#${sku}`);
  }

  async productTypeSchema(
    _: string,
    productType: string,
    marketplaceId: string,
    requirements: ListingsItemBody['requirements'],
  ) {
    this.calls.push({ op: 'schema', sku: productType, marketplaceId });
    const schema = productTypeSchema(productType, requirements);
    if (!schema) throw new UpstreamRejectedError(`no product type ${productType}`, 404);
    return { key: `${productType}.${requirements}`, schema: schema as Record<string, unknown> };
  }
}

class FakeStock {
  readonly pending: { skus: readonly string[]; now: string; force: boolean }[] = [];
  readonly prices = new Map<string, Record<string, { amountMinor: number }>>();
  async recordScayleState(sku: string, state: { prices: Record<string, { amountMinor: number }> }) {
    this.prices.set(sku, state.prices);
  }
  async markAmazonPending(skus: readonly string[], now: string, force: boolean) {
    this.pending.push({ skus, now, force });
  }
}

class FakeExceptions {
  readonly raised: { type: ExceptionType; key: string; details?: Record<string, unknown> }[] = [];
  readonly resolved: { type: ExceptionType; key: string }[] = [];
  async raise(type: ExceptionType, key: string, details?: Record<string, unknown>) {
    this.raised.push({ type, key, ...(details ? { details } : {}) });
  }
  async resolveOpen(type: ExceptionType, key: string) {
    this.resolved.push({ type, key });
  }
}

const setup = (mapping: ListingMappingInput = APPAREL_LISTING_MAPPING) => {
  const scayle = new FakeScayle();
  const catalogue = new FakeCatalogue();
  const amazon = new FakeAmazon();
  const stock = new FakeStock();
  const exceptions = new FakeExceptions();
  const deps: SyncListingsDeps = {
    scayle,
    catalogue,
    amazon,
    stock,
    exceptions,
    mapping: listingMappingSchema.parse(mapping),
    sellerId: SELLER,
    clock: { now: () => NOW, sleep: async () => {} },
  };
  return { scayle, catalogue, amazon, stock, exceptions, ...makeSyncListings(deps) };
};

/** Forgets the calls so far, so that a test sees only what its act sends. */
const forget = (...fakes: { calls?: unknown[]; raised?: unknown[]; resolved?: unknown[]; pending?: unknown[] }[]) => {
  for (const fake of fakes) for (const list of [fake.calls, fake.raised, fake.resolved, fake.pending]) list?.splice(0);
};

const CHILDREN = SIZES.map((size) => `AMZ-010-BLK-${size}`);

/** The apparel mapping in the UK marketplace only, for tests that read one marketplace's calls. */
const UK_ONLY: ListingMappingInput = {
  ...APPAREL_LISTING_MAPPING,
  marketplaces: { [UK]: { locale: 'en_GB', languageTag: 'en_GB' } },
};

/** A change in SCAYLE: the product moves to Jackets & Coats (Amazon COAT) with the closure a COAT needs. */
const moveToCoats = (scayle: FakeScayle, productKey: string) => {
  const product = scayle.products.get(productKey) as ScayleProduct;
  scayle.products.set(productKey, {
    ...product,
    categories: [['Fashion', 'Men', 'Clothing', 'Jackets & Coats']],
    attributes: [
      ...product.attributes,
      { ...(product.attributes[0] as object), name: 'closure', value: 'zip' },
    ] as never,
  });
};

describe('makeSyncListings: syncProduct', () => {
  it('creates the parent, then each child, after a look-up that finds nothing, in every marketplace', async () => {
    const { amazon, syncProduct } = setup();

    const outcome = await syncProduct('SH-010-BLK');

    expect(outcome).toEqual({
      productKey: 'SH-010-BLK',
      found: true,
      created: 12,
      updated: 0,
      unchanged: 0,
      blocked: 0,
      rejected: 0,
    });
    for (const marketplaceId of [UK, DE])
      expect(amazon.sent(marketplaceId)).toEqual(['SH-010', ...CHILDREN].flatMap((s) => [`get ${s}`, `put ${s}`]));
    const puts = amazon.calls.filter((c) => c.op === 'put');
    expect(puts.map((c) => c.body?.requirements)).toEqual(Array(12).fill('LISTING_PRODUCT_ONLY'));
    expect(puts.map((c) => c.body?.productType)).toEqual(Array(12).fill('SHIRT'));
    expect(puts.map((c) => c.options?.preview)).toEqual(Array(12).fill(undefined));
  });

  it('records each listing sent, hands each new child to the stock loop and resolves LISTING_BLOCKED', async () => {
    const { catalogue, stock, exceptions, syncProduct } = setup();

    await syncProduct('SH-010-BLK');

    expect(catalogue.records.get(`${UK}#SH-010`)).toEqual({
      marketplaceId: UK,
      sellerSku: 'SH-010',
      role: 'parent',
      productKey: 'SH-010-BLK',
      productType: 'SHIRT',
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      listedAt: NOW_ISO,
      updatedAt: NOW_ISO,
    });
    expect(catalogue.records.get(`${DE}#AMZ-010-BLK-M`)).toMatchObject({ role: 'child', sku: 'SH-010-BLK-M' });
    expect(catalogue.records.size).toBe(12);
    expect(stock.pending).toEqual(
      [UK, DE].flatMap(() => SIZES.map((size) => ({ skus: [`SH-010-BLK-${size}`], now: NOW_ISO, force: true }))),
    );
    // The stock loop gets SCAYLE's prices with the new listing, so its first offer carries a price.
    expect(stock.prices.get('SH-010-BLK-M')).toEqual({
      EUR: { amountMinor: 2990, observedAt: NOW_ISO },
      GBP: { amountMinor: 2590, observedAt: NOW_ISO },
    });
    expect(exceptions.raised).toEqual([]);
    expect(exceptions.resolved).toContainEqual({ type: 'LISTING_BLOCKED', key: `SH-010-BLK@${UK}` });
    expect(exceptions.resolved).toContainEqual({ type: 'LISTING_BLOCKED', key: `SH-010-BLK@${DE}` });
  });

  it('reads a product by its numeric SCAYLE id', async () => {
    const { syncProduct } = setup();

    const outcome = await syncProduct('200001');

    expect(outcome).toMatchObject({ productKey: 'SH-010-BLK', found: true, created: 12 });
  });

  it('reads an all-digit reference key (an article number) as a key before trying it as an id', async () => {
    const { scayle, syncProduct } = setup();
    const product = scayle.products.get('SH-010-BLK') as ScayleProduct;
    scayle.products.delete('SH-010-BLK');
    // The id of another product, used as this one's reference key.
    scayle.products.set('200002', { ...product, referenceKey: '200002' });

    const outcome = await syncProduct('200002');

    expect(outcome).toMatchObject({ productKey: '200002', found: true });
  });

  it('sends Amazon nothing when nothing changed since the last sync', async () => {
    const { amazon, stock, syncProduct } = setup();
    await syncProduct('SH-010-BLK');
    forget(amazon, stock);

    const outcome = await syncProduct('SH-010-BLK');

    expect(outcome).toMatchObject({ created: 0, updated: 0, unchanged: 12 });
    expect(amazon.calls).toEqual([]);
    expect(stock.pending).toEqual([]);
  });

  it('patches the listings a changed SCAYLE attribute reaches, replacing every attribute, and no others', async () => {
    const { scayle, amazon, stock, catalogue, syncProduct } = setup();
    await syncProduct('SH-010-BLK');
    const before = catalogue.records.get(`${UK}#AMZ-010-BLK-XS`);
    forget(amazon, stock);
    scayle.change('SH-010-BLK', 'care_instructions', { de_DE: 'Handwäsche', en_GB: 'Hand wash' });

    const outcome = await syncProduct('SH-010-BLK');

    expect(outcome).toMatchObject({ created: 0, updated: 10, unchanged: 2 });
    expect(amazon.sent(UK)).toEqual(CHILDREN.map((s) => `patch ${s}`));
    const patch = amazon.calls.find((c) => c.op === 'patch' && c.marketplaceId === UK);
    expect(patch?.options).toEqual({ productType: 'SHIRT' });
    expect(patch?.patches?.every((p) => p.op === 'replace')).toBe(true);
    expect(patch?.patches).toContainEqual({
      op: 'replace',
      path: '/attributes/care_instructions',
      value: [{ value: 'Hand wash', language_tag: 'en_GB', marketplace_id: UK }],
    });
    const after = catalogue.records.get(`${UK}#AMZ-010-BLK-XS`);
    expect(after?.hash).not.toBe(before?.hash);
    expect(after?.listedAt).toBe(before?.listedAt);
    expect(stock.pending).toEqual([]);
  });

  it('lets the colour that listed the shared parent keep it: another colour with another name does not patch it', async () => {
    const { scayle, amazon, syncProduct } = setup(UK_ONLY);
    const navy = scayle.products.get('SH-010-NAV') as ScayleProduct;
    scayle.products.set('SH-010-NAV', { ...navy, name: { en_GB: 'Organic Tee Navy', de_DE: 'Bio-T-Shirt Navy' } });
    await syncProduct('SH-010-BLK');
    forget(amazon);

    expect(await syncProduct('SH-010-NAV')).toMatchObject({ created: 5 });
    expect(await syncProduct('SH-010-BLK')).toMatchObject({ created: 0, updated: 0 });
    expect(amazon.sent(UK).filter((line) => line.endsWith(' SH-010'))).toEqual([]);
  });

  it('lets another colour take the parent over once the colour that listed it left the master', async () => {
    const { scayle, amazon, syncProduct } = setup(UK_ONLY);
    const navy = scayle.products.get('SH-010-NAV') as ScayleProduct;
    scayle.products.set('SH-010-NAV', { ...navy, name: { en_GB: 'Organic Tee Navy', de_DE: 'Bio-T-Shirt Navy' } });
    await syncProduct('SH-010-BLK');
    scayle.products.delete('SH-010-BLK');
    forget(amazon);

    await syncProduct('SH-010-NAV');

    expect(amazon.sent(UK).filter((line) => line.endsWith(' SH-010'))).toEqual(['patch SH-010']);
  });

  it('hands the offer over when a SellerSKU passes from one variant to another', async () => {
    const { catalogue, stock, syncProduct } = setup(UK_ONLY);
    await syncProduct('SH-010-BLK');
    const small = catalogue.rows.get('SH-010-BLK-S') as CatalogueEntry;
    const medium = catalogue.rows.get('SH-010-BLK-M') as CatalogueEntry;
    catalogue.rows.set('SH-010-BLK-S', { ...small, amazon: { [UK]: { sellerSku: 'AMZ-010-BLK-M' } } });
    catalogue.rows.set('SH-010-BLK-M', { ...medium, amazon: { [UK]: { sellerSku: 'AMZ-010-BLK-S' } } });
    forget(stock);

    await syncProduct('SH-010-BLK');

    expect(stock.pending.map((p) => p.skus).sort()).toEqual([['SH-010-BLK-M'], ['SH-010-BLK-S']]);
  });

  it('zeroes and holds back a listing an import passed to a variant that cannot be listed', async () => {
    const { catalogue, amazon, syncProduct } = setup(UK_ONLY);
    await syncProduct('SH-010-BLK');
    // AMZ-010-BLK-M now names SH-010-BLK-S, which has no OrderWise code: it cannot be listed.
    const small = catalogue.rows.get('SH-010-BLK-S') as CatalogueEntry;
    const { orderwiseVariantCode: _, ...withoutCode } = small;
    catalogue.rows.set('SH-010-BLK-S', { ...withoutCode, amazon: { [UK]: { sellerSku: 'AMZ-010-BLK-M' } } });
    catalogue.rows.delete('SH-010-BLK-M');
    forget(amazon);

    await syncProduct('SH-010-BLK');

    expect(amazon.calls.find((c) => c.sku === 'AMZ-010-BLK-M')?.patches).toEqual([
      expect.objectContaining({ value: [{ fulfillment_channel_code: 'DEFAULT', quantity: 0 }] }),
    ]);
    expect(catalogue.records.get(`${UK}#AMZ-010-BLK-M`)).toMatchObject({ status: 'blocked', sku: 'SH-010-BLK-S' });
  });

  it('holds back, on a recheck, a blocked variant whose listing Amazon no longer has', async () => {
    const { catalogue, amazon, syncProduct } = setup();
    await syncProduct('SH-010-BLK');
    const { orderwiseVariantCode: _, ...withoutCode } = catalogue.rows.get('SH-010-BLK-M') as CatalogueEntry;
    catalogue.rows.set('SH-010-BLK-M', withoutCode);
    amazon.listed.delete(`${UK}#AMZ-010-BLK-M`);

    await syncProduct('SH-010-BLK');
    expect(catalogue.records.get(`${UK}#AMZ-010-BLK-M`)).not.toHaveProperty('status');
    await syncProduct('SH-010-BLK', { recheck: true });
    expect(catalogue.records.get(`${UK}#AMZ-010-BLK-M`)).toMatchObject({ status: 'blocked' });
    expect(catalogue.records.get(`${DE}#AMZ-010-BLK-M`)).not.toHaveProperty('status');
  });

  it('leaves the parent with its colour while that colour still maps to the type it was listed under', async () => {
    const { scayle, amazon, syncProduct } = setup(UK_ONLY);
    await syncProduct('SH-010-BLK');
    moveToCoats(scayle, 'SH-010-NAV');
    forget(amazon);

    await syncProduct('SH-010-NAV');
    await syncProduct('SH-010-BLK');

    expect(amazon.sent(UK).filter((line) => line.endsWith(' SH-010'))).toEqual([]);
  });

  it('raises LISTING_BLOCKED for a product missing an attribute, naming the attribute and rule, and sends nothing', async () => {
    const { amazon, exceptions, syncProduct } = setup();

    const outcome = await syncProduct('SH-060-OLV');

    const blocked = ['SH-060-OLV-XS', 'SH-060-OLV-S', 'SH-060-OLV-L', 'SH-060-OLV-XL'];
    expect(outcome).toMatchObject({ created: 0, blocked: 8 });
    expect(exceptions.raised).toContainEqual({
      type: 'LISTING_BLOCKED',
      key: `SH-060-OLV@${UK}`,
      details: {
        productKey: 'SH-060-OLV',
        marketplaceId: UK,
        productType: 'COAT',
        blocked,
        problems: blocked.map((sku) => ({
          attribute: 'care_instructions',
          rule: 'copy from product.attributes.care_instructions',
          message: 'product.attributes.care_instructions has no value',
          sku,
        })),
        problemCount: 4,
      },
    });
    // Only the look-ups that tell whether Amazon has listings of the SellerSKUs held back.
    expect(amazon.sent(UK)).toEqual(blocked.map((sku) => `get ${sku.replace('SH-', 'AMZ-')}`));
  });

  it('marks the blocked SellerSKUs so that the stock loop sends them no offer', async () => {
    const { catalogue, exceptions, syncProduct } = setup();

    await syncProduct('SH-060-OLV');

    expect(catalogue.records.get(`${DE}#AMZ-060-OLV-XS`)).toMatchObject({
      sku: 'SH-060-OLV-XS',
      productKey: 'SH-060-OLV',
      status: 'blocked',
      listedAt: NOW_ISO,
    });
    expect([...catalogue.records.values()].filter((r) => r.status === 'blocked')).toHaveLength(8);
    expect(exceptions.resolved).toContainEqual({ type: 'AMAZON_LISTING_REJECTED', key: `AMZ-060-OLV-XS@${UK}` });
  });

  it('keeps the record of a listing sent before when its variant becomes blocked', async () => {
    const { catalogue, amazon, syncProduct } = setup();
    await syncProduct('SH-010-BLK');
    const sent = catalogue.records.get(`${UK}#AMZ-010-BLK-M`);
    const { orderwiseVariantCode: _, ...withoutCode } = catalogue.rows.get('SH-010-BLK-M') as CatalogueEntry;
    catalogue.rows.set('SH-010-BLK-M', withoutCode);
    forget(amazon);

    const outcome = await syncProduct('SH-010-BLK');

    expect(outcome).toMatchObject({ blocked: 2, unchanged: 10 });
    expect(catalogue.records.get(`${UK}#AMZ-010-BLK-M`)).toEqual(sent);
    expect(amazon.calls).toEqual([]);
  });

  it('holds back no offer for a blocked SellerSKU Amazon has a listing of, though the hub never sent it', async () => {
    const { catalogue, amazon, exceptions, syncProduct } = setup();
    // Listed in Seller Central before the hub: the stock loop must keep its quantity right.
    amazon.list('AMZ-060-OLV-XS', UK, 'COAT');

    const outcome = await syncProduct('SH-060-OLV');

    expect(outcome).toMatchObject({ blocked: 8 });
    expect(catalogue.records.get(`${UK}#AMZ-060-OLV-XS`)).toMatchObject({ status: 'external' });
    expect(catalogue.records.get(`${UK}#AMZ-060-OLV-S`)).toMatchObject({ status: 'blocked' });
    expect(catalogue.records.get(`${DE}#AMZ-060-OLV-XS`)).toMatchObject({ status: 'blocked' });
    expect(exceptions.resolved).not.toContainEqual({ type: 'AMAZON_LISTING_REJECTED', key: `AMZ-060-OLV-XS@${UK}` });
  });

  it('asks Amazon about a blocked SellerSKU once; a manual sync asks again and lets it go if Amazon has it now', async () => {
    const { catalogue, amazon, stock, syncProduct } = setup();
    await syncProduct('SH-060-OLV');
    forget(amazon);

    await syncProduct('SH-060-OLV');
    expect(amazon.sent(UK)).toEqual([]);

    amazon.list('AMZ-060-OLV-L', UK, 'COAT');
    forget(stock);
    await syncProduct('SH-060-OLV', { recheck: true });
    expect(amazon.sent(UK)).toHaveLength(4);
    expect(catalogue.records.get(`${UK}#AMZ-060-OLV-L`)).toMatchObject({ status: 'external' });
    expect(catalogue.records.get(`${UK}#AMZ-060-OLV-XL`)).toMatchObject({ status: 'blocked' });
    // Let go, it is owed its offer at once.
    expect(stock.pending.map((p) => p.skus)).toEqual([['SH-060-OLV-L']]);
    forget(amazon);
    // Asked once: the next daily sync does not ask again.
    await syncProduct('SH-060-OLV');
    expect(amazon.sent(UK)).toEqual([]);
  });

  it('lists again, on a manual sync, a listing deleted in Seller Central, and hands its offer back', async () => {
    const { amazon, stock, syncProduct } = setup(UK_ONLY);
    await syncProduct('SH-010-BLK');
    amazon.listed.delete(`${UK}#AMZ-010-BLK-M`);
    forget(amazon, stock);

    expect(await syncProduct('SH-010-BLK')).toMatchObject({ created: 0, unchanged: 6 });
    const outcome = await syncProduct('SH-010-BLK', { recheck: true });

    expect(outcome).toMatchObject({ created: 1, unchanged: 5 });
    expect(amazon.sent(UK).filter((line) => !line.startsWith('get'))).toEqual(['put AMZ-010-BLK-M']);
    expect(stock.pending.map((p) => p.skus)).toEqual([['SH-010-BLK-M']]);
  });

  it('hands a new listing its offer even when the first attempt failed after Amazon took the put', async () => {
    const { amazon, stock, catalogue, syncProduct } = setup(UK_ONLY);
    const markAmazonPending = stock.markAmazonPending.bind(stock);
    let failOnce = true;
    stock.markAmazonPending = async (skus, now, force) => {
      if (failOnce && skus.includes('SH-010-BLK-S')) {
        failOnce = false;
        throw new Error('DynamoDB throttled');
      }
      return markAmazonPending(skus, now, force);
    };
    await expect(syncProduct('SH-010-BLK')).rejects.toThrow(/throttled/);
    expect(catalogue.records.has(`${UK}#AMZ-010-BLK-S`)).toBe(false);
    forget(amazon, stock);

    // The queue delivers the message again: the listing Amazon has is patched and its offer handed over.
    await syncProduct('SH-010-BLK');

    expect(amazon.sent(UK).slice(0, 2)).toEqual(['get AMZ-010-BLK-S', 'patch AMZ-010-BLK-S']);
    expect(stock.pending.map((p) => p.skus)).toContainEqual(['SH-010-BLK-S']);
  });

  it('creates the listing of a blocked variant once its block is lifted', async () => {
    const { catalogue, amazon, stock, syncProduct } = setup();
    await syncProduct('SH-050-OLV');
    const row = catalogue.rows.get('SH-050-OLV-S') as CatalogueEntry;
    catalogue.rows.set('SH-050-OLV-S', { ...row, orderwiseVariantCode: 'OW050OLVS' });
    forget(amazon, stock);
    const blockedAtHandOver: boolean[] = [];
    const markAmazonPending = stock.markAmazonPending.bind(stock);
    stock.markAmazonPending = async (skus, now, force) => {
      // The marketplaces are synced in turn: UK, then DE.
      const marketplaceId = [UK, DE][blockedAtHandOver.length];
      blockedAtHandOver.push(catalogue.records.get(`${marketplaceId}#AMZ-050-OLV-S`)?.status === 'blocked');
      return markAmazonPending(skus, now, force);
    };

    const outcome = await syncProduct('SH-050-OLV');

    expect(outcome).toMatchObject({ created: 2, unchanged: 10, blocked: 0 });
    expect(amazon.sent(UK)).toEqual(['get AMZ-050-OLV-S', 'put AMZ-050-OLV-S']);
    // When the offer was handed over, no push round could still see the SellerSKU as blocked.
    expect(blockedAtHandOver).toEqual([false, false]);
    expect(catalogue.records.get(`${UK}#AMZ-050-OLV-S`)).not.toHaveProperty('status');
    expect(stock.pending.map((p) => p.skus)).toEqual([['SH-050-OLV-S'], ['SH-050-OLV-S']]);
  });

  it('lists the complete variants of a product and blocks the one without an OrderWise code', async () => {
    const { amazon, exceptions, syncProduct } = setup();

    const outcome = await syncProduct('SH-050-OLV');

    expect(outcome).toMatchObject({ created: 10, blocked: 2 });
    expect(exceptions.raised.find((e) => e.key === `SH-050-OLV@${UK}`)?.details).toMatchObject({
      blocked: ['SH-050-OLV-S'],
      problems: [{ attribute: 'sku_mapping', rule: 'catalogue map', sku: 'SH-050-OLV-S' }],
    });
    expect(amazon.sent(UK).filter((line) => line.startsWith('put'))).toEqual(
      ['SH-050', 'AMZ-050-OLV-XS', 'AMZ-050-OLV-M', 'AMZ-050-OLV-L', 'AMZ-050-OLV-XL'].map((s) => `put ${s}`),
    );
  });

  it('raises AMAZON_LISTING_REJECTED when Amazon refuses the parent, and sends none of its children', async () => {
    const { amazon, catalogue, exceptions, syncProduct } = setup();
    amazon.refuse('SH-010', UK);

    const outcome = await syncProduct('SH-010-BLK');

    expect(outcome).toMatchObject({ created: 6, rejected: 1 });
    expect(amazon.sent(UK)).toEqual(['get SH-010', 'put SH-010']);
    expect(exceptions.raised).toEqual([
      {
        type: 'AMAZON_LISTING_REJECTED',
        key: `SH-010@${UK}`,
        details: {
          loop: 'catalogue',
          sku: undefined,
          sellerSku: 'SH-010',
          marketplaceId: UK,
          productKey: 'SH-010-BLK',
          role: 'parent',
          via: 'putListingsItem',
          issues: [{ code: '90220', message: "'brand' is required but not supplied.", severity: 'ERROR' }],
        },
      },
    ]);
    expect([...catalogue.records.keys()].filter((k) => k.startsWith(UK))).toEqual([]);
    expect(amazon.sent(DE).filter((line) => line.startsWith('put'))).toHaveLength(6);
  });

  it('patches a listing Amazon already has, found by the look-up, instead of creating it', async () => {
    const { amazon, syncProduct } = setup(UK_ONLY);
    amazon.list('SH-010', UK, 'SHIRT');
    amazon.list('AMZ-010-BLK-XS', UK, 'SHIRT');

    const outcome = await syncProduct('SH-010-BLK');

    expect(outcome).toMatchObject({ created: 4, updated: 2 });
    expect(amazon.sent(UK).slice(0, 4)).toEqual([
      'get SH-010',
      'patch SH-010',
      'get AMZ-010-BLK-XS',
      'patch AMZ-010-BLK-XS',
    ]);
  });

  it('creates a listing once when Amazon applied a put but the answer was lost: the retry finds it and patches', async () => {
    const { amazon, syncProduct } = setup(UK_ONLY);
    amazon.loseAnswer.add('AMZ-010-BLK-S');
    await expect(syncProduct('SH-010-BLK')).rejects.toThrow(/timeout after Amazon applied/);
    forget(amazon);

    // The queue delivers the message again.
    await syncProduct('SH-010-BLK');

    const sent = amazon.sent(UK);
    expect(sent).toContain('get AMZ-010-BLK-S');
    expect(sent).toContain('patch AMZ-010-BLK-S');
    expect(sent).not.toContain('put AMZ-010-BLK-S');
    // What was recorded before the lost answer is not sent again.
    expect(sent.filter((c) => c.endsWith(' SH-010') || c.endsWith(' AMZ-010-BLK-XS'))).toEqual([]);
  });

  it('replaces with a put a listing Amazon has under another product type', async () => {
    const { amazon, syncProduct } = setup(UK_ONLY);
    amazon.list('AMZ-010-BLK-XS', UK, 'PANTS');

    const outcome = await syncProduct('SH-010-BLK');

    expect(outcome).toMatchObject({ created: 5, updated: 1 });
    expect(amazon.sent(UK).slice(2, 4)).toEqual(['get AMZ-010-BLK-XS', 'put AMZ-010-BLK-XS']);
  });

  it('puts again, under the new product type, the listings of a product moved to another category', async () => {
    const { scayle, amazon, syncProduct } = setup(UK_ONLY);
    await syncProduct('SH-010-BLK');
    moveToCoats(scayle, 'SH-010-BLK');
    forget(amazon);

    expect(await syncProduct('SH-010-BLK')).toMatchObject({ blocked: 0 });

    const sent = amazon.calls.filter((c) => c.op === 'put' || c.op === 'patch');
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((c) => c.op === 'put' && c.body?.productType === 'COAT')).toBe(true);
  });

  it('does not take a refused token for "no such product type"', async () => {
    const { amazon, exceptions, syncProduct } = setup();
    amazon.productTypeSchema = async () => {
      throw new UpstreamRejectedError('Access to requested resource is denied.', 403);
    };

    await expect(syncProduct('SH-010-BLK')).rejects.toThrow(/denied/);
    expect(exceptions.raised).toEqual([]);
  });

  it('blocks the family when Amazon does not know the mapped product type', async () => {
    const mapping = {
      ...APPAREL_LISTING_MAPPING,
      marketplaces: { [UK]: { locale: 'en_GB', languageTag: 'en_GB' } },
      productTypes: [{ category: 'Tops', productType: 'BLOUSE' }],
    };
    const { amazon, exceptions, syncProduct } = setup(mapping);

    await syncProduct('SH-010-BLK');

    expect(exceptions.raised).toEqual([
      expect.objectContaining({
        type: 'LISTING_BLOCKED',
        key: `SH-010-BLK@${UK}`,
        details: expect.objectContaining({
          blocked: ['(family)'],
          problems: [
            {
              attribute: 'product_type',
              rule: 'productTypes (Tops)',
              message: `Amazon has no product type BLOUSE in ${UK}`,
            },
          ],
        }),
      }),
    ]);
    expect(amazon.sent(UK).every((line) => line.startsWith('get '))).toBe(true);
  });

  // Bug: the use case replaces the plan's children and problems when Amazon has no schema, but keeps its `blocked`
  // (empty, as every child planned fine without a schema), so no blocked record is written and the stock loop
  // still pushes offers for SellerSKUs the hub never listed.
  it('marks the family blocked for the stock loop when Amazon does not know the product type', async () => {
    const { catalogue, syncProduct } = setup({
      ...APPAREL_LISTING_MAPPING,
      marketplaces: { [UK]: { locale: 'en_GB', languageTag: 'en_GB' } },
      productTypes: [{ category: 'Tops', productType: 'BLOUSE' }],
    });

    await syncProduct('SH-010-BLK');

    expect([...catalogue.records.values()].map((r) => [r.sellerSku, r.status])).toEqual(
      CHILDREN.map((s) => [s, 'blocked']),
    );
  });

  it('reports an unknown product as not found and sends nothing', async () => {
    const { amazon, exceptions, syncProduct } = setup();

    const outcome = await syncProduct('SH-999-BLK');

    expect(outcome).toEqual({
      productKey: 'SH-999-BLK',
      found: false,
      created: 0,
      updated: 0,
      unchanged: 0,
      blocked: 0,
      rejected: 0,
    });
    expect(amazon.calls).toEqual([]);
    expect(exceptions.raised).toEqual([]);
  });
});

describe('makeSyncListings: deleteVariant', () => {
  it("takes the variant's listing down in every marketplace, then its listing records and catalogue row", async () => {
    const { amazon, catalogue, syncProduct, deleteVariant } = setup();
    await syncProduct('SH-010-BLK');
    forget(amazon);

    const result = await deleteVariant('SH-010-BLK-XS');

    expect(result).toEqual({ removed: 2 });
    expect(amazon.calls.map((c) => `${c.op} ${c.sku} ${c.marketplaceId}`)).toEqual([
      `get AMZ-010-BLK-XS ${UK}`,
      `delete AMZ-010-BLK-XS ${UK}`,
      `get AMZ-010-BLK-XS ${DE}`,
      `delete AMZ-010-BLK-XS ${DE}`,
    ]);
    expect(catalogue.records.has(`${UK}#AMZ-010-BLK-XS`)).toBe(false);
    expect(catalogue.records.has(`${DE}#AMZ-010-BLK-XS`)).toBe(false);
    expect(catalogue.records.has(`${UK}#AMZ-010-BLK-S`)).toBe(true);
    expect(catalogue.rows.has('SH-010-BLK-XS')).toBe(false);
  });

  it('is harmless when called again', async () => {
    const { amazon, syncProduct, deleteVariant } = setup();
    await syncProduct('SH-010-BLK');
    await deleteVariant('SH-010-BLK-XS');
    forget(amazon);

    const result = await deleteVariant('SH-010-BLK-XS');

    expect(result).toEqual({ removed: 0 });
    expect(amazon.calls).toEqual([]);
  });

  it('deletes nothing on Amazon that Amazon no longer has, but still forgets the listing', async () => {
    const { amazon, catalogue, syncProduct, deleteVariant } = setup();
    await syncProduct('SH-010-BLK');
    amazon.listed.delete(`${UK}#AMZ-010-BLK-XS`);

    const result = await deleteVariant('SH-010-BLK-XS');

    expect(result).toEqual({ removed: 1 });
    expect(amazon.calls.filter((c) => c.op === 'delete').map((c) => c.marketplaceId)).toEqual([DE]);
    expect(catalogue.records.has(`${UK}#AMZ-010-BLK-XS`)).toBe(false);
  });
});

describe('makeSyncListings: preview', () => {
  it("previews every listing with Amazon's validation and changes nothing", async () => {
    const { amazon, catalogue, stock, exceptions, preview } = setup();

    const previews = await preview('SH-010-BLK');

    expect(previews.map((p) => [p.marketplaceId, p.productType, p.problems, p.notListed])).toEqual([
      [UK, 'SHIRT', [], []],
      [DE, 'SHIRT', [], []],
    ]);
    expect(previews[0]?.listings.map((l) => [l.sellerSku, l.role, l.status])).toEqual([
      ['SH-010', 'parent', 'VALID'],
      ...CHILDREN.map((s) => [s, 'child', 'VALID']),
    ]);
    // Amazon's complaint that the parent is missing is dropped: the parent is previewed alongside and valid.
    expect(previews[0]?.listings[1]?.issues).toEqual([]);
    const puts = amazon.calls.filter((c) => c.op !== 'schema');
    expect(puts).toHaveLength(12);
    expect(puts.every((c) => c.op === 'put' && c.options?.preview === true)).toBe(true);
    expect(amazon.listed.size).toBe(0);
    expect(catalogue.records.size).toBe(0);
    expect(stock.pending).toEqual([]);
    expect(exceptions.raised).toEqual([]);
    expect(exceptions.resolved).toEqual([]);
  });

  it('shows the children invalid when Amazon refuses the parent', async () => {
    const { amazon, preview } = setup();
    amazon.refuse('SH-010', UK);

    const [uk] = await preview('SH-010-BLK', [UK]);

    expect(uk?.listings.map((l) => l.status)).toEqual(Array(6).fill('INVALID'));
    expect(uk?.listings[1]?.issues).toEqual([
      { code: '8541', message: `${PARENT_MISSING}: SH-010`, severity: 'ERROR' },
    ]);
  });

  it('reports the problems that block a product and previews only what would be sent', async () => {
    const { preview } = setup();

    const [uk] = await preview('SH-050-OLV', [UK]);

    expect(uk?.problems.map((p) => [p.sku, p.attribute])).toEqual([['SH-050-OLV-S', 'sku_mapping']]);
    expect(uk?.listings.map((l) => l.sku ?? l.sellerSku)).toEqual([
      'SH-050',
      'SH-050-OLV-XS',
      'SH-050-OLV-M',
      'SH-050-OLV-L',
      'SH-050-OLV-XL',
    ]);
  });

  it('finds the product of a SKU through the listing records of an earlier sync', async () => {
    const { syncProduct, preview } = setup();
    await syncProduct('SH-010-BLK');

    const previews = await preview('SH-010-BLK-M', [DE]);

    expect(previews.map((p) => [p.productKey, p.marketplaceId])).toEqual([['SH-010-BLK', DE]]);
  });

  it('returns nothing for an unknown product', async () => {
    const { amazon, preview } = setup();

    expect(await preview('SH-999-BLK')).toEqual([]);
    expect(amazon.calls).toEqual([]);
  });
});

describe('makeSyncListings: retireListing', () => {
  it('takes down a listing whose SellerSKU an import left without a variant, and forgets it', async () => {
    const { catalogue, amazon, syncProduct, retireListing } = setup();
    await syncProduct('SH-010-BLK');
    const row = catalogue.rows.get('SH-010-BLK-M') as CatalogueEntry;
    catalogue.rows.set('SH-010-BLK-M', { ...row, amazon: { ...row.amazon, [UK]: { sellerSku: 'AMZ-010-BLK-M-NEW' } } });
    forget(amazon);

    expect(await retireListing(UK, 'AMZ-010-BLK-M')).toEqual({ removed: 1, rejected: 0 });
    expect(amazon.sent(UK)).toEqual(['get AMZ-010-BLK-M', 'delete AMZ-010-BLK-M']);
    expect(catalogue.records.has(`${UK}#AMZ-010-BLK-M`)).toBe(false);
    // The other marketplace still maps it.
    expect(await retireListing(DE, 'AMZ-010-BLK-M')).toEqual({ removed: 0, rejected: 0 });
    expect(catalogue.records.has(`${DE}#AMZ-010-BLK-M`)).toBe(true);
  });

  it('deletes on Amazon only what the hub listed: a held-back SellerSKU just loses its record', async () => {
    const { catalogue, amazon, syncProduct, retireListing } = setup();
    await syncProduct('SH-060-OLV');
    catalogue.rows.delete('SH-060-OLV-XS');
    amazon.list('AMZ-UNTOUCHED', UK, 'COAT');
    forget(amazon);

    expect(await retireListing(UK, 'AMZ-060-OLV-XS')).toEqual({ removed: 0, rejected: 0 });
    expect(await retireListing(UK, 'AMZ-UNTOUCHED')).toEqual({ removed: 0, rejected: 0 });
    expect(amazon.sent(UK)).toEqual([]);
    expect(catalogue.records.has(`${UK}#AMZ-060-OLV-XS`)).toBe(false);
  });
});

describe('makeSyncListings: retireListing of a listing the hub only fed', () => {
  it("sets its quantity to 0 instead of deleting the team's own listing, and forgets it", async () => {
    const { catalogue, amazon, syncProduct, retireListing } = setup();
    amazon.list('AMZ-060-OLV-XS', UK, 'COAT');
    await syncProduct('SH-060-OLV');
    catalogue.rows.delete('SH-060-OLV-XS');
    forget(amazon);

    expect(await retireListing(UK, 'AMZ-060-OLV-XS')).toEqual({ removed: 0, rejected: 0 });

    expect(amazon.sent(UK)).toEqual(['get AMZ-060-OLV-XS', 'patch AMZ-060-OLV-XS']);
    expect(amazon.calls.at(-1)?.patches).toEqual([
      {
        op: 'replace',
        path: '/attributes/fulfillment_availability',
        value: [{ fulfillment_channel_code: 'DEFAULT', quantity: 0 }],
      },
    ]);
    expect(catalogue.records.has(`${UK}#AMZ-060-OLV-XS`)).toBe(false);
  });

  it('keeps the record and tells a person when Amazon refuses the quantity 0', async () => {
    const { catalogue, amazon, exceptions, syncProduct, retireListing } = setup();
    amazon.list('AMZ-060-OLV-XS', UK, 'COAT');
    await syncProduct('SH-060-OLV');
    catalogue.rows.delete('SH-060-OLV-XS');
    amazon.refuse('AMZ-060-OLV-XS', UK);

    expect(await retireListing(UK, 'AMZ-060-OLV-XS')).toEqual({ removed: 0, rejected: 1 });

    expect(catalogue.records.get(`${UK}#AMZ-060-OLV-XS`)).toMatchObject({ status: 'external' });
    expect(exceptions.raised.at(-1)).toMatchObject({
      type: 'AMAZON_LISTING_REJECTED',
      key: `AMZ-060-OLV-XS@${UK}`,
      details: { loop: 'catalogue' },
    });
  });
});

describe('makeRelist', () => {
  const relistWith = (catalogue: FakeCatalogue) => {
    const queued: ListingMessage[] = [];
    const time = { now: NOW };
    const relist = makeRelist({
      catalogue,
      queue: { sendAll: async (messages) => void queued.push(...messages) },
      clock: { now: () => time.now, sleep: async () => {} },
    });
    return { relist, queued, time };
  };

  it("notes a listing Amazon lost and queues its product's sync, which looks everything up and lists it again", async () => {
    const { catalogue, amazon, stock, syncProduct } = setup(UK_ONLY);
    await syncProduct('SH-010-BLK');
    amazon.listed.delete(`${UK}#AMZ-010-BLK-L`);
    const { relist, queued } = relistWith(catalogue);

    expect(await relist(UK, 'AMZ-010-BLK-L')).toBe(true);

    expect(catalogue.records.get(`${UK}#AMZ-010-BLK-L`)).toMatchObject({ relistedAt: NOW_ISO });
    expect(queued).toEqual([
      {
        kind: 'product-sync',
        productKey: 'SH-010-BLK',
        reason: 'relist',
        eventId: `relist-AMZ-010-BLK-L@${UK}-${NOW_ISO}`,
        receivedAt: NOW_ISO,
      },
    ]);
    forget(amazon, stock);
    // The listings consumer syncs a relisting with a look-up of every listing.
    expect(await syncProduct('SH-010-BLK', { recheck: true })).toMatchObject({ created: 1, unchanged: 5 });
    expect(amazon.sent(UK).filter((line) => !line.startsWith('get'))).toEqual(['put AMZ-010-BLK-L']);
    expect(stock.pending.map((p) => p.skus)).toEqual([['SH-010-BLK-L']]);
  });

  it('stays quiet while a relisting is on its way, and gives up on a listing lost again within a day of it', async () => {
    const { catalogue, amazon, syncProduct } = setup();
    await syncProduct('SH-010-BLK');
    const { relist, queued, time } = relistWith(catalogue);
    amazon.listed.delete(`${UK}#AMZ-010-BLK-L`);
    expect(await relist(UK, 'AMZ-010-BLK-L')).toBe(true);
    // A second NOT_FOUND before the sync ran (a busy queue): the request stands, nothing more is queued.
    expect(await relist(UK, 'AMZ-010-BLK-L')).toBe(true);
    expect(queued).toHaveLength(1);

    await syncProduct('SH-010-BLK', { recheck: true });
    expect(catalogue.records.get(`${UK}#AMZ-010-BLK-L`)).toMatchObject({ relistDoneAt: NOW_ISO });
    time.now = NOW + 23 * 3_600_000;
    expect(await relist(UK, 'AMZ-010-BLK-L')).toBe(false);
    time.now = NOW + 25 * 3_600_000;
    expect(await relist(UK, 'AMZ-010-BLK-L')).toBe(true);
    expect(queued).toHaveLength(2);
  });

  it('asks again when a request went unanswered for a day', async () => {
    const { catalogue, syncProduct } = setup();
    await syncProduct('SH-010-BLK');
    const { relist, queued, time } = relistWith(catalogue);
    expect(await relist(UK, 'AMZ-010-BLK-L')).toBe(true);
    time.now = NOW + 25 * 3_600_000;
    expect(await relist(UK, 'AMZ-010-BLK-L')).toBe(true);
    expect(queued).toHaveLength(2);
  });

  it('leaves alone a SellerSKU the hub never listed or held back', async () => {
    const { catalogue, syncProduct } = setup();
    await syncProduct('SH-060-OLV');
    const { relist, queued } = relistWith(catalogue);

    expect(await relist(UK, 'AMZ-060-OLV-XS')).toBe(false);
    expect(await relist(UK, 'AMZ-UNKNOWN')).toBe(false);
    expect(queued).toEqual([]);
    expect(catalogue.records.get(`${UK}#AMZ-060-OLV-XS`)).toMatchObject({ status: 'blocked' });
  });
});
