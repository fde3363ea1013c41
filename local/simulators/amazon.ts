/**
 * The Amazon Selling Partner API as the local hub meets it: LWA tokens and restricted data tokens, Orders API v0,
 * Listings Items 2021-08-01, JSON_LISTINGS_FEED through Feeds 2021-06-30, settlement reports through Reports
 * 2021-06-30, Product Type Definitions, the Sellers API's marketplace participations and the ORDER_CHANGE
 * notification, each operation with Amazon's usage plan and error shapes, so that the hub's SP-API adapter is
 * exercised against the same rules it meets in production.
 * What the simulator takes to be true about Amazon lives in ./amazon/facts.ts.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { type ApiContext, param } from './amazon/api';
import { type Grant, type LwaCredentials, TokenIssuer } from './amazon/auth';
import { DocumentStore, s3Error } from './amazon/documents';
import { registerDocumentsApi } from './amazon/documents-api';
import {
  CHANGE_REASONS,
  ERRORS,
  MARKETPLACES,
  ORDERS_LAG_MS,
  rateLimitHeader,
  type SpApiOperation,
  USAGE_PLANS,
} from './amazon/facts';
import { FeedStore } from './amazon/feeds';
import { type AddListingsInput, ListingStore } from './amazon/listings';
import { registerListingsApi } from './amazon/listings-api';
import { registerListingsSearchApi } from './amazon/listings-search-api';
import { NotificationStore, registerNotificationsApi, type SqsDestination } from './amazon/notifications-api';
import {
  type CreateOrdersInput,
  createOrdersInputSchema,
  type OrderChange,
  OrderRequestError,
  OrderStore,
  orderChangeNotification,
  orderSummary,
  type SetOrderStatusInput,
  setOrderStatusInputSchema,
} from './amazon/orders';
import { registerOrdersApi } from './amazon/orders-api';
import { type AddReportInput, addReportInputSchema, ReportStore } from './amazon/reports';
import { registerSellersApi } from './amazon/sellers-api';
import { IdSource, readJson, spApiError } from './amazon/support';
import { Simulator } from './sim-server';

/** The LWA app and seller the simulator accepts unless told otherwise. */
export const DEFAULT_LWA_CREDENTIALS: LwaCredentials = {
  clientId: 'amzn1.application-oa2-client.local',
  clientSecret: 'local-secret',
  refreshToken: 'Atzr|local-refresh',
};

/** Options of the SP-API simulator. */
export interface AmazonSimulatorOptions {
  /** Seed of every generated id (orders, items, feeds, reports) and of fault injection; default 42. */
  readonly seed?: number;
  /** Default `A2SELLERDEV`. */
  readonly sellerId?: string;
  /** Default UK and DE. */
  readonly marketplaceIds?: readonly string[];
  /**
   * The marketplaces getMarketplaceParticipations names, in this order; default every marketplace the simulator
   * knows (MARKETPLACES). Independent of `marketplaceIds`, so a seller not participating where the hub sells can be
   * set up.
   */
  readonly participations?: readonly string[];
  readonly lwa?: LwaCredentials;
  /**
   * Receives every ORDER_CHANGE notification Amazon would send, with the SQS queue it would go to: that of the
   * ORDER_CHANGE subscription's destination. Nothing is delivered while there is no subscription (see
   * `orderChangeSubscription` and `subscribeOrderChange`); ORDER_CHANGE cannot be subscribed to an EventBridge
   * destination [V reference §3.8], so the destination is always a queue. The local hub sends it to the queue with
   * that ARN.
   */
  readonly notify?: (notification: unknown, destination: SqsDestination) => Promise<void>;
  /**
   * An ORDER_CHANGE subscription to this queue at start and after every reset, as `subscribeOrderChange` makes it;
   * default none.
   */
  readonly orderChangeSubscription?: SqsDestination;
  /**
   * How far behind now getOrders' upper bound must be; default Amazon's two minutes. The local hub may shorten it
   * so a demo's polling backstop sees orders in seconds.
   */
  readonly ordersLagMs?: number;
  /**
   * Multiplies every usage plan's rate (not its burst); default 1. The local hub passes its time compression, and
   * the hub's SP-API client is told the same (`amazon.usagePlanScale`), so both sides still agree on the limits.
   */
  readonly rateScale?: number;
  /**
   * Which listings the seller has at start and after every reset: `seeded` (default) every demo variant with an
   * Amazon mapping and the legacy SKUs; `none` no listing at all, for a catalogue run in which the hub creates them.
   */
  readonly listings?: ListingsAtStart;
}

/** The listings the SP-API simulator starts with (see `AmazonSimulatorOptions.listings`). */
export type ListingsAtStart = 'seeded' | 'none';

