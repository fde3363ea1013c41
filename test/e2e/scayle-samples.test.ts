import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCAL_WEBHOOK_CREDENTIALS } from '../../local/hub/hub';
import { DEMO_CATALOGUE, type DemoVariant } from '../../local/simulators/catalogue';
import { DEFAULT_SCAYLE_TOKEN } from '../../local/simulators/scayle';
import { basicAuthHeader } from '../../shared/runtime/basic-auth';
import { eventually, mapAndListOnAmazon, useHub } from '../helpers/hub';

/**
 * SCAYLE's documented webhooks, exactly as scayle.dev shows them (test/fixtures/scayle/webhooks, never edited), posted
 * to the local hub's `POST /webhooks/scayle` while the SCAYLE simulator holds the orders and variants they name in
 * SCAYLE's own shapes. Each must end as its effect: a sales order with the recipient's name, the right country, tax
 * and SCAYLE's total; a cancel; a stock and a price change; a retired listing.
 */

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'scayle');
const raw = (file: string) => readFileSync(path.join(FIXTURES, file), 'utf8');
const sample = (file: string) => JSON.parse(raw(file)) as Record<string, unknown>;

// The samples name order 123, variant 563843898 (OrderCreateRequest.json) and SKU-1 (the product events).
const hub = useHub({
  scayle: {
    extraVariants: [
      { id: 1234567, referenceKey: '563843898', product: { id: 4564545, referenceKey: 'sample-product' } },
      { id: 42, referenceKey: 'SKU-1', product: { id: 7, referenceKey: 'P-1' } },
    ],
    firstIds: { order: 123 },
  },
});
const UK = 'A1F83G8C2ARO7P';
const STOCKED = DEMO_CATALOGUE.filter((v) => v.orderwise) as DemoVariant[];
const OW_CODE = STOCKED[0]?.orderwise?.variantCode as string;

const postWebhook = async (body: string) => {
  const response = await fetch(`${hub().urls.api}/webhooks/scayle`, {
    method: 'POST',
    headers: { authorization: basicAuthHeader(LOCAL_WEBHOOK_CREDENTIALS), 'content-type': 'application/json' },
    body,
  });
  expect(response.status, await response.clone().text()).toBe(202);
  return (await response.json()) as { eventId: string };
};

