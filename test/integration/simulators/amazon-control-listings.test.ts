import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LWA_CREDENTIALS, startAmazonSimulator } from '../../../local/simulators/amazon';
import { DEMO_CATALOGUE, LEGACY_AMAZON_SKUS } from '../../../local/simulators/catalogue';

const UK = 'A1F83G8C2ARO7P';
const DE = 'A1PA6795UKMFR9';
const SEEDED = DEMO_CATALOGUE.filter((v) => v.amazon).length + LEGACY_AMAZON_SKUS.length;

interface ListingOffers {
  sku: string;
  asin: string;
  marketplaces: Record<string, { quantity: number | null; priceMinor: number | null; updatedAt: string }>;
}

let amazon: Awaited<ReturnType<typeof startAmazonSimulator>>;
let token: string;

const control = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
  const response = await fetch(`${amazon.url}/_sim${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
const offers = async (sku: string) =>
  (await control('GET', `/listings/${encodeURIComponent(sku)}`)).body as unknown as ListingOffers;

const patchQuantity = (sku: string, quantity: number) =>
  fetch(`${amazon.url}/listings/2021-08-01/items/A2SELLERDEV/${encodeURIComponent(sku)}?marketplaceIds=${UK}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', 'x-amz-access-token': token },
    body: JSON.stringify({
      productType: 'SHIRT',
      patches: [
        {
          op: 'replace',
          path: '/attributes/fulfillment_availability',
          value: [{ fulfillment_channel_code: 'DEFAULT', quantity }],
        },
      ],
    }),
  });

beforeAll(async () => {
  amazon = await startAmazonSimulator();
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
  await control('POST', '/reset', {});
});

