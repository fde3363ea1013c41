import { describe, expect, it } from 'vitest';
import {
  DEMO_CATALOGUE,
  DEMO_PRODUCT_GAPS,
  DEMO_PRODUCTS,
  demoCatalogueMap,
  masterKeyOf,
  productKeyOf,
} from '../../local/simulators/catalogue';
import type { CatalogueEntry } from '../../shared/adapters/aws/catalogue-repository';
import { catalogueCsvOf, makeImportCatalogue } from '../../shared/use-cases/catalogue/import-catalogue';
import { eventually, useHub } from '../helpers/hub';

// Amazon starts with no listings and the catalogue map empty: the CSV import fills the map, the catalogue loop
// lists SCAYLE's products. Time runs 60 times faster, which the SP-API simulator's and client's buckets follow.
const hub = useHub({
  timeCompression: 60,
  amazonListings: 'none',
  catalogueMap: 'empty',
  // The stock pull gives every SKU OrderWise's figure (the hub starts with none), so the push can make each new
  // listing its offer and finds a listing Amazon lost; the catalogue syncs run when a test asks for them.
  schedules: { stockPull: true, amazonStockPush: true },
});

const UK = 'A1F83G8C2ARO7P';
const DE = 'A1PA6795UKMFR9';
const MARKETPLACES = [UK, DE];

/** The demo catalogue as the retailer's CSV would carry it: every Amazon mapping in both marketplaces. */
const demoEntries: CatalogueEntry[] = demoCatalogueMap(MARKETPLACES);

const gapProducts = new Set(DEMO_PRODUCT_GAPS.map((g) => g.productKey));
/** Variants that must be listed: on Amazon, stocked by OrderWise, in a product with every attribute. */
const listable = DEMO_CATALOGUE.filter((v) => v.amazon && v.orderwise && !gapProducts.has(productKeyOf(v.sku)));
/** Products with a variant Amazon maps that cannot be listed: exactly these raise LISTING_BLOCKED. */
const blockedProducts = new Set(
  DEMO_CATALOGUE.filter((v) => v.amazon && (!v.orderwise || gapProducts.has(productKeyOf(v.sku)))).map((v) =>
    productKeyOf(v.sku),
  ),
);

const jobs = () => {
  const fn = [...hub().functions.entries()].find(([id]) => id.startsWith('CatalogueCatalogueJobs'))?.[1];
  if (!fn) throw new Error('the template has no CatalogueJobs function');
  return fn;
};

const openOf = async (type: 'LISTING_BLOCKED' | 'AMAZON_LISTING_REJECTED' | 'SKU_UNMAPPED') =>
  (await hub().exceptions.list({ type })).filter((e) => e.status === 'open');

