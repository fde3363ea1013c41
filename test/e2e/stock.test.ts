import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { LOCAL_ORDERWISE_EXPORT_CREDENTIALS } from '../../local/hub/hub';
import { DEMO_CATALOGUE } from '../../local/simulators/catalogue';
import { buildStockExport, type StockExportRow } from '../../shared/adapters/orderwise/export-format';
import { eventually, useHub } from '../helpers/hub';

// Fast movers off and fixed buffers: the expected figures must not depend on the order events are processed in.
const BUFFER = 2;
const AMAZON_BUFFER = 1;
const hub = useHub({
  timeCompression: 60,
  // Only the Amazon push runs: no pull or reconcile could bring SCAYLE the figures the exports are meant to bring.
  schedules: { amazonStockPush: true },
  // A short patch window sends storms as feeds, so both Amazon paths run.
  stageOverrides: {
    stock: {
      defaultBuffer: BUFFER,
      amazonBuffer: AMAZON_BUFFER,
      fastMovers: [],
      skuBuffers: {},
      amazonPatchWindowSeconds: 15,
    },
  },
});

const WAREHOUSE = 'WH-MAIN';
const stocked = DEMO_CATALOGUE.filter((v) => v.orderwise);
const authorization = `Basic ${Buffer.from(
  `${LOCAL_ORDERWISE_EXPORT_CREDENTIALS.username}:${LOCAL_ORDERWISE_EXPORT_CREDENTIALS.password}`,
).toString('base64')}`;

/** A deterministic random source, so a failure can be replayed. */
const random = (seed: number) => () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};

const rowOf = (variantCode: string, freeStock: number, changedAt: string): StockExportRow => ({
  variantId: stocked.find((v) => v.orderwise?.variantCode === variantCode)?.orderwise?.variantId ?? 0,
  variantCode,
  freeStock,
  priceIncVat: '0.00',
  discontinued: false,
  changedAt,
});

const postExport = async (rows: readonly StockExportRow[]) => {
  const response = await fetch(`${hub().urls.api}/webhooks/orderwise/stock`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization },
    body: new URLSearchParams({ ExportData: buildStockExport(rows) }).toString(),
  });
  expect(response.status, await response.clone().text()).toBe(202);
};

const queueDrained = async () => {
  const url = hub().outputs.StockEventsQueueUrl as string;
  const { Attributes = {} } = await hub().engines.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible) === 0
  );
};

const throttled = async (url: string) => {
  const calls = (await (await fetch(`${url}/_sim/calls`)).json()) as Record<string, { throttled: number }>;
  return Object.values(calls).reduce((sum, c) => sum + c.throttled, 0);
};