const DEFAULT_MARKETPLACES = ['A1F83G8C2ARO7P', 'A1PA6795UKMFR9'];

/** Seconds of request jitter a time-compressed usage plan tolerates (see `rateScale`). */
const JITTER_ALLOWANCE_S = 0.25;

/** A uuid-shaped id derived from text, for ids that must be stable for a given app (ApplicationId ...). */
const stableUuid = (text: string): string => {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

const controlError = (c: Context, status: number, error: string, issues?: unknown): Response =>
  c.json({ error, ...(issues === undefined ? {} : { issues }) }, status as ContentfulStatusCode);

/** The answer to an injected error in the operation's own dialect: LWA's, S3's or SP-API's. */
const injectedError = (c: Context, operation: string, status: number): Response => {
  if (operation === 'lwaToken') {
    return c.json({ error: 'server_error', error_description: 'Injected fault' }, status as ContentfulStatusCode);
  }
  if (operation === 'uploadFeedDocument' || operation === 'downloadDocument') {
    const code = status === 503 ? 'SlowDown' : status === 403 ? 'AccessDenied' : 'InternalError';
    return c.body(s3Error(code, 'Injected fault'), status as ContentfulStatusCode, {
      'content-type': 'application/xml',
    });
  }
  const known: Record<number, [string, string]> = {
    400: [ERRORS.invalidInput, ERRORS.unparsable],
    403: [ERRORS.unauthorized, ERRORS.unauthorizedMessage],
    404: [ERRORS.notFound, 'The requested resource was not found.'],
    429: [ERRORS.quotaExceeded, ERRORS.quotaExceededMessage],
    503: ['ServiceUnavailable', 'Service temporarily unavailable. Please try again.'],
  };
  const [code, message] = known[status] ?? [ERRORS.internal, ERRORS.internalMessage];
  return spApiError(c, status, code, message);
};

/**
 * Builds the SP-API simulator: the frame (`sim`) with every operation registered, and the control actions as
 * methods for in-process use. Start it with `sim.start()` or use `startAmazonSimulator`.
 */
export const createAmazonSimulator = (options: AmazonSimulatorOptions = {}) => {
  const sellerId = options.sellerId ?? 'A2SELLERDEV';
  const marketplaceIds = [...(options.marketplaceIds ?? DEFAULT_MARKETPLACES)];
  const participations = [...(options.participations ?? Object.keys(MARKETPLACES))];
  const unknown = marketplaceIds.filter((id) => !MARKETPLACES[id]);
  if (marketplaceIds.length === 0 || unknown.length > 0) {
    throw new RangeError(`the SP-API simulator knows no marketplace ${unknown.join(', ') || '(none given)'}`);
  }
  const listingsAtStart = options.listings ?? 'seeded';
  if (listingsAtStart !== 'seeded' && listingsAtStart !== 'none') {
    throw new RangeError(`the SP-API simulator starts with listings 'seeded' or 'none', not '${listingsAtStart}'`);
  }
  const lwa = options.lwa ?? DEFAULT_LWA_CREDENTIALS;
  const applicationId = `amzn1.sellerapps.app.${stableUuid(lwa.clientId)}`;

  // Compressed time scales the rates; the jitter a busy machine adds to requests does not compress. The bucket
  // keeps a quarter second of real time on top of its burst when scaled, so requests a client sent on time but
  // that arrive bunched are not refused, while a client above the rate still is.
  const scale = options.rateScale ?? 1;
  const plans = Object.fromEntries(
    Object.entries(USAGE_PLANS).map(([operation, plan]) => [
      operation,
      {
        ...plan,
        rate: plan.rate * scale,
        burst: scale > 1 ? plan.burst + Math.ceil(plan.rate * scale * JITTER_ALLOWANCE_S) : plan.burst,
      },
    ]),
  ) as typeof USAGE_PLANS;
  const ids = new IdSource(options.seed ?? 42);
  const tokens = new TokenIssuer(lwa);
  const documents = new DocumentStore();
  const listings = new ListingStore(marketplaceIds, ids);
  const orders = new OrderStore(marketplaceIds, ids, listings);
  const feeds = new FeedStore(sellerId, ids, documents, listings);
  const reports = new ReportStore(ids, documents);
  const notifications = new NotificationStore(ids, applicationId);
  const deliveries = { delivered: 0, failed: [] as string[] };

  const reset = () => {
    ids.restart();
    if (listingsAtStart === 'seeded') listings.seed();
    else listings.clear();
    orders.clear();
    documents.clear();
    feeds.clear();
    reports.clear();
    notifications.clear();
    if (options.orderChangeSubscription) notifications.subscribeOrderChange(options.orderChangeSubscription.sqsArn);
    deliveries.delivered = 0;
    deliveries.failed = [];
  };

  const state = () => ({
    sellerId,
    marketplaceIds,
    participations,
    orders: orders.all().map(orderSummary),
    confirmations: Object.fromEntries(
      orders
        .all()
        .filter((order) => order.packages.size > 0)
        .map((order) => [order.amazonOrderId, Object.fromEntries(order.packages)]),
    ),
    listings: listings.state(),
    generatedListings: listings.generatedCount(),
    feeds: feeds.all().map((feed) => feeds.view(feed)),
    reports: reports.all().map((report) => reports.view(report)),
    ...notifications.state(),
    notificationsDelivered: deliveries.delivered,
    notificationFailures: deliveries.failed,
  });

  const sim = new Simulator({
    name: 'amazon',
    rateLimits: plans,
    seed: options.seed,
    state,
    reset,
    errors: {
      throttled: (c, operation) => {
        const plan = plans[operation as SpApiOperation];
        if (plan) c.header('x-amzn-RateLimit-Limit', rateLimitHeader(plan.rate));
        return spApiError(c, 429, ERRORS.quotaExceeded, ERRORS.quotaExceededMessage);
      },
      injected: injectedError,
    },
  });
  const app = sim.app;
  reset();

  /**
   * Delivers a change's ORDER_CHANGE notification to the subscription's queue `duplicates` times with one
   * NotificationId, as an at-least-once queue redelivers. A failing consumer is recorded in the state and rethrown
   * to the caller.
   */
  const deliver = async (change: OrderChange): Promise<void> => {
    const route = notifications.orderChangeRoute();
    if (!change.notify || !options.notify || !route) return;
    const filter = route.subscription.processingDirective?.eventFilter;
    if (filter?.orderChangeTypes && !filter.orderChangeTypes.includes(change.changeType)) return;
    if (filter?.marketplaceIds && !filter.marketplaceIds.includes(change.order.marketplaceId)) return;
    const notification = orderChangeNotification(change, {
      sellerId,
      applicationId,
      subscriptionId: route.subscription.subscriptionId,
      notificationId: randomUUID(),
      changeReason:
        change.changeType === 'BuyerRequestedChange'
          ? CHANGE_REASONS.buyerRequestedCancel
          : CHANGE_REASONS.statusChange,
    });
    for (let i = 0; i < change.duplicates; i++) {
      try {
        await options.notify(structuredClone(notification), route.destination);
      } catch (error) {
        deliveries.failed.push(`${change.order.amazonOrderId}: ${error instanceof Error ? error.message : error}`);
        throw error;
      }
      deliveries.delivered++;
    }
  };

  const createOrders = async (input: CreateOrdersInput) => {
    const changes = orders.create(createOrdersInputSchema.parse(input));
    for (const change of changes) await deliver(change);
    return changes.map((change) => orderSummary(change.order));
  };

  const setOrderStatus = async (amazonOrderId: string, input: SetOrderStatusInput) => {
    const change = orders.setStatus(amazonOrderId, setOrderStatusInputSchema.parse(input));
    await deliver(change);
    return orderSummary(change.order);
  };

  const addReport = (input: AddReportInput) => reports.add(addReportInputSchema.parse(input));

  const addListings = (input: AddListingsInput) => ({ added: listings.addListings(input) });

  const api: ApiContext = {
    app,
    sellerId,
    marketplaceIds,
    ids,
    operation: (name, handler) => sim.operation(name, handler),
    /**
     * Every answer carries the operation's rate; the token is checked before the usage plan is charged, since
     * Amazon refuses unauthenticated calls at its gateway; then the frame applies rate limit and faults.
     */
    route: (method, path, operation, access, handler) => {
      const grants = new WeakMap<Request, Grant>();
      const run = sim.operation(operation, (c) => handler(c, grants.get(c.req.raw) as Grant));
      app.on(method, path, (c) => {
        c.header('x-amzn-RateLimit-Limit', rateLimitHeader(plans[operation].rate));
        c.header('x-amzn-RequestId', randomUUID());
        const grant = tokens.admit(c.req.header('x-amz-access-token'), access, c.req.method, c.req.path);
        if (!grant) return spApiError(c, 403, ERRORS.unauthorized, ERRORS.unauthorizedMessage);
        grants.set(c.req.raw, grant);
        feeds.advance();
        reports.advance();
        return run(c);
      });
    },
  };

  app.post(
    '/auth/o2/token',
    sim.operation('lwaToken', async (c) => {
      const isJson = c.req.header('content-type')?.includes('json') ?? false;
      const raw = isJson ? await readJson(c) : await c.req.parseBody().catch(() => undefined);
      const params = Object.fromEntries(
        Object.entries((raw ?? {}) as Record<string, unknown>).map(([key, value]) => [key, String(value)]),
      );
      const result = tokens.exchange(params);
      return c.json(result.body, result.ok ? 200 : 400);
    }),
  );
  registerOrdersApi(api, { tokens, orders, lagMs: options.ordersLagMs ?? ORDERS_LAG_MS, deliver });
  registerListingsApi(api, listings);
  registerListingsSearchApi(api, listings);
  registerDocumentsApi(api, { documents, feeds, reports });
  registerNotificationsApi(api, notifications);
  registerSellersApi(api, participations);

  /** Runs a control action: bad input answers 400 with the issues, an impossible request its own status. */
  const control = async (c: Context, action: () => Promise<unknown> | unknown): Promise<Response> => {
    try {
      return c.json((await action()) as object);
    } catch (error) {
      if (error instanceof z.ZodError) return controlError(c, 400, 'invalid request', error.issues);
      if (error instanceof OrderRequestError) return controlError(c, error.status, error.message);
      if (error instanceof RangeError) return controlError(c, 400, error.message);
      throw error;
    }
  };
  app.post('/_sim/orders', (c) =>
    control(c, async () => ({ orders: await createOrders((await readJson(c)) as CreateOrdersInput) })),
  );
  app.post('/_sim/orders/:id/status', (c) =>
    control(c, async () => setOrderStatus(param(c, 'id'), (await readJson(c)) as SetOrderStatusInput)),
  );
  app.post('/_sim/reports', (c) => control(c, async () => addReport((await readJson(c)) as AddReportInput)));
  app.post('/_sim/listings', (c) => control(c, async () => addListings((await readJson(c)) as AddListingsInput)));
  app.get('/_sim/listings/:sku', (c) => {
    const offers = listings.offers(param(c, 'sku'));
    return offers ? c.json(offers) : controlError(c, 404, `no listing for SKU ${param(c, 'sku')}`);
  });

  app.notFound((c) => spApiError(c, 404, ERRORS.notFound, `No resource at ${c.req.method} ${c.req.path}.`));
  app.onError((error, c) => spApiError(c, 500, ERRORS.internal, ERRORS.internalMessage, error.message));

  return {
    sim,
    sellerId,
    marketplaceIds,
    participations,
    lwa,
    /**
     * A new access token of the app, as LWA's refresh-token (`seller`, the default) or client-credentials
     * (`grantless`) grant hands it out; for tests of an operation rather than of LWA.
     */
    accessToken: (kind: 'seller' | 'grantless' = 'seller') => tokens.issue(kind),
    /**
     * Subscribes ORDER_CHANGE to the queue `sqsArn` as a seller's setup through the Notifications API would (its
     * destination, reused if the ARN has one, and a new subscription in place of any other), and answers both as
     * getDestinations and getSubscription show them. Called again with another queue's ARN it re-points delivery
     * there: a mis-set destination for a test. A reset forgets it (`orderChangeSubscription` survives resets).
     */
    subscribeOrderChange: (sqsArn: string) => notifications.subscribeOrderChange(sqsArn),
    /** Creates orders (and delivers their ORDER_CHANGE unless `notify: false`); `POST /_sim/orders`. */
    createOrders,
    /** Moves an order or records a buyer's cancel request; `POST /_sim/orders/{id}/status`. */
    setOrderStatus,
    /** Adds a DONE report (a settlement by default) with the given document; `POST /_sim/reports`. */
    addReport,
    /** Adds SHIRT listings in every marketplace, named or generated; `POST /_sim/listings`. */
    addListings,
    /** Quantity, price and last change per marketplace of one SKU; `GET /_sim/listings/{sku}`. */
    listing: (sku: string) => listings.offers(sku),
    /** Deletes a listing in the marketplaces given (all by default), as a seller would in Seller Central. */
    deleteListing: (sku: string, marketplaces: readonly string[] = marketplaceIds) =>
      listings.delete(sku, marketplaces).status === 'ACCEPTED',
    /** A listing as getListingsItem shows it (e.g. attributes, relationships, productTypes), or undefined. */
    listingView: (sku: string, includedData: readonly string[], marketplaces: readonly string[] = marketplaceIds) =>
      listings.view(sku, marketplaces, includedData) as Record<string, unknown> | undefined,
    /**
     * Orders, confirmations, listings (generated ones only counted), feeds, reports and notification setup;
     * `GET /_sim/state`.
     */
    state,
  };
};

/** The simulator with its helpers, as `createAmazonSimulator` returns it. */
export type AmazonSimulator = ReturnType<typeof createAmazonSimulator>;

/** Creates the SP-API simulator and listens on 127.0.0.1 (a free port unless `port` is given). */
export const startAmazonSimulator = async (options: AmazonSimulatorOptions & { readonly port?: number } = {}) => {
  const simulator = createAmazonSimulator(options);
  const server = await simulator.sim.start(options.port);
  return { ...simulator, ...server };
};
