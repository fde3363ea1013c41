import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { z } from 'zod';
import { DEMO_CATALOGUE, type DemoVariant, demoVariantBySku } from './catalogue';
import { demoPerson } from './people';
import { type SimEnv, Simulator } from './sim-server';

/** Where and how the simulator delivers webhooks (the hub's `POST /webhooks/scayle` and its Basic credentials). */
export interface WebhookTarget {
  readonly url: string;
  readonly username: string;
  readonly password: string;
}

/** Options of the SCAYLE simulator. */
export interface ScayleSimulatorOptions {
  readonly accessToken?: string;
  readonly webhook?: WebhookTarget;
  readonly seed?: number;
}

/** The Admin API key the simulator accepts unless told otherwise. */
export const DEFAULT_SCAYLE_TOKEN = 'local-scayle-token';
const BASE = '/api/admin/v1';
const param = (c: Context<SimEnv>, name: string): string => c.req.param(name) ?? '';
/** SCAYLE's 400 for a body that fails validation, naming each field. [A] error shape */
const invalid = (c: Context<SimEnv>, error: z.ZodError) =>
  c.json(
    {
      errors: [
        { code: 'VALIDATION_ERROR', message: error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') },
      ],
    },
    400,
  );

/** One order line of `POST /_sim/orders`. */
const simOrderSchema = z.object({
  items: z
    .array(
      z.object({
        sku: z.string(),
        quantity: z.number().int().min(1).max(20),
        discountMinor: z.number().int().min(0).default(0),
      }),
    )
    .min(1),
  shopKey: z.string().default('ac'),
  countryCode: z.string().length(2).default('DE'),
  shippingMinor: z.number().int().min(0).default(495),
  vouchers: z.array(z.object({ key: z.string(), amountMinor: z.number().int().min(1) })).default([]),
});

const simOrdersBodySchema = z.object({
  orders: z.array(simOrderSchema).optional(),
  /** Random orders to create on top of `orders`. */
  random: z.number().int().min(0).max(5_000).default(0),
  /** Deliveries of each `order-confirmed` webhook (SCAYLE retries, so the hub sees repeats). */
  duplicates: z.number().int().min(1).max(10).default(1),
  /** Deliver webhooks (default) or only create the orders. */
  deliver: z.boolean().default(true),
});

type SimOrderInput = z.output<typeof simOrderSchema>;

/** Gross to net and VAT for one price, the way a shop computes it: VAT rounded to the minor unit. */
const split = (grossMinor: number, rate: number) => {
  const withoutTax = Math.round((grossMinor * 100) / (100 + rate));
  return { withTax: grossMinor, withoutTax, tax: { vat: { amount: grossMinor - withoutTax, rate } } };
};

/**
 * A faithful SCAYLE Admin API for the local hub (../shared/reference/scayle.md): `X-Access-Token` auth, orders
 * with one item per unit and minor-unit money, cursor paging, the reference key, absolute per-warehouse stock
 * with `changedAt`, per-minute scope limits, and webhooks delivered with Basic credentials.
 */
export const createScayleSimulator = (options: ScayleSimulatorOptions = {}) => {
  const accessToken = options.accessToken ?? DEFAULT_SCAYLE_TOKEN;
  let webhook = options.webhook;
  let orders = new Map<number, Record<string, unknown>>();
  let stocks = new Map<string, Map<string, { quantity: number; changedAt: string }>>();
  let nextOrderId = 10_001;
  let nextItemId = 1;
  let seedCounter = options.seed ?? 7;
  const deliveries: { event: string; orderId: number; status: number }[] = [];

  const reset = () => {
    orders = new Map();
    stocks = new Map();
    nextOrderId = 10_001;
    nextItemId = 1;
    seedCounter = options.seed ?? 7;
    deliveries.length = 0;
  };

  const perMinute = (limit: number) => ({ rate: limit / 60, burst: limit });
  const sim = new Simulator({
    name: 'scayle',
    seed: options.seed,
    rateLimits: {
      getOrder: perMinute(1000),
      listOrders: perMinute(1000),
      setOrderReference: perMinute(300),
      createShipment: perMinute(300),
      createCancellation: perMinute(300),
      putStock: perMinute(2500),
      getStock: perMinute(2500),
    },
    errors: {
      throttled: (c) => {
        c.header('X-RateLimit-Remaining', '0');
        return c.json({ errors: [{ code: 'TOO_MANY_REQUESTS', message: 'Rate limit exceeded' }] }, 429);
      },
      injected: (c, _op, status) =>
        c.json({ errors: [{ code: 'INTERNAL_ERROR', message: 'Injected fault' }] }, status as 500),
    },
    state: () => ({
      orders: [...orders.values()],
      stocks: Object.fromEntries([...stocks].map(([k, v]) => [k, Object.fromEntries(v)])),
      deliveries,
    }),
    reset,
  });

  const notAuthorised = (c: Context<SimEnv>) =>
    c.req.header('x-access-token') === accessToken
      ? undefined
      : c.json({ errors: [{ code: 'UNAUTHORIZED', message: 'Missing or invalid X-Access-Token' }] }, 401);
  const authed = (name: string, handler: (c: Context<SimEnv>) => Response | Promise<Response>) =>
    sim.operation(name, (c) => notAuthorised(c) ?? handler(c));

  const findOrder = (identifier: string) => {
    if (identifier.startsWith('key=')) {
      const key = decodeURIComponent(identifier.slice(4));
      return [...orders.values()].find((o) => o.referenceKey === key);
    }
    return orders.get(Number(identifier));
  };

  const buildOrder = (input: SimOrderInput): Record<string, unknown> => {
    const id = nextOrderId++;
    const person = demoPerson(seedCounter++, input.countryCode === 'GB' ? 'GB' : 'DE');
    const items = input.items.flatMap(({ sku, quantity, discountMinor }) => {
      const variant = demoVariantBySku.get(sku);
      const price = variant?.priceMinor ?? 1990;
      const rate = variant?.taxRate ?? 19;
      return Array.from({ length: quantity }, () => ({
        id: nextItemId++,
        key: `item-${nextItemId}`,
        status: 'available',
        variant: { id: variant?.scayleVariantId ?? 999_999, referenceKey: sku },
        price: { ...split(price - discountMinor, rate), ...(discountMinor > 0 ? { undiscountedWithTax: price } : {}) },
        packageId: null,
      }));
    });
    const fees =
      input.shippingMinor > 0
        ? [
            {
              category: 'delivery',
              key: 'standard',
              amount: { withTax: input.shippingMinor, withoutTax: split(input.shippingMinor, 19).withoutTax },
              tax: split(input.shippingMinor, 19).tax,
            },
          ]
        : [];
    const reductions = input.vouchers.map((v) => ({
      category: 'voucher',
      key: v.key,
      amount: { withTax: v.amountMinor, withoutTax: split(v.amountMinor, 19).withoutTax },
      tax: split(v.amountMinor, 19).tax,
    }));
    const itemsGross = items.reduce((s, i) => s + i.price.withTax, 0);
    const itemsNet = items.reduce((s, i) => s + i.price.withoutTax, 0);
    const withTax =
      itemsGross +
      fees.reduce((s, f) => s + f.amount.withTax, 0) -
      reductions.reduce((s, r) => s + r.amount.withTax, 0);
    const withoutTax =
      itemsNet +
      fees.reduce((s, f) => s + f.amount.withoutTax, 0) -
      reductions.reduce((s, r) => s + r.amount.withoutTax, 0);
    const now = new Date().toISOString();
    const address = {
      firstName: person.firstName,
      lastName: person.lastName,
      street: person.street,
      houseNumber: person.houseNumber,
      zipCode: person.zipCode,
      city: person.city,
      countryCode: person.countryCode,
    };
    return {
      id,
      referenceKey: null,
      publicKey: `PK${id}`,
      status: 'payment_reserved',
      detailedStatus: {
        order: { code: 'order_confirmed' },
        shipping: { code: 'shipping_open' },
        billing: { code: 'billing_open' },
      },
      currencyCode: input.countryCode === 'GB' ? 'GBP' : 'EUR',
      shopKey: input.shopKey,
      shopCountry: { countryCode: input.countryCode },
      confirmedAt: now,
      createdAt: now,
      updatedAt: now,
      cost: { withTax, withoutTax, tax: withTax - withoutTax, appliedFees: fees, appliedReductions: reductions },
      customer: { id: 5000 + id, email: person.email },
      address: { shipping: { ...address, phone: person.phone }, billing: address },
      items,
      packages: [],
    };
  };

  const randomOrder = (n: number): SimOrderInput => {
    const pickable = DEMO_CATALOGUE.filter((v: DemoVariant) => v.orderwise);
    const lines = 1 + (n % 3);
    return {
      items: Array.from({ length: lines }, (_, i) => ({
        sku: (pickable[(n * 7 + i * 13) % pickable.length] as DemoVariant).sku,
        quantity: 1 + ((n + i) % 3),
        discountMinor: (n + i) % 4 === 0 ? 300 : 0,
      })),
      shopKey: 'ac',
      countryCode: n % 5 === 0 ? 'GB' : 'DE',
      shippingMinor: n % 2 === 0 ? 495 : 0,
      vouchers: n % 6 === 0 ? [{ key: 'WELCOME5', amountMinor: 500 }] : [],
    };
  };

  /** Sends one webhook to the hub, retrying a few times on failure like SCAYLE's delivery. */
  // One event is one body: a repeated delivery sends the same bytes, as a retry of that delivery does.
  const deliver = async (event: string, order: Record<string, unknown>, eventId: string, occurredAt: string) => {
    if (!webhook) return;
    const body = JSON.stringify({
      id: eventId,
      event,
      version: 1,
      occurredAt,
      payload: {
        id: order.id,
        shopKey: order.shopKey,
        countryCode: (order.shopCountry as { countryCode: string }).countryCode,
      },
    });
    const auth = `Basic ${Buffer.from(`${webhook.username}:${webhook.password}`).toString('base64')}`;
    let status = 0;
    for (let attempt = 0; attempt < 4 && !(status >= 200 && status < 300); attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      status = await fetch(webhook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth },
        body,
      })
        .then((r) => r.status)
        .catch(() => 0);
    }
    deliveries.push({ event, orderId: order.id as number, status });
  };

  /** Creates orders and delivers their `order-confirmed` webhooks. */
  const createOrders = async (input: z.input<typeof simOrdersBodySchema>) => {
    const body = simOrdersBodySchema.parse(input);
    const inputs = [
      ...(body.orders ?? []),
      ...Array.from({ length: body.random }, (_, i) => randomOrder(nextOrderId + i)),
    ];
    const created = inputs.map((i) => {
      const order = buildOrder(i);
      orders.set(order.id as number, order);
      return order;
    });
    if (body.deliver) {
      await Promise.all(
        created.map(async (order) => {
          const eventId = `evt-confirmed-${order.id}`;
          for (let n = 0; n < body.duplicates; n++)
            await deliver('order-confirmed', order, eventId, order.confirmedAt as string);
        }),
      );
    }
    return created;
  };

  /** Cancels an order (all items) and delivers the cancel webhook in the given spelling. */
  const cancelOrder = async (orderId: number, spelling: 'order-cancelled' | 'order-canceled' = 'order-cancelled') => {
    const order = orders.get(orderId);
    if (!order) return undefined;
    order.status = 'cancellation_completed';
    order.updatedAt = new Date().toISOString();
    for (const item of order.items as { status: string }[]) item.status = 'cancelled';
    await deliver(spelling, order, `evt-cancelled-${orderId}`, order.updatedAt as string);
    return order;
  };

  sim.app.get(
    `${BASE}/shops/:shopKey/countries/:countryCode/orders/:id`,
    authed('getOrder', (c) => {
      const order = findOrder(param(c, 'id'));
      if (!order || order.shopKey !== param(c, 'shopKey'))
        return c.json({ errors: [{ code: 'NOT_FOUND', message: 'Order not found' }] }, 404);
      return c.json(order);
    }),
  );
  sim.app.get(
    `${BASE}/shops/:shopKey/countries/:countryCode/orders`,
    authed('listOrders', (c) => {
      const limit = Math.min(Number(c.req.query('limit') ?? 100), 1000);
      const cursor = Number(c.req.query('cursor') ?? 0);
      const all = [...orders.values()].filter((o) => o.shopKey === param(c, 'shopKey'));
      const page = all.slice(cursor, cursor + limit);
      return c.json({ entities: page, cursor: { next: cursor + limit < all.length ? String(cursor + limit) : null } });
    }),
  );
  sim.app.put(
    `${BASE}/shops/:shopKey/countries/:countryCode/orders/:id/reference-key`,
    authed('setOrderReference', async (c) => {
      const order = findOrder(param(c, 'id'));
      if (!order || order.shopKey !== param(c, 'shopKey')) {
        return c.json({ errors: [{ code: 'NOT_FOUND', message: 'Order not found' }] }, 404);
      }
      const parsed = z
        .object({ referenceKey: z.string().min(1).max(255) })
        .safeParse(await c.req.json().catch(() => undefined));
      if (!parsed.success)
        return c.json({ errors: [{ code: 'VALIDATION_ERROR', message: 'referenceKey is required' }] }, 400);
      order.referenceKey = parsed.data.referenceKey;
      return c.body(null, 204);
    }),
  );
  sim.app.post(
    `${BASE}/variants/:variant/stocks`,
    authed('putStock', async (c) => {
      const parsed = z
        .object({
          quantity: z.number().int().min(0),
          warehouseReferenceKey: z.string().min(1),
          changedAt: z.iso.datetime({ offset: true }),
        })
        .loose()
        .safeParse(await c.req.json().catch(() => undefined));
      if (!parsed.success) return invalid(c, parsed.error);
      const variant = decodeURIComponent(param(c, 'variant')).replace(/^key=/, '');
      const perWarehouse = stocks.get(variant) ?? new Map();
      perWarehouse.set(parsed.data.warehouseReferenceKey, {
        quantity: parsed.data.quantity,
        changedAt: parsed.data.changedAt,
      });
      stocks.set(variant, perWarehouse);
      return c.json(
        {
          quantity: parsed.data.quantity,
          warehouseReferenceKey: parsed.data.warehouseReferenceKey,
          changedAt: parsed.data.changedAt,
        },
        201,
      );
    }),
  );
  sim.app.get(
    `${BASE}/variants/:variant/stocks`,
    authed('getStock', (c) => {
      const variant = decodeURIComponent(param(c, 'variant')).replace(/^key=/, '');
      const entities = [...(stocks.get(variant) ?? new Map()).entries()].map(([warehouseReferenceKey, s]) => ({
        warehouseReferenceKey,
        ...s,
        sellableWithoutStock: false,
      }));
      return c.json({ entities });
    }),
  );

  // Fulfilment updates [V] lib/Models/Shipment.php, Cancellation.php: one shipment call per physical package,
  // items by orderItemId. [A] an item already in a package or cancelled is refused with 409 and nothing changes.
  const fulfilmentItems = z.array(z.object({ orderItemId: z.number().int(), returnKey: z.string().optional() })).min(1);
  const orderOf = (shopKey: string, countryCode: string, orderId: number) => {
    const order = orders.get(orderId);
    return order &&
      order.shopKey === shopKey &&
      (order.shopCountry as { countryCode: string }).countryCode === countryCode
      ? order
      : undefined;
  };
  type SimItem = { id: number; status: string; packageId: number | null; shippedAt?: string; cancelledAt?: string };
  sim.app.post(
    `${BASE}/fulfillment/shipments`,
    authed('createShipment', async (c) => {
      const parsed = z
        .object({
          shopKey: z.string().min(1),
          countryCode: z.string().length(2),
          orderId: z.number().int(),
          carrier: z.string().min(1),
          deliveryDate: z.iso.datetime({ offset: true }),
          shipmentKey: z.string().min(1),
          returnIdentCode: z.string().optional(),
          merchantReferenceKey: z.string().optional(),
          items: fulfilmentItems,
        })
        .safeParse(await c.req.json().catch(() => undefined));
      if (!parsed.success) {
        return invalid(c, parsed.error);
      }
      const body = parsed.data;
      const order = orderOf(body.shopKey, body.countryCode, body.orderId);
      if (!order) return c.json({ errors: [{ code: 'NOT_FOUND', message: 'Order not found' }] }, 404);
      const items = order.items as SimItem[];
      const chosen = body.items.map((i) => items.find((item) => item.id === i.orderItemId));
      if (chosen.some((item) => !item))
        return c.json({ errors: [{ code: 'VALIDATION_ERROR', message: 'unknown orderItemId' }] }, 400);
      if (chosen.some((item) => item?.packageId !== null || item?.status === 'cancelled')) {
        return c.json(
          { errors: [{ code: 'ITEM_ALREADY_FULFILLED', message: 'an item is already shipped or cancelled' }] },
          409,
        );
      }
      const packages = order.packages as Record<string, unknown>[];
      const packageId = packages.length + 1;
      const shippedAt = new Date().toISOString();
      for (const item of chosen as SimItem[]) {
        item.packageId = packageId;
        item.status = 'delivered';
        item.shippedAt = shippedAt;
      }
      packages.push({
        id: packageId,
        shipmentKey: body.shipmentKey,
        carrierKey: body.carrier,
        deliveryStatus: 'shipment_completed',
        shippedAt,
        deliveryDate: { minimum: body.deliveryDate, maximum: body.deliveryDate },
      });
      if (items.every((item) => item.packageId !== null || item.status === 'cancelled'))
        order.status = 'invoice_completed';
      return c.body(null, 201);
    }),
  );
  sim.app.post(
    `${BASE}/fulfillment/cancellations`,
    authed('createCancellation', async (c) => {
      const parsed = z
        .object({
          shopKey: z.string().length(2),
          countryCode: z.string().length(2),
          orderId: z.number().int(),
          merchantReferenceKey: z.string().optional(),
          items: fulfilmentItems,
        })
        .safeParse(await c.req.json().catch(() => undefined));
      if (!parsed.success) {
        return invalid(c, parsed.error);
      }
      const order = orderOf(parsed.data.shopKey, parsed.data.countryCode, parsed.data.orderId);
      if (!order) return c.json({ errors: [{ code: 'NOT_FOUND', message: 'Order not found' }] }, 404);
      const items = order.items as SimItem[];
      const chosen = parsed.data.items.map((i) => items.find((item) => item.id === i.orderItemId));
      if (chosen.some((item) => !item || item.packageId !== null)) {
        return c.json(
          { errors: [{ code: 'ITEM_ALREADY_FULFILLED', message: 'an item is unknown or already shipped' }] },
          409,
        );
      }
      const at = new Date().toISOString();
      for (const item of chosen as SimItem[]) {
        item.status = 'cancelled';
        item.cancelledAt = at;
      }
      return c.body(null, 201);
    }),
  );

  sim.app.post('/_sim/webhooks', async (c) => {
    const parsed = z
      .object({ url: z.url(), username: z.string(), password: z.string() })
      .safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json({ error: 'url, username and password are required' }, 400);
    webhook = parsed.data;
    return c.json({ webhook: parsed.data.url });
  });
  sim.app.post('/_sim/orders', async (c) => {
    const parsed = simOrdersBodySchema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json({ error: 'invalid body', issues: parsed.error.issues }, 400);
    return c.json({ orders: await createOrders(parsed.data) });
  });
  sim.app.post('/_sim/orders/:id/cancel', async (c) => {
    const spelling = c.req.query('spelling') === 'order-canceled' ? 'order-canceled' : 'order-cancelled';
    const order = await cancelOrder(Number(param(c, 'id')), spelling);
    return order ? c.json(order) : c.json({ error: 'no such order' }, 404);
  });

  return {
    sim,
    createOrders,
    cancelOrder,
    orders: () => [...orders.values()],
    stockOf: (sku: string) => Object.fromEntries(stocks.get(sku) ?? new Map()),
    setWebhook: (target: WebhookTarget) => {
      webhook = target;
    },
    /** A stable hash of the order ids and reference keys, for asserting a run changed nothing. */
    fingerprint: () =>
      createHash('sha256')
        .update(JSON.stringify([...orders.values()].map((o) => [o.id, o.referenceKey])))
        .digest('hex'),
  };
};

/** Starts the SCAYLE simulator on a free loopback port. */
export const startScayleSimulator = async (options: ScayleSimulatorOptions = {}) => {
  const simulator = createScayleSimulator(options);
  const server = await simulator.sim.start();
  return { ...simulator, ...server, apiUrl: `${server.url}${BASE}` };
};