describe('SCAYLE catalogue -> Amazon listings through the local hub', () => {
  it('imports the catalogue map from CSV, lists every mapped variant with its family, and blocks exactly the rest', async () => {
    const { catalogue, simulators } = hub();
    const importCatalogue = makeImportCatalogue({ catalogue });
    const csv = catalogueCsvOf(demoEntries);
    const dryRun = await importCatalogue(csv, { dryRun: true });
    expect(dryRun.problems).toEqual([]);
    expect(await catalogue.get(DEMO_CATALOGUE[0]?.sku as string)).toBeUndefined();
    const imported = await importCatalogue(csv, { dryRun: false });
    expect(imported.summary).toMatchObject({ variants: 300, added: 300 });

    const outcome = await jobs().invoke({ job: 'sync-all' });
    expect(outcome).toMatchObject({ ok: true, result: { queued: DEMO_PRODUCTS.length } });

    await eventually(
      async () =>
        listable.every((v) =>
          MARKETPLACES.every((m) => simulators.amazon.listing(v.amazon?.sellerSku as string)?.marketplaces[m]),
        ),
      240_000,
      'every listable variant listed in both marketplaces',
    );
    const blocked = await eventually(
      async () => {
        const open = await openOf('LISTING_BLOCKED');
        return open.length >= blockedProducts.size * MARKETPLACES.length ? open : undefined;
      },
      60_000,
      'LISTING_BLOCKED for every blocked product',
    );
    expect(new Set(blocked.map((e) => e.key))).toEqual(
      new Set([...blockedProducts].flatMap((p) => MARKETPLACES.map((m) => `${p}@${m}`))),
    );
    for (const exception of blocked) {
      expect(exception.owner).toBe('ecommerce');
      const problems = (exception.details as { problems: { attribute: string; rule: string; sku?: string }[] })
        .problems;
      const productKey = exception.key.split('@')[0] as string;
      const gap = DEMO_PRODUCT_GAPS.find((g) => g.productKey === productKey);
      if (gap?.missingAttribute === 'care_instructions')
        expect(problems).toContainEqual(
          expect.objectContaining({
            attribute: 'care_instructions',
            rule: 'copy from product.attributes.care_instructions',
          }),
        );
      if (gap?.missingAttribute === 'fit')
        expect(problems).toContainEqual(
          expect.objectContaining({
            attribute: 'fit_type',
            rule: 'map product.attributes.fit through its value table',
          }),
        );
      for (const v of DEMO_CATALOGUE.filter((x) => productKeyOf(x.sku) === productKey && x.amazon && !x.orderwise))
        expect(problems).toContainEqual(expect.objectContaining({ attribute: 'sku_mapping', sku: v.sku }));
    }
    // Nothing blocked reached Amazon; nothing sent was refused.
    for (const v of DEMO_CATALOGUE.filter((x) => x.amazon && !listable.includes(x)))
      expect(simulators.amazon.listing(v.amazon?.sellerSku as string)).toBeUndefined();
    expect(await openOf('AMAZON_LISTING_REJECTED')).toEqual([]);

    // Each family has its parent (the SCAYLE master), and the children name it.
    const child = listable[0] as (typeof listable)[number];
    const view = simulators.amazon.listingView(
      child.amazon?.sellerSku as string,
      ['attributes', 'relationships'],
      [UK],
    );
    expect(view).toMatchObject({
      attributes: {
        parentage_level: [expect.objectContaining({ value: 'child' })],
        child_parent_sku_relationship: [expect.objectContaining({ parent_sku: masterKeyOf(child.sku) })],
        item_weight: [expect.objectContaining({ unit: 'kilograms' })],
      },
      relationships: [
        {
          marketplaceId: UK,
          relationships: [expect.objectContaining({ type: 'VARIATION', parentSkus: [masterKeyOf(child.sku)] })],
        },
      ],
    });
    // The stock loop gives each new listing its offer: a quantity and SCAYLE's price (they may come in two rounds).
    await eventually(
      async () => {
        // The simulator shows an offer not sent yet as null.
        const offer = simulators.amazon.listing(child.amazon?.sellerSku as string)?.marketplaces[UK];
        return typeof offer?.quantity === 'number' && typeof offer.priceMinor === 'number';
      },
      120_000,
      'the new listing has its quantity and price',
    );

    // An order for a listed SKU flows through the Amazon order loop without a mapping exception.
    const [order] = await simulators.amazon.createOrders({
      orders: [{ marketplaceId: UK, items: [{ sellerSku: child.amazon?.sellerSku as string, quantity: 1 }] }],
    });
    const entry = await eventually(
      async () => {
        const e = await hub().ledger.get('amazon', order?.amazonOrderId as string);
        return e?.status === 'acknowledged' || e?.status === 'flagged' ? e : undefined;
      },
      120_000,
      'the Amazon order created in SCAYLE',
    );
    expect(entry.status).toBe('acknowledged');
    expect(await openOf('SKU_UNMAPPED')).toEqual([]);

    // `hub catalogue preview`: the same problems, and Amazon's VALIDATION_PREVIEW verdict on what could be sent.
    const gap = DEMO_PRODUCT_GAPS.find(
      (g) => g.missingAttribute === 'care_instructions',
    ) as (typeof DEMO_PRODUCT_GAPS)[number];
    const previewOf = async (product: string) =>
      (
        (await jobs().invoke({ job: 'preview', product, marketplaceIds: [UK] })) as {
          result: { previews: { problems: { attribute: string }[]; listings: { status: string; role: string }[] }[] };
        }
      ).result.previews;
    const [blockedPreview] = await previewOf(gap.productKey);
    expect(blockedPreview?.problems.map((p) => p.attribute)).toContain('care_instructions');
    const [goodPreview] = await previewOf(child.sku);
    expect(goodPreview?.problems).toEqual([]);
    expect(goodPreview?.listings.map((l) => l.status)).toEqual(goodPreview?.listings.map(() => 'VALID'));
    expect(goodPreview?.listings[0]?.role).toBe('parent');
  }, 600_000);

  it('lists again a listing deleted in Seller Central: found by the stock push, or by a manual sync', async () => {
    const { simulators } = hub();
    const [byPush, bySync] = listable.filter((v) => productKeyOf(v.sku) !== productKeyOf(listable[0]?.sku ?? ''));
    if (!byPush?.amazon || !byPush.orderwise || !bySync?.amazon) throw new Error('the demo catalogue is too small');
    const sellerSkuOf = (v: typeof byPush) => v.amazon?.sellerSku as string;
    expect(simulators.amazon.deleteListing(sellerSkuOf(byPush))).toBe(true);
    expect(simulators.amazon.deleteListing(sellerSkuOf(bySync), [UK])).toBe(true);

    // A stock change makes the push patch the lost listing: Amazon answers NOT_FOUND, the catalogue loop lists it
    // again and the offer follows.
    await simulators.orderwise.changeStock([{ variantCode: byPush.orderwise.variantCode, delta: 3 }]);
    await eventually(
      async () =>
        MARKETPLACES.every(
          (m) => typeof simulators.amazon.listing(sellerSkuOf(byPush))?.marketplaces[m]?.quantity === 'number',
        ),
      180_000,
      'the listing deleted on Amazon listed again with its offer',
    );
    // A sync the team asks for looks every listing of the product up and sends what Amazon lost.
    await jobs().invoke({ job: 'sync', products: [productKeyOf(bySync.sku)] });
    await eventually(
      async () => typeof simulators.amazon.listing(sellerSkuOf(bySync))?.marketplaces[UK]?.quantity === 'number',
      180_000,
      'the listing deleted in one marketplace listed there again by the manual sync',
    );
    expect(await openOf('AMAZON_LISTING_REJECTED')).toEqual([]);
  }, 420_000);

  it('takes down the listing of a SellerSKU an import moves a variant away from, and lists the new one', async () => {
    const { simulators, catalogue } = hub();
    const moved = listable.at(-1) as (typeof listable)[number];
    const oldSellerSku = moved.amazon?.sellerSku as string;
    const newSellerSku = `${oldSellerSku}-V2`;
    const entry = (await catalogue.get(moved.sku)) as CatalogueEntry;
    const csv = catalogueCsvOf([
      { ...entry, amazon: { ...entry.amazon, [UK]: { sellerSku: newSellerSku } } } as CatalogueEntry,
    ]);
    const report = await makeImportCatalogue({ catalogue })(csv, { dryRun: false });
    expect(report.retired).toEqual([{ marketplaceId: UK, sellerSku: oldSellerSku, sku: moved.sku }]);

    // What `hub catalogue import` queues after writing the map.
    await jobs().invoke({ job: 'sync', products: [productKeyOf(moved.sku)] });
    await jobs().invoke({ job: 'retire', listings: report.retired });
    await eventually(
      async () =>
        typeof simulators.amazon.listing(newSellerSku)?.marketplaces[UK]?.quantity === 'number' &&
        simulators.amazon.listing(oldSellerSku)?.marketplaces[UK] === undefined,
      180_000,
      'the new SellerSKU listed with its offer and the old one taken down in the UK',
    );
    // The other marketplace still maps the old SellerSKU: its listing stays.
    expect(simulators.amazon.listing(oldSellerSku)?.marketplaces[DE]).toBeDefined();

    // An import cut off before it queued the take-down: the daily sync finds the listing without a SKU match.
    const cutOff = listable.at(-2) as (typeof listable)[number];
    const cutOffSellerSku = cutOff.amazon?.sellerSku as string;
    const cutOffEntry = (await catalogue.get(cutOff.sku)) as CatalogueEntry;
    await makeImportCatalogue({ catalogue })(
      catalogueCsvOf([{ ...cutOffEntry, amazon: { [DE]: cutOffEntry.amazon?.[DE] } } as CatalogueEntry]),
      { dryRun: false },
    );
    expect(await jobs().invoke({ job: 'sync-all' })).toMatchObject({ result: { retired: 1 } });
    await eventually(
      async () => simulators.amazon.listing(cutOffSellerSku)?.marketplaces[UK] === undefined,
      180_000,
      'the listing left without a SKU match taken down by the daily sync',
    );
    expect(simulators.amazon.listing(cutOffSellerSku)?.marketplaces[DE]).toBeDefined();
  }, 300_000);

  it('follows SCAYLE product webhooks: a lost attribute blocks, its return lists again, a deleted variant is taken down', async () => {
    const { simulators, catalogue, exceptions } = hub();
    const product = DEMO_PRODUCTS.find((p) => !blockedProducts.has(p.referenceKey)) as (typeof DEMO_PRODUCTS)[number];
    const care = product.attributes.find((a) => a.name === 'care_instructions');
    simulators.scayle.updateProduct(product.referenceKey, { removeAttributes: ['care_instructions'] });
    await eventually(
      async () =>
        (await exceptions.list({ type: 'LISTING_BLOCKED' })).find(
          (e) => e.key === `${product.referenceKey}@${UK}` && e.status === 'open',
        ),
      60_000,
      'LISTING_BLOCKED after the attribute went',
    );
    simulators.scayle.updateProduct(product.referenceKey, { attributes: [structuredClone(care) as never] });
    await eventually(
      async () =>
        (await exceptions.list({ type: 'LISTING_BLOCKED' })).find(
          (e) => e.key === `${product.referenceKey}@${UK}` && e.status === 'resolved',
        ),
      60_000,
      'LISTING_BLOCKED resolved once the attribute is back',
    );

    const variant = DEMO_CATALOGUE.find(
      (v) => productKeyOf(v.sku) === product.referenceKey && v.amazon && v.orderwise,
    ) as (typeof DEMO_CATALOGUE)[number];
    expect(simulators.amazon.listing(variant.amazon?.sellerSku as string)).toBeDefined();
    simulators.scayle.deleteVariant(variant.sku);
    await eventually(
      async () => simulators.amazon.listing(variant.amazon?.sellerSku as string) === undefined,
      60_000,
      'the deleted variant taken down from Amazon',
    );
    await eventually(async () => (await catalogue.get(variant.sku)) === undefined, 30_000, 'its catalogue row removed');
  }, 300_000);
});