describe('OrderWise stock to SCAYLE and Amazon through the local hub', () => {
  it('ends 2,000 shuffled and repeated events with exactly the newest figures in SCAYLE and on Amazon, and no 429', async () => {
    const { simulators, config, urls } = hub();
    // SCAYLE and Amazon fail some calls, some after applying them: retries must still end at the newest figures.
    const faults = (url: string, body: unknown) =>
      fetch(`${url}/_sim/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    await faults(urls.scayle, {
      putStock: { errorRate: 0.1, status: 503, timeoutAfterCommitRate: 0.05 },
      bulkStocks: { errorRate: 0.1, status: 503 },
    });
    await faults(urls.amazon, { patchListingsItem: { errorRate: 0.05, status: 503 } });
    const next = random(2026);
    const base = Date.parse('2026-11-23T08:00:00.000Z');
    const events = Array.from({ length: 2_000 }, (_, i) => {
      const variant = stocked[i % stocked.length];
      return rowOf(
        variant?.orderwise?.variantCode ?? '',
        Math.floor(next() * 60),
        new Date(base + i * 1_000 + Math.floor(next() * 500)).toISOString(),
      );
    });
    const newest = new Map<string, StockExportRow>();
    for (const event of events) {
      const current = newest.get(event.variantCode);
      if (!current || event.changedAt > current.changedAt) newest.set(event.variantCode, event);
    }
    // OrderWise ends at the newest figures, as it would after these changes (the Amazon push reads SCAYLE's).
    await simulators.orderwise.changeStock(
      [...newest.values()].map((row) => ({
        variantCode: row.variantCode,
        quantity: row.freeStock,
        changedAt: row.changedAt,
      })),
      false,
    );
    const shuffled = [...events, ...events.filter(() => next() < 0.15)].sort(() => next() - 0.5);
    const exports: StockExportRow[][] = [];
    for (let i = 0; i < shuffled.length; i += 20) exports.push(shuffled.slice(i, i + 20));
    for (let i = 0; i < exports.length; i += 8) await Promise.all(exports.slice(i, i + 8).map(postExport));

    const expectedScayle = (sku: string) => {
      const code = stocked.find((v) => v.sku === sku)?.orderwise?.variantCode ?? '';
      return Math.max(0, (newest.get(code)?.freeStock ?? 0) - BUFFER);
    };
    await eventually(
      async () =>
        stocked.every((v) => {
          const held = simulators.scayle.stockOf(v.sku)[WAREHOUSE] as
            | { quantity: number; changedAt: string }
            | undefined;
          const row = newest.get(v.orderwise?.variantCode ?? '');
          return (
            held?.quantity === expectedScayle(v.sku) && Date.parse(held.changedAt) === Date.parse(row?.changedAt ?? '')
          );
        }),
      120_000,
      'SCAYLE holding the newest figure of every SKU',
    );

    const listed = stocked.filter((v) => v.amazon);
    await eventually(
      async () =>
        listed.every((v) => {
          const listing = simulators.amazon.listing(v.amazon?.sellerSku ?? '');
          return config.amazon.marketplaceIds.every(
            (m) => listing?.marketplaces[m]?.quantity === Math.max(0, expectedScayle(v.sku) - AMAZON_BUFFER),
          );
        }),
      180_000,
      'Amazon showing the ATS of every listed SKU',
    );
    const injected = async (url: string) =>
      Object.values(
        (await (await fetch(`${url}/_sim/calls`)).json()) as Record<string, { injectedErrors: number }>,
      ).reduce((sum, c) => sum + c.injectedErrors, 0);
    expect(await injected(urls.scayle)).toBeGreaterThan(0);
    await faults(urls.scayle, {});
    await faults(urls.amazon, {});
    expect(await throttled(hub().urls.amazon)).toBe(0);
    expect(await throttled(hub().urls.scayle)).toBe(0);
  }, 400_000);

  it('changes nothing when an old event arrives last', async () => {
    const { simulators, stock } = hub();
    const variant = stocked[7];
    const code = variant?.orderwise?.variantCode ?? '';
    const sku = variant?.sku ?? '';
    const before = simulators.scayle.stockOf(sku)[WAREHOUSE] as { quantity: number; changedAt: string };
    const writes = simulators.scayle.stockHistory(sku).length;
    const ledger = await stock.get(sku);

    await postExport([rowOf(code, before.quantity + 25, '2026-11-23T07:00:00.000Z')]);
    await eventually(queueDrained, 30_000, 'the stock queue drained');

    expect(simulators.scayle.stockOf(sku)[WAREHOUSE]).toEqual(before);
    expect(simulators.scayle.stockHistory(sku)).toHaveLength(writes);
    expect((await stock.get(sku))?.owChangedAt).toBe(ledger?.owChangedAt);
    expect((await stock.get(sku))?.owQuantity).toBe(ledger?.owQuantity);
  }, 60_000);

  it('answers 400 naming the row and field of a bad export, and keeps it', async () => {
    const response = await fetch(`${hub().urls.api}/webhooks/orderwise/stock`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization },
      body: new URLSearchParams({
        ExportData: buildStockExport([rowOf('OW0100BLKXS', 5, 'yesterday')]),
      }).toString(),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('StockExport.Variant.0.last_changed');
    const rejected = await hub().exceptions.get('PAYLOAD_REJECTED#orderwise-stock-export');
    expect(rejected?.details.reason).toContain('last_changed');
  }, 30_000);

  it('refuses an export without the OrderWise credentials', async () => {
    const response = await fetch(`${hub().urls.api}/webhooks/orderwise/stock`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        ExportData: buildStockExport([rowOf('OW0100BLKXS', 5, new Date().toISOString())]),
      }).toString(),
    });
    expect(response.status).toBe(401);
  });
});
