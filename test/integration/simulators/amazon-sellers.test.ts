import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type AmazonSimulatorOptions,
  createAmazonSimulator,
  startAmazonSimulator,
} from '../../../local/simulators/amazon';
import { DEMO_CATALOGUE, LEGACY_AMAZON_SKUS } from '../../../local/simulators/catalogue';

const UK = 'A1F83G8C2ARO7P';
const DE = 'A1PA6795UKMFR9';
const FR = 'A13V1IB3VIYZZH';
const US = 'ATVPDKIKX0DER';
/** Every marketplace the simulator knows: UK, DE, FR, IT, ES, NL, SE, PL and US. */
const KNOWN = [UK, DE, FR, 'APJ6JRA9NG5V4', 'A1RKKUPIHCS9HS', 'A1805IZSGTT6HS', 'A2NODRKZP88ZB9', 'A1C3SOZRARQ6R3', US];
const SEEDED_SKUS = [...DEMO_CATALOGUE.flatMap((v) => (v.amazon ? [v.amazon.sellerSku] : [])), ...LEGACY_AMAZON_SKUS];
const SKU = SEEDED_SKUS[0] as string;
const OWN_QUEUE = 'arn:aws:sqs:eu-west-1:123456789012:hub-amazon-notifications';
const OTHER_QUEUE = 'arn:aws:sqs:eu-west-1:123456789012:someone-elses-queue';

type Amazon = Awaited<ReturnType<typeof startAmazonSimulator>>;

/** GetMarketplaceParticipationsResponse of models/sellers-api-model/sellers.json, every required field. */
const participationsBody = z.strictObject({
  payload: z.array(
    z.strictObject({
      marketplace: z.strictObject({
        id: z.string(),
        countryCode: z.string().regex(/^([A-Z]{2})$/),
        name: z.string(),
        defaultCurrencyCode: z.string(),
        defaultLanguageCode: z.string(),
        domainName: z.string(),
      }),
      participation: z.strictObject({ isParticipating: z.boolean(), hasSuspendedListings: z.boolean() }),
      storeName: z.string(),
    }),
  ),
});
const errorsBody = z.strictObject({
  errors: z.array(z.strictObject({ code: z.string(), message: z.string(), details: z.string().optional() })).min(1),
});
/** ItemSearchResults of listingsItems_2021-08-01.json. */
const searchBody = z.strictObject({
  numberOfResults: z.number().int(),
  pagination: z.strictObject({ nextToken: z.string().optional(), previousToken: z.string().optional() }).optional(),
  items: z.array(z.looseObject({ sku: z.string(), summaries: z.array(z.looseObject({ marketplaceId: z.string() })) })),
});
const subscriptionBody = z.strictObject({
  payload: z.looseObject({ subscriptionId: z.string(), destinationId: z.string() }),
});
const destinationsBody = z.strictObject({
  payload: z.array(z.strictObject({ destinationId: z.string(), name: z.string(), resource: z.unknown() })),
});
const notificationIds = z.object({
  Payload: z.object({ OrderChangeNotification: z.object({ AmazonOrderId: z.string() }) }),
  NotificationMetadata: z.object({ SubscriptionId: z.string() }),
});

