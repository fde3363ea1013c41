import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { DEFAULT_LWA_CREDENTIALS, startAmazonSimulator } from '../../../local/simulators/amazon';
import { DEMO_CATALOGUE } from '../../../local/simulators/catalogue';

/** Amazon's official samples, copied from ../shared/fixtures/amazon into the project's fixtures. */
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../fixtures/amazon/${name}`, import.meta.url), 'utf8'));

const UK = 'A1F83G8C2ARO7P';
const DE = 'A1PA6795UKMFR9';
const SETTLEMENT = 'GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2';
const [first, second] = DEMO_CATALOGUE.filter((v) => v.amazon).map((v) => v.amazon?.sellerSku as string);
const SKU = first as string;
const SKU2 = second as string;

/** ORDER_CHANGE as the hub will parse it: the fields schemas/notifications/OrderChangeNotification.json requires. */
const orderChangeSchema = z.object({
  NotificationVersion: z.string(),
  NotificationType: z.literal('ORDER_CHANGE'),
  PayloadVersion: z.string(),
  EventTime: z.string(),
  Payload: z.object({
    OrderChangeNotification: z.object({
      NotificationLevel: z.enum(['OrderLevel', 'OrderItemLevel']),
      SellerId: z.string(),
      AmazonOrderId: z.string().regex(/^\d{3}-\d{7}-\d{7}$/),
      OrderChangeType: z.enum(['OrderStatusChange', 'BuyerRequestedChange', 'DeliveryTipChange']),
      OrderChangeTrigger: z.object({ TimeOfOrderChange: z.string().nullable(), ChangeReason: z.string() }),
      Summary: z.object({
        MarketplaceId: z.string(),
        OrderStatus: z.string(),
        PurchaseDate: z.string().nullable(),
        DestinationPostalCode: z.string().nullable(),
        FulfillmentType: z.enum(['AFN', 'MFN']),
        OrderType: z.string(),
        OrderItems: z.array(
          z.object({
            OrderItemId: z.string(),
            SellerSKU: z.string(),
            SupplySourceId: z.string().nullable(),
            Quantity: z.number().int(),
            IsBuyerRequestedCancel: z.boolean().optional(),
          }),
        ),
      }),
    }),
  }),
  NotificationMetadata: z.object({
    ApplicationId: z.string(),
    SubscriptionId: z.string(),
    PublishTime: z.string(),
    NotificationId: z.string(),
  }),
});

const money = z.strictObject({ CurrencyCode: z.string(), Amount: z.string().regex(/^-?\d+\.\d{2}$/) });
const errorsBody = z.strictObject({
  errors: z.array(z.strictObject({ code: z.string(), message: z.string(), details: z.string().optional() })).min(1),
});
const tokenBody = z.strictObject({
  access_token: z.string(),
  token_type: z.literal('bearer'),
  expires_in: z.number(),
  refresh_token: z.string().optional(),
});
const lwaErrorBody = z.strictObject({ error: z.string(), error_description: z.string() });
const addressSchema = z.looseObject({ Name: z.string(), CountryCode: z.string(), PostalCode: z.string() });
const orderSchema = z.looseObject({
  AmazonOrderId: z.string(),
  PurchaseDate: z.string(),
  LastUpdateDate: z.string(),
  OrderStatus: z.string(),
  OrderTotal: money.optional(),
  ShippingAddress: addressSchema.optional(),
});
const ordersBody = z.strictObject({
  payload: z.strictObject({
    Orders: z.array(orderSchema),
    NextToken: z.string().optional(),
    CreatedBefore: z.string().optional(),
    LastUpdatedBefore: z.string().optional(),
  }),
});
const orderBody = z.strictObject({ payload: orderSchema });
const orderItemsBody = z.strictObject({
  payload: z.strictObject({
    AmazonOrderId: z.string(),
    OrderItems: z.array(
      z.looseObject({
        OrderItemId: z.string(),
        SellerSKU: z.string(),
        QuantityOrdered: z.number(),
        QuantityShipped: z.number(),
        ItemPrice: money,
        ItemTax: money,
        ShippingPrice: money,
        ShippingTax: money,
        PromotionDiscount: money,
        BuyerRequestedCancel: z
          .strictObject({ IsBuyerRequestedCancel: z.string(), BuyerCancelReason: z.string() })
          .optional(),
      }),
    ),
  }),
});
const addressBody = z.strictObject({
  payload: z.strictObject({ AmazonOrderId: z.string(), ShippingAddress: addressSchema.optional() }),
});
const rdtBody = z.strictObject({ restrictedDataToken: z.string(), expiresIn: z.number() });
const submissionBody = z.strictObject({
  sku: z.string(),
  status: z.enum(['ACCEPTED', 'INVALID', 'VALID']),
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
const listingsItemBody = z.looseObject({
  sku: z.string(),
  fulfillmentAvailability: z.array(z.strictObject({ fulfillmentChannelCode: z.string(), quantity: z.number() })),
});
const definitionBody = z.looseObject({
  schema: z.strictObject({
    link: z.strictObject({ resource: z.string(), verb: z.literal('GET') }),
    checksum: z.string(),
  }),
});
const jsonSchemaBody = z.looseObject({ required: z.array(z.string()) });
const searchBody = z.strictObject({
  productTypes: z.array(
    z.strictObject({ name: z.string(), displayName: z.string(), marketplaceIds: z.array(z.string()) }),
  ),
  productTypeVersion: z.string(),
});
const feedDocumentBody = z.strictObject({ feedDocumentId: z.string(), url: z.string() });
const feedBody = z.looseObject({
  feedId: z.string(),
  processingStatus: z.enum(['IN_QUEUE', 'IN_PROGRESS', 'DONE', 'CANCELLED', 'FATAL']),
  resultFeedDocumentId: z.string().optional(),
});
const processingReportBody = z.strictObject({
  header: z.strictObject({ sellerId: z.string(), version: z.literal('2.0'), feedId: z.string() }),
  issues: z.array(
    z.strictObject({
      messageId: z.number().optional(),
      code: z.string(),
      severity: z.string(),
      message: z.string(),
      attributeName: z.string().optional(),
    }),
  ),
  summary: z.strictObject({
    errors: z.number(),
    warnings: z.number(),
    messagesProcessed: z.number(),
    messagesAccepted: z.number(),
    messagesInvalid: z.number(),
  }),
});
const reportsBody = z.strictObject({
  reports: z.array(
    z.looseObject({
      reportId: z.string(),
      reportType: z.string(),
      processingStatus: z.string(),
      reportDocumentId: z.string().optional(),
    }),
  ),
  nextToken: z.string().optional(),
});
const reportDocumentBody = z.strictObject({
  reportDocumentId: z.string(),
  url: z.string(),
  compressionAlgorithm: z.literal('GZIP').optional(),
});
const addedReportBody = z.strictObject({ reportId: z.string(), reportDocumentId: z.string() });

let amazon: Awaited<ReturnType<typeof startAmazonSimulator>>;
let token: string;
const notifications: unknown[] = [];

const lwa = (params: Record<string, string>) =>
  fetch(`${amazon.url}/auth/o2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
    body: new URLSearchParams(params),
  });

