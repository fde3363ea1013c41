import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_PRODUCTS, type DemoProduct } from '../../../local/simulators/catalogue';
import { createScayleSimulator, type ScayleOrder } from '../../../local/simulators/scayle';
import {
  type ScayleHarness,
  startScayleHarness,
  WEBHOOK_AUTHORIZATION,
  WEBHOOK_USER,
} from '../../helpers/scayle-simulator';
import { startScriptedServer } from '../../helpers/scripted-server';

const PRODUCT = DEMO_PRODUCTS[0] as DemoProduct;
const [SKU_A, SKU_B] = PRODUCT.variants.map((v) => v.referenceKey) as [string, string];

/** SCAYLE's fixture subscription [V SDK tests/fixtures/WebhookSubscriptionCreateRequest.json], on an event we send. */
const FIXTURE_SUBSCRIPTION = {
  event: 'product-variant-stock-updated',
  version: 1,
  url: 'https://foo:bar@foobar.tld/notifiy',
  filters: [{ merchantReferenceKeys: { include: ['merchant-1', 'merchant-2'] } }],
};

const basic = (username: string, password: string) =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

let harness: ScayleHarness;

const subscribe = (body: unknown, token?: string | null) =>
  harness.admin('POST', '/webhooks/subscriptions', body, token);

/** A receiver other than the harness's, stopped after `use`. */
const withReceiver = async (use: (receiver: Awaited<ReturnType<typeof startScriptedServer>>) => Promise<void>) => {
  const receiver = await startScriptedServer([{ status: 200 }]);
  try {
    await use(receiver);
  } finally {
    await receiver.close();
  }
};

beforeAll(async () => {
  harness = await startScayleHarness();
});

afterAll(async () => harness?.stop());

beforeEach(async () => harness.reset());

