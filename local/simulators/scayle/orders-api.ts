/**
 * The order routes of the Admin API [V reference §1.3, §1.4; SDK `OrderService`, `ShipmentService`,
 * `CancellationService`]: read one order (by id or `key=<referenceKey>`) and its status, list a shop country's orders,
 * create an external order, set the reference key, ship and cancel items.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import type { SimEnv } from '../sim-server';
import { type ApiContext, apiError, invalid, notFound, pageOf, param, parseIdentifier, readJson } from './api';
import {
  buildExternalOrder,
  type ExternalOrderDeps,
  ExternalOrderRefusal,
  externalOrderSchema,
} from './external-orders';
import {
  ERROR_KEYS,
  EXTERNAL_ORDERS,
  ITEM_STATUS,
  ORDER_LIST_TIME_FILTERS,
  ORDER_READS_ANY_SHOP_COUNTRY,
} from './facts';
import { ItemsRefusedError, type OrderBook, type ScayleOrder } from './orders';
import type { ShopDirectory } from './shops';

/** What the order routes need. */
export interface OrdersApiDeps extends ApiContext, ExternalOrderDeps {
  readonly book: OrderBook;
  readonly shops: ShopDirectory;
}

const referenceKeySchema = z.object({ referenceKey: z.string().min(1).max(255) });

/** Items of a shipment or cancellation, by `orderItemId` [V SDK `ShipmentOrderItem`, `CancellationItem`]. */
const fulfilmentItems = z.array(z.object({ orderItemId: z.number().int(), returnKey: z.string().optional() })).min(1);
/** A shop country in a fulfilment body: alpha-2 in either case [O fixtures `de`]. */
const countryCode = z.string().regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166 alpha-2 code such as DE');

/** Body of `POST /fulfillment/shipments` [V SDK `Shipment`, fixture ShipmentCreateRequest.json]. */
const shipmentSchema = z.object({
  shopKey: z.string().min(1),
  countryCode,
  orderId: z.number().int(),
  /**
   * A carrier key [V reference §1.4]. [A] Any key is taken, as before carriers were simulated: carriers are set up
   * before checkout uses them [V scayle.dev checkout-guide carrier configuration], but neither the SDK (no validation
   * in `Shipment.php`) nor scayle.dev's shipments pages say what the Admin API does with a key `GET /carriers` lacks.
   */
  carrier: z.string().min(1),
  deliveryDate: z.iso.datetime({ offset: true }),
  shipmentKey: z.string().min(1),
  returnIdentCode: z.string().optional(),
  merchantReferenceKey: z.string().optional(),
  items: fulfilmentItems,
});

/** Body of `POST /fulfillment/cancellations` [V SDK `Cancellation`: shopKey exactly two characters]. */
const cancellationSchema = z.object({
  shopKey: z.string().length(2),
  countryCode,
  orderId: z.number().int(),
  merchantReferenceKey: z.string().optional(),
  items: fulfilmentItems,
});