describe('Amazon simulator: POST /_sim/listings', () => {
  it('adds named SHIRT listings in every marketplace, real enough for the Listings Items API', async () => {
    const added = await control('POST', '/listings', {
      listings: [{ sku: 'NEW-1', asin: 'B0NEW00001', quantity: 4, priceMinor: 2500 }, { sku: 'NEW-2' }],
    });

    expect(added).toEqual({ status: 200, body: { added: 2 } });
    expect(await offers('NEW-1')).toEqual({
      sku: 'NEW-1',
      asin: 'B0NEW00001',
      marketplaces: {
        [UK]: { quantity: 4, priceMinor: 2500, updatedAt: expect.any(String) },
        [DE]: { quantity: 4, priceMinor: 2500, updatedAt: expect.any(String) },
      },
    });
    const second = await offers('NEW-2');
    expect(second.asin).toMatch(/^B0[0-9A-F]{8}$/);
    expect(second.marketplaces[DE]).toMatchObject({ quantity: 0, priceMinor: 1990 });
    const item = await fetch(
      `${amazon.url}/listings/2021-08-01/items/A2SELLERDEV/NEW-1?marketplaceIds=${DE}&includedData=summaries,fulfillmentAvailability`,
      { headers: { 'x-amz-access-token': token } },
    );
    expect(item.status).toBe(200);
    expect(await item.json()).toMatchObject({
      summaries: [{ asin: 'B0NEW00001', productType: 'SHIRT', status: ['BUYABLE', 'DISCOVERABLE'] }],
      fulfillmentAvailability: [{ fulfillmentChannelCode: 'DEFAULT', quantity: 4 }],
    });
    expect(amazon.state().listings['NEW-1']?.[UK]).toEqual({ quantity: 4, price: '25.00', currency: 'GBP' });
  });

  it('generates numbered listings for a load run and counts them in the state instead of listing them', async () => {
    const added = await control('POST', '/listings', { generate: { prefix: 'LOAD-', count: 5000, quantity: 3 } });

    expect(added).toEqual({ status: 200, body: { added: 5000 } });
    expect((await offers('LOAD-00001')).marketplaces[UK]).toMatchObject({ quantity: 3 });
    expect((await offers('LOAD-05000')).marketplaces[DE]).toMatchObject({ quantity: 3 });
    expect((await control('GET', '/listings/LOAD-05001')).status).toBe(404);
    const state = await fetch(`${amazon.url}/_sim/state`).then((r) => r.text());
    const parsed = JSON.parse(state) as { listings: Record<string, unknown>; generatedListings: number };
    expect(parsed.generatedListings).toBe(5000);
    expect(Object.keys(parsed.listings)).toHaveLength(SEEDED);
    expect(state).not.toContain('LOAD-');
  });

  it('shows a quantity the hub patched, with the change time of that marketplace only', async () => {
    await control('POST', '/listings', { generate: { prefix: 'LOAD-', count: 10 } });
    const before = await offers('LOAD-00007');
    await new Promise((resolve) => setTimeout(resolve, 5));

    expect((await patchQuantity('LOAD-00007', 11)).status).toBe(200);

    const after = await offers('LOAD-00007');
    expect(after.marketplaces[UK]?.quantity).toBe(11);
    expect(Date.parse(after.marketplaces[UK]?.updatedAt ?? '')).toBeGreaterThan(
      Date.parse(before.marketplaces[UK]?.updatedAt ?? ''),
    );
    expect(after.marketplaces[DE]).toEqual(before.marketplaces[DE]);
    expect(amazon.state().generatedListings).toBe(10);
  });

  it('replaces a listing with the same SKU', async () => {
    const sku = DEMO_CATALOGUE.find((v) => v.amazon)?.amazon?.sellerSku as string;
    await control('POST', '/listings', { listings: [{ sku, quantity: 99 }] });

    expect((await offers(sku)).marketplaces[UK]?.quantity).toBe(99);
    expect(Object.keys(amazon.state().listings)).toHaveLength(SEEDED);
  });

  it('refuses a malformed request with 400 and the issues, adding nothing', async () => {
    for (const body of [
      {},
      { listings: [] },
      { listings: [{ sku: 'x'.repeat(41) }] },
      { listings: [{ sku: 'OK', asin: 'short' }] },
      { listings: [{ sku: 'OK', quantity: -1 }] },
      { generate: { prefix: 'L-', count: 0 } },
      { generate: { prefix: 'L-', count: 20_001 } },
      { generate: { prefix: '', count: 1 } },
      { listings: [{ sku: 'OK' }], generate: { prefix: 'L-', count: 1 } },
    ]) {
      const answer = await control('POST', '/listings', body);
      expect(answer).toEqual({ status: 400, body: { error: 'invalid request', issues: expect.any(Array) } });
    }
    expect((await control('GET', '/listings/OK')).status).toBe(404);
    expect(amazon.state().generatedListings).toBe(0);
  });

  it('forgets added listings on reset', async () => {
    await control('POST', '/listings', { generate: { prefix: 'LOAD-', count: 3 } });
    await control('POST', '/reset', {});

    expect((await control('GET', '/listings/LOAD-00001')).status).toBe(404);
    expect(amazon.state().generatedListings).toBe(0);
  });
});

describe('Amazon simulator: GET /_sim/listings/{sku}', () => {
  it('answers the seeded quantity and price per marketplace, and 404 for an unknown SKU', async () => {
    const variant = DEMO_CATALOGUE.find((v) => v.amazon);
    const sku = variant?.amazon?.sellerSku as string;

    expect(await offers(sku)).toEqual({
      sku,
      asin: variant?.amazon?.asin,
      marketplaces: Object.fromEntries(
        [UK, DE].map((id) => [
          id,
          { quantity: variant?.initialStock, priceMinor: variant?.priceMinor, updatedAt: expect.any(String) },
        ]),
      ),
    });
    expect(await control('GET', '/listings/NO-SUCH-SKU')).toEqual({
      status: 404,
      body: { error: 'no listing for SKU NO-SUCH-SKU' },
    });
  });
});