describe('SCAYLE simulator: webhook subscriptions through the Admin API', () => {
  it('creates, lists, reads, changes and deletes a subscription, never showing its credentials', async () => {
    const created = await subscribe(FIXTURE_SUBSCRIPTION);
    expect(created.status).toBe(201);
    const id = created.body.id as number;
    // The fixture's answer [V WebhookSubscriptionCreateResponse.json], keys in its order.
    const expected = { id, ...FIXTURE_SUBSCRIPTION, url: 'https://***:***@foobar.tld/notifiy' };
    expect(JSON.stringify(created.body)).toBe(JSON.stringify(expected));

    const listed = await harness.admin('GET', '/webhooks/subscriptions');
    expect(listed.status).toBe(200);
    expect(listed.body.cursor).toEqual({ next: null });
    expect(listed.body.entities).toContainEqual(expected);
    expect(await harness.admin('GET', `/webhooks/subscriptions/${id}`)).toMatchObject({ status: 200, body: expected });

    const changed = await harness.admin('PATCH', `/webhooks/subscriptions/${id}`, {
      url: 'https://foo:bar@foobar.tld/notify/v2',
      filters: [
        { merchantReferenceKeys: { include: { add: ['merchant-3', 'merchant-1'] }, exclude: { add: ['m-9'] } } },
      ],
    });
    expect(changed).toMatchObject({
      status: 200,
      body: {
        id,
        event: 'product-variant-stock-updated',
        url: 'https://***:***@foobar.tld/notify/v2',
        filters: [{ merchantReferenceKeys: { include: ['merchant-1', 'merchant-2', 'merchant-3'], exclude: ['m-9'] } }],
      },
    });
    const removed = await harness.admin('PATCH', `/webhooks/subscriptions/${id}`, {
      filters: [{ merchantReferenceKeys: { include: { remove: ['merchant-1'] } } }],
    });
    expect(removed.body.filters).toEqual([
      { merchantReferenceKeys: { include: ['merchant-2', 'merchant-3'], exclude: ['m-9'] } },
    ]);
    expect(harness.scayle.subscriptions().find((s) => s.id === id)).toMatchObject({
      url: 'https://foo:bar@foobar.tld/notify/v2',
      origin: 'admin-api',
    });

    const deleted = await harness.admin('DELETE', `/webhooks/subscriptions/${id}`);
    expect(deleted.status).toBe(204);
    for (const [method, body] of [['GET'], ['PATCH', {}], ['DELETE']] as const)
      expect(await harness.admin(method, `/webhooks/subscriptions/${id}`, body)).toMatchObject({
        status: 404,
        body: { errors: [{ errorKey: 'NOT_FOUND' }] },
      });
    expect(harness.scayle.subscriptions().map((s) => s.id)).not.toContain(id);
  });

  it('pages the list with limit and cursor', async () => {
    const total = harness.scayle.subscriptions().length;
    const first = await harness.admin('GET', '/webhooks/subscriptions?limit=3');
    const last = await harness.admin('GET', `/webhooks/subscriptions?limit=3&cursor=${total - 1}`);

    expect(first.body).toMatchObject({ cursor: { next: '3' } });
    expect(first.body.entities).toHaveLength(3);
    expect(last.body).toMatchObject({ cursor: { next: null } });
    expect(last.body.entities).toHaveLength(1);
    expect((await harness.admin('GET', '/webhooks/subscriptions?limit=0')).status).toBe(400);
  });

  it('refuses an event it does not send, another version, a URL it cannot deliver to, and no URL', async () => {
    const refusals = [
      [{ ...FIXTURE_SUBSCRIPTION, event: 'customer-created' }, 'event'],
      [{ ...FIXTURE_SUBSCRIPTION, version: 2 }, 'version'],
      [{ ...FIXTURE_SUBSCRIPTION, url: 'ftp://foo:bar@foobar.tld/x' }, 'url'],
      [{ ...FIXTURE_SUBSCRIPTION, url: 'https://foo:%zz@foobar.tld/x' }, 'url'],
      [{ event: 'order-confirmed' }, 'url'],
    ] as const;
    const before = harness.scayle.subscriptions();

    for (const [body, field] of refusals)
      expect(await subscribe(body)).toMatchObject({
        status: 400,
        body: { errors: [{ errorKey: 'VALIDATION_ERROR', message: expect.stringContaining(field) }] },
      });
    expect(harness.scayle.subscriptions()).toEqual(before);
  });

  it('answers 401 to every webhook route without the right X-Access-Token, and changes nothing', async () => {
    const { body } = await subscribe(FIXTURE_SUBSCRIPTION);
    const before = harness.scayle.subscriptions();
    const calls: [string, string, unknown?][] = [
      ['GET', '/webhooks/events'],
      ['GET', '/webhooks/subscriptions'],
      ['POST', '/webhooks/subscriptions', FIXTURE_SUBSCRIPTION],
      ['GET', `/webhooks/subscriptions/${body.id}`],
      ['PATCH', `/webhooks/subscriptions/${body.id}`, { url: 'https://x:y@elsewhere.tld/' }],
      ['DELETE', `/webhooks/subscriptions/${body.id}`],
    ];

    for (const [method, path, payload] of calls)
      for (const token of [null, 'wrong-token'])
        expect({ call: `${method} ${path}`, ...(await harness.admin(method, path, payload, token)) }).toMatchObject({
          call: `${method} ${path}`,
          status: 401,
          body: { errors: [{ errorKey: 'UNAUTHORIZED' }] },
        });
    expect(harness.scayle.subscriptions()).toEqual(before);
  });

  it('counts each route under its own operation, rate limits and faults included', async () => {
    await harness.admin('GET', '/webhooks/events');
    await harness.admin('GET', '/webhooks/subscriptions');
    await harness.control('POST', '/_sim/faults', { createWebhookSubscription: { errorRate: 1, status: 503 } });

    expect((await subscribe(FIXTURE_SUBSCRIPTION)).status).toBe(503);
    expect(Object.keys((await harness.control('GET', '/_sim/calls')).body).sort()).toEqual([
      'createWebhookSubscription',
      'listWebhookEvents',
      'listWebhookSubscriptions',
    ]);
  });

  it('lists the events it sends with version, description and flags in the fixture shape', async () => {
    const { status, body } = await harness.admin('GET', '/webhooks/events');
    const entities = body.entities as Record<string, unknown>[];

    expect(status).toBe(200);
    // The fixture's keys [V WebhookEventAllResponse.json] plus the model's isBlocking [V WebhookEvent.php].
    for (const entity of entities)
      expect(Object.keys(entity)).toEqual([
        'event',
        'version',
        'description',
        'isDeprecated',
        'isBlocking',
        'supportedFilters',
      ]);
    expect(entities.find((e) => e.event === 'order-confirmed')).toEqual({
      event: 'order-confirmed',
      version: 1,
      description: expect.stringContaining('payment reservation'),
      isDeprecated: false,
      isBlocking: false,
      supportedFilters: { merchants: false },
    });
    expect(new Set(harness.scayle.subscriptions().map((s) => s.event))).toEqual(new Set(entities.map((e) => e.event)));
  });
});

