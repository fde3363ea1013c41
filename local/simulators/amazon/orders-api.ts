/**
 * Orders API v0 and the Tokens API's restricted data tokens: getOrders with Amazon's filter rules and NextToken
 * paging, getOrder, getOrderItems, getOrderAddress (PII only through an RDT) and confirmShipment.
 */
import type { Context } from 'hono';
import { type ApiContext, marketplaceProblem, param } from './api';
import { type Grant, releases, restrictedDataTokenBodySchema, type TokenIssuer } from './auth';
import { ERRORS, ORDER_STATUSES } from './facts';
import {
  confirmShipmentBodySchema,
  ORDER_ID_PATTERN,
  type OrderChange,
  OrderRequestError,
  type OrderStore,
  orderAddressView,
  orderItemsView,
  orderView,
  type SimOrder,
} from './orders';
import { describeIssues, invalidInput, isoDateSchema, isoSeconds, queryList, readJson, spApiError } from './support';

/** What the Orders API needs besides the shared context. */
export interface OrdersApiDeps {
  readonly tokens: TokenIssuer;
  readonly orders: OrderStore;
  /** How far behind now getOrders' upper bound must be. */
  readonly lagMs: number;
  /** Sends the ORDER_CHANGE notification of a change. */
  readonly deliver: (change: OrderChange) => Promise<void>;
}

/** The PII an RDT released for this call. */
const piiOf = (c: Context, grant: Grant) => ({
  address: releases(grant, c.req.method, c.req.path, 'shippingAddress'),
  buyerInfo: releases(grant, c.req.method, c.req.path, 'buyerInfo'),
});

/** The parameters that define a search (all but the paging ones), lists normalized for comparison. */
const filtersOf = (c: Context): Record<string, string> =>
  Object.fromEntries(
    Object.keys(c.req.queries())
      .filter((key) => key !== 'NextToken' && key !== 'MaxResultsPerPage')
      .map((key) => [key, (queryList(c, key) ?? []).join(',')]),
  );

