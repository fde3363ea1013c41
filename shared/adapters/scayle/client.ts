import { z } from 'zod';
import { HttpClient, type RetryPolicy } from '../../http/client';
import { RateLimiters, type RatePlan } from '../../http/rate-limiter';
import type { CommerceGateway } from '../../ports';
import type { Clock } from '../../runtime/clock';
import { NotFoundError, UpstreamRejectedError } from '../../runtime/errors';
import { parseWith } from '../../runtime/validation';
import {
  isWithdrawn,
  type ScayleOrder,
  type ScayleOrderCreate,
  type ScayleProduct,
  scayleOrderCreateSchema,
  scayleOrderSchema,
  scayleProductPageSchema,
  scayleProductSchema,
} from '../../schemas/scayle';

/**
 * Stock consumers that may call SCAYLE at once (the stock queue's event source caps its concurrency at this);
 * each takes 1/n of the stock scopes' per-minute limits.
 */
export const SCAYLE_STOCK_WRITERS = 2;

/** The Admin API key (secret `scayle-api`). */
export const scayleCredentialsSchema = z.object({ accessToken: z.string().min(1) });

/**
 * SCAYLE's published limits are per scope per minute (`x-rateLimit` of the Admin API OpenAPI document). The
 * client spreads them evenly (limit/60 per second) with a modest burst, staying well inside the window.
 */
export const SCAYLE_RATE_PLANS: Readonly<Record<string, RatePlan>> = {
  getOrder: { rate: 1000 / 60, burst: 50 },
  listOrders: { rate: 1000 / 60, burst: 50 },
  createOrder: { rate: 300 / 60, burst: 20 },
  setOrderReference: { rate: 300 / 60, burst: 20 },
  createCancellation: { rate: 300 / 60, burst: 20 },
  createShipment: { rate: 300 / 60, burst: 20 },
  getProduct: { rate: 1000 / 60, burst: 50 },
  listProducts: { rate: 1000 / 60, burst: 50 },
  // Stock scopes are shared by every stock consumer running at once, so each takes its share.
  stocksWrite: { rate: 2500 / 60 / SCAYLE_STOCK_WRITERS, burst: 20 },
  stocksRead: { rate: 2500 / 60 / SCAYLE_STOCK_WRITERS, burst: 20 },
  pricesRead: { rate: 2500 / 60 / SCAYLE_STOCK_WRITERS, burst: 20 },
};

/** Operations that SCAYLE limits by a shared scope. [A] a bulk request counts once against its scope. */
const SCAYLE_SCOPES: Readonly<Record<string, string>> = {
  putStock: 'stocksWrite',
  bulkStocks: 'stocksWrite',
  getStock: 'stocksRead',
  getPrices: 'pricesRead',
};

/** Operations per bulk request. [A] SCAYLE publishes no maximum; 1,000 keeps a request well under a megabyte. */
export const SCAYLE_BULK_MAX_OPERATIONS = 1_000;

/** One absolute stock figure for SCAYLE: sellable quantity in a warehouse, with the real change time. */
export interface StockUpdate {
  readonly sku: string;
  readonly warehouseReferenceKey: string;
  readonly quantity: number;
  readonly changedAt: string;
}

/** How one stock update went: sent on its own or in a bulk request, or the error that stopped it. */
export interface StockPushResult {
  readonly sku: string;
  readonly via: 'single' | 'bulk';
  readonly error?: Error;
}

const stocksSchema = z.object({
  entities: z.array(
    z.looseObject({ quantity: z.number().int(), warehouseReferenceKey: z.string(), changedAt: z.string().nullish() }),
  ),
});
const pricesSchema = z.object({
  entities: z.array(
    z.looseObject({
      price: z.number().int(),
      currencyCode: z.string().length(3),
      validFrom: z.string().nullish(),
      validTo: z.string().nullish(),
    }),
  ),
});
const bulkAnswerSchema = z.looseObject({
  id: z.union([z.number(), z.string()]).optional(),
  operations: z
    .array(z.looseObject({ key: z.string(), status: z.string(), message: z.string().optional() }))
    .optional(),
});
const orderListSchema = z.looseObject({ entities: z.array(scayleOrderSchema) });
const orderSummaryPageSchema = z.looseObject({
  entities: z.array(z.looseObject({ id: z.number().int(), confirmedAt: z.string().nullish() })),
  cursor: z.looseObject({ next: z.union([z.string(), z.number()]).nullish() }).nullish(),
});
/** A variant addressed by its reference key, as SCAYLE's SDKs encode it (`key%3DSKU-1`). */
const variantKey = (sku: string) => encodeURIComponent(`key=${sku}`);

