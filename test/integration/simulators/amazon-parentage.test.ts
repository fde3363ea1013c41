import Ajv2019 from 'ajv/dist/2019';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAmazonSimulator, DEFAULT_LWA_CREDENTIALS, startAmazonSimulator } from '../../../local/simulators/amazon';
import { DEMO_CATALOGUE } from '../../../local/simulators/catalogue';

const UK = 'A1F83G8C2ARO7P';
const DE = 'A1PA6795UKMFR9';
const PARENT = 'FAM-TEE';
const CHILD_M = 'FAM-TEE-BLK-M';
const CHILD_L = 'FAM-TEE-BLK-L';

type Attributes = Record<string, unknown[]>;

const text = (value: string) => [{ value, language_tag: 'en_GB' }];
const offer = (quantity: number): Attributes => ({
  purchasable_offer: [{ marketplace_id: UK, currency: 'GBP', our_price: [{ schedule: [{ value_with_tax: 19.99 }] }] }],
  fulfillment_availability: [{ fulfillment_channel_code: 'DEFAULT', quantity }],
});
const product = (size: string): Attributes => ({
  item_name: text(`Family tee Black ${size}`),
  brand: text('SCAYLE Demo'),
  color: text('Black'),
  size: text(size),
  department: text('Unisex Adult'),
  material: text('Cotton'),
  care_instructions: text('Machine Wash'),
});
const standalone = (size = 'M'): Attributes => ({ ...product(size), ...offer(5) });
const parent = (theme = 'SIZE_NAME/COLOR_NAME'): Attributes => ({
  item_name: text('Family tee'),
  brand: text('SCAYLE Demo'),
  department: text('Unisex Adult'),
  parentage_level: [{ value: 'parent' }],
  variation_theme: [{ name: theme }],
});
const child = (size: string, parentSku = PARENT, theme = 'SIZE_NAME/COLOR_NAME'): Attributes => ({
  ...standalone(size),
  parentage_level: [{ value: 'child' }],
  child_parent_sku_relationship: [{ child_relationship_type: 'variation', parent_sku: parentSku }],
  variation_theme: [{ name: theme }],
});
const without = (attributes: Attributes, ...names: string[]): Attributes =>
  Object.fromEntries(Object.entries(attributes).filter(([name]) => !names.includes(name)));

const submissionBody = z.strictObject({
  sku: z.string(),
  status: z.enum(['ACCEPTED', 'VALID', 'INVALID']),
  submissionId: z.string(),
  issues: z.array(
    z.strictObject({
      code: z.string(),
      message: z.string(),
      severity: z.enum(['ERROR', 'WARNING', 'INFO']),
      attributeNames: z.array(z.string()),
      categories: z.array(z.string()),
    }),
  ),
});
/** ItemRelationshipsByMarketplace of listingsItems_2021-08-01. */
const relationshipsBody = z.strictObject({
  sku: z.string(),
  relationships: z.array(
    z.strictObject({
      marketplaceId: z.string(),
      relationships: z.array(
        z.strictObject({
          type: z.enum(['VARIATION', 'PACKAGE_HIERARCHY']),
          parentSkus: z.array(z.string()).optional(),
          childSkus: z.array(z.string()).optional(),
          variationTheme: z.strictObject({ attributes: z.array(z.string()), theme: z.string() }).optional(),
        }),
      ),
    }),
  ),
});
const definitionBody = z.looseObject({
  metaSchema: z.looseObject({ link: z.looseObject({ resource: z.string() }) }),
  schema: z.looseObject({ link: z.looseObject({ resource: z.string() }) }),
});

let amazon: Awaited<ReturnType<typeof startAmazonSimulator>>;
let token: string;

const listingsUrl = (sku: string, query = '') =>
  `${amazon.url}/listings/2021-08-01/items/A2SELLERDEV/${encodeURIComponent(sku)}?marketplaceIds=${UK}${query}`;