const admin = (method: string, route: string, body: unknown) =>
  fetch(`${hub().simulators.scayle.apiUrl}${route}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-access-token': DEFAULT_SCAYLE_TOKEN },
    body: JSON.stringify(body),
  });

/** SCAYLE's webhooks go nowhere while `act` runs: the sample, not the simulator's own delivery, must cause the effect. */
const quietly = async <T>(act: () => Promise<T>): Promise<T> => {
  const { scayle } = hub().simulators;
  scayle.setWebhook({ url: 'http://127.0.0.1:9/nowhere', username: 'x', password: 'y' });
  try {
    return await act();
  } finally {
    scayle.setWebhook({ url: `${hub().urls.api}/webhooks/scayle`, ...LOCAL_WEBHOOK_CREDENTIALS });
  }
};

describe("SCAYLE's documented webhooks through the local hub", () => {
  it('order-confirmed.json posts order 123 to OrderWise with the recipient, country, tax and SCAYLE total', async () => {
    const { catalogue, ledger, simulators } = hub();
    await catalogue.put({ sku: '563843898', orderwiseVariantCode: OW_CODE });
    // SCAYLE holds order 123 as its Admin API created it from the SDK's OrderCreateRequest.json.
    const created = await admin('POST', '/shops/ac/countries/DE/orders', sample('admin-api/OrderCreateRequest.json'));
    expect(created.status, await created.clone().text()).toBe(201);
    expect(((await created.json()) as { id: number }).id).toBe(123);

    await postWebhook(raw('webhooks/order-confirmed.json'));

    const entry = await eventually(
      async () => {
        const found = await ledger.get('scayle', '123');
        return found?.status === 'acknowledged' ? found : undefined;
      },
      60_000,
      'order 123 acknowledged',
    );
    const [salesOrder] = simulators.orderwise.ordersByReference('123');
    expect(salesOrder?.body).toMatchObject({
      orderHeader: { eCommerceOrderNumber: '123', currencyCode: 'EUR' },
      customerDeliveryAddress: {
        deliveryName: 'Anna! Fohlmeister',
        address2: 'Domstrasse 10',
        town: 'Hamburg',
        postcode: '20459',
        countryCode: 'DE',
      },
      orderLines: [{ variantCode: OW_CODE, quantity: 1, unitPriceGross: '11.90', taxRate: 19, taxAmount: '1.90' }],
      deliveryCharges: [{ gross: '2.00', taxRate: 19 }],
    });
    expect(salesOrder?.totalGrossMinor).toBe(1390);
    expect(entry.data).toMatchObject({ shopKey: 'ac', countryCode: 'DE', scayleTotalMinor: 1390 });
  });

  it('order-cancelled.json, which names no shop, cancels order 123 once SCAYLE shows it cancelled', async () => {
    const { ledger, simulators } = hub();
    await quietly(() => simulators.scayle.cancelOrder(123));

    await postWebhook(raw('webhooks/order-cancelled.json'));

    await eventually(
      async () => (await ledger.get('scayle', '123'))?.status === 'cancelled',
      60_000,
      'order 123 cancelled',
    );
    expect(simulators.orderwise.ordersByReference('123')[0]?.orderStatus).toBe('Cancelled');
  });

  it('product-variant-stock-updated.json and -prices-updated.json record what SCAYLE now sells SKU-1 at', async () => {
    const { stock } = hub();
    const stockWrite = await admin('POST', `/variants/${encodeURIComponent('key=SKU-1')}/stocks`, {
      quantity: 5,
      warehouseReferenceKey: 'WH-MAIN',
      changedAt: new Date().toISOString(),
    });
    expect(stockWrite.status).toBe(201);
    const priceWrite = await admin('POST', `/variants/${encodeURIComponent('key=SKU-1')}/prices`, {
      price: 1990,
      currencyCode: 'EUR',
      countryCode: 'DE',
      tax: 19,
    });
    expect(priceWrite.status).toBe(201);

    await postWebhook(raw('webhooks/product-variant-stock-updated.json'));
    await postWebhook(raw('webhooks/product-variant-prices-updated.json'));

    const item = await eventually(
      async () => {
        const found = await stock.get('SKU-1');
        return found?.scayleObserved && found.prices?.EUR ? found : undefined;
      },
      60_000,
      'SKU-1 stock and price observed',
    );
    expect(item.scayleObserved?.quantity).toBe(5);
    expect(item.prices?.EUR?.amountMinor).toBe(1990);
  });

  it('product-variant-deleted.json takes down the Amazon listing of SKU-1 and forgets its mapping', async () => {
    const { catalogue, simulators } = hub();
    await mapAndListOnAmazon(hub(), 'SKU-1', UK);
    expect(simulators.amazon.listing('SKU-1')?.marketplaces[UK]).toBeTruthy();

    await postWebhook(raw('webhooks/product-variant-deleted.json'));

    await eventually(
      async () => !simulators.amazon.listing('SKU-1')?.marketplaces[UK] && !(await catalogue.get('SKU-1')),
      60_000,
      'the listing of SKU-1 taken down and its mapping gone',
    );
  });

  it('changes nothing for a forged cancel of an order SCAYLE shows confirmed; its confirmation still posts it', async () => {
    const { ledger, simulators } = hub();
    const [order] = await simulators.scayle.createOrders({
      orders: [{ items: [{ sku: STOCKED[1]?.sku as string, quantity: 2 }] }],
      deliver: false,
    });
    const id = String(order?.id);
    const envelope = (file: string, key: string) => JSON.stringify({ ...sample(file), key, payload: order });

    // The forged cancel is queued first in the order's FIFO group, so it is handled before the confirmation.
    await postWebhook(envelope('webhooks/order-cancelled.json', `forged-cancel-${id}`));
    await postWebhook(envelope('webhooks/order-confirmed.json', `confirmed-${id}`));

    await eventually(async () => (await ledger.get('scayle', id))?.status === 'acknowledged', 60_000, 'posted');
    expect(simulators.orderwise.ordersByReference(id)[0]?.orderStatus).toBe('Awaiting despatch');
    expect((await ledger.get('scayle', id))?.history.map((step) => step.to)).toEqual([
      'received',
      'pending',
      'sent',
      'acknowledged',
    ]);
  });

  it('takes a unit SCAYLE finds out of stock off the OrderWise order, and the money check expects the new total', async () => {
    const { ledger, simulators } = hub();
    const variant = STOCKED[2] as DemoVariant;
    const [order] = await simulators.scayle.createOrders({ orders: [{ items: [{ sku: variant.sku, quantity: 3 }] }] });
    const id = String(order?.id);
    const posted = await eventually(
      async () => {
        const entry = await ledger.get('scayle', id);
        return entry?.status === 'acknowledged' ? entry : undefined;
      },
      60_000,
      'posted',
    );
    const before = simulators.orderwise.ordersByReference(id)[0]?.totalGrossMinor as number;
    const item = order?.items[0] as { id: number; price: { withTax: number } };

    await simulators.scayle.cancelItems(order?.id as number, [item.id], 'order-item-out-of-stock');

    const after = await eventually(
      async () => {
        const entry = await ledger.get('scayle', id);
        return (entry?.data.withdrawnItemIds as number[] | undefined)?.includes(item.id) ? entry : undefined;
      },
      60_000,
      'the unit taken off',
    );
    const [salesOrder] = simulators.orderwise.ordersByReference(id);
    expect(salesOrder?.lines.map((l) => [l.variantCode, l.quantity])).toEqual([[variant.orderwise?.variantCode, 2]]);
    expect(salesOrder?.totalGrossMinor).toBe(before - item.price.withTax);
    expect(after.data.scayleTotalMinor).toBe(salesOrder?.totalGrossMinor);
    expect(after.data.scayleTotalMinor).toBe((posted.data.scayleTotalMinor as number) - item.price.withTax);
  });
});
