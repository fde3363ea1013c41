import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEMO_CATALOGUE,
  DEMO_PRODUCT_GAPS,
  DEMO_PRODUCTS,
  type DemoProduct,
  demoProductByKey,
  productKeyOf,
} from '../../../local/simulators/catalogue';
import type { CallStats } from '../../../local/simulators/sim-server';
import { type ScayleHarness, startScayleHarness, WEBHOOK_AUTHORIZATION } from '../../helpers/scayle-simulator';

const byKey = (referenceKey: string) => encodeURIComponent(`key=${referenceKey}`);
const PRODUCT = DEMO_PRODUCTS[0] as DemoProduct;

let harness: ScayleHarness;

type ProductRead = {
  id: number;
  referenceKey: string;
  attributes: { name: string }[];
  variants: { id: number; referenceKey: string; prices: { currencyCode: string; price: number }[] }[];
};

const admin = async (path: string) => {
  const { status, headers, body } = await harness.admin('GET', path);
  return { status, headers, body: body as unknown };
};
const control = (method: string, path: string, body?: unknown) => harness.control(method, path, body);
const webhooks = () => harness.webhooks().map(({ authorization, body }) => ({ authorization, body }));

beforeAll(async () => {
  harness = await startScayleHarness();
});

afterAll(async () => harness?.stop());

beforeEach(async () => harness.reset());

describe('demo products', () => {
  it('group the 300 demo variants into 60 products of five sizes under 30 masters', () => {
    expect(DEMO_PRODUCTS).toHaveLength(60);
    expect(new Set(DEMO_PRODUCTS.map((p) => p.masterKey)).size).toBe(30);
    expect(new Set(DEMO_PRODUCTS.map((p) => p.id)).size).toBe(60);
    expect(DEMO_PRODUCTS.flatMap((p) => p.variants.map((v) => [v.id, v.referenceKey]))).toEqual(
      DEMO_CATALOGUE.map((v) => [v.scayleVariantId, v.sku]),
    );
    for (const variant of DEMO_CATALOGUE)
      expect(demoProductByKey.get(productKeyOf(variant.sku))?.variants.map((v) => v.referenceKey)).toContain(
        variant.sku,
      );
  });

  it('leave out exactly the two gaps, and give fit to trousers and closure to jackets only', () => {
    expect(DEMO_PRODUCT_GAPS).toEqual([
      { productKey: 'SH-060-OLV', missingAttribute: 'care_instructions' },
      { productKey: 'SH-042-BLK', missingAttribute: 'fit' },
    ]);
    const lacking = (name: string) =>
      DEMO_PRODUCTS.filter((p) => !p.attributes.some((a) => a.name === name)).map((p) => p.referenceKey);
    expect(lacking('care_instructions')).toEqual(['SH-060-OLV']);
    for (const name of ['brand', 'color', 'material_composition', 'target_group', 'weight'])
      expect(lacking(name)).toEqual([]);
    const leaf = (p: DemoProduct) => p.categories[0]?.at(-1);
    expect(DEMO_PRODUCTS.filter((p) => p.attributes.some((a) => a.name === 'fit')).map((p) => p.referenceKey)).toEqual(
      DEMO_PRODUCTS.filter((p) => leaf(p) === 'Trousers' && p.referenceKey !== 'SH-042-BLK').map((p) => p.referenceKey),
    );
    expect(
      DEMO_PRODUCTS.filter((p) => p.attributes.some((a) => a.name === 'closure')).map((p) => p.referenceKey),
    ).toEqual(DEMO_PRODUCTS.filter((p) => leaf(p) === 'Jackets & Coats').map((p) => p.referenceKey));
  });
});