describe('SCAYLE simulator: deliveries follow the subscriptions', () => {
  it('delivers an event only to the subscriptions of that event, without user info, with Basic credentials from it', async () => {
    await withReceiver(async (receiver) => {
      const origin = new URL(receiver.url);
      const at = (userInfo: string, path: string) => `http://${userInfo}${origin.host}${path}`;
      for (const [event, url] of [
        ['product-variant-stock-updated', at('alice:s%3Acr%40t@', '/stock')],
        ['product-variant-stock-updated', at('', '/plain')],
        ['product-variant-prices-updated', at('bob:pw@', '/prices')],
      ])
        expect((await subscribe({ event, url })).status).toBe(201);

      await harness.scayle.changeStock([{ sku: SKU_A, quantity: 3 }]);

      expect(
        receiver.seen.map((r) => ({ path: r.url, host: r.headers.host, authorization: r.headers.authorization })),
      ).toEqual([
        { path: '/stock', host: origin.host, authorization: basic('alice', 's:cr@t') },
        { path: '/plain', host: origin.host, authorization: undefined },
      ]);
      expect(receiver.seen.map((r) => JSON.parse(r.body).type)).toEqual([
        'product-variant-stock-updated',
        'product-variant-stock-updated',
      ]);
      // The harness's own subscription got it as well, the same bytes.
      expect(harness.receiver.seen.map((r) => r.body)).toEqual([receiver.seen[0]?.body]);
      // One record per subscription, oldest subscription first: the harness's receiver answers 202, this one 200.
      expect((await harness.control('GET', '/_sim/state')).body.deliveries).toEqual(
        [202, 200, 200].map((status) => ({ event: 'product-variant-stock-updated', sku: SKU_A, status })),
      );
    });
  });

  it('stops delivering to a subscription once it is deleted', async () => {
    await withReceiver(async (receiver) => {
      const { body } = await subscribe({ event: 'product-variant-stock-updated', url: `${receiver.url}/stock` });
      await harness.scayle.changeStock([{ sku: SKU_A, quantity: 1 }]);
      expect((await harness.admin('DELETE', `/webhooks/subscriptions/${body.id}`)).status).toBe(204);

      await harness.scayle.changeStock([{ sku: SKU_A, quantity: 2 }]);

      expect(receiver.seen).toHaveLength(1);
      // The second change was delivered, to the subscription that is left.
      expect(harness.receiver.seen.map((r) => JSON.parse(r.body).payload.quantity)).toEqual([1, 2]);
    });
  });

  it('delivers nothing and records nothing for an event without a subscription', async () => {
    const ids = harness.scayle.subscriptions().map((s) => s.id);
    for (const id of ids) await harness.admin('DELETE', `/webhooks/subscriptions/${id}`);
    try {
      await harness.scayle.changeStock([{ sku: SKU_A, quantity: 4 }]);

      expect(harness.scayle.stockOf(SKU_A)).toMatchObject({ 'WH-MAIN': { quantity: 4 } });
      expect(harness.receiver.seen).toEqual([]);
      expect((await harness.control('GET', '/_sim/state')).body.deliveries).toEqual([]);
    } finally {
      harness.scayle.setWebhook({ url: `${harness.receiver.url}/webhooks/scayle`, ...WEBHOOK_USER });
    }
  });
});