/** A call to the simulator with the given token (a seller's unless told otherwise; `null` for none). */
const call = (
  amazon: Amazon,
  path: string,
  init: { method?: string; body?: unknown; token?: string | null } = {},
): Promise<Response> => {
  const token = init.token === undefined ? amazon.accessToken() : init.token;
  return fetch(`${amazon.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { 'x-amz-access-token': token }) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
};

/** Runs `test` against a simulator started with `options`, stopping it whatever happens. */
const withAmazon = async (options: AmazonSimulatorOptions, test: (amazon: Amazon) => Promise<void>) => {
  const amazon = await startAmazonSimulator(options);
  try {
    await test(amazon);
  } finally {
    await amazon.stop();
  }
};

const PARTICIPATIONS = '/sellers/v1/marketplaceParticipations';

describe('Amazon simulator: Sellers API getMarketplaceParticipations', () => {
  it('names every marketplace the simulator knows by default, with the fields the model requires', async () => {
    await withAmazon({}, async (amazon) => {
      const response = await call(amazon, PARTICIPATIONS);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-amzn-RateLimit-Limit')).toBe('0.016');
      const { payload } = participationsBody.parse(await response.json());
      expect(payload.map((p) => p.marketplace.id)).toEqual(KNOWN);
      expect(payload[0]).toEqual({
        marketplace: {
          id: UK,
          countryCode: 'GB',
          name: 'Amazon.co.uk',
          defaultCurrencyCode: 'GBP',
          defaultLanguageCode: 'en_GB',
          domainName: 'www.amazon.co.uk',
        },
        participation: { isParticipating: true, hasSuspendedListings: false },
        storeName: expect.any(String),
      });
      // The model's own example.
      expect(payload.find((p) => p.marketplace.id === US)?.marketplace).toEqual({
        id: US,
        countryCode: 'US',
        name: 'Amazon.com',
        defaultCurrencyCode: 'USD',
        defaultLanguageCode: 'en_US',
        domainName: 'www.amazon.com',
      });
    });
  });

  it('names only the participations it was given, whatever marketplaces the seller sells in', async () => {
    await withAmazon({ marketplaceIds: [UK, DE], participations: [DE, FR] }, async (amazon) => {
      const { payload } = participationsBody.parse(await (await call(amazon, PARTICIPATIONS)).json());
      expect(
        payload.map((p) => [p.marketplace.id, p.marketplace.countryCode, p.participation.isParticipating]),
      ).toEqual([
        [DE, 'DE', true],
        [FR, 'FR', true],
      ]);
    });
  });

  it('refuses to start with a participation in a marketplace it does not know', () => {
    expect(() => createAmazonSimulator({ participations: [UK, 'A0NOTAMARKET'] })).toThrow(RangeError);
  });

  it('answers 403 Unauthorized without a token and to a grantless one, as for every seller operation', async () => {
    await withAmazon({}, async (amazon) => {
      for (const token of [null, amazon.accessToken('grantless'), 'Atza|unknown']) {
        const response = await call(amazon, PARTICIPATIONS, { token });
        expect(response.status).toBe(403);
        expect(errorsBody.parse(await response.json()).errors[0]?.code).toBe('Unauthorized');
      }
    });
  });

  it('grants a burst of 15 calls and then answers 429, the usage plan of the model', async () => {
    await withAmazon({}, async (amazon) => {
      const statuses = [];
      for (let i = 0; i < 16; i++) statuses.push((await call(amazon, PARTICIPATIONS)).status);
      expect(statuses).toEqual([...Array<number>(15).fill(200), 429]);
    });
  });
});

describe("Amazon simulator: Listings Items on another seller's path", () => {
  let amazon: Amazon;
  beforeAll(async () => {
    amazon = await startAmazonSimulator();
  });
  afterAll(async () => {
    await amazon?.stop();
  });
  beforeEach(async () => {
    await fetch(`${amazon.url}/_sim/reset`, { method: 'POST' });
  });

  const quantityPatch = {
    productType: 'SHIRT',
    patches: [
      {
        op: 'replace',
        path: '/attributes/fulfillment_availability',
        value: [{ fulfillment_channel_code: 'DEFAULT', quantity: 0 }],
      },
    ],
  };

  it.each([
    ['GET', `/listings/2021-08-01/items/A1OTHERSELLER/${SKU}?marketplaceIds=${UK}`, undefined],
    ['PATCH', `/listings/2021-08-01/items/A1OTHERSELLER/${SKU}?marketplaceIds=${UK}`, quantityPatch],
    [
      'PUT',
      `/listings/2021-08-01/items/A1OTHERSELLER/${SKU}?marketplaceIds=${UK}`,
      { productType: 'SHIRT', requirements: 'LISTING_OFFER_ONLY', attributes: {} },
    ],
    ['DELETE', `/listings/2021-08-01/items/A1OTHERSELLER/${SKU}?marketplaceIds=${UK}`, undefined],
    ['GET', `/listings/2021-08-01/items/A1OTHERSELLER?marketplaceIds=${UK}`, undefined],
  ])('refuses %s %s with 400 InvalidInput and changes nothing', async (method, path, body) => {
    const before = amazon.listing(SKU);
    const response = await call(amazon, path, { method, body });
    expect(response.status).toBe(400);
    expect(errorsBody.parse(await response.json())).toEqual({
      errors: [{ code: 'InvalidInput', message: "Invalid 'sellerId' and 'marketplaceId' combination provided." }],
    });
    expect(amazon.listing(SKU)).toEqual(before);
  });

  it("answers the same calls on the seller's own path", async () => {
    const own = `/listings/2021-08-01/items/${amazon.sellerId}`;
    expect((await call(amazon, `${own}/${SKU}?marketplaceIds=${UK}`)).status).toBe(200);
    expect((await call(amazon, `${own}?marketplaceIds=${UK}`)).status).toBe(200);
  });
});

describe('Amazon simulator: searchListingsItems', () => {
  let amazon: Amazon;
  beforeAll(async () => {
    // The pages follow each other faster than the usage plan's 5 calls a second allow.
    amazon = await startAmazonSimulator({ rateScale: 100 });
  });
  afterAll(async () => {
    await amazon?.stop();
  });

  const search = (query: string) => call(amazon, `/listings/2021-08-01/items/${amazon.sellerId}?${query}`);

  it('pages through every listing of the marketplace, ten at a time by default, each SKU once', async () => {
    const seen: string[] = [];
    let query = `marketplaceIds=${UK}`;
    let pages = 0;
    for (;;) {
      const response = await search(query);
      expect(response.status).toBe(200);
      const page = searchBody.parse(await response.json());
      expect(page.numberOfResults).toBe(SEEDED_SKUS.length);
      expect(page.items.length).toBeLessThanOrEqual(10);
      for (const item of page.items) expect(item.summaries.map((s) => s.marketplaceId)).toEqual([UK]);
      seen.push(...page.items.map((item) => item.sku));
      pages++;
      const next = page.pagination?.nextToken;
      if (!next) break;
      query = `marketplaceIds=${UK}&pageToken=${encodeURIComponent(next)}`;
    }
    expect(pages).toBe(Math.ceil(SEEDED_SKUS.length / 10));
    expect(seen.sort()).toEqual([...SEEDED_SKUS].sort());
  });

  it('takes pageSize up to 20, sorts by SKU when asked and gives a previousToken back', async () => {
    const first = searchBody.parse(
      await (await search(`marketplaceIds=${UK}&pageSize=20&sortBy=sku&sortOrder=ASC`)).json(),
    );
    expect(first.items.map((item) => item.sku)).toEqual([...SEEDED_SKUS].sort().slice(0, 20));
    expect(first.pagination?.previousToken).toBeUndefined();
    const token = encodeURIComponent(first.pagination?.nextToken ?? '');
    const second = searchBody.parse(
      await (await search(`marketplaceIds=${UK}&pageSize=20&sortBy=sku&sortOrder=ASC&pageToken=${token}`)).json(),
    );
    expect(second.items[0]?.sku).toBe([...SEEDED_SKUS].sort()[20]);
    expect(second.pagination?.previousToken).toEqual(expect.any(String));
  });

  it.each([
    ['no marketplaceIds', 'pageSize=5'],
    ['a pageSize over 20', `marketplaceIds=${UK}&pageSize=21`],
    ['an unknown includedData', `marketplaceIds=${UK}&includedData=everything`],
    ['a filter the simulator does not model', `marketplaceIds=${UK}&withStatus=BUYABLE`],
    ['a pageToken that is not one', `marketplaceIds=${UK}&pageToken=nonsense`],
  ])('answers 400 InvalidInput to %s', async (_, query) => {
    const response = await search(query);
    expect(response.status).toBe(400);
    expect(errorsBody.parse(await response.json()).errors[0]?.code).toBe('InvalidInput');
  });

  it('refuses a pageToken from a search with other parameters', async () => {
    const first = searchBody.parse(await (await search(`marketplaceIds=${UK}`)).json());
    const token = encodeURIComponent(first.pagination?.nextToken ?? '');
    const response = await search(`marketplaceIds=${DE}&pageToken=${token}`);
    expect(response.status).toBe(400);
    expect(errorsBody.parse(await response.json()).errors[0]?.message).toBe(
      "Search parameters do not match the provided 'pageToken'.",
    );
  });
});

describe('Amazon simulator: ORDER_CHANGE follows the subscription', () => {
  const delivered: { notification: unknown; sqsArn: string }[] = [];
  const options: AmazonSimulatorOptions = {
    notify: async (notification, destination) => void delivered.push({ notification, sqsArn: destination.sqsArn }),
  };
  const order = (amazon: Amazon, marketplaceId = UK) =>
    amazon.createOrders({ orders: [{ marketplaceId, items: [{ sellerSku: SKU, quantity: 1 }] }] });

  beforeEach(() => {
    delivered.length = 0;
  });

  it('delivers nothing while the seller has no ORDER_CHANGE subscription, and from its subscription on', async () => {
    await withAmazon(options, async (amazon) => {
      await order(amazon);
      expect(delivered).toEqual([]);
      expect(amazon.state().notificationsDelivered).toBe(0);
      amazon.subscribeOrderChange(OWN_QUEUE);
      await order(amazon);
      expect(delivered).toHaveLength(1);
    });
  });

  it('delivers to the subscribed queue, with the ids getDestinations and getSubscription answer', async () => {
    await withAmazon(options, async (amazon) => {
      const setup = amazon.subscribeOrderChange(OWN_QUEUE);
      const [created] = await order(amazon);
      expect(delivered.map((d) => d.sqsArn)).toEqual([OWN_QUEUE]);
      const notification = notificationIds.parse(delivered[0]?.notification);
      expect(notification.Payload.OrderChangeNotification.AmazonOrderId).toBe(created?.amazonOrderId);

      const grantless = amazon.accessToken('grantless');
      const subscription = subscriptionBody.parse(
        await (await call(amazon, '/notifications/v1/subscriptions/ORDER_CHANGE', { token: grantless })).json(),
      ).payload;
      expect(subscription).toEqual(setup.subscription);
      expect(notification.NotificationMetadata.SubscriptionId).toBe(subscription.subscriptionId);
      const destinations = destinationsBody.parse(
        await (await call(amazon, '/notifications/v1/destinations', { token: grantless })).json(),
      ).payload;
      expect(destinations).toEqual([
        { destinationId: subscription.destinationId, name: expect.any(String), resource: { sqs: { arn: OWN_QUEUE } } },
      ]);
    });
  });

  it('delivers to the other queue once the subscription is re-pointed there, and no longer to the first', async () => {
    await withAmazon(options, async (amazon) => {
      amazon.subscribeOrderChange(OWN_QUEUE);
      await order(amazon);
      const moved = amazon.subscribeOrderChange(OTHER_QUEUE);
      await order(amazon);
      expect(delivered.map((d) => d.sqsArn)).toEqual([OWN_QUEUE, OTHER_QUEUE]);
      expect(notificationIds.parse(delivered[1]?.notification).NotificationMetadata.SubscriptionId).toBe(
        moved.subscription.subscriptionId,
      );
      // Both destinations remain, as Amazon keeps a destination until it is deleted; only the subscription moved.
      expect(amazon.state().destinations.map((d) => d.resource)).toEqual([
        { sqs: { arn: OWN_QUEUE } },
        { sqs: { arn: OTHER_QUEUE } },
      ]);
    });
  });

  it('keeps narrowing delivery by the eventFilter of a subscription made through the API', async () => {
    await withAmazon(options, async (amazon) => {
      const token = amazon.accessToken('grantless');
      const destination = await call(amazon, '/notifications/v1/destinations', {
        method: 'POST',
        token,
        body: { name: 'hub', resourceSpecification: { sqs: { arn: OWN_QUEUE } } },
      });
      const { destinationId } = ((await destination.json()) as { payload: { destinationId: string } }).payload;
      const subscribed = await call(amazon, '/notifications/v1/subscriptions/ORDER_CHANGE', {
        method: 'POST',
        body: {
          payloadVersion: '1.0',
          destinationId,
          processingDirective: { eventFilter: { eventFilterType: 'ORDER_CHANGE', marketplaceIds: [DE] } },
        },
      });
      expect(subscribed.status).toBe(200);
      await order(amazon, UK);
      const [de] = await order(amazon, DE);
      expect(
        delivered.map((d) => [
          d.sqsArn,
          notificationIds.parse(d.notification).Payload.OrderChangeNotification.AmazonOrderId,
        ]),
      ).toEqual([[OWN_QUEUE, de?.amazonOrderId]]);
    });
  });

  it('refuses a second destination for the same queue with 409 Conflict', async () => {
    await withAmazon(options, async (amazon) => {
      amazon.subscribeOrderChange(OWN_QUEUE);
      const response = await call(amazon, '/notifications/v1/destinations', {
        method: 'POST',
        token: amazon.accessToken('grantless'),
        body: { name: 'again', resourceSpecification: { sqs: { arn: OWN_QUEUE } } },
      });
      expect(response.status).toBe(409);
      expect(errorsBody.parse(await response.json()).errors[0]?.code).toBe('Conflict');
    });
  });

  it('subscribes at start and after every reset when given orderChangeSubscription', async () => {
    await withAmazon({ ...options, orderChangeSubscription: { sqsArn: OWN_QUEUE } }, async (amazon) => {
      await order(amazon);
      await fetch(`${amazon.url}/_sim/reset`, { method: 'POST' });
      await order(amazon);
      expect(delivered.map((d) => d.sqsArn)).toEqual([OWN_QUEUE, OWN_QUEUE]);
    });
  });
});