describe('SCAYLE simulator: product reads', () => {
  it('reads a product by id and by URL-encoded key in the Admin API shape, with its variants current prices', async () => {
    const byId = await admin(`/products/${PRODUCT.id}?with=variants.prices`);
    const byReference = await admin(`/products/${byKey(PRODUCT.referenceKey)}`);

    expect(byId.status).toBe(200);
    expect(byReference).toMatchObject({ status: 200, body: byId.body });
    const [first] = PRODUCT.variants;
    const locked = <T extends object>(attribute: T) => ({ ...attribute, isLocked: false });
    expect(byId.body).toEqual({
      id: 200_001,
      referenceKey: 'SH-010-BLK',
      state: 'live',
      master: {
        referenceKey: 'SH-010',
        categories: { isLocked: false, paths: [['Fashion', 'Unisex', 'Clothing', 'Tops']] },
        attributes: [],
      },
      name: { de_DE: 'Bio-T-Shirt', en_GB: 'Organic Tee' },
      attributes: [
        { name: 'brand', type: 'simple', value: 'Northwind Apparel' },
        { name: 'color', type: 'localizedString', value: { de_DE: 'Schwarz', en_GB: 'Black' } },
        {
          name: 'material_composition',
          type: 'advancedList',
          value: [{ material_group: 'Outer', components: [{ fraction: 100, material: 'Organic cotton' }] }],
        },
        {
          name: 'care_instructions',
          type: 'localizedString',
          value: { de_DE: 'Maschinenwäsche 30°C', en_GB: 'Machine wash 30°C' },
        },
        { name: 'target_group', type: 'simple', value: 'unisex' },
        { name: 'weight', type: 'simple', value: '180' },
      ].map(locked),
      isComposite: false,
      merchantReferenceKeys: [],
      images: [],
      variants: PRODUCT.variants.map((v) => ({
        id: v.id,
        referenceKey: v.referenceKey,
        ean: expect.stringMatching(/^\d{13}$/),
        merchantReferenceKeys: [],
        attributes: v.attributes.map(locked),
        prices: harness.scayle.pricesOf(v.referenceKey),
        isComposite: false,
      })),
    });
    expect((byId.body as ProductRead).variants[0]?.prices).toContainEqual(
      expect.objectContaining({ price: first?.prices[0]?.price, tax: 19, currencyCode: 'EUR', countryCode: 'DE' }),
    );
  });

  it('pages through all 60 products with limit and cursor, next null on the last page', async () => {
    const seen: string[] = [];
    const cursors: (string | null)[] = [];
    let cursor: string | null = '0';
    while (cursor !== null) {
      const page = await admin(`/products?limit=25&cursor=${cursor}`);
      expect(page.status).toBe(200);
      const body = page.body as { entities: ProductRead[]; cursor: { next: string | null } };
      seen.push(...body.entities.map((p) => p.referenceKey));
      cursor = body.cursor.next;
      cursors.push(cursor);
    }

    expect(cursors).toEqual(['25', '50', null]);
    expect(seen).toEqual(DEMO_PRODUCTS.map((p) => p.referenceKey));
    const all = (await admin('/products')).body as { entities: ProductRead[]; cursor: { next: string | null } };
    expect(all.entities).toHaveLength(60);
    expect(all.cursor.next).toBeNull();
  });

  it('answers 400 naming the field for a limit out of range', async () => {
    expect(await admin('/products?limit=0')).toMatchObject({
      status: 400,
      body: { errors: [{ errorKey: 'VALIDATION_ERROR', message: expect.stringContaining('limit'), context: {} }] },
    });
  });

  it('reads the two gap products without their missing attribute', async () => {
    for (const gap of DEMO_PRODUCT_GAPS) {
      const read = await admin(`/products/${byKey(gap.productKey)}`);
      expect(read.status).toBe(200);
      expect((read.body as ProductRead).attributes.map((a) => a.name)).not.toContain(gap.missingAttribute);
    }
  });

  it('answers 404 NOT_FOUND for an unknown key or id', async () => {
    for (const identifier of [byKey('SH-999-BLK'), '999999', 'SH-010-BLK']) {
      expect(await admin(`/products/${identifier}`)).toMatchObject({
        status: 404,
        body: { errors: [{ errorKey: 'NOT_FOUND', message: 'Product not found', context: {} }] },
      });
    }
  });

  it('answers 429 TOO_MANY_REQUESTS once getProduct is over its per-minute productRead limit', async () => {
    let accepted = 0;
    let throttled: Awaited<ReturnType<typeof admin>> | undefined;
    while (!throttled && accepted < 2_000) {
      const read = await admin(`/products/${PRODUCT.id}`);
      if (read.status === 429) throttled = read;
      else {
        expect(read.status).toBe(200);
        accepted++;
      }
    }

    expect(accepted).toBeGreaterThanOrEqual(1000);
    expect(throttled?.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(throttled?.body).toEqual({
      errors: [{ errorKey: 'TOO_MANY_REQUESTS', message: 'Rate limit exceeded', context: {} }],
    });
    const calls = (await control('GET', '/_sim/calls')).body as unknown as Record<string, CallStats>;
    expect(calls.getProduct).toMatchObject({ calls: accepted + 1, throttled: 1 });
    expect((await admin('/products?limit=1')).status).toBe(200);
  });
});

describe('SCAYLE simulator: product changes made in SCAYLE itself', () => {
  it('PATCH replaces and removes attributes by name and delivers product-updated with the whole product', async () => {
    const colour = { name: 'color', type: 'localizedString', value: { de_DE: 'Tiefschwarz', en_GB: 'Jet black' } };
    const changed = await control('PATCH', `/_sim/products/${PRODUCT.referenceKey}`, {
      attributes: [colour, { name: 'season', type: 'simple', value: 'SS26' }],
      removeAttributes: ['weight'],
    });

    expect(changed.status).toBe(200);
    const read = (await admin(`/products/${byKey(PRODUCT.referenceKey)}`)).body as ProductRead;
    expect(read.attributes.map((a) => a.name)).toEqual([
      'brand',
      'color',
      'material_composition',
      'care_instructions',
      'target_group',
      'season',
    ]);
    expect(read.attributes).toContainEqual({ ...colour, isLocked: false });
    const [event] = webhooks();
    expect(event?.authorization).toBe(WEBHOOK_AUTHORIZATION);
    // The whole product as product-updated carries it: no prices, variants with EAN [scayle.dev product-updated].
    const { variants, ...product } = harness.scayle.productOf(PRODUCT.referenceKey) as Record<string, unknown> & {
      variants: { id: number; referenceKey: string; ean: string; attributes: unknown[] }[];
    };
    expect(event?.body).toEqual({
      key: expect.any(String),
      meta: { tenantKey: 'acme', xRequestId: expect.any(String) },
      occurredAt: expect.any(String),
      type: 'product-updated',
      version: 1,
      payload: {
        ...product,
        problems: [],
        variants: variants.map((v) => ({
          id: v.id,
          ean: v.ean,
          referenceKey: v.referenceKey,
          merchantReferenceKey: [],
          isComposite: false,
          attributes: v.attributes,
        })),
      },
    });
    expect(JSON.stringify(event?.body)).not.toContain('"prices"');
  });

  it('PATCH refuses an attribute of an unknown type, an empty change and an unknown product, delivering nothing', async () => {
    const path = `/_sim/products/${PRODUCT.referenceKey}`;
    expect((await control('PATCH', path, { attributes: [{ name: 'fit', type: 'number', value: 1 }] })).status).toBe(
      400,
    );
    expect((await control('PATCH', path, {})).status).toBe(400);
    expect((await control('PATCH', '/_sim/products/SH-999-BLK', { removeAttributes: ['fit'] })).status).toBe(404);
    expect(webhooks()).toEqual([]);
  });

  it('DELETE removes the variant from its product and delivers product-variant-deleted; a reset brings it back', async () => {
    const [gone, ...kept] = PRODUCT.variants;
    if (!gone) throw new Error('the demo product has variants');

    expect((await control('DELETE', `/_sim/variants/${gone.referenceKey}`)).status).toBe(200);

    const read = (await admin(`/products/${PRODUCT.id}`)).body as ProductRead;
    expect(read.variants.map((v) => v.referenceKey)).toEqual(kept.map((v) => v.referenceKey));
    expect(webhooks()).toEqual([
      {
        authorization: WEBHOOK_AUTHORIZATION,
        body: {
          key: expect.any(String),
          occurredAt: expect.any(String),
          version: 1,
          meta: { tenantKey: 'acme', xRequestId: expect.any(String) },
          type: 'product-variant-deleted',
          // No product: SCAYLE names the variant only [fixture product-variant-deleted.json].
          payload: {
            id: gone.id,
            ean: expect.stringMatching(/^\d{13}$/),
            referenceKey: gone.referenceKey,
            merchantReferenceKey: [],
            isComposite: false,
          },
        },
      },
    ]);
    expect((await control('DELETE', `/_sim/variants/${gone.referenceKey}`)).status).toBe(404);
    expect((await control('GET', '/_sim/state')).body.deliveries).toEqual([
      { event: 'product-variant-deleted', sku: gone.referenceKey, status: 202 },
    ]);

    await control('POST', '/_sim/reset', {});
    expect(harness.scayle.productOf(PRODUCT.referenceKey)?.variants).toHaveLength(5);
  });

  it('offers both changes to tests without HTTP', async () => {
    await harness.scayle.updateProduct(PRODUCT.referenceKey, { removeAttributes: ['brand'] });
    await harness.scayle.deleteVariant(PRODUCT.variants[1]?.referenceKey ?? '');

    const product = harness.scayle.productOf(PRODUCT.referenceKey);
    expect(product?.attributes.map((a) => a.name)).not.toContain('brand');
    expect(product?.variants).toHaveLength(4);
    expect(webhooks().map((w) => w.body.type)).toEqual(['product-updated', 'product-variant-deleted']);
    expect(await harness.scayle.updateProduct('SH-999-BLK', { removeAttributes: ['brand'] })).toBeUndefined();
  });
});
