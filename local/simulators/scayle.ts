import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { z } from 'zod';
import { devStage } from '../../lib/config/stages';
import { scayleExternalOrderSchema } from '../../shared/schemas/scayle';
import { DEMO_CATALOGUE, type DemoVariant, demoVariantBySku } from './catalogue';
import { demoPerson } from './people';
import { addScayleProducts, type ProductRef } from './scayle-products';
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
/** The issues of a failed parse in one line, each field named (under `prefix`, e.g. `body.`). */
const describe = (error: z.ZodError, prefix = '') =>
  error.issues.map((i) => `${prefix}${i.path.join('.')}: ${i.message}`).join('; ');
/** SCAYLE's 400 for a body that fails validation, naming each field. [A] error shape */
const invalid = (c: Context<SimEnv>, error: z.ZodError) =>
  c.json({ errors: [{ code: 'VALIDATION_ERROR', message: describe(error) }] }, 400);
const notFound = (c: Context<SimEnv>, message: string) => c.json({ errors: [{ code: 'NOT_FOUND', message }] }, 404);

const demoVariantById: ReadonlyMap<number, DemoVariant> = new Map(DEMO_CATALOGUE.map((v) => [v.scayleVariantId, v]));

/**
 * The reference key (SKU) a variant identifier names: `key=<referenceKey>` or the numeric SCAYLE id, URL-encoded
 * either way [V reference §1.1]. [A] An identifier SCAYLE would not know is kept as given: the simulator holds
 * stock and prices for any variant the hub names. Undefined when the identifier is not valid URL encoding.
 */
const variantKey = (identifier: string): string | undefined => {
  let decoded: string;
  try {
    decoded = decodeURIComponent(identifier);
  } catch {
    return undefined;
  }
  if (decoded.startsWith('key=')) return decoded.slice(4);
  return /^\d+$/.test(decoded) ? (demoVariantById.get(Number(decoded))?.sku ?? decoded) : decoded;
};

/** Body of `POST /variants/{variantIdentifier}/stocks` [V reference §1.5]; the optional fields are not modelled. */
const stockBodySchema = z
  .object({
    quantity: z.number().int().min(0),
    warehouseReferenceKey: z.string().min(1),
    changedAt: z.iso.datetime({ offset: true }),
  })
  .loose();

/** The stock of one variant in one warehouse. */
interface VariantStock {
  readonly warehouseReferenceKey: string;
  readonly quantity: number;
  readonly changedAt: string;
}

/**
 * One accepted stock write, for tests: through `POST /variants/{id}/stocks` (`single`), a bulk request (`bulk`) or a
 * change made in SCAYLE itself with `POST /_sim/stock` (`panel`); `at` is when the simulator took it.
 */
export interface StockWrite extends VariantStock {
  readonly via: 'single' | 'bulk' | 'panel';
  readonly at: string;
}

/** One operation of a bulk request; url, method and body are checked per operation, so one bad one fails alone. */
const bulkOperationSchema = z.object({
  key: z.string().min(1).max(255),
  url: z.string(),
  method: z.string(),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.unknown(),
});

/**
 * Body of `POST /variants/stocks/bulk-requests` [V reference §1.1, PHP SDK fixture
 * ProductVariantStockCreateBulkRequestRequest.json]; [A] 1..1000 operations with distinct keys. The callbacks are
 * accepted and never called: the simulator completes a bulk request before it answers.
 */
const bulkStocksSchema = z.object({
  callbacks: z
    .object({ requestUrl: z.url().optional(), operationUrl: z.url().optional(), requestStatus: z.string().optional() })
    .optional(),
  operations: z
    .array(bulkOperationSchema)
    .min(1)
    .max(1000)
    .superRefine((operations, context) => {
      const seen = new Set<string>();
      for (const [index, operation] of operations.entries()) {
        if (seen.has(operation.key))
          context.addIssue({ code: 'custom', path: [index, 'key'], message: `duplicate key ${operation.key}` });
        seen.add(operation.key);
      }
    }),
});

