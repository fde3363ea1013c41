/**
 * A SCAYLE Admin API for the local hub, written from SCAYLE's own material (../shared/reference/scayle.md, the
 * Admin API SDK's models and fixtures, scayle.dev's webhook pages): `X-Access-Token` auth, orders with one item per
 * unit in SCAYLE's order shape, cursor paging, the reference key, external order creation, fulfilment, absolute
 * per-warehouse stock with `changedAt`, prices, products, carriers, per-minute scope limits, webhook subscriptions,
 * and webhooks in SCAYLE's envelopes delivered to their subscriptions with Basic credentials. What it takes to be true
 * about SCAYLE lives in ./facts.ts. It imports nothing of the hub (shared/, lib/), so it can disagree with the hub.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { z } from 'zod';
import { type SimEnv, Simulator } from '../sim-server';
import { type ApiContext, apiError, type Handler, readJson } from './api';
import { CarrierDirectory, type CarrierOption } from './carriers';
import {
  ADMIN_API_BASE,
  DEFAULT_SCAYLE_TOKEN,
  DEFAULT_SHOPS,
  DEFAULT_TENANT_KEY,
  DEFAULT_WAREHOUSE_REFERENCE_KEY,
  ERROR_KEYS,
  RATE_LIMITS,
  type ScayleOperation,
  type ShopOption,
  THROTTLED_STATUS,
} from './facts';
import { OrderActivity } from './order-activity';
import { type Channel, type FirstIds, OrderBook, type ScayleOrder } from './orders';
import { registerOrdersApi } from './orders-api';
import { Products } from './products';
import { ShopOrders } from './shop-orders';
import { ShopDirectory } from './shops';
import { type SimPriceChange, type SimStockChange, StockAndPrices } from './stock-and-prices';
import { WebhookSubscriptions, type WebhookTarget } from './subscriptions';
import { type ExtraVariant, VariantDirectory } from './variants';
import { WebhookSender } from './webhooks';

export type { CarrierOption } from './carriers';
export type { Carrier, ItemEvent, ShopOption } from './facts';
export { DEFAULT_SCAYLE_TOKEN } from './facts';
export type { Channel, FirstIds, OrderItem, ScayleOrder } from './orders';
export type { SimOrderInput } from './shop-orders';
export type { BulkRequestResult, StockWrite, VariantPrice } from './stock-and-prices';
export type { SubscriptionFilter, WebhookSubscription, WebhookTarget } from './subscriptions';
export type { ExtraVariant } from './variants';
export type { Delivery } from './webhooks';

/** Options of the SCAYLE simulator. */
export interface ScayleSimulatorOptions {
  /** The Admin API key it accepts; default {@link DEFAULT_SCAYLE_TOKEN}. */
  readonly accessToken?: string;
  /**
   * Subscribes every event to this target (as `setWebhook` does); without it, and without subscriptions made later
   * (`setWebhook`, `POST /_sim/webhooks`, `POST /webhooks/subscriptions`), no webhook is sent.
   */
  readonly webhook?: WebhookTarget;
  /** Seed of the made-up customers and of fault injection. */
  readonly seed?: number;
  /** The tenant's shops; default one shop `ac` (id 1) in DE and GB. */
  readonly shops?: readonly ShopOption[];
  /** The warehouse a stock change made in SCAYLE goes to when it names none; default `WH-MAIN`. */
  readonly warehouseReferenceKey?: string;
  /** `meta.tenantKey` of the admin webhooks; default `acme`. */
  readonly tenantKey?: string;
  /** Channels external orders may name (`channel.key`); default none. */
  readonly channels?: readonly Channel[];
  /** Variants SCAYLE knows besides the demo catalogue's (tests replaying vendor samples). */
  readonly extraVariants?: readonly ExtraVariant[];
  /** The first order and order item ids handed out (tests replaying vendor samples that name ids). */
  readonly firstIds?: FirstIds;
  /** The tenant's carriers (`GET /carriers`); default the SDK fixture's one, `DHL_STD_NATIONAL`. */
  readonly carriers?: readonly CarrierOption[];
  /**
   * Multiplies every per-minute limit's rate (not the minute's budget at once); default 1. The local hub passes its
   * time compression, and the hub's client is told the same (`scayle.rateLimitScale`), so both still agree.
   */
  readonly rateScale?: number;
}