/** Settings of the SCAYLE client. */
export interface ScayleClientOptions {
  /** `https://{tenant}-{space}.admin.api.scayle.cloud/api/admin/v1` */
  readonly baseUrl: string;
  readonly credentials: () => Promise<z.output<typeof scayleCredentialsSchema>>;
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  readonly clock?: Clock;
  /** Multiplies every limit's rate (not its burst): SCAYLE raised the tenant's limits; default 1. */
  readonly rateScale?: number;
  /** The merchant whose stock the hub writes, in a multi-merchant tenant; none in a single-merchant one. */
  readonly merchantReferenceKey?: string;
}

const id = (value: string | number) => encodeURIComponent(String(value));

/** The SCAYLE Admin API client behind the `CommerceGateway` port (`X-Access-Token` auth). */
export class ScayleClient implements CommerceGateway {
  readonly #http: HttpClient;
  readonly #limiters: RateLimiters;
  readonly #merchantReferenceKey: string | undefined;

  constructor(options: ScayleClientOptions) {
    this.#merchantReferenceKey = options.merchantReferenceKey;
    const scale = options.rateScale ?? 1;
    const plans = Object.fromEntries(
      Object.entries(SCAYLE_RATE_PLANS).map(([scope, plan]) => [scope, { ...plan, rate: plan.rate * scale }]),
    );
    this.#limiters = new RateLimiters(plans, options.clock, SCAYLE_SCOPES);
    this.#http = new HttpClient({
      peer: 'SCAYLE',
      baseUrl: options.baseUrl,
      timeoutMs: options.timeoutMs ?? 8_000,
      retry: options.retry,
      clock: options.clock,
      limiters: this.#limiters,
      auth: { headers: async () => ({ 'x-access-token': (await options.credentials()).accessToken }) },
    });
  }

  async getOrder(shopKey: string, countryCode: string, orderId: string): Promise<ScayleOrder> {
    const order = await this.findOrder(shopKey, countryCode, orderId);
    if (!order) throw new NotFoundError(`SCAYLE has no order ${orderId} (shop ${shopKey}, country ${countryCode})`);
    return order;
  }

  /** The order (by id, or `key=<referenceKey>`), or undefined when SCAYLE answers 404. */
  async findOrder(shopKey: string, countryCode: string, orderId: string): Promise<ScayleOrder | undefined> {
    const response = await this.#http.send<unknown>({
      operation: 'getOrder',
      method: 'GET',
      path: `shops/${id(shopKey)}/countries/${id(countryCode)}/orders/${id(orderId)}`,
      accept: [404],
    });
    if (response.status === 404) return undefined;
    return parseWith(scayleOrderSchema, response.body, 'SCAYLE order');
  }

  /**
   * Creates an order taken on a marketplace through the Admin API's order create, in SCAYLE's order model (see
   * `scayleOrderCreateSchema` for what is verified and what assumed). The body is validated before it is sent, so a mapping fault is a
   * `ValidationError` naming the field, not a call. Never repeated by the client after SCAYLE may have acted (a
   * timeout or 5xx): the caller looks the order up with `findOrderByPublicKey` before it tries again. A second
   * create of one public key is refused with `UpstreamRejectedError` status 409.
   */
  async createExternalOrder(shopKey: string, countryCode: string, order: ScayleOrderCreate): Promise<ScayleOrder> {
    const body = parseWith(scayleOrderCreateSchema, order, 'SCAYLE order to create');
    const response = await this.#http.send<unknown>({
      operation: 'createOrder',
      method: 'POST',
      path: `shops/${id(shopKey)}/countries/${id(countryCode)}/orders`,
      json: body,
      idempotent: false,
    });
    return parseWith(scayleOrderSchema, response.body, 'SCAYLE order');
  }

  /**
   * The order of a shop with this public key (for an external order, the marketplace's order id), or undefined.
   * [A] SCAYLE filters the list by `filters[publicKey]`; the answer is checked again here, so a filter SCAYLE
   * ignored can never pass another order off as the one asked for.
   */
  async findOrderByPublicKey(
    shopKey: string,
    countryCode: string,
    publicKey: string,
  ): Promise<ScayleOrder | undefined> {
    const response = await this.#http.send<unknown>({
      operation: 'listOrders',
      method: 'GET',
      path: `shops/${id(shopKey)}/countries/${id(countryCode)}/orders`,
      query: { 'filters[publicKey]': publicKey },
    });
    return parseWith(orderListSchema, response.body, 'SCAYLE order list').entities.find(
      (order) => order.publicKey === publicKey,
    );
  }

  /**
   * One page of a shop country's orders updated at or after `since`, read only for what a sweep needs of each: its
   * id and when it was confirmed (list entries may lack other fields [O fixture OrderAllResponse]). `filter` is the
   * tenant's query parameter for the time [A: documented for customers, not orders].
   */
  async listOrdersUpdatedSince(
    shopKey: string,
    countryCode: string,
    query: { readonly filter: string; readonly since: string; readonly cursor?: string; readonly limit?: number },
  ): Promise<{ orders: { id: number; confirmedAt?: string }[]; next?: string }> {
    const response = await this.#http.send<unknown>({
      operation: 'listOrders',
      method: 'GET',
      path: `shops/${id(shopKey)}/countries/${id(countryCode)}/orders`,
      query: {
        [query.filter]: query.since,
        limit: query.limit ?? 100,
        ...(query.cursor ? { cursor: query.cursor } : {}),
      },
    });
    const page = parseWith(orderSummaryPageSchema, response.body, 'SCAYLE order list');
    return {
      orders: page.entities.map((o) => ({ id: o.id, ...(o.confirmedAt ? { confirmedAt: o.confirmedAt } : {}) })),
      ...(page.cursor?.next ? { next: String(page.cursor.next) } : {}),
    };
  }

  /**
   * Tells SCAYLE that these items of an order will not be fulfilled (`POST /fulfillment/cancellations`). SCAYLE
   * refuses with 409 an item already shipped or cancelled [A]; the order is then re-read, and when every item
   * asked for is cancelled the call counts as done. That makes a repeat harmless, so the client may retry it.
   * Otherwise (an item shipped or unknown) the 409 surfaces as `UpstreamRejectedError`.
   */
  async cancelOrderItems(
    shopKey: string,
    countryCode: string,
    orderId: number,
    orderItemIds: readonly number[],
  ): Promise<void> {
    const response = await this.#http.send<unknown>({
      operation: 'createCancellation',
      method: 'POST',
      path: 'fulfillment/cancellations',
      json: { shopKey, countryCode, orderId, items: orderItemIds.map((orderItemId) => ({ orderItemId })) },
      idempotent: true,
      accept: [409],
    });
    if (response.status !== 409) return;
    const order = await this.getOrder(shopKey, countryCode, String(orderId));
    const cancelled = new Set(order.items.filter(isWithdrawn).map((item) => item.id));
    if (orderItemIds.every((itemId) => cancelled.has(itemId))) return;
    throw new UpstreamRejectedError(
      `SCAYLE createCancellation answered 409 for order ${orderId}: ${JSON.stringify(response.body).slice(0, 300)}`,
      409,
      response.body,
    );
  }

  /**
   * Tells SCAYLE one physical package left the warehouse (`POST /fulfillment/shipments`): its carrier key, the
   * tracking number as `shipmentKey` and the order items in it. Not resent by the client: the caller looks the
   * package up on the order first, and SCAYLE refuses an item already in a package with 409 [A].
   */
  async createShipment(shipment: {
    readonly shopKey: string;
    readonly countryCode: string;
    readonly orderId: number;
    readonly carrier: string;
    readonly shipmentKey: string;
    readonly deliveryDate: string;
    readonly orderItemIds: readonly number[];
  }): Promise<void> {
    await this.#http.send({
      operation: 'createShipment',
      method: 'POST',
      path: 'fulfillment/shipments',
      json: {
        shopKey: shipment.shopKey,
        countryCode: shipment.countryCode,
        orderId: shipment.orderId,
        carrier: shipment.carrier,
        deliveryDate: shipment.deliveryDate,
        shipmentKey: shipment.shipmentKey,
        items: shipment.orderItemIds.map((orderItemId) => ({ orderItemId, returnKey: shipment.shipmentKey })),
      },
      idempotent: false,
    });
  }

  /**
   * A product with its variants, by id (a number) or reference key (a string, sent as `key=<referenceKey>`);
   * undefined when SCAYLE has no such product (404).
   */
  async getProduct(identifier: number | string): Promise<ScayleProduct | undefined> {
    const response = await this.#http.send<unknown>({
      operation: 'getProduct',
      method: 'GET',
      path: `products/${id(typeof identifier === 'number' ? identifier : `key=${identifier}`)}`,
      query: { with: 'attributes,variants.attributes,master,categories' },
      accept: [404],
    });
    if (response.status === 404) return undefined;
    return parseWith(scayleProductSchema, response.body, 'SCAYLE product');
  }

  /** One page of products (SCAYLE's cursor pagination); `next` is undefined on the last page. */
  async listProducts(cursor?: string, limit = 100): Promise<{ products: ScayleProduct[]; next?: string }> {
    const response = await this.#http.send<unknown>({
      operation: 'listProducts',
      method: 'GET',
      path: 'products',
      query: { limit, ...(cursor ? { cursor } : {}), with: 'attributes,variants.attributes,master,categories' },
    });
    const page = parseWith(scayleProductPageSchema, response.body, 'SCAYLE product list');
    return { products: page.entities, ...(page.cursor?.next ? { next: page.cursor.next } : {}) };
  }

  async setOrderReference(shopKey: string, countryCode: string, orderId: string, referenceKey: string): Promise<void> {
    await this.#http.send({
      operation: 'setOrderReference',
      method: 'PUT',
      path: `shops/${id(shopKey)}/countries/${id(countryCode)}/orders/${id(orderId)}/reference-key`,
      json: { referenceKey },
    });
  }

  /**
   * Sends absolute stock figures. While the stocksWrite bucket holds a token for each, they go one call each (the
   * quickest path); a burst beyond that goes as bulk requests, one token per request. Figures are absolute, so a
   * resend is harmless.
   */
  async putStocks(updates: readonly StockUpdate[]): Promise<StockPushResult[]> {
    const available = this.#limiters.for('putStock')?.available ?? Number.POSITIVE_INFINITY;
    if (updates.length <= 1 || updates.length <= available) {
      return Promise.all(
        updates.map(async (update): Promise<StockPushResult> => {
          try {
            await this.#http.send({
              operation: 'putStock',
              method: 'POST',
              path: `variants/${variantKey(update.sku)}/stocks`,
              json: stockBody(update, this.#merchantReferenceKey),
              idempotent: true,
            });
            return { sku: update.sku, via: 'single' };
          } catch (error) {
            return { sku: update.sku, via: 'single', error: error as Error };
          }
        }),
      );
    }
    const results: StockPushResult[] = [];
    for (let i = 0; i < updates.length; i += SCAYLE_BULK_MAX_OPERATIONS) {
      results.push(...(await this.#bulk(updates.slice(i, i + SCAYLE_BULK_MAX_OPERATIONS))));
    }
    return results;
  }

  /** SCAYLE's stock of a variant, per warehouse. */
  async getStock(sku: string): Promise<z.output<typeof stocksSchema>['entities']> {
    const response = await this.#http.send<unknown>({
      operation: 'getStock',
      method: 'GET',
      path: `variants/${variantKey(sku)}/stocks`,
    });
    return parseWith(stocksSchema, response.body, 'SCAYLE variant stocks').entities;
  }

  /** The price of a variant in force at `now`, per currency (the one valid from latest when several are). */
  async getCurrentPrices(sku: string, now: number): Promise<Record<string, number>> {
    const response = await this.#http.send<unknown>({
      operation: 'getPrices',
      method: 'GET',
      path: `variants/${variantKey(sku)}/prices`,
    });
    const inForce = parseWith(pricesSchema, response.body, 'SCAYLE variant prices')
      .entities.filter(
        (p) => (!p.validFrom || Date.parse(p.validFrom) <= now) && (!p.validTo || Date.parse(p.validTo) > now),
      )
      .sort((a, b) => Date.parse(a.validFrom ?? '1970-01-01') - Date.parse(b.validFrom ?? '1970-01-01'));
    return Object.fromEntries(inForce.map((p) => [p.currencyCode, p.price]));
  }

  async #bulk(updates: readonly StockUpdate[]): Promise<StockPushResult[]> {
    try {
      const response = await this.#http.send<unknown>({
        operation: 'bulkStocks',
        method: 'POST',
        path: 'variants/stocks/bulk-requests',
        json: {
          operations: updates.map((update) => ({
            key: update.sku,
            method: 'POST',
            url: `/variants/${variantKey(update.sku)}/stocks`,
            body: stockBody(update, this.#merchantReferenceKey),
          })),
        },
        idempotent: true,
      });
      // [A] SCAYLE may process a bulk request later; an answer without per-operation results counts as accepted
      // and the scheduled reconcile checks the figures.
      const failed = new Map(
        (parseWith(bulkAnswerSchema, response.body ?? {}, 'SCAYLE bulk request').operations ?? [])
          .filter((o) => !/^(succeeded|success|completed|done)$/i.test(o.status))
          .map((o) => [o.key, o.message ?? o.status]),
      );
      return updates.map((update) => {
        const reason = failed.get(update.sku);
        return reason === undefined
          ? { sku: update.sku, via: 'bulk' }
          : {
              sku: update.sku,
              via: 'bulk',
              error: new UpstreamRejectedError(`SCAYLE bulk stock operation failed: ${reason}`, 422),
            };
      });
    } catch (error) {
      return updates.map((update) => ({ sku: update.sku, via: 'bulk', error: error as Error }));
    }
  }
}

/**
 * A stock write's body [V reference 1.5]. `merchantReferenceKey` only for a multi-merchant tenant, which must send
 * it [V scayle.dev "Interact with Admin API in Multi-Merchant Setup"].
 */
const stockBody = (update: StockUpdate, merchantReferenceKey: string | undefined) => ({
  ...(merchantReferenceKey ? { merchantReferenceKey } : {}),
  quantity: update.quantity,
  warehouseReferenceKey: update.warehouseReferenceKey,
  changedAt: update.changedAt,
  sellableWithoutStock: false,
});