describe('SCAYLE simulator: setWebhook and its kin subscribe every event', () => {
  it('replaces only the subscriptions an earlier call made, and keeps those of the Admin API', async () => {
    const { body } = await subscribe(FIXTURE_SUBSCRIPTION);
    const before = harness.scayle.subscriptions().filter((s) => s.origin === 'control');
    try {
      harness.scayle.setWebhook({ url: 'http://127.0.0.1:9/hooks', username: 'us er', password: 'p@ss:word' });

      const after = harness.scayle.subscriptions();
      const control = after.filter((s) => s.origin === 'control');
      expect(control.map((s) => s.event)).toEqual(before.map((s) => s.event));
      expect(control.every((s) => s.url === 'http://us%20er:p%40ss%3Aword@127.0.0.1:9/hooks')).toBe(true);
      expect(control.map((s) => s.id).filter((id) => before.some((b) => b.id === id))).toEqual([]);
      expect(after.filter((s) => s.origin === 'admin-api').map((s) => s.id)).toEqual([body.id]);
    } finally {
      harness.scayle.setWebhook({ url: `${harness.receiver.url}/webhooks/scayle`, ...WEBHOOK_USER });
    }
  });

  it('delivers every event the simulator sends to the setWebhook target, with its credentials', async () => {
    await withReceiver(async (receiver) => {
      harness.scayle.setWebhook({ url: `${receiver.url}/webhooks/scayle`, username: 'hub', password: 'p:w@rd' });
      try {
        const orders = (await harness.scayle.createOrders({
          orders: [1, 2, 3, 4].map(() => ({ items: [{ sku: SKU_A, quantity: 2 }] })),
        })) as [ScayleOrder, ScayleOrder, ScayleOrder, ScayleOrder];
        const itemOf = (order: ScayleOrder, n: number) => [order.items[n]?.id as number];
        await harness.scayle.cancelOrder(orders[0].id, 'order-cancelled');
        await harness.scayle.cancelOrder(orders[1].id, 'order-canceled');
        await harness.scayle.cancelItems(orders[2].id, itemOf(orders[2], 0), 'order-item-out-of-stock');
        await harness.scayle.cancelItems(orders[2].id, itemOf(orders[2], 1), 'order-item-unshippable');
        await harness.scayle.cancelItems(orders[3].id, itemOf(orders[3], 0), 'order-item-canceled');
        await harness.scayle.updateProduct(PRODUCT.referenceKey, { removeAttributes: ['brand'] });
        await harness.scayle.deleteVariant(SKU_B);
        await harness.scayle.changeStock([{ sku: SKU_A, quantity: 5 }]);
        await harness.scayle.changePrices([{ sku: SKU_A, currencyCode: 'EUR', price: 4999 }]);

        const events = (await harness.admin('GET', '/webhooks/events')).body.entities as { event: string }[];
        expect(new Set(receiver.seen.map((r) => JSON.parse(r.body).type))).toEqual(new Set(events.map((e) => e.event)));
        expect(new Set(receiver.seen.map((r) => r.headers.authorization))).toEqual(new Set([basic('hub', 'p:w@rd')]));
        expect(harness.receiver.seen).toEqual([]);
      } finally {
        harness.scayle.setWebhook({ url: `${harness.receiver.url}/webhooks/scayle`, ...WEBHOOK_USER });
      }
    });
  });

  it('subscribes through POST /_sim/webhooks the same way, and only to an http(s) URL', async () => {
    const before = harness.scayle.subscriptions();
    const ftp = { url: 'ftp://127.0.0.1/hooks', username: 'u', password: 'p' };
    expect((await harness.control('POST', '/_sim/webhooks', ftp)).status).toBe(400);
    expect(harness.scayle.subscriptions()).toEqual(before);
    await withReceiver(async (receiver) => {
      try {
        await harness.control('POST', '/_sim/webhooks', { url: receiver.url, username: 'u', password: 'p' });
        await harness.scayle.changeStock([{ sku: SKU_A, quantity: 6 }]);

        expect(receiver.seen.map((r) => r.headers.authorization)).toEqual([basic('u', 'p')]);
        const listed = (await harness.admin('GET', '/webhooks/subscriptions')).body.entities as { url: string }[];
        expect(new Set(listed.map((s) => s.url))).toEqual(new Set([`http://***:***@${new URL(receiver.url).host}/`]));
      } finally {
        harness.scayle.setWebhook({ url: `${harness.receiver.url}/webhooks/scayle`, ...WEBHOOK_USER });
      }
    });
  });

  it('keeps its subscriptions through a reset and forgets those made through the Admin API', async () => {
    const { body } = await subscribe(FIXTURE_SUBSCRIPTION);

    await harness.reset();

    expect(harness.scayle.subscriptions().map((s) => s.origin)).not.toContain('admin-api');
    expect((await harness.admin('GET', `/webhooks/subscriptions/${body.id}`)).status).toBe(404);
    await harness.scayle.changeStock([{ sku: SKU_A, quantity: 7 }]);
    expect(harness.webhooks().map((w) => w.authorization)).toEqual([WEBHOOK_AUTHORIZATION]);
  });
});