const call = async (method: string, url: string, body?: unknown) =>
  fetch(url, {
    method,
    headers: { 'content-type': 'application/json', 'x-amz-access-token': token },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const put = async (sku: string, attributes: Attributes, query = '') =>
  submissionBody.parse(
    await (
      await call('PUT', listingsUrl(sku, query), { productType: 'SHIRT', requirements: 'LISTING', attributes })
    ).json(),
  );
const patchQuantity = async (sku: string, quantity: number, query = '') =>
  submissionBody.parse(
    await (
      await call('PATCH', listingsUrl(sku, query), {
        productType: 'PRODUCT',
        patches: [
          {
            op: 'replace',
            path: '/attributes/fulfillment_availability',
            value: [{ fulfillment_channel_code: 'DEFAULT', quantity }],
          },
        ],
      })
    ).json(),
  );
const relationships = async (sku: string) =>
  relationshipsBody.parse(await (await call('GET', listingsUrl(sku, '&includedData=relationships'))).json());
const attributeNamesOf = (submission: z.output<typeof submissionBody>) =>
  submission.issues.flatMap((issue) => issue.attributeNames);

beforeAll(async () => {
  // Time compression only widens the usage plans, so the many calls of these tests are never throttled.
  amazon = await startAmazonSimulator({ listings: 'none', marketplaceIds: [UK, DE], rateScale: 100 });
  const answer = await fetch(`${amazon.url}/auth/o2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: DEFAULT_LWA_CREDENTIALS.refreshToken,
      client_id: DEFAULT_LWA_CREDENTIALS.clientId,
      client_secret: DEFAULT_LWA_CREDENTIALS.clientSecret,
    }),
  });
  token = ((await answer.json()) as { access_token: string }).access_token;
});

afterAll(async () => {
  await amazon?.stop();
});

beforeEach(async () => {
  await fetch(`${amazon.url}/_sim/reset`, { method: 'POST', body: '{}' });
});

describe('Amazon simulator: listings option', () => {
  it("starts with no listing at all, and resets to none, when told listings: 'none'", async () => {
    const demoSku = DEMO_CATALOGUE.find((variant) => variant.amazon)?.amazon?.sellerSku as string;
    expect(amazon.state().listings).toEqual({});
    expect((await call('GET', listingsUrl(demoSku))).status).toBe(404);
    expect((await put('NEW-1', standalone())).status).toBe('ACCEPTED');
    await fetch(`${amazon.url}/_sim/reset`, { method: 'POST', body: '{}' });
    expect(amazon.state().listings).toEqual({});
  });

  it('starts with the seeded listings by default and refuses an unknown choice', () => {
    const seeded = createAmazonSimulator();
    expect(Object.keys(seeded.state().listings).length).toBeGreaterThan(0);
    expect(() => createAmazonSimulator({ listings: 'some' as never })).toThrow(RangeError);
  });
});

describe('Amazon simulator: variation families', () => {
  it('accepts a parent and its children and shows the family as relationships', async () => {
    expect(await put(PARENT, parent())).toMatchObject({ status: 'ACCEPTED', issues: [] });
    expect(await put(CHILD_M, child('M'))).toMatchObject({ status: 'ACCEPTED', issues: [] });
    expect(await put(CHILD_L, child('L'))).toMatchObject({ status: 'ACCEPTED', issues: [] });

    const variationTheme = { attributes: ['size', 'color'], theme: 'SIZE_NAME/COLOR_NAME' };
    expect(await relationships(PARENT)).toEqual({
      sku: PARENT,
      relationships: [
        { marketplaceId: UK, relationships: [{ type: 'VARIATION', childSkus: [CHILD_L, CHILD_M], variationTheme }] },
      ],
    });
    expect(await relationships(CHILD_M)).toEqual({
      sku: CHILD_M,
      relationships: [
        { marketplaceId: UK, relationships: [{ type: 'VARIATION', parentSkus: [PARENT], variationTheme }] },
      ],
    });
    expect(amazon.listing(PARENT)?.marketplaces[UK]).toMatchObject({ quantity: null, priceMinor: null });
  });

  it('makes a created child orderable and its stock patchable like any listing', async () => {
    await put(PARENT, parent());
    await put(CHILD_M, child('M'));

    expect(await patchQuantity(CHILD_M, 9)).toMatchObject({ status: 'ACCEPTED', issues: [] });
    const [order] = await amazon.createOrders({
      orders: [{ items: [{ sellerSku: CHILD_M, quantity: 2 }], notify: false }],
    });

    expect(order?.items[0]).toMatchObject({ sellerSku: CHILD_M, unitPrice: '19.99' });
    expect(order?.items[0]?.asin).toBe(amazon.listing(CHILD_M)?.asin);
    expect(amazon.state().listings[CHILD_M]?.[UK]?.quantity).toBe(7);
  });

  it('refuses a child before its parent exists, naming child_parent_sku_relationship, and stores nothing', async () => {
    const refused = await put(CHILD_M, child('M'));

    expect(refused.status).toBe('INVALID');
    expect(refused.issues).toEqual([
      expect.objectContaining({ severity: 'ERROR', attributeNames: ['child_parent_sku_relationship'] }),
    ]);
    expect((await call('GET', listingsUrl(CHILD_M))).status).toBe(404);
  });

  it('refuses a child whose parent SKU is a standalone listing or varies by another theme', async () => {
    await put('SOLO', standalone());
    await put(PARENT, parent('SIZE_NAME'));

    expect(attributeNamesOf(await put(CHILD_M, child('M', 'SOLO')))).toEqual(['child_parent_sku_relationship']);
    expect(attributeNamesOf(await put(CHILD_M, child('M')))).toEqual(['variation_theme']);
    expect((await put(CHILD_M, child('M', PARENT, 'SIZE_NAME'))).status).toBe('ACCEPTED');
  });

  it('refuses a child without an attribute its theme names, naming that attribute once', async () => {
    await put(PARENT, parent('SIZE_NAME'));

    const refused = await put(CHILD_M, without(child('M', PARENT, 'SIZE_NAME'), 'size'));

    expect(refused.status).toBe('INVALID');
    expect(refused.issues).toEqual([expect.objectContaining({ code: '90220', attributeNames: ['size'] })]);
  });

  it('refuses an offer on a parent, whether put with it or patched onto it', async () => {
    expect(attributeNamesOf(await put(PARENT, { ...parent(), ...offer(3) })).sort()).toEqual([
      'fulfillment_availability',
      'purchasable_offer',
    ]);
    await put(PARENT, parent());

    expect(attributeNamesOf(await patchQuantity(PARENT, 3))).toEqual(['fulfillment_availability']);
    expect(amazon.listing(PARENT)?.marketplaces[UK]?.quantity).toBeNull();
  });

  it('validates in VALIDATION_PREVIEW mode without creating or changing a listing', async () => {
    const preview = '&mode=VALIDATION_PREVIEW';
    expect((await put(PARENT, parent(), preview)).status).toBe('VALID');
    expect((await call('GET', listingsUrl(PARENT))).status).toBe(404);
    await put(PARENT, parent());
    await put(CHILD_M, child('M'));
    const before = amazon.listing(CHILD_M);

    expect((await put(CHILD_L, child('L'), preview)).status).toBe('VALID');
    expect((await put(CHILD_L, child('L', 'NO-PARENT'), preview)).status).toBe('INVALID');
    expect((await patchQuantity(CHILD_M, 1, preview)).status).toBe('VALID');
    expect((await patchQuantity(CHILD_M, -1, preview)).status).toBe('INVALID');

    expect(amazon.listing(CHILD_M)).toEqual(before);
    expect(amazon.listing(CHILD_L)).toBeUndefined();
    expect((await relationships(PARENT)).relationships[0]?.relationships[0]?.childSkus).toEqual([CHILD_M]);
  });

  it('answers an offer-only patch of an SKU it does not list with INVALID and an issue, not an error', async () => {
    const answer = await patchQuantity('NOT-LISTED', 4);

    expect(answer.status).toBe('INVALID');
    expect(answer.issues).toEqual([expect.objectContaining({ code: 'NOT_FOUND', severity: 'ERROR' })]);
    expect(amazon.listing('NOT-LISTED')).toBeUndefined();
  });
});

describe('Amazon simulator: product type schema', () => {
  it('reaches the same verdict as a generic 2019-09 validator on the attributes', async () => {
    const definition = definitionBody.parse(
      await (await call('GET', `${amazon.url}/definitions/2020-09-01/productTypes/SHIRT?marketplaceIds=${UK}`)).json(),
    );
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    ajv.addMetaSchema((await (await fetch(definition.metaSchema.link.resource)).json()) as object);
    const validate = ajv.compile((await (await fetch(definition.schema.link.resource)).json()) as object);
    await put(PARENT, parent());
    const cases: [string, Attributes, boolean][] = [
      ['standalone', standalone(), true],
      ['standalone with a weight', { ...standalone(), item_weight: [{ value: 180, unit: 'grams' }] }, true],
      ['standalone without material', without(standalone(), 'material'), false],
      ['standalone without an offer', without(standalone(), 'purchasable_offer'), false],
      ['weight in pounds', { ...standalone(), item_weight: [{ value: 0.4, unit: 'pounds' }] }, false],
      ['weight of zero', { ...standalone(), item_weight: [{ value: 0, unit: 'kilograms' }] }, false],
      ['parent', parent(), true],
      ['parent without a theme', without(parent(), 'variation_theme'), false],
      ['parent without a brand', without(parent(), 'brand'), false],
      ['parent with an offer', { ...parent(), ...offer(1) }, false],
      ['child', child('M'), true],
      ['child without its parent', without(child('M'), 'child_parent_sku_relationship'), false],
      ['child without a theme', without(child('M'), 'variation_theme'), false],
      ['child without its colour', without(child('M', PARENT, 'SIZE_NAME/COLOR_NAME'), 'color'), false],
      ['child without an offer', without(child('M'), 'fulfillment_availability'), false],
      ['unknown parentage', { ...child('M'), parentage_level: [{ value: 'grandparent' }] }, false],
      ['two themes', { ...child('M'), variation_theme: [{ name: 'SIZE_NAME' }, { name: 'COLOR_NAME' }] }, false],
    ];

    for (const [name, attributes, valid] of cases) {
      const simulator = await put(`CASE-${name.replace(/\W+/g, '-')}`, attributes, '&mode=VALIDATION_PREVIEW');
      expect({ name, schema: validate(attributes), simulator: simulator.status }).toEqual({
        name,
        schema: valid,
        simulator: valid ? 'VALID' : 'INVALID',
      });
    }
  });
});