/** The url of a stock operation in a bulk request, relative to the Admin API base [V fixture `/variants/123/stocks`]. */
const BULK_STOCK_URL = /^\/variants\/([^/?#]+)\/stocks$/;

/**
 * A bulk request as the simulator answers it. [A] `id`, `status` and `operations`; `key` (the same number) and
 * `progress` as in SCAYLE's bulk request status [V PHP SDK fixture BulkRequestStatusGetResponse.json].
 */
export interface BulkRequestResult {
  readonly id: number;
  readonly key: number;
  readonly status: 'completed';
  readonly progress: { totalOperations: number; processedOperations: number; failedOperations: number };
  readonly operations: readonly { key: string; status: 'succeeded' | 'failed'; message?: string }[];
}

const minor = z.number().int().min(0);
const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR');
/** Body of `POST /variants/{variantIdentifier}/prices` [V reference §1.6, PHP SDK ProductVariantPrice]. */
const priceBodySchema = z.object({
  price: minor,
  oldPrice: minor.nullish(),
  recommendedRetailPrice: minor.nullish(),
  buyingPrice: minor.nullish(),
  tax: z.number().min(0).max(100).nullish(),
  countryCode: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 code such as DE')
    .nullish(),
  currencyCode,
  groupKey: z.string().min(1).nullish(),
  promotionKey: z.string().min(1).nullish(),
  unitPrice: z.object({ unit: z.string().min(1), amount: z.number().positive(), price: minor }).nullish(),
  validFrom: z.iso.datetime({ offset: true }).nullish(),
  validTo: z.iso.datetime({ offset: true }).nullish(),
  merchantReferenceKey: z.string().min(1).nullish(),
});

/** A stored variant price as `GET /variants/{id}/prices` lists it; fields not given are null. */
export interface VariantPrice {
  readonly key: string;
  readonly price: number;
  readonly oldPrice: number | null;
  readonly recommendedRetailPrice: number | null;
  readonly buyingPrice: number | null;
  readonly tax: number | null;
  readonly countryCode: string | null;
  readonly currencyCode: string;
  readonly groupKey: string | null;
  readonly promotionKey: string | null;
  readonly unitPrice: { unit: string; amount: number; price: number } | null;
  readonly validFrom: string;
  readonly validTo: string | null;
  readonly merchantReferenceKey: string | null;
}

/** When the seeded prices became valid: any fixed time in the past. */
const SEEDED_PRICES_VALID_FROM = '2025-01-01T00:00:00+00:00';
/** [A] The warehouse of a stock change made in SCAYLE when none is named: the one the dev stage writes to. */
const DEFAULT_WAREHOUSE = devStage.scayle.warehouseReferenceKey;

const knownSku = z.string().refine((sku) => demoVariantBySku.has(sku), 'unknown SKU: not in the demo catalogue');

/** Body of `POST /_sim/stock`: stock changed in SCAYLE itself (Panel, another integration). */
const simStockSchema = z.object({
  changes: z
    .array(
      z.object({
        sku: knownSku,
        quantity: z.number().int().min(0),
        warehouseReferenceKey: z.string().min(1).default(DEFAULT_WAREHOUSE),
      }),
    )
    .min(1),
});

/** Body of `POST /_sim/prices`: a currency's current price changed in SCAYLE itself. */
const simPricesSchema = z.object({
  changes: z
    .array(
      z.object({
        sku: knownSku,
        currencyCode,
        price: minor,
      }),
    )
    .min(1),
});

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

/** What a recorded webhook delivery was about. */
type DeliverySubject = { orderId: number } | { sku: string } | { productKey: string };

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
  let stockHistory = new Map<string, StockWrite[]>();
  let stockWrites = 0;
  let bulkRequests = new Map<number, BulkRequestResult>();
  let prices = new Map<string, VariantPrice[]>();
  let nextOrderId = 10_001;
  let nextItemId = 1;
  let nextBulkId = 1;
  let nextPriceKey = 1;
  let nextEvent = 1;
  let seedCounter = options.seed ?? 7;
  /** Webhook deliveries: order events name the order, variant events the SKU, product events the product key. */
  const deliveries: ({ event: string; status: number } & DeliverySubject)[] = [];

  /** A price key as SCAYLE generates it (fixture `1-100`): unique, meaningless to the caller. */
  const priceKey = (sku: string) => `${demoVariantBySku.get(sku)?.scayleVariantId ?? sku}-${nextPriceKey++}`;

  /** Every demo variant starts with a current EUR price for DE and a GBP price for GB. */
  const seedPrices = () =>
    new Map(
      DEMO_CATALOGUE.map((v): [string, VariantPrice[]] => [
        v.sku,
        [
          { currencyCode: 'EUR', countryCode: 'DE', price: v.priceMinor, tax: 19 },
          { currencyCode: 'GBP', countryCode: 'GB', price: Math.round(v.priceMinor * 0.86), tax: 20 },
        ].map((p) => ({
          key: priceKey(v.sku),
          oldPrice: null,
          recommendedRetailPrice: null,
          buyingPrice: null,
          groupKey: null,
          promotionKey: null,
          unitPrice: null,
          validFrom: SEEDED_PRICES_VALID_FROM,
          validTo: null,
          merchantReferenceKey: null,
          ...p,
        })),
      ]),
    );

  const reset = () => {
    orders = new Map();
    stocks = new Map();
    stockHistory = new Map();
    stockWrites = 0;
    bulkRequests = new Map();
    nextOrderId = 10_001;
    nextItemId = 1;
    nextBulkId = 1;
    nextPriceKey = 1;
    nextEvent = 1;
    prices = seedPrices();
    seedCounter = options.seed ?? 7;
    deliveries.length = 0;
  };
  reset();

  const perMinute = (limit: number) => ({ rate: limit / 60, burst: limit });
  const sim = new Simulator({
    name: 'scayle',
    seed: options.seed,
    rateLimits: {
      getOrder: perMinute(1000),
      listOrders: perMinute(1000),
      createOrder: perMinute(300),
      setOrderReference: perMinute(300),
      createShipment: perMinute(300),
      createCancellation: perMinute(300),
      putStock: perMinute(2500),
      getStock: perMinute(2500),
      // [A] A bulk request counts once against stocksWrite, whatever the number of its operations.
      bulkStocks: perMinute(2500),
      getBulkRequest: perMinute(1000),
      putPrice: perMinute(300),
      getPrices: perMinute(2500),
      getProduct: perMinute(1000),
      listProducts: perMinute(1000),
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
      // A count, not the history: a stock run writes thousands; `stockHistory(sku)` has the detail.
      stockWrites,
    }),
    // The products are added to the app below and seed themselves; a reset seeds them again.
    reset: () => {
      reset();
      products.reset();
    },
  });

  const notAuthorised = (c: Context<SimEnv>) =>
    c.req.header('x-access-token') === accessToken
      ? undefined
      : c.json({ errors: [{ code: 'UNAUTHORIZED', message: 'Missing or invalid X-Access-Token' }] }, 401);
  const authed = (name: string, handler: (c: Context<SimEnv>) => Response | Promise<Response>) =>
    sim.operation(name, (c) => notAuthorised(c) ?? handler(c));

  /** The order of a shop with this public key: unique per shop [A]. */
  const orderByPublicKey = (publicKey: string, shopKey?: string) =>
    [...orders.values()].find((o) => o.publicKey === publicKey && (shopKey === undefined || o.shopKey === shopKey));

  const findOrder = (identifier: string) => {
    if (identifier.startsWith('key=')) {
      const key = decodeURIComponent(identifier.slice(4));
      return [...orders.values()].find((o) => o.referenceKey === key);
    }
    return orders.get(Number(identifier));
  };

  /** One order item (one unit) of a variant, as SCAYLE stores it before fulfilment. */
  const newItem = <P extends object>(referenceKey: string, price: P, extra: Record<string, unknown> = {}) => ({
    id: nextItemId++,
    key: `item-${nextItemId}`,
    status: 'available',
    variant: { id: demoVariantBySku.get(referenceKey)?.scayleVariantId ?? 999_999, referenceKey },
    price,
    packageId: null,
    ...extra,
  });

  /** An order confirmed and paid for, not yet delegated: what both the shop and an external create store. */
  const newOrder = (
    id: number,
    fields: {
      shopKey: string;
      countryCode: string;
      currencyCode: string;
      publicKey: string;
      /** When the customer bought; now unless told. */
      confirmedAt?: string;
      cost: { withTax: number; withoutTax: number; appliedFees: unknown[]; appliedReductions: unknown[] };
      email: string;
      address: { shipping: Record<string, unknown>; billing: Record<string, unknown> };
      items: Record<string, unknown>[];
    },
    extra: Record<string, unknown> = {},
  ): Record<string, unknown> => {
    const now = new Date().toISOString();
    const { cost } = fields;
    return {
      id,
      referenceKey: null,
      publicKey: fields.publicKey,
      status: 'payment_reserved',
      detailedStatus: {
        order: { code: 'order_confirmed' },
        shipping: { code: 'shipping_open' },
        billing: { code: 'billing_open' },
      },
      currencyCode: fields.currencyCode,
      shopKey: fields.shopKey,
      shopCountry: { countryCode: fields.countryCode },
      ...extra,
      confirmedAt: fields.confirmedAt ?? now,
      createdAt: now,
      updatedAt: now,
      cost: { ...cost, tax: cost.withTax - cost.withoutTax },
      customer: { id: 5000 + id, email: fields.email },
      address: fields.address,
      items: fields.items,
      packages: [],
    };
  };

  const buildOrder = (input: SimOrderInput): Record<string, unknown> => {
    const id = nextOrderId++;
    const person = demoPerson(seedCounter++, input.countryCode === 'GB' ? 'GB' : 'DE');
    const items = input.items.flatMap(({ sku, quantity, discountMinor }) => {
      const variant = demoVariantBySku.get(sku);
      const price = variant?.priceMinor ?? 1990;
      const rate = variant?.taxRate ?? 19;
      return Array.from({ length: quantity }, () =>
        newItem(sku, {
          ...split(price - discountMinor, rate),
          ...(discountMinor > 0 ? { undiscountedWithTax: price } : {}),
        }),
      );
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
    const address = {
      firstName: person.firstName,
      lastName: person.lastName,
      street: person.street,
      houseNumber: person.houseNumber,
      zipCode: person.zipCode,
      city: person.city,
      countryCode: person.countryCode,
    };
    return newOrder(id, {
      shopKey: input.shopKey,
      countryCode: input.countryCode,
      currencyCode: input.countryCode === 'GB' ? 'GBP' : 'EUR',
      publicKey: `PK${id}`,
      cost: { withTax, withoutTax, appliedFees: fees, appliedReductions: reductions },
      email: person.email,
      address: { shipping: { ...address, phone: person.phone }, billing: address },
      items,
    });
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
  const deliver = async (
    event: string,
    eventId: string,
    occurredAt: string,
    payload: Record<string, unknown>,
    subject: DeliverySubject,
  ) => {
    if (!webhook) return;
    const body = JSON.stringify({ id: eventId, event, version: 1, occurredAt, payload });
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
    deliveries.push({ event, ...subject, status });
  };

  /** Sends an order event: the payload names the order, the hub re-reads it from the Admin API. */
  const deliverOrder = (event: string, order: Record<string, unknown>, eventId: string, occurredAt: string) =>
    deliver(
      event,
      eventId,
      occurredAt,
      {
        id: order.id,
        shopKey: order.shopKey,
        countryCode: (order.shopCountry as { countryCode: string }).countryCode,
      },
      { orderId: order.id as number },
    );

  /**
   * Sends a product or variant event, payload `{id, referenceKey}` of what changed plus `payload`. The event id
   * carries the change time and a counter, so two changes of one product or variant are two events to the hub's
   * deduplication, also across a simulator reset.
   */
  const deliverCatalogueEvent = (
    event: string,
    changed: { id: number | undefined; referenceKey: string },
    occurredAt: string,
    payload: Record<string, unknown>,
    subject: DeliverySubject,
  ) =>
    deliver(
      event,
      `evt-${event.replace(/^product-(variant-)?/, '')}-${changed.id}-${Date.parse(occurredAt)}-${nextEvent++}`,
      occurredAt,
      { ...changed, ...payload },
      subject,
    );

  const deliverVariant = (event: string, sku: string, occurredAt: string, payload: Record<string, unknown>) =>
    deliverCatalogueEvent(
      event,
      { id: demoVariantBySku.get(sku)?.scayleVariantId, referenceKey: sku },
      occurredAt,
      payload,
      { sku },
    );

  const deliverProduct = (event: string, product: ProductRef, occurredAt: string) =>
    deliverCatalogueEvent(event, product, occurredAt, {}, { productKey: product.referenceKey });

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
            await deliverOrder('order-confirmed', order, eventId, order.confirmedAt as string);
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
    await deliverOrder(spelling, order, `evt-cancelled-${orderId}`, order.updatedAt as string);
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
      // [A] SCAYLE takes list filters as `filters[<field>]` query options; the hub looks orders up by public key.
      const publicKey = c.req.query('filters[publicKey]');
      const all = [...orders.values()].filter(
        (o) => o.shopKey === param(c, 'shopKey') && (publicKey === undefined || o.publicKey === publicKey),
      );
      const page = all.slice(cursor, cursor + limit);
      return c.json({ entities: page, cursor: { next: cursor + limit < all.length ? String(cursor + limit) : null } });
    }),
  );
  // External Order Creation [V reference §1.3 `POST …/orders`]; payload and rules are the hub's assumption, written
  // down once on scayleExternalOrderSchema. The marketplace's prices are stored as given. No `order-confirmed`
  // webhook follows [A]: the hub hands the order to its order loop itself.
  sim.app.post(
    `${BASE}/shops/:shopKey/countries/:countryCode/orders`,
    authed('createOrder', async (c) => {
      const parsed = scayleExternalOrderSchema.safeParse(await c.req.json().catch(() => undefined));
      if (!parsed.success) return invalid(c, parsed.error);
      const body = parsed.data;
      const shopKey = param(c, 'shopKey');
      if (orderByPublicKey(body.publicKey, shopKey)) {
        const message = `an order with publicKey ${body.publicKey} already exists in shop ${shopKey}`;
        return c.json({ errors: [{ code: 'ORDER_ALREADY_EXISTS', message }] }, 409);
      }
      const unknown = body.items.findIndex((item) => !demoVariantBySku.has(item.variant.referenceKey));
      if (unknown >= 0) {
        const message = `items.${unknown}.variant.referenceKey: no variant with reference key ${body.items[unknown]?.variant.referenceKey}`;
        return c.json({ errors: [{ code: 'VARIANT_NOT_FOUND', message }] }, 400);
      }
      const gross = (amounts: readonly { withTax: number }[]) => amounts.reduce((total, a) => total + a.withTax, 0);
      const expected =
        gross(body.items.map((i) => i.price)) +
        gross(body.cost.appliedFees.map((f) => f.amount)) -
        gross(body.cost.appliedReductions.map((r) => r.amount));
      if (body.cost.withTax !== expected) {
        const message = `cost.withTax: must be the items plus the fees minus the reductions, ${expected}, got ${body.cost.withTax}`;
        return c.json({ errors: [{ code: 'VALIDATION_ERROR', message }] }, 400);
      }
      const order = newOrder(
        nextOrderId++,
        {
          shopKey,
          countryCode: param(c, 'countryCode'),
          currencyCode: body.currencyCode,
          publicKey: body.publicKey,
          confirmedAt: body.confirmedAt,
          cost: body.cost,
          email: body.customer.email,
          address: body.address,
          items: body.items.map((item) =>
            newItem(
              item.variant.referenceKey,
              item.price,
              item.merchantReferenceKey === undefined ? {} : { merchantReferenceKey: item.merchantReferenceKey },
            ),
          ),
        },
        { channel: { key: body.channelKey }, customData: body.customData ?? {} },
      );
      orders.set(order.id as number, order);
      return c.json(order, 201);
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

  /** Stores one absolute stock figure and records the write in the variant's history. */
  const setStock = (sku: string, stock: VariantStock, via: StockWrite['via']) => {
    const perWarehouse = stocks.get(sku) ?? new Map();
    perWarehouse.set(stock.warehouseReferenceKey, { quantity: stock.quantity, changedAt: stock.changedAt });
    stocks.set(sku, perWarehouse);
    const history = stockHistory.get(sku) ?? [];
    history.push({ ...stock, via, at: new Date().toISOString() });
    stockHistory.set(sku, history);
    stockWrites++;
  };

  /**
   * One stock write of the Admin API, whether it came alone or as an operation of a bulk request: the stored
   * stock, or what was wrong. [A] SCAYLE's later reservation handling (`changedAt` against quantity blockers) is not
   * simulated: the last write wins.
   */
  const writeStock = (
    identifier: string,
    body: unknown,
    via: 'single' | 'bulk',
  ): { ok: true; stock: VariantStock } | { ok: false; message: string } => {
    const sku = variantKey(identifier);
    if (sku === undefined) return { ok: false, message: 'variantIdentifier: not valid URL encoding' };
    const parsed = stockBodySchema.safeParse(body);
    if (!parsed.success) return { ok: false, message: describe(parsed.error, via === 'bulk' ? 'body.' : '') };
    const stock = {
      quantity: parsed.data.quantity,
      warehouseReferenceKey: parsed.data.warehouseReferenceKey,
      changedAt: parsed.data.changedAt,
    };
    setStock(sku, stock, via);
    return { ok: true, stock };
  };

  sim.app.post(
    `${BASE}/variants/:variant/stocks`,
    authed('putStock', async (c) => {
      const written = writeStock(param(c, 'variant'), await c.req.json().catch(() => undefined), 'single');
      return written.ok
        ? c.json(written.stock, 201)
        : c.json({ errors: [{ code: 'VALIDATION_ERROR', message: written.message }] }, 400);
    }),
  );
  sim.app.get(
    `${BASE}/variants/:variant/stocks`,
    authed('getStock', (c) => {
      const variant = variantKey(param(c, 'variant')) ?? '';
      const entities = [...(stocks.get(variant) ?? new Map()).entries()].map(([warehouseReferenceKey, s]) => ({
        warehouseReferenceKey,
        ...s,
        sellableWithoutStock: false,
      }));
      return c.json({ entities });
    }),
  );
  // Bulk stock updates: SCAYLE answers 202 and works through the operations later [A]; the simulator applies them
  // before it answers, so the answer is already the final status.
  sim.app.post(
    `${BASE}/variants/stocks/bulk-requests`,
    authed('bulkStocks', async (c) => {
      const parsed = bulkStocksSchema.safeParse(await c.req.json().catch(() => undefined));
      if (!parsed.success) return invalid(c, parsed.error);
      const operations = parsed.data.operations.map((operation) => {
        const variant = BULK_STOCK_URL.exec(operation.url)?.[1];
        const written =
          operation.method !== 'POST'
            ? { ok: false as const, message: `method: must be POST, got ${operation.method}` }
            : variant === undefined
              ? { ok: false as const, message: 'url: must be /variants/{variantIdentifier}/stocks' }
              : writeStock(variant, operation.body, 'bulk');
        return written.ok
          ? { key: operation.key, status: 'succeeded' as const }
          : { key: operation.key, status: 'failed' as const, message: written.message };
      });
      const id = nextBulkId++;
      const failed = operations.filter((o) => o.status === 'failed').length;
      const result: BulkRequestResult = {
        id,
        key: id,
        status: 'completed',
        progress: {
          totalOperations: operations.length,
          processedOperations: operations.length,
          failedOperations: failed,
        },
        operations,
      };
      bulkRequests.set(id, result);
      return c.json(result, 202);
    }),
  );
  sim.app.get(
    `${BASE}/variants/stocks/bulk-requests/:id`,
    authed('getBulkRequest', (c) => {
      const result = bulkRequests.get(Number(param(c, 'id')));
      return result ? c.json(result) : notFound(c, 'Bulk request not found');
    }),
  );

  /**
   * Stores a price. [A] A price replaces the one with the same dimensions (country, currency, group, promotion,
   * merchant) and the same `validFrom`; any other is added, as SCAYLE keeps upcoming prices next to current ones.
   * Every stored price gets a new key, as SCAYLE generates one for every new price.
   */
  const storePrice = (sku: string, input: z.output<typeof priceBodySchema>): VariantPrice => {
    const price: VariantPrice = {
      key: priceKey(sku),
      price: input.price,
      oldPrice: input.oldPrice ?? null,
      recommendedRetailPrice: input.recommendedRetailPrice ?? null,
      buyingPrice: input.buyingPrice ?? null,
      tax: input.tax ?? null,
      countryCode: input.countryCode ?? null,
      currencyCode: input.currencyCode,
      groupKey: input.groupKey ?? null,
      promotionKey: input.promotionKey ?? null,
      unitPrice: input.unitPrice ?? null,
      validFrom: input.validFrom ?? new Date().toISOString(),
      validTo: input.validTo ?? null,
      merchantReferenceKey: input.merchantReferenceKey ?? null,
    };
    const sameSlot = (p: VariantPrice) =>
      p.countryCode === price.countryCode &&
      p.currencyCode === price.currencyCode &&
      p.groupKey === price.groupKey &&
      p.promotionKey === price.promotionKey &&
      p.merchantReferenceKey === price.merchantReferenceKey &&
      Date.parse(p.validFrom) === Date.parse(price.validFrom);
    prices.set(sku, [...(prices.get(sku) ?? []).filter((p) => !sameSlot(p)), price]);
    return price;
  };

  sim.app.post(
    `${BASE}/variants/:variant/prices`,
    authed('putPrice', async (c) => {
      const sku = variantKey(param(c, 'variant'));
      if (sku === undefined) return notFound(c, 'Variant not found');
      const parsed = priceBodySchema.safeParse(await c.req.json().catch(() => undefined));
      if (!parsed.success) return invalid(c, parsed.error);
      return c.json(storePrice(sku, parsed.data), 201);
    }),
  );
  sim.app.get(
    `${BASE}/variants/:variant/prices`,
    authed('getPrices', (c) => c.json({ entities: prices.get(variantKey(param(c, 'variant')) ?? '') ?? [] })),
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
      if (chosen.some((item) => !item || item.packageId !== null || item.status === 'cancelled')) {
        return c.json(
          {
            errors: [
              { code: 'ITEM_ALREADY_FULFILLED', message: 'an item is unknown, already shipped or already cancelled' },
            ],
          },
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

  /** The price a shop shows now in `currencyCode`: no group, promotion or merchant, valid now, the latest start. */
  const currentPrice = (sku: string, currencyCode: string, now: number) =>
    (prices.get(sku) ?? [])
      .filter(
        (p) =>
          p.currencyCode === currencyCode &&
          p.groupKey === null &&
          p.promotionKey === null &&
          p.merchantReferenceKey === null &&
          Date.parse(p.validFrom) <= now &&
          (p.validTo === null || Date.parse(p.validTo) > now),
      )
      .sort((a, b) => Date.parse(b.validFrom) - Date.parse(a.validFrom))[0];

  // Changes made in SCAYLE itself (Panel, another integration) announce themselves with product webhooks. Writes of
  // the hub through the Admin API deliver none: a simplification, since the hub ignores the echo of its own writes.

  /**
   * Sets stock in SCAYLE itself, `changedAt` now, and delivers `product-variant-stock-updated` per change, payload
   * `{id, referenceKey, warehouseReferenceKey, quantity, changedAt}`. [A] payload shape.
   */
  const changeStock = async (input: z.input<typeof simStockSchema>['changes']) => {
    const { changes } = simStockSchema.parse({ changes: input });
    const changedAt = new Date().toISOString();
    const applied = changes.map((change) => {
      const stock = { warehouseReferenceKey: change.warehouseReferenceKey, quantity: change.quantity, changedAt };
      setStock(change.sku, stock, 'panel');
      return { id: demoVariantBySku.get(change.sku)?.scayleVariantId, referenceKey: change.sku, ...stock };
    });
    await Promise.all(
      applied.map(({ id: _id, referenceKey, ...stock }) =>
        deliverVariant('product-variant-stock-updated', referenceKey, changedAt, stock),
      ),
    );
    return applied;
  };

  /**
   * Replaces the current price of a currency in SCAYLE itself (adds one valid from now when the currency has none)
   * and delivers one `product-variant-prices-updated` per variant, payload `{id, referenceKey}`: the hub re-reads
   * the prices. [A] payload shape.
   */
  const changePrices = async (input: z.input<typeof simPricesSchema>['changes']) => {
    const { changes } = simPricesSchema.parse({ changes: input });
    const now = Date.now();
    const applied = changes.map((change) => {
      const current = currentPrice(change.sku, change.currencyCode, now);
      const price: VariantPrice = current
        ? { ...current, key: priceKey(change.sku), price: change.price }
        : storePrice(change.sku, { currencyCode: change.currencyCode, price: change.price });
      if (current)
        prices.set(
          change.sku,
          (prices.get(change.sku) ?? []).map((p) => (p === current ? price : p)),
        );
      return { id: demoVariantBySku.get(change.sku)?.scayleVariantId, referenceKey: change.sku, price };
    });
    const occurredAt = new Date(now).toISOString();
    await Promise.all(
      [...new Set(changes.map((c) => c.sku))].map((sku) =>
        deliverVariant('product-variant-prices-updated', sku, occurredAt, {}),
      ),
    );
    return applied;
  };

  const products = addScayleProducts({
    app: sim.app,
    base: BASE,
    authed,
    notFound,
    invalid,
    pricesOf: (sku) => prices.get(sku) ?? [],
    deliverProduct,
    deliverVariant,
  });

  sim.app.post('/_sim/stock', async (c) => {
    const parsed = simStockSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json({ error: 'invalid body', issues: parsed.error.issues }, 400);
    return c.json({ changes: await changeStock(parsed.data.changes) });
  });
  sim.app.post('/_sim/prices', async (c) => {
    const parsed = simPricesSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json({ error: 'invalid body', issues: parsed.error.issues }, 400);
    return c.json({ changes: await changePrices(parsed.data.changes) });
  });
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
    /** The stored order with this public key (any shop), or undefined. */
    orderByPublicKey: (publicKey: string) => orderByPublicKey(publicKey),
    /** Stock of a SKU per warehouse: `{[warehouseReferenceKey]: {quantity, changedAt}}`. */
    stockOf: (sku: string) => Object.fromEntries(stocks.get(sku) ?? new Map()),
    /** Every accepted stock write of a SKU, oldest first. */
    stockHistory: (sku: string): readonly StockWrite[] => [...(stockHistory.get(sku) ?? [])],
    /** The stored prices of a SKU, as `GET /variants/key={sku}/prices` lists them. */
    pricesOf: (sku: string): readonly VariantPrice[] => [...(prices.get(sku) ?? [])],
    /** Stock changed in SCAYLE itself, with its webhook; `POST /_sim/stock`. */
    changeStock,
    /** Prices changed in SCAYLE itself, with their webhooks; `POST /_sim/prices`. */
    changePrices,
    /** A product as `GET /products/key={referenceKey}` returns it now, or undefined. */
    productOf: products.productOf,
    /** Attributes changed in SCAYLE itself, with `product-updated`; `PATCH /_sim/products/{referenceKey}`. */
    updateProduct: products.updateProduct,
    /** A variant deleted in SCAYLE itself, with `product-variant-deleted`; `DELETE /_sim/variants/{referenceKey}`. */
    deleteVariant: products.deleteVariant,
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