describe('SCAYLE simulator: carriers', () => {
  it("lists the SDK fixture's carrier by default and reads it by id or key", async () => {
    // CarrierAllResponse.json of the SDK [V], value for value.
    const dhl = {
      id: 1,
      key: 'DHL_STD_NATIONAL',
      name: 'DHL',
      trackingUrl: 'http://nolp.dhl.de/nextt-online-public/set_identcodes.do',
    };

    expect(await harness.admin('GET', '/carriers')).toMatchObject({
      status: 200,
      body: { entities: [dhl], cursor: { next: null } },
    });
    expect((await harness.admin('GET', '/carriers/1')).body).toEqual(dhl);
    expect((await harness.admin('GET', `/carriers/${encodeURIComponent('key=DHL_STD_NATIONAL')}`)).body).toEqual(dhl);
    for (const missing of ['2', encodeURIComponent('key=HERMES_UK'), 'DHL_STD_NATIONAL'])
      expect((await harness.admin('GET', `/carriers/${missing}`)).status).toBe(404);
    for (const path of ['/carriers', '/carriers/1'])
      expect((await harness.admin('GET', path, undefined, null)).status).toBe(401);
  });

  it('lists the carriers it is given, numbered in order, a page at a time', async () => {
    const given = await startScayleHarness({
      carriers: [
        { key: 'ROYAL_MAIL', name: 'Royal Mail', trackingUrl: 'https://www.royalmail.com/track-your-item' },
        { key: 'HERMES_UK' },
      ],
    });
    try {
      const first = await given.admin('GET', '/carriers?limit=1');
      expect(first.body).toEqual({
        entities: [
          {
            id: 1,
            key: 'ROYAL_MAIL',
            name: 'Royal Mail',
            trackingUrl: 'https://www.royalmail.com/track-your-item',
          },
        ],
        cursor: { next: '1' },
      });
      expect((await given.admin('GET', `/carriers/${encodeURIComponent('key=HERMES_UK')}`)).body).toEqual({
        id: 2,
        key: 'HERMES_UK',
        name: 'HERMES_UK',
        trackingUrl: 'https://tracking.example/HERMES_UK',
      });
      expect(given.scayle.carriers().map((c) => c.key)).toEqual(['ROYAL_MAIL', 'HERMES_UK']);
    } finally {
      await given.stop();
    }
  });

  it('refuses to start with one carrier key given twice', () => {
    expect(() => createScayleSimulator({ carriers: [{ key: 'DPD' }, { key: 'DPD', name: 'DPD UK' }] })).toThrow(
      /carrier DPD twice/,
    );
  });
});
