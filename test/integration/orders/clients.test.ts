import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CATALOGUE, type DemoVariant, demoVariantBySku } from '../../../local/simulators/catalogue';
import { startOrderwiseSimulator } from '../../../local/simulators/orderwise';
import { DEFAULT_SCAYLE_TOKEN, startScayleSimulator } from '../../../local/simulators/scayle';
import type { CallStats } from '../../../local/simulators/sim-server';
import { DEFAULT_ORDERWISE_PROFILE } from '../../../shared/adapters/orderwise/profile';
import { ScayleClient } from '../../../shared/adapters/scayle/client';
import { toDecimal } from '../../../shared/domain/money';
import { deliveryAddressOf, toSalesOrder } from '../../../shared/domain/sales-order';
import { NotFoundError, UpstreamError, UpstreamRejectedError } from '../../../shared/runtime/errors';
import { scayleOrderSchema } from '../../../shared/schemas/scayle';
import { recordingClock } from '../../helpers/fake-clock';
import { orderwiseClientFor } from '../../helpers/orderwise';

let orderwise: Awaited<ReturnType<typeof startOrderwiseSimulator>>;
let scayle: Awaited<ReturnType<typeof startScayleSimulator>>;

const [SKU_A, SKU_B] = DEMO_CATALOGUE.filter((v) => v.orderwise).map((v) => v.sku) as [string, string];
const stockCodeOf = (sku: string) => demoVariantBySku.get(sku)?.orderwise?.variantCode;