/** Body of `POST /_sim/webhooks`: an http(s) URL, as subscriptions need. */
const webhookTargetSchema = z.object({
  url: z.url({ protocol: /^https?$/ }),
  username: z.string(),
  password: z.string(),
});

/** Builds the SCAYLE simulator (not yet listening; see {@link startScayleSimulator}). */
export const createScayleSimulator = (options: ScayleSimulatorOptions = {}) => {
  const accessToken = options.accessToken ?? DEFAULT_SCAYLE_TOKEN;
  const variants = new VariantDirectory(options.extraVariants);
  const shops = new ShopDirectory(options.shops ?? DEFAULT_SHOPS);
  const subscriptions = new WebhookSubscriptions(options.webhook);
  const webhooks = new WebhookSender(options.tenantKey ?? DEFAULT_TENANT_KEY, subscriptions);
  const carriers = new CarrierDirectory(options.carriers);
  const book = new OrderBook(options.firstIds);

  const sim = new Simulator({
    name: 'scayle',
    seed: options.seed,
    rateLimits: Object.fromEntries(
      Object.entries(RATE_LIMITS).map(([operation, plan]) => [
        operation,
        { ...plan, rate: plan.rate * (options.rateScale ?? 1) },
      ]),
    ) as typeof RATE_LIMITS,
    errors: {
      throttled: (c, operation) => {
        c.header('X-RateLimit-Limit', String(RATE_LIMITS[operation as ScayleOperation]?.burst ?? 0));
        c.header('X-RateLimit-Remaining', '0');
        return apiError(c, THROTTLED_STATUS, ERROR_KEYS.throttled, 'Rate limit exceeded');
      },
      injected: (c, _operation, status) => apiError(c, status as 500, ERROR_KEYS.internal, 'Injected fault'),
    },
    state: () => ({
      orders: book.all(),
      stocks: stock.allStock(),
      deliveries: webhooks.deliveries,
      subscriptions: subscriptions.all(),
      // A count, not the history: a stock run writes thousands; `stockHistory(sku)` has the detail.
      stockWrites: stock.writes,
    }),
    reset: () => {
      book.reset();
      stock.reset();
      products.reset();
      shopOrders.reset();
      webhooks.reset();
      subscriptions.reset();
    },
  });

  const notAuthorised = (c: Context<SimEnv>) =>
    c.req.header('x-access-token') === accessToken
      ? undefined
      : apiError(c, 401, ERROR_KEYS.unauthorized, 'Missing or invalid X-Access-Token');
  const api: ApiContext = {
    app: sim.app,
    base: ADMIN_API_BASE,
    authed: (operation: ScayleOperation, handler: Handler) =>
      sim.operation(operation, (c) => notAuthorised(c) ?? handler(c)),
  };

  const stock = new StockAndPrices({
    ...api,
    variants,
    webhooks,
    warehouseReferenceKey: options.warehouseReferenceKey ?? DEFAULT_WAREHOUSE_REFERENCE_KEY,
  });
  const products = new Products({ ...api, variants, webhooks, pricesOf: (sku) => stock.pricesOf(sku) });
  const shopOrders = new ShopOrders(
    { book, shops, variants, currentPrice: (sku, shopCountry) => stock.orderPrice(sku, shopCountry) },
    options.seed ?? 7,
  );
  const activity = new OrderActivity({ book, shops, variants, shopOrders, webhooks });

  shops.register(api);
  registerOrdersApi({ ...api, book, shops, variants, channels: options.channels ?? [] });
  stock.register();
  products.register();
  activity.register(sim.app);
  subscriptions.register(api);
  carriers.register(api);
  sim.app.post('/_sim/webhooks', async (c) => {
    const parsed = webhookTargetSchema.safeParse(await readJson(c));
    if (!parsed.success) return c.json({ error: 'an http(s) url, username and password are required' }, 400);
    subscriptions.subscribeAll(parsed.data);
    return c.json({ webhook: parsed.data.url });
  });

  return {
    sim,
    /** Shop orders with their `order-confirmed` webhooks; `POST /_sim/orders`. */
    createOrders: (input: Parameters<OrderActivity['createOrders']>[0]) => activity.createOrders(input),
    /** The whole order cancelled in SCAYLE, with its webhook; `POST /_sim/orders/{id}/cancel`. */
    cancelOrder: (...args: Parameters<OrderActivity['cancelOrder']>) => activity.cancelOrder(...args),
    /** Items taken out of an order, with the item event; `POST /_sim/orders/{id}/items/cancel`. */
    cancelItems: (...args: Parameters<OrderActivity['cancelItems']>) => activity.cancelItems(...args),
    /** Every stored order, as `GET …/orders/{id}` returns it. */
    orders: (): ScayleOrder[] => book.all(),
    /** The stored order with this public key (any shop), or undefined. */
    orderByPublicKey: (publicKey: string): ScayleOrder | undefined => book.byPublicKey(publicKey),
    /** Stock of a SKU per warehouse: `{[warehouseReferenceKey]: {quantity, changedAt}}`. */
    stockOf: (sku: string) => stock.stockOf(sku),
    /** Every accepted stock write of a SKU, oldest first. */
    stockHistory: (sku: string) => stock.historyOf(sku),
    /** The stored prices of a SKU, as `GET /variants/key={sku}/prices` lists them. */
    pricesOf: (sku: string) => stock.pricesOf(sku),
    /** Stock changed in SCAYLE itself, with its webhooks; `POST /_sim/stock`. */
    changeStock: (changes: readonly SimStockChange[]) => stock.changeStock(changes),
    /** Prices changed in SCAYLE itself, with their webhooks; `POST /_sim/prices`. */
    changePrices: (changes: readonly SimPriceChange[]) => stock.changePrices(changes),
    /** A product as `GET /products/key={referenceKey}` returns it now, or undefined. */
    productOf: (referenceKey: string) => products.productOf(referenceKey),
    /** Attributes changed in SCAYLE itself, with `product-updated`; `PATCH /_sim/products/{referenceKey}`. */
    updateProduct: (...args: Parameters<Products['updateProduct']>) => products.updateProduct(...args),
    /** A variant deleted in SCAYLE itself, with `product-variant-deleted`; `DELETE /_sim/variants/{referenceKey}`. */
    deleteVariant: (sku: string) => products.deleteVariant(sku),
    /**
     * Subscribes every event the simulator sends to `target`, its credentials in the URL's user info, replacing the
     * subscriptions an earlier call (or the `webhook` option, or `POST /_sim/webhooks`) made; `POST /_sim/webhooks`.
     */
    setWebhook: (target: WebhookTarget) => subscriptions.subscribeAll(target),
    /** Every webhook subscription, oldest first, with its URL in the clear (`GET /webhooks/subscriptions` hides it). */
    subscriptions: () => subscriptions.all(),
    /** The tenant's carriers, as `GET /carriers` lists them. */
    carriers: () => carriers.all(),
    /** A stable hash of the order ids and reference keys, for asserting a run changed nothing. */
    fingerprint: () =>
      createHash('sha256')
        .update(JSON.stringify(book.all().map((o) => [o.id, o.referenceKey])))
        .digest('hex'),
  };
};

/** Starts the SCAYLE simulator on a free loopback port; `apiUrl` is the Admin API base. */
export const startScayleSimulator = async (options: ScayleSimulatorOptions = {}) => {
  const simulator = createScayleSimulator(options);
  const server = await simulator.sim.start();
  return { ...simulator, ...server, apiUrl: `${server.url}${ADMIN_API_BASE}` };
};
