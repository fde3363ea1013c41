import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { devStage } from '../../../lib/config/stages';
import { DEFAULT_LWA_CREDENTIALS, startAmazonSimulator } from '../../../local/simulators/amazon';
import { DEMO_PRODUCTS } from '../../../local/simulators/catalogue';
import { DEFAULT_SCAYLE_TOKEN, startScayleSimulator } from '../../../local/simulators/scayle';
import { SpApiClient } from '../../../shared/adapters/amazon/client';
import { ScayleClient } from '../../../shared/adapters/scayle/client';
import { readScayleWebhook } from '../../../shared/adapters/scayle/webhook-events';
import { startScriptedServer } from '../../helpers/scripted-server';

// Contract: the hub's clients and schemas read what the simulators serve for the catalogue loop.
let scayle: Awaited<ReturnType<typeof startScayleSimulator>>;
let amazon: Awaited<ReturnType<typeof startAmazonSimulator>>;
let receiver: Awaited<ReturnType<typeof startScriptedServer>>;
const UK = 'A1F83G8C2ARO7P';

beforeAll(async () => {
  receiver = await startScriptedServer([{ status: 202 }]);
  scayle = await startScayleSimulator({
    webhook: { url: `${receiver.url}/webhooks/scayle`, username: 'scayle', password: 'secret' },
  });
  amazon = await startAmazonSimulator({ listings: 'none' });
});

afterAll(async () => {
  await scayle?.stop();
  await amazon?.stop();
  await receiver?.close();
});

beforeEach(() => {
  receiver.seen.length = 0;
});

const scayleClient = () =>
  new ScayleClient({ baseUrl: scayle.apiUrl, credentials: async () => ({ accessToken: DEFAULT_SCAYLE_TOKEN }) });
const spApi = () =>
  new SpApiClient({
    endpoint: amazon.url,
    tokenUrl: `${amazon.url}/auth/o2/token`,
    credentials: async () => DEFAULT_LWA_CREDENTIALS,
  });

describe('ScayleClient products', () => {
  it('reads a product by reference key and by id, and undefined for one SCAYLE does not have', async () => {
    const client = scayleClient();
    const demo = DEMO_PRODUCTS[0] as (typeof DEMO_PRODUCTS)[number];
    const byKey = await client.getProduct(demo.referenceKey);
    expect(byKey).toMatchObject({
      id: demo.id,
      referenceKey: demo.referenceKey,
      master: { referenceKey: demo.masterKey },
    });
    expect(byKey?.variants.map((v) => v.referenceKey)).toEqual(demo.variants.map((v) => v.referenceKey));
    expect((await client.getProduct(demo.id))?.referenceKey).toBe(demo.referenceKey);
    expect(await client.getProduct('NO-SUCH-PRODUCT')).toBeUndefined();
  });

  it('pages through every product', async () => {
    const client = scayleClient();
    const keys: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listProducts(cursor, 25);
      keys.push(...page.products.map((p) => p.referenceKey));
      cursor = page.next;
    } while (cursor);
    expect(keys).toEqual(DEMO_PRODUCTS.map((p) => p.referenceKey));
  });
});

describe('SCAYLE product webhooks', () => {
  it('parse with the hub webhook schema', async () => {
    const demo = DEMO_PRODUCTS[1] as (typeof DEMO_PRODUCTS)[number];
    scayle.updateProduct(demo.referenceKey, { removeAttributes: ['weight'] });
    scayle.deleteVariant(demo.variants[0]?.referenceKey as string);
    const deliveredOf = async () => {
      for (let i = 0; i < 50 && receiver.seen.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      return receiver.seen.map((r) => readScayleWebhook(JSON.parse(r.body), devStage.scayle.shops, 'now'));
    };
    const [updated, deleted] = await deliveredOf();
    expect(updated).toMatchObject({
      queue: 'listings',
      message: { kind: 'product-sync', productKey: demo.referenceKey, reason: 'webhook' },
    });
    expect(deleted).toMatchObject({
      queue: 'listings',
      message: { kind: 'variant-deleted', sku: demo.variants[0]?.referenceKey },
    });
    await fetch(`${scayle.url}/_sim/reset`, { method: 'POST', body: '{}' });
  });
});

describe('SpApiClient listings', () => {
  it('reads a product type schema, puts a listing after a look-up finds none, and deletes it', async () => {
    const client = spApi();
    const { key, schema } = await client.productTypeSchema(amazon.sellerId, 'SHIRT', UK, 'LISTING_PRODUCT_ONLY');
    expect(key).toMatch(/^SHIRT\|LISTING_PRODUCT_ONLY\|/);
    expect(schema).toMatchObject({ type: 'object' });
    expect(await client.getListingsItem(amazon.sellerId, 'NEW-1', UK)).toBeUndefined();
    const text = (value: string) => [{ value, language_tag: 'en_GB', marketplace_id: UK }];
    const preview = await client.putListingsItem(
      amazon.sellerId,
      'NEW-1',
      UK,
      {
        productType: 'SHIRT',
        requirements: 'LISTING_PRODUCT_ONLY',
        attributes: {
          item_name: text('Tee'),
          brand: text('Northwind'),
          department: text('Mens'),
          color: text('Black'),
          size: text('M'),
          material: text('100% Cotton'),
          care_instructions: text('Machine wash'),
        },
      },
      { preview: true },
    );
    expect(preview.status).toBe('VALID');
    expect(await client.getListingsItem(amazon.sellerId, 'NEW-1', UK)).toBeUndefined();
    const put = await client.putListingsItem(amazon.sellerId, 'NEW-1', UK, {
      productType: 'SHIRT',
      requirements: 'LISTING_PRODUCT_ONLY',
      attributes: { item_name: text('Tee'), brand: text('Northwind') },
    });
    expect(put.status).toBe('INVALID');
    expect(put.issues.length).toBeGreaterThan(0);
    await client.deleteListingsItem(amazon.sellerId, 'NEW-1', UK);
  });
});