const post = (url: string, body: unknown = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** OrderWise calls per operation since the last reset. */
const orderwiseCalls = async (): Promise<Record<string, CallStats>> =>
  (await fetch(`${orderwise.url}/_sim/calls`)).json() as Promise<Record<string, CallStats>>;

const orderwiseClient = (credentials = orderwise.user) =>
  orderwiseClientFor(orderwise, { credentials: async () => credentials });

const scayleClient = (accessToken = DEFAULT_SCAYLE_TOKEN) =>
  new ScayleClient({ baseUrl: scayle.apiUrl, credentials: async () => ({ accessToken }), clock: recordingClock() });

/** A SCAYLE simulator order of three discounted SKU A, one SKU B, shipping and a voucher, as the hub reads it. */
const simulatorOrder = async () => {
  const [order] = await scayle.createOrders({
    orders: [
      {
        items: [
          { sku: SKU_A, quantity: 3, discountMinor: 333 },
          { sku: SKU_B, quantity: 1 },
        ],
        shippingMinor: 495,
        vouchers: [{ key: 'WELCOME5', amountMinor: 500 }],
      },
    ],
    deliver: false,
  });
  return scayleOrderSchema.parse(order);
};

beforeAll(async () => {
  [orderwise, scayle] = await Promise.all([startOrderwiseSimulator(), startScayleSimulator()]);
});

afterAll(async () => {
  await Promise.all([orderwise?.stop(), scayle?.stop()]);
});

beforeEach(async () => {
  await Promise.all([post(`${orderwise.url}/_sim/reset`), post(`${scayle.url}/_sim/reset`)]);
});

describe('OrderwiseClient against the OrderWise simulator', () => {
  it('mints one token and uses it for every call', async () => {
    const client = orderwiseClient();
    for (const ref of ['1', '2', '3']) expect(await client.findSalesOrder(ref)).toBeUndefined();

    const calls = await orderwiseCalls();
    expect(calls.getToken?.calls).toBe(1);
    expect(calls.runExport?.calls).toBe(3);
  });

  it('mints a new token once when OrderWise has forgotten the old one', async () => {
    const client = orderwiseClient();
    await client.findSalesOrder('1');
    await post(`${orderwise.url}/_sim/reset`);

    expect(await client.findSalesOrder('1')).toBeUndefined();

    const calls = await orderwiseCalls();
    expect(calls.runExport).toMatchObject({ calls: 2 });
    expect(calls.getToken).toMatchObject({ calls: 1 });
  });

  it('fails at once with a permanent 401 when the credentials are wrong', async () => {
    const client = orderwiseClient({ username: orderwise.user.username, password: 'wrong' });

    const error = await client.findSalesOrder('1').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UpstreamRejectedError);
    expect(error).toMatchObject({ status: 401, body: { error: 'Invalid username or password' } });
    const calls = await orderwiseCalls();
    expect(calls.getToken?.calls).toBe(1);
    expect(calls.runExport).toBeUndefined();
  });

  it("sends money as two-decimal strings and OrderWise's totals equal the sales order's", async () => {
    const order = await simulatorOrder();
    const salesOrder = toSalesOrder(order, stockCodeOf);
    const client = orderwiseClient();

    const ref = await client.createSalesOrder(salesOrder, deliveryAddressOf(order));

    const [stored] = orderwise.ordersByReference(String(order.id));
    expect(stored).toMatchObject({
      orderId: ref.orderId,
      orderNumber: ref.orderNumber,
      sessionId: orderwise.sessionId,
    });
    const variantA = demoVariantBySku.get(SKU_A) as DemoVariant;
    const variantB = demoVariantBySku.get(SKU_B) as DemoVariant;
    expect(stored?.body).toMatchObject({
      customer: { accountNumber: 'SCAYLE-WEB' },
      orderHeader: { eCommerceOrderNumber: String(order.id), systemOrderType: 1, currencyCode: 'EUR' },
      customerDeliveryAddress: { deliveryName: deliveryAddressOf(order).name, countryCode: 'DE' },
      orderLines: [
        {
          variantCode: variantA.orderwise?.variantCode,
          quantity: 3,
          calculateLineSystemPrice: false,
          unitPriceGross: (variantA.priceMinor / 100).toFixed(2),
          // 3 x 3.33 off per unit, and the units' share of the 5.00 voucher SCAYLE put on them.
          discountGross: toDecimal(999 + 500 - (salesOrder.lines[1]?.discountMinor ?? Number.NaN)),
          taxRate: 19,
          taxAmount: toDecimal(salesOrder.lines[0]?.lineTaxMinor ?? Number.NaN),
        },
        {
          variantCode: variantB.orderwise?.variantCode,
          quantity: 1,
          unitPriceGross: (variantB.priceMinor / 100).toFixed(2),
        },
      ],
      deliveryCharges: [{ code: 'least_packages', gross: '4.95', taxRate: 19, taxAmount: '0.79' }],
      // The voucher is in the units' prices (absoluteVoucherReducedPrice), not a second time on the order.
      orderDiscounts: [],
    });
    const state = await client.salesOrderTotals(ref.orderId);
    const totals = 'totals' in state ? state.totals : undefined;
    expect(totals?.grossMinor).toBe(salesOrder.totalGrossMinor);
    expect(totals?.grossMinor).toBe(order.cost.withTax);
    // SCAYLE rounds VAT per unit; OrderWise keeps the amounts it is sent instead of rounding per line.
    expect(totals?.taxMinor).toBe(salesOrder.totalTaxMinor);
  });

  it('finds a sales order by its eCommerceOrderNumber and nothing for an unknown one', async () => {
    const order = await simulatorOrder();
    const client = orderwiseClient();
    const ref = await client.createSalesOrder(toSalesOrder(order, stockCodeOf), deliveryAddressOf(order));

    expect(await client.findSalesOrder(String(order.id))).toEqual({
      orderId: ref.orderId,
      orderNumber: ref.orderNumber,
    });
    expect(await client.findSalesOrder('99999999')).toBeUndefined();
  });

  it('reads status and cancellability of a sales order, and its totals from the totals export', async () => {
    const order = await simulatorOrder();
    const client = orderwiseClient();
    const salesOrder = toSalesOrder(order, stockCodeOf);
    const ref = await client.createSalesOrder(salesOrder, deliveryAddressOf(order));

    const fresh = await client.getSalesOrder(ref.orderId);
    expect(fresh).toStrictEqual({
      orderId: ref.orderId,
      orderNumber: ref.orderNumber,
      externalReference: String(order.id),
      status: 'Awaiting despatch',
      cancellable: true,
      cancelled: false,
    });
    expect(await client.salesOrderTotals(ref.orderId)).toEqual({
      orderNumber: ref.orderNumber,
      totals: { grossMinor: salesOrder.totalGrossMinor, taxMinor: salesOrder.totalTaxMinor },
    });
    const withoutTotalsExport = orderwiseClientFor(orderwise, { profile: DEFAULT_ORDERWISE_PROFILE });
    expect(await withoutTotalsExport.salesOrderTotals(ref.orderId)).toEqual({
      orderNumber: ref.orderNumber,
      unavailable: expect.stringContaining('orderwise.profile.exportDefinitions.salesOrderTotals'),
    });

    orderwise.setStatus(ref.orderNumber, 'Awaiting despatch', 'Picking in progress');
    expect(await client.getSalesOrder(ref.orderId)).toMatchObject({
      status: 'Awaiting despatch',
      subStatus: 'Picking in progress',
      cancellable: false,
      cancelled: false,
    });
  });

  it('surfaces a duplicate create as a permanent 409 and never resends a create', async () => {
    const order = await simulatorOrder();
    const client = orderwiseClient();
    const salesOrder = toSalesOrder(order, stockCodeOf);
    await client.createSalesOrder(salesOrder, deliveryAddressOf(order));

    const error = await client.createSalesOrder(salesOrder, deliveryAddressOf(order)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UpstreamRejectedError);
    expect(error).toMatchObject({ status: 409, body: { error: 'Duplicate eCommerceOrderNumber' } });
    expect((await orderwiseCalls()).createSalesOrder?.calls).toBe(2);
  });

  it('reports a create whose answer was lost as retryable without sending it again', async () => {
    const order = await simulatorOrder();
    const client = orderwiseClient();
    await post(`${orderwise.url}/_sim/faults`, { createSalesOrder: { timeoutAfterCommitRate: 1 } });

    const error = await client
      .createSalesOrder(toSalesOrder(order, stockCodeOf), deliveryAddressOf(order))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UpstreamError);
    expect(orderwise.ordersByReference(String(order.id))).toHaveLength(1);
    expect((await orderwiseCalls()).createSalesOrder).toMatchObject({ calls: 1, droppedAfterCommit: 1 });
  });
});