const refreshGrant = (overrides: Record<string, string> = {}) =>
  lwa({
    grant_type: 'refresh_token',
    refresh_token: DEFAULT_LWA_CREDENTIALS.refreshToken,
    client_id: DEFAULT_LWA_CREDENTIALS.clientId,
    client_secret: DEFAULT_LWA_CREDENTIALS.clientSecret,
    ...overrides,
  });

const api = (path: string, init: { method?: string; body?: unknown; token?: string | null } = {}) =>
  fetch(`${amazon.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      'content-type': 'application/json',
      ...(init.token === null ? {} : { 'x-amz-access-token': init.token ?? token }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });

/** The answer's JSON parsed by the schema of what the simulator must send. */
const read = async <T extends z.ZodType>(response: Response, schema: T): Promise<z.output<T>> =>
  schema.parse(await response.json());
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const control = (path: string, body: unknown) =>
  fetch(`${amazon.url}/_sim${path}`, { method: 'POST', body: JSON.stringify(body) });

const confirm = (orderId: string, packageReferenceId: string, lines: [string, number][], extra: object = {}) =>
  api(`/orders/v0/orders/${orderId}/shipmentConfirmation`, {
    method: 'POST',
    body: {
      marketplaceId: UK,
      packageDetail: {
        packageReferenceId,
        carrierCode: 'Royal Mail',
        trackingNumber: `TRK${packageReferenceId}`,
        shipDate: new Date().toISOString(),
        orderItems: lines.map(([orderItemId, quantity]) => ({ orderItemId, quantity })),
        ...extra,
      },
    },
  });

const patchQuantity = (sku: string, quantity: number, query = '') =>
  api(`/listings/2021-08-01/items/A2SELLERDEV/${sku}?marketplaceIds=${UK}${query}`, {
    method: 'PATCH',
    body: {
      productType: 'SHIRT',
      patches: [
        {
          op: 'replace',
          path: '/attributes/fulfillment_availability',
          value: [{ fulfillment_channel_code: 'DEFAULT', quantity }],
        },
      ],
    },
  });

beforeAll(async () => {
  amazon = await startAmazonSimulator({
    // Notifications follow the subscription; its queue is not the one a test below makes a destination for.
    orderChangeSubscription: { sqsArn: 'arn:aws:sqs:eu-west-1:123456789012:order-change' },
    notify: async (notification) => {
      notifications.push(notification);
    },
  });
  token = (await read(await refreshGrant(), tokenBody)).access_token;
});

afterAll(async () => {
  await amazon.stop();
});

beforeEach(async () => {
  await fetch(`${amazon.url}/_sim/reset`, { method: 'POST' });
  notifications.length = 0;
});

describe('Amazon simulator: Login with Amazon', () => {
  it('exchanges the refresh token for a bearer access token valid one hour', async () => {
    const response = await refreshGrant();
    expect(response.status).toBe(200);
    const body = await read(response, tokenBody);
    expect(body).toEqual({
      access_token: expect.stringMatching(/^Atza\|/),
      token_type: 'bearer',
      expires_in: 3600,
      refresh_token: DEFAULT_LWA_CREDENTIALS.refreshToken,
    });
  });

  it('answers 400 invalid_client to a wrong client secret and invalid_grant to a wrong refresh token', async () => {
    const badClient = await refreshGrant({ client_secret: 'nope' });
    expect(badClient.status).toBe(400);
    expect((await read(badClient, lwaErrorBody)).error).toBe('invalid_client');
    const badGrant = await refreshGrant({ refresh_token: 'Atzr|other' });
    expect(badGrant.status).toBe(400);
    expect((await read(badGrant, lwaErrorBody)).error).toBe('invalid_grant');
  });

  it('grants a client-credentials token that opens notifications but not orders', async () => {
    const response = await lwa({
      grant_type: 'client_credentials',
      scope: 'sellingpartnerapi::notifications',
      client_id: DEFAULT_LWA_CREDENTIALS.clientId,
      client_secret: DEFAULT_LWA_CREDENTIALS.clientSecret,
    });
    const grantless = (await read(response, tokenBody)).access_token;
    const destination = await api('/notifications/v1/destinations', {
      method: 'POST',
      token: grantless,
      body: { name: 'hub', resourceSpecification: { sqs: { arn: 'arn:aws:sqs:eu-west-1:123456789012:orders' } } },
    });
    expect(destination.status).toBe(200);
    expect(
      (await api(`/orders/v0/orders?MarketplaceIds=${UK}&CreatedAfter=${ago(60)}`, { token: grantless })).status,
    ).toBe(403);
  });

  it('refuses calls without a token, with an unknown one and with an expired one', async () => {
    const missing = await api(`/orders/v0/orders?MarketplaceIds=${UK}&CreatedAfter=${ago(60)}`, { token: null });
    expect(missing.status).toBe(403);
    expect(missing.headers.get('x-amzn-RateLimit-Limit')).toBe('0.0167');
    expect(await read(missing, errorsBody)).toEqual({
      errors: [{ code: 'Unauthorized', message: 'Access to requested resource is denied.' }],
    });
    expect(
      (await api(`/listings/2021-08-01/items/A2SELLERDEV/${SKU}?marketplaceIds=${UK}`, { token: 'Atza|x' })).status,
    ).toBe(403);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 3601_000);
      expect((await api(`/listings/2021-08-01/items/A2SELLERDEV/${SKU}?marketplaceIds=${UK}`)).status).toBe(403);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('Amazon simulator: getOrders', () => {
  it('answers 400 when both CreatedAfter and LastUpdatedAfter are given, or LastUpdatedBefore is too recent', async () => {
    const both = await api(
      `/orders/v0/orders?MarketplaceIds=${UK}&CreatedAfter=${ago(60)}&LastUpdatedAfter=${ago(60)}`,
    );
    expect(both.status).toBe(400);
    expect((await read(both, errorsBody)).errors[0]?.code).toBe('InvalidInput');
    const recent = await api(
      `/orders/v0/orders?MarketplaceIds=${UK}&LastUpdatedAfter=${ago(60)}&LastUpdatedBefore=${ago(1)}`,
    );
    expect(recent.status).toBe(400);
    const noMarketplace = await api(`/orders/v0/orders?CreatedAfter=${ago(60)}`);
    expect(noMarketplace.status).toBe(400);
  });

  it('pages 130 orders by NextToken, carrying the filters and echoing the upper bound', async () => {
    await amazon.createOrders({
      orders: Array.from({ length: 130 }, () => ({
        purchaseDate: ago(10),
        items: [{ sellerSku: SKU, quantity: 1 }],
        notify: false,
      })),
    });
    const page1 = await read(await api(`/orders/v0/orders?MarketplaceIds=${UK}&CreatedAfter=${ago(60)}`), ordersBody);
    expect(page1.payload.Orders).toHaveLength(100);
    expect(page1.payload.NextToken).toEqual(expect.any(String));
    expect(Date.parse(page1.payload.CreatedBefore ?? '')).toBeLessThanOrEqual(Date.now() - 120_000);
    const changed = await api(
      `/orders/v0/orders?MarketplaceIds=${UK}&OrderStatuses=Shipped&NextToken=${encodeURIComponent(page1.payload.NextToken ?? '')}`,
    );
    expect(changed.status).toBe(400);
    const page2 = await read(
      await api(
        `/orders/v0/orders?MarketplaceIds=${UK}&NextToken=${encodeURIComponent(page1.payload.NextToken ?? '')}`,
      ),
      ordersBody,
    );
    expect(page2.payload.Orders).toHaveLength(30);
    expect(page2.payload.NextToken).toBeUndefined();
    const ids = new Set([...page1.payload.Orders, ...page2.payload.Orders].map((o) => o.AmazonOrderId));
    expect(ids.size).toBe(130);
  });

  it('keeps orders of the last two minutes out of the results until the lag has passed', async () => {
    const [order] = await amazon.createOrders({
      orders: [{ items: [{ sellerSku: SKU, quantity: 1 }], notify: false }],
    });
    const body = await read(
      await api(`/orders/v0/orders?MarketplaceIds=${UK}&LastUpdatedAfter=${ago(60)}`),
      ordersBody,
    );
    expect(body.payload.Orders.map((o: { AmazonOrderId: string }) => o.AmazonOrderId)).not.toContain(
      order?.amazonOrderId,
    );
    expect(body.payload.LastUpdatedBefore).toEqual(expect.any(String));
  });
});

describe('Amazon simulator: order contents', () => {
  it('gives item money as decimal strings with ItemPrice = unit price x quantity', async () => {
    const [order] = await amazon.createOrders({
      orders: [
        {
          items: [{ sellerSku: SKU, quantity: 3, unitPrice: '19.99', promotionDiscount: '5.00' }],
          shippingPrice: '4.95',
        },
      ],
    });
    const id = order?.amazonOrderId as string;
    expect(id).toMatch(/^\d{3}-\d{7}-\d{7}$/);
    const items = (await read(await api(`/orders/v0/orders/${id}/orderItems`), orderItemsBody)).payload;
    expect(items.AmazonOrderId).toBe(id);
    expect(items.OrderItems[0]).toMatchObject({
      SellerSKU: SKU,
      QuantityOrdered: 3,
      QuantityShipped: 0,
      ItemPrice: { CurrencyCode: 'GBP', Amount: '59.97' },
      ItemTax: { CurrencyCode: 'GBP', Amount: '10.00' },
      ShippingPrice: { CurrencyCode: 'GBP', Amount: '4.95' },
      ShippingTax: { CurrencyCode: 'GBP', Amount: '0.83' },
      PromotionDiscount: { CurrencyCode: 'GBP', Amount: '5.00' },
    });
    const got = (await read(await api(`/orders/v0/orders/${id}`), orderBody)).payload;
    expect(got.OrderTotal).toEqual({ CurrencyCode: 'GBP', Amount: '59.92' });
    expect(got.ShippingAddress).toBeUndefined();
  });

  it('releases the shipping address only to a restricted data token, and not while the order is Pending', async () => {
    const [pending, unshipped] = await amazon.createOrders({
      orders: [
        { status: 'Pending', items: [{ sellerSku: SKU, quantity: 1 }] },
        { items: [{ sellerSku: SKU, quantity: 1 }] },
      ],
    });
    const rdtResponse = await api('/tokens/2021-03-01/restrictedDataToken', {
      method: 'POST',
      body: {
        restrictedResources: [
          { method: 'GET', path: '/orders/v0/orders/{orderId}/address' },
          { method: 'GET', path: '/orders/v0/orders/{orderId}', dataElements: ['shippingAddress'] },
        ],
      },
    });
    const rdt = await read(rdtResponse, rdtBody);
    expect(rdt).toEqual({ restrictedDataToken: expect.stringMatching(/^Atz\.sprdt\|/), expiresIn: 3600 });
    const address = (id: string, t?: string) => api(`/orders/v0/orders/${id}/address`, { token: t });
    const plain = (await read(await address(unshipped?.amazonOrderId as string), addressBody)).payload;
    expect(plain.ShippingAddress).toBeUndefined();
    const released = (
      await read(await address(unshipped?.amazonOrderId as string, rdt.restrictedDataToken), addressBody)
    ).payload;
    expect(released.ShippingAddress).toMatchObject({ CountryCode: 'GB', PostalCode: expect.any(String) });
    const ofPending = (
      await read(await address(pending?.amazonOrderId as string, rdt.restrictedDataToken), addressBody)
    ).payload;
    expect(ofPending.ShippingAddress).toBeUndefined();
    const order = (
      await read(
        await api(`/orders/v0/orders/${unshipped?.amazonOrderId}`, { token: rdt.restrictedDataToken }),
        orderBody,
      )
    ).payload;
    expect(order.ShippingAddress).toEqual(released.ShippingAddress);
    expect(
      (await api(`/orders/v0/orders/${unshipped?.amazonOrderId}/orderItems`, { token: rdt.restrictedDataToken }))
        .status,
    ).toBe(403);
  });
});

describe('Amazon simulator: confirmShipment', () => {
  const twoLineOrder = async () => {
    const [order] = await amazon.createOrders({
      orders: [
        {
          items: [
            { sellerSku: SKU, quantity: 2 },
            { sellerSku: SKU2, quantity: 1 },
          ],
        },
      ],
    });
    const [a, b] = order?.items.map((item) => item.orderItemId) ?? [];
    return { id: order?.amazonOrderId as string, a: a as string, b: b as string };
  };
  const statusOf = async (id: string) =>
    (await read(await api(`/orders/v0/orders/${id}`), orderBody)).payload.OrderStatus;

  it('moves an order to PartiallyShipped and then Shipped as packages cover it, answering 204', async () => {
    const { id, a, b } = await twoLineOrder();
    const firstPackage = await confirm(id, '1', [[a, 1]]);
    expect(firstPackage.status).toBe(204);
    expect(await firstPackage.text()).toBe('');
    expect(await statusOf(id)).toBe('PartiallyShipped');
    expect(
      (
        await confirm(id, '2', [
          [a, 1],
          [b, 1],
        ])
      ).status,
    ).toBe(204);
    expect(await statusOf(id)).toBe('Shipped');
    expect(Object.keys(amazon.state().confirmations[id] ?? {})).toEqual(['1', '2']);
  });

  it('edits a package when its packageReferenceId is sent again instead of shipping more', async () => {
    const { id, a } = await twoLineOrder();
    await confirm(id, '1', [[a, 1]]);
    expect((await confirm(id, '1', [[a, 1]], { trackingNumber: 'CORRECTED' })).status).toBe(204);
    const items = (await read(await api(`/orders/v0/orders/${id}/orderItems`), orderItemsBody)).payload.OrderItems;
    expect(items[0]?.QuantityShipped).toBe(1);
    expect(amazon.state().confirmations[id]).toEqual({ '1': expect.objectContaining({ trackingNumber: 'CORRECTED' }) });
    expect(await statusOf(id)).toBe('PartiallyShipped');
  });

  it('answers 400 without a carrierCode, for Other without carrierName, beyond the unshipped quantity or when canceled', async () => {
    const { id, a } = await twoLineOrder();
    const noCarrier = await confirm(id, '1', [[a, 1]], { carrierCode: undefined });
    expect(noCarrier.status).toBe(400);
    expect((await read(noCarrier, errorsBody)).errors[0]?.code).toBe('Invalid Input');
    expect((await confirm(id, '1', [[a, 1]], { carrierCode: 'Other' })).status).toBe(400);
    expect((await confirm(id, '1', [[a, 1]], { carrierCode: 'Other', carrierName: 'Evri' })).status).toBe(204);
    expect((await confirm(id, '2', [[a, 2]])).status).toBe(400);
    expect((await confirm(id, '3', [[a, 1]], { shipDate: '02/21/2022' })).status).toBe(400);
    const other = await twoLineOrder();
    await amazon.setOrderStatus(other.id, { status: 'Canceled' });
    expect((await confirm(other.id, '1', [[other.a, 1]])).status).toBe(400);
  });
});

describe('Amazon simulator: listings', () => {
  it('changes the quantity through patchListingsItem and reports an unknown SKU as INVALID', async () => {
    const accepted = await read(await patchQuantity(SKU, 7), submissionBody);
    expect(accepted).toEqual({ sku: SKU, status: 'ACCEPTED', submissionId: expect.any(String), issues: [] });
    expect(amazon.state().listings[SKU]?.[UK]?.quantity).toBe(7);
    const item = await read(
      await api(
        `/listings/2021-08-01/items/A2SELLERDEV/${SKU}?marketplaceIds=${UK}&includedData=fulfillmentAvailability`,
      ),
      listingsItemBody,
    );
    expect(item.fulfillmentAvailability).toEqual([{ fulfillmentChannelCode: 'DEFAULT', quantity: 7 }]);
    const unknown = await read(await patchQuantity('NO-SUCH-SKU', 3), submissionBody);
    expect(unknown.status).toBe('INVALID');
    expect(unknown.issues[0]).toEqual({
      code: expect.any(String),
      message: expect.any(String),
      severity: 'ERROR',
      attributeNames: expect.any(Array),
      categories: expect.any(Array),
    });
    const negative = await read(await patchQuantity(SKU, -1), submissionBody);
    expect(negative.status).toBe('INVALID');
    expect(negative.issues[0]?.attributeNames).toEqual(['fulfillment_availability']);
    expect(amazon.state().listings[SKU]?.[UK]?.quantity).toBe(7);
  });

  it('validates without changing anything in VALIDATION_PREVIEW mode', async () => {
    const before = amazon.state().listings[SKU];
    const preview = await read(await patchQuantity(SKU, 99, '&mode=VALIDATION_PREVIEW'), submissionBody);
    expect(preview.status).toBe('VALID');
    expect((await read(await patchQuantity(SKU, -5, '&mode=VALIDATION_PREVIEW'), submissionBody)).status).toBe(
      'INVALID',
    );
    expect(amazon.state().listings[SKU]).toEqual(before);
  });

  it('refuses a put without the attributes the product type definition requires, naming them', async () => {
    const definition = await read(
      await api(`/definitions/2020-09-01/productTypes/SHIRT?marketplaceIds=${UK}`),
      definitionBody,
    );
    const schema = await read(await fetch(definition.schema.link.resource), jsonSchemaBody);
    // What every listing needs is required at the top; what a standalone listing needs beyond it (the offer ...)
    // sits in the schema's if/then branches (see amazon-parentage.test.ts).
    expect(schema.required).toEqual(expect.arrayContaining(['item_name', 'brand']));
    const put = await read(
      await api(`/listings/2021-08-01/items/A2SELLERDEV/NEW-SKU?marketplaceIds=${UK}`, {
        method: 'PUT',
        body: { productType: 'SHIRT', attributes: { item_name: [{ value: 'New shirt' }] } },
      }),
      submissionBody,
    );
    expect(put.status).toBe('INVALID');
    const missing = put.issues.flatMap((issue) => issue.attributeNames);
    expect(missing).toEqual(
      expect.arrayContaining([...schema.required.filter((name) => name !== 'item_name'), 'fulfillment_availability']),
    );
    expect(missing).not.toContain('item_name');
    const search = await read(
      await api(`/definitions/2020-09-01/productTypes?marketplaceIds=${UK}&keywords=jacket`),
      searchBody,
    );
    expect(search.productTypes.map((type) => type.name)).toEqual(['COAT']);
  });

  it('answers exactly one 429 with the quota error and the rate header to burst + 1 rapid patches', async () => {
    const responses = await Promise.all(Array.from({ length: 6 }, (_, i) => patchQuantity(SKU, i)));
    const throttled = responses.filter((response) => response.status === 429);
    expect(throttled).toHaveLength(1);
    expect(await read(throttled[0] as Response, errorsBody)).toEqual({
      errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' }],
    });
    for (const response of responses) expect(response.headers.get('x-amzn-RateLimit-Limit')).toBe('5.0');
  });
});

describe('Amazon simulator: JSON_LISTINGS_FEED', () => {
  const submitFeed = async (content: string) => {
    const document = await read(
      await api('/feeds/2021-06-30/documents', {
        method: 'POST',
        body: { contentType: 'application/json; charset=UTF-8' },
      }),
      feedDocumentBody,
    );
    const upload = await fetch(document.url, {
      method: 'PUT',
      body: content,
      headers: { 'content-type': 'application/json' },
    });
    expect(upload.status).toBe(200);
    const created = await api('/feeds/2021-06-30/feeds', {
      method: 'POST',
      body: { feedType: 'JSON_LISTINGS_FEED', marketplaceIds: [UK], inputFeedDocumentId: document.feedDocumentId },
    });
    expect(created.status).toBe(202);
    const { feedId } = await read(created, z.strictObject({ feedId: z.string() }));
    const statuses: string[] = [];
    let feed: z.output<typeof feedBody> | undefined;
    while (feed?.processingStatus !== 'DONE' && feed?.processingStatus !== 'FATAL' && statuses.length < 5) {
      feed = await read(await api(`/feeds/2021-06-30/feeds/${feedId}`), feedBody);
      statuses.push(feed.processingStatus);
    }
    const result = await read(await api(`/feeds/2021-06-30/documents/${feed?.resultFeedDocumentId}`), feedDocumentBody);
    return { statuses, report: await read(await fetch(result.url), processingReportBody) };
  };

  it('applies every valid message and reports the invalid ones', async () => {
    const quantity = (sku: string, n: number, messageId: number) => ({
      messageId,
      sku,
      operationType: 'PATCH',
      productType: 'SHIRT',
      patches: [
        {
          op: 'replace',
          path: '/attributes/fulfillment_availability',
          value: [{ fulfillment_channel_code: 'DEFAULT', quantity: n }],
        },
      ],
    });
    const { statuses, report } = await submitFeed(
      JSON.stringify({
        header: { sellerId: 'A2SELLERDEV', version: '2.0' },
        messages: [
          quantity(SKU, 11, 1),
          quantity(SKU2, 12, 2),
          {
            messageId: 3,
            sku: SKU,
            operationType: 'PARTIAL_UPDATE',
            productType: 'SHIRT',
            attributes: {
              purchasable_offer: [{ currency: 'GBP', our_price: [{ schedule: [{ value_with_tax: 24.5 }] }] }],
            },
          },
          quantity('NO-SUCH-SKU', 1, 4),
        ],
      }),
    );
    expect(statuses).toEqual(['IN_PROGRESS', 'DONE']);
    expect(report.summary).toEqual({
      errors: 1,
      warnings: 0,
      messagesProcessed: 4,
      messagesAccepted: 3,
      messagesInvalid: 1,
    });
    expect(report.issues).toEqual([
      expect.objectContaining({ messageId: 4, severity: 'ERROR', code: expect.any(String) }),
    ]);
    const listings = amazon.state().listings;
    expect(listings[SKU]?.[UK]).toMatchObject({ quantity: 11, price: '24.50' });
    expect(listings[SKU2]?.[UK]?.quantity).toBe(12);
    expect(listings[SKU]?.[DE]?.quantity).not.toBe(11);
  });

  it('ends FATAL when the document is not a listings feed', async () => {
    const { statuses, report } = await submitFeed('{"messages": not json');
    expect(statuses.at(-1)).toBe('FATAL');
    expect(report.summary.messagesProcessed).toBe(0);
  });
});

describe('Amazon simulator: settlement reports', () => {
  const content = 'settlement-id\ttotal-amount\tcurrency\n12345\t52,44\tEUR\n12345\tMüller €\t\n';

  it('lists reports by nextToken alone and serves a gzipped document in its charset', async () => {
    const added = await control('/reports', { content, charset: 'windows-1252', gzip: true, marketplaceIds: [DE] });
    const { reportId, reportDocumentId } = await read(added, addedReportBody);
    amazon.addReport({ content: 'a\n' });
    amazon.addReport({ content: 'b\n' });
    const query = `reportTypes=${SETTLEMENT}&processingStatuses=DONE&pageSize=2`;
    const page1 = await read(await api(`/reports/2021-06-30/reports?${query}`), reportsBody);
    expect(page1.reports).toHaveLength(2);
    expect(page1.reports[0]).toMatchObject({
      reportType: SETTLEMENT,
      processingStatus: 'DONE',
      reportDocumentId: expect.any(String),
    });
    const mixed = await api(`/reports/2021-06-30/reports?reportTypes=${SETTLEMENT}&nextToken=${page1.nextToken}`);
    expect(mixed.status).toBe(400);
    const page2 = await read(await api(`/reports/2021-06-30/reports?nextToken=${page1.nextToken}`), reportsBody);
    expect(page2.reports).toHaveLength(1);
    expect(page2.nextToken).toBeUndefined();
    const ids = [...page1.reports, ...page2.reports].map((r: { reportId: string }) => r.reportId);
    expect(ids).toContain(reportId);

    const document = await read(await api(`/reports/2021-06-30/documents/${reportDocumentId}`), reportDocumentBody);
    expect(document).toEqual({ reportDocumentId, url: expect.any(String), compressionAlgorithm: 'GZIP' });
    const download = await fetch(document.url);
    const contentType = download.headers.get('content-type') ?? '';
    expect(contentType).toBe('text/tab-separated-values;charset=windows-1252');
    const charset = /charset=([^;]+)/.exec(contentType)?.[1] as string;
    const text = new TextDecoder(charset).decode(gunzipSync(Buffer.from(await download.arrayBuffer())));
    expect(text).toBe(content);
  });

  it('refuses to create a settlement report on request', async () => {
    const response = await api('/reports/2021-06-30/reports', {
      method: 'POST',
      body: { reportType: SETTLEMENT, marketplaceIds: [UK] },
    });
    expect(response.status).toBe(400);
    expect((await read(response, errorsBody)).errors[0]?.code).toBe('InvalidInput');
  });
});

describe('Amazon simulator: fault injection', () => {
  it('answers an injected error in the SP-API error shape', async () => {
    const [order] = await amazon.createOrders({ orders: [{ items: [{ sellerSku: SKU, quantity: 1 }] }] });
    await control('/faults', { getOrder: { errorRate: 1, status: 503 } });
    const response = await api(`/orders/v0/orders/${order?.amazonOrderId}`);
    expect(response.status).toBe(503);
    expect(response.headers.get('x-amzn-RateLimit-Limit')).toBe('0.5');
    expect((await read(response, errorsBody)).errors[0]?.code).toBe('ServiceUnavailable');
  });

  it('performs a confirmation whose answer is dropped', async () => {
    const [order] = await amazon.createOrders({ orders: [{ items: [{ sellerSku: SKU, quantity: 1 }] }] });
    await control('/faults', { confirmShipment: { timeoutAfterCommitRate: 1 } });
    const itemId = order?.items[0]?.orderItemId as string;
    await expect(confirm(order?.amazonOrderId as string, '1', [[itemId, 1]])).rejects.toThrow();
    expect(amazon.state().orders[0]?.status).toBe('Shipped');
  });
});

describe('Amazon simulator: ORDER_CHANGE notifications', () => {
  it('delivers notifications shaped like the recorded sample, n times for duplicates: n', async () => {
    const [order] = await amazon.createOrders({
      orders: [{ status: 'Pending', items: [{ sellerSku: SKU, quantity: 2 }], duplicates: 3 }],
    });
    expect(notifications).toHaveLength(3);
    const sample = fixture('ORDER_CHANGE.notification.example.json');
    expect(orderChangeSchema.safeParse(sample).success).toBe(true);
    const parsed = notifications.map((n) => orderChangeSchema.parse(n));
    expect(new Set(parsed.map((n) => n.NotificationMetadata.NotificationId)).size).toBe(1);
    expect(Object.keys(notifications[0] as object).sort()).toEqual(Object.keys(sample).sort());
    const change = parsed[0]?.Payload.OrderChangeNotification;
    expect(change).toMatchObject({
      AmazonOrderId: order?.amazonOrderId,
      SellerId: 'A2SELLERDEV',
      OrderChangeType: 'OrderStatusChange',
      Summary: { OrderStatus: 'Pending', DestinationPostalCode: null, FulfillmentType: 'MFN' },
    });
    expect(Object.keys(change ?? {}).sort()).toEqual(
      Object.keys((sample.Payload as { OrderChangeNotification: object }).OrderChangeNotification).sort(),
    );
  });

  it('notifies a buyer cancel request and then the cancellation, and getOrderItems shows the request', async () => {
    const [order] = await amazon.createOrders({
      orders: [{ items: [{ sellerSku: SKU, quantity: 1 }], notify: false }],
    });
    const id = order?.amazonOrderId as string;
    await control(`/orders/${id}/status`, { buyerCancelReason: 'Found cheaper somewhere else.' });
    const items = (await read(await api(`/orders/v0/orders/${id}/orderItems`), orderItemsBody)).payload.OrderItems;
    expect(items[0]?.BuyerRequestedCancel).toEqual({
      IsBuyerRequestedCancel: 'true',
      BuyerCancelReason: 'Found cheaper somewhere else.',
    });
    await amazon.setOrderStatus(id, { status: 'Canceled' });
    const parsed = notifications.map((n) => orderChangeSchema.parse(n).Payload.OrderChangeNotification);
    expect(parsed.map((n) => [n.OrderChangeType, n.Summary.OrderStatus])).toEqual([
      ['BuyerRequestedChange', 'Unshipped'],
      ['OrderStatusChange', 'Canceled'],
    ]);
    expect(parsed[0]?.OrderChangeTrigger.ChangeReason).toBe('Buyer Requested Cancel');
    expect(parsed[0]?.Summary.OrderItems[0]?.IsBuyerRequestedCancel).toBe(true);
  });
});

describe('Amazon simulator: answers match the recorded samples', () => {
  it('shapes getOrders and getOrderItems like the sandbox responses', async () => {
    await amazon.createOrders({ orders: [{ purchaseDate: ago(10), items: [{ sellerSku: SKU, quantity: 1 }] }] });
    const orders = await read(await api(`/orders/v0/orders?MarketplaceIds=${UK}&CreatedAfter=${ago(60)}`), ordersBody);
    const sample = fixture('getOrders_TEST_CASE_200.response.json') as { payload: { Orders: object[] } };
    expect(Object.keys(orders)).toEqual(Object.keys(sample));
    expect(Object.keys(orders.payload).sort()).toEqual(Object.keys(sample.payload).sort());
    const sampleOrderKeys = Object.keys(sample.payload.Orders[0] as object);
    const order = orders.payload.Orders[0] as z.output<typeof orderSchema>;
    for (const key of Object.keys(order)) expect(sampleOrderKeys).toContain(key);
    for (const key of ['AmazonOrderId', 'PurchaseDate', 'LastUpdateDate', 'OrderStatus'])
      expect(order).toHaveProperty(key);

    const items = await read(await api(`/orders/v0/orders/${order.AmazonOrderId}/orderItems`), orderItemsBody);
    const itemsSample = fixture('getOrderItems_TEST_CASE_200.response.json') as {
      payload: { OrderItems: object[] };
    };
    expect(Object.keys(items)).toEqual(Object.keys(itemsSample));
    expect(Object.keys(items.payload).sort()).toEqual(Object.keys(itemsSample.payload).sort());
    const sampleItemKeys = Object.keys(itemsSample.payload.OrderItems[0] as object).filter(
      (key) => !['BuyerRequestedCancel', 'IossNumber', 'DeemedResellerCategory', 'StoreChainStoreId'].includes(key),
    );
    expect(Object.keys(items.payload.OrderItems[0] ?? {})).toEqual(expect.arrayContaining(sampleItemKeys));
  });
});