/** Registers the Tokens and Orders API operations. */
export const registerOrdersApi = (api: ApiContext, { tokens, orders, lagMs, deliver }: OrdersApiDeps): void => {
  const { route } = api;

  route('POST', '/tokens/2021-03-01/restrictedDataToken', 'createRestrictedDataToken', 'seller', async (c) => {
    const body = restrictedDataTokenBodySchema.safeParse(await readJson(c));
    if (!body.success) return invalidInput(c, describeIssues(body.error));
    return c.json(tokens.issueRestrictedDataToken(body.data.restrictedResources));
  });

  route('GET', '/orders/v0/orders', 'getOrders', 'restricted', (c, grant) => {
    const marketplaces = queryList(c, 'MarketplaceIds');
    const problem = marketplaceProblem(api, marketplaces, 50);
    if (problem) return invalidInput(c, problem.replace('marketplaceIds', 'MarketplaceIds'));
    const maxText = c.req.query('MaxResultsPerPage') ?? '100';
    const max = Number(maxText);
    if (!/^\d+$/.test(maxText) || max < 1 || max > 100) {
      return invalidInput(c, 'MaxResultsPerPage must be an integer from 1 to 100.');
    }
    const answer = (found: readonly SimOrder[], filters: Record<string, string>, bound: readonly [string, string]) => {
      const nextToken =
        found.length > max
          ? orders.savePage({ remaining: found.slice(max).map((o) => o.amazonOrderId), filters, bound })
          : undefined;
      return c.json({
        payload: {
          Orders: found.slice(0, max).map((order) => orderView(order, piiOf(c, grant))),
          ...(nextToken ? { NextToken: nextToken } : {}),
          [bound[0]]: bound[1],
        },
      });
    };

    const filters = filtersOf(c);
    const nextToken = c.req.query('NextToken');
    if (nextToken !== undefined) {
      const page = orders.page(nextToken);
      if (!page) return invalidInput(c, 'Invalid NextToken.');
      // A continuation stands for the first request: filters it repeats must be the same.
      const changed = Object.keys(filters).filter((key) => page.filters[key] !== filters[key]);
      if (changed.length > 0) return invalidInput(c, `NextToken was issued for other values of ${changed.join(', ')}.`);
      return answer(
        page.remaining.flatMap((id) => orders.get(id) ?? []),
        page.filters,
        page.bound,
      );
    }

    const dates: Record<string, number> = {};
    for (const key of ['CreatedAfter', 'CreatedBefore', 'LastUpdatedAfter', 'LastUpdatedBefore']) {
      const value = c.req.query(key);
      if (value === undefined) continue;
      if (!isoDateSchema.safeParse(value).success) return invalidInput(c, `${key} must be an ISO-8601 date-time.`);
      dates[key] = Date.parse(value);
    }
    const created = dates.CreatedAfter !== undefined;
    if (created === (dates.LastUpdatedAfter !== undefined)) {
      return invalidInput(c, 'Exactly one of CreatedAfter and LastUpdatedAfter is required.');
    }
    if (dates[created ? 'LastUpdatedBefore' : 'CreatedBefore'] !== undefined) {
      return invalidInput(c, 'LastUpdatedAfter/LastUpdatedBefore cannot be combined with CreatedAfter/CreatedBefore.');
    }
    const [afterKey, beforeKey] = created
      ? ['CreatedAfter', 'CreatedBefore']
      : ['LastUpdatedAfter', 'LastUpdatedBefore'];
    const after = dates[afterKey] ?? 0;
    const latest = Date.now() - lagMs;
    // The default bound is whole seconds, as echoed, so that a poller resuming from it misses nothing.
    const before = dates[beforeKey] ?? Math.floor(latest / 1000) * 1000;
    if (before > latest) {
      return invalidInput(c, `${beforeKey} must be at least ${Math.round(lagMs / 1000)} seconds before now.`);
    }
    if (after > before) {
      return invalidInput(c, `${afterKey} must not be later than ${beforeKey} (${isoSeconds(before)}).`);
    }

    const statuses = queryList(c, 'OrderStatuses');
    const badStatus = statuses?.find((s) => !(ORDER_STATUSES as readonly string[]).includes(s));
    if (badStatus) return invalidInput(c, `Invalid OrderStatuses value ${badStatus}.`);
    const channels = queryList(c, 'FulfillmentChannels');
    const badChannel = channels?.find((s) => s !== 'AFN' && s !== 'MFN');
    if (badChannel) return invalidInput(c, `Invalid FulfillmentChannels value ${badChannel}.`);
    const orderIds = queryList(c, 'AmazonOrderIds');
    if (orderIds && (orderIds.length > 50 || orderIds.some((id) => !ORDER_ID_PATTERN.test(id)))) {
      return invalidInput(c, 'AmazonOrderIds takes at most 50 ids in 3-7-7 format.');
    }
    const found = orders.search({
      marketplaceIds: marketplaces ?? [],
      dateField: created ? 'created' : 'updated',
      after,
      before,
      statuses,
      fulfillmentChannels: channels,
      amazonOrderIds: orderIds,
    });
    return answer(found, filters, [beforeKey, isoSeconds(before)]);
  });

  /** The order a path names, or the error answer: 400 for a malformed id, 404 for an unknown one. */
  const orderOf = (c: Context): SimOrder | Response => {
    const orderId = param(c, 'orderId');
    if (!ORDER_ID_PATTERN.test(orderId)) return invalidInput(c, `Invalid orderId ${orderId}: expected 3-7-7 format.`);
    return orders.get(orderId) ?? spApiError(c, 404, ERRORS.notFound, `Order ${orderId} not found.`);
  };

  route('GET', '/orders/v0/orders/:orderId', 'getOrder', 'restricted', (c, grant) => {
    const order = orderOf(c);
    return order instanceof Response ? order : c.json({ payload: orderView(order, piiOf(c, grant)) });
  });

  route('GET', '/orders/v0/orders/:orderId/orderItems', 'getOrderItems', 'restricted', (c) => {
    const order = orderOf(c);
    if (order instanceof Response) return order;
    return c.json({ payload: { AmazonOrderId: order.amazonOrderId, OrderItems: orderItemsView(order) } });
  });

  route('GET', '/orders/v0/orders/:orderId/address', 'getOrderAddress', 'restricted', (c, grant) => {
    const order = orderOf(c);
    return order instanceof Response ? order : c.json({ payload: orderAddressView(order, grant.kind === 'rdt') });
  });

  route('POST', '/orders/v0/orders/:orderId/shipmentConfirmation', 'confirmShipment', 'seller', async (c) => {
    const order = orderOf(c);
    if (order instanceof Response) return order;
    const rejected = (message: string) => spApiError(c, 400, ERRORS.confirmShipmentInvalid, message);
    const body = confirmShipmentBodySchema.safeParse(await readJson(c));
    if (!body.success) return rejected(describeIssues(body.error));
    let change: OrderChange | undefined;
    try {
      change = orders.confirmShipment(order.amazonOrderId, body.data);
    } catch (error) {
      if (error instanceof OrderRequestError) return rejected(error.message);
      throw error;
    }
    // Amazon's notification travels apart from the API answer: a failing consumer (counted in the state) must not
    // fail the call.
    if (change) await deliver(change).catch(() => undefined);
    return c.body(null, 204);
  });
};