/** Registers the order and fulfilment routes. */
export const registerOrdersApi = (deps: OrdersApiDeps): void => {
  const { app, base, authed, book, shops } = deps;
  const orders = `${base}/shops/:shopKey/countries/:countryCode/orders`;
  const shopCountryOf = (c: Context<SimEnv>) => shops.find(param(c, 'shopKey'), param(c, 'countryCode'));
  const orderOf = (identifier: string) => {
    const parsed = parseIdentifier(identifier);
    return parsed && !('other' in parsed) ? book.find(parsed) : undefined;
  };

  /** The order a read names, through any valid shop country [V facts ORDER_READS_ANY_SHOP_COUNTRY]. */
  const read = (c: Context<SimEnv>): ScayleOrder | string => {
    const shopCountry = shopCountryOf(c);
    if (!shopCountry) return 'Shop country not found';
    const order = orderOf(param(c, 'id'));
    return order && (ORDER_READS_ANY_SHOP_COUNTRY || order.shopCountry.id === shopCountry.id)
      ? order
      : 'Order not found';
  };
  app.get(
    `${orders}/:id`,
    authed('getOrder', (c) => {
      const order = read(c);
      return typeof order === 'string' ? notFound(c, order) : c.json(order);
    }),
  );
  app.get(
    `${orders}/:id/status`,
    authed('getOrderStatus', (c) => {
      const order = read(c);
      return typeof order === 'string'
        ? notFound(c, order)
        : c.json({ status: order.status, detailedStatus: order.detailedStatus });
    }),
  );
  app.get(
    orders,
    authed('listOrders', (c) => {
      const shopCountry = shopCountryOf(c);
      if (!shopCountry) return notFound(c, 'Shop country not found');
      const publicKey = c.req.query('filters[publicKey]');
      const since = Object.entries(ORDER_LIST_TIME_FILTERS).flatMap(([name, field]) => {
        const value = c.req.query(name);
        return value === undefined ? [] : [{ field, at: Date.parse(value) }];
      });
      if (since.some((s) => Number.isNaN(s.at))) return invalid(c, 'a time filter must be an ISO-8601 time');
      return pageOf(
        c,
        book
          .all()
          .filter((o) => o.shopCountry.id === shopCountry.id && (publicKey === undefined || o.publicKey === publicKey))
          .filter((o) => since.every((s) => Date.parse(o[s.field] ?? '') >= s.at)),
      );
    }),
  );
  app.post(
    orders,
    authed('createOrder', async (c) => {
      const shopCountry = shopCountryOf(c);
      if (!shopCountry) return notFound(c, 'Shop country not found');
      const parsed = externalOrderSchema.safeParse(await readJson(c));
      if (!parsed.success) return invalid(c, parsed.error);
      try {
        const order = book.add(buildExternalOrder(deps, shopCountry, parsed.data));
        return c.json(order, EXTERNAL_ORDERS.answerStatus);
      } catch (error) {
        if (!(error instanceof ExternalOrderRefusal)) throw error;
        return apiError(c, error.status, error.errorKey, error.message, { field: error.field });
      }
    }),
  );
  // The SDK reads the answer as the order [V SDK `OrderService::updateReferenceKey`, OrderUpdateReferenceKeyResponse].
  app.put(
    `${orders}/:id/reference-key`,
    authed('setOrderReference', async (c) => {
      const order = orderOf(param(c, 'id'));
      if (!order || !book.ofShopCountry(param(c, 'shopKey'), param(c, 'countryCode'), order.id))
        return notFound(c, 'Order not found');
      const parsed = referenceKeySchema.safeParse(await readJson(c));
      if (!parsed.success) return invalid(c, parsed.error);
      order.referenceKey = parsed.data.referenceKey;
      return c.json(order);
    }),
  );

  // [A] The answers of these two are not modelled by the SDK (void): 201 without a body.
  app.post(
    `${base}/fulfillment/shipments`,
    authed('createShipment', async (c) => {
      const parsed = shipmentSchema.safeParse(await readJson(c));
      if (!parsed.success) return invalid(c, parsed.error);
      const { shopKey, countryCode: country, orderId, items, ...shipment } = parsed.data;
      const order = book.ofShopCountry(shopKey, country, orderId);
      if (!order) return notFound(c, 'Order not found');
      try {
        book.ship(order, { ...shipment, itemIds: items.map((i) => i.orderItemId) });
      } catch (error) {
        if (!(error instanceof ItemsRefusedError)) throw error;
        return refused(c, error);
      }
      return c.body(null, 201);
    }),
  );
  app.post(
    `${base}/fulfillment/cancellations`,
    authed('createCancellation', async (c) => {
      const parsed = cancellationSchema.safeParse(await readJson(c));
      if (!parsed.success) return invalid(c, parsed.error);
      const { shopKey, countryCode: country, orderId, items } = parsed.data;
      const order = book.ofShopCountry(shopKey, country, orderId);
      if (!order) return notFound(c, 'Order not found');
      try {
        book.takeOut(
          order,
          items.map((i) => i.orderItemId),
          ITEM_STATUS.fulfilmentCancellation,
        );
      } catch (error) {
        if (!(error instanceof ItemsRefusedError)) throw error;
        return refused(c, error);
      }
      return c.body(null, 201);
    }),
  );
};

const refused = (c: Parameters<typeof invalid>[0], error: ItemsRefusedError) =>
  error.status === 400 ? invalid(c, error.message) : apiError(c, 409, ERROR_KEYS.itemFulfilled, error.message);