describe('ScayleClient against the SCAYLE simulator', () => {
  it("reads a simulator order exactly as the hub's schema parses it", async () => {
    const order = await simulatorOrder();

    const read = await scayleClient().getOrder('ac', 'DE', String(order.id));

    expect(read).toEqual(order);
    expect(read.items).toHaveLength(4);
    expect(read.cost.withTax).toBe(toSalesOrder(read, stockCodeOf).totalGrossMinor);
  });

  it('stores the OrderWise number as the reference key of the order', async () => {
    const order = await simulatorOrder();
    const client = scayleClient();

    await client.setOrderReference('ac', 'DE', String(order.id), 'SO000042');

    expect(scayle.orders().find((o) => o.id === order.id)?.referenceKey).toBe('SO000042');
    expect((await client.getOrder('ac', 'DE', String(order.id))).referenceKey).toBe('SO000042');
  });

  it('reports an unknown order as not found: undefined from findOrder, a permanent NotFoundError from getOrder', async () => {
    expect(await scayleClient().findOrder('ac', 'DE', '424242')).toBeUndefined();
    const error = await scayleClient()
      .getOrder('ac', 'DE', '424242')
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ retryable: false });
  });

  it('fails with a permanent 401 when the access token is wrong', async () => {
    const order = await simulatorOrder();

    const error = await scayleClient('wrong-token')
      .getOrder('ac', 'DE', String(order.id))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UpstreamRejectedError);
    expect(error).toMatchObject({ status: 401, body: { errors: [{ errorKey: expect.any(String) }] } });
  });
});
