import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { type AuthProvider, HttpClient, type RetryPolicy } from '../../http/client';
import { RateLimiters, type RatePlan } from '../../http/rate-limiter';
import type { Clock } from '../../runtime/clock';
import { systemClock } from '../../runtime/clock';
import { UpstreamRejectedError } from '../../runtime/errors';
import { parseWith } from '../../runtime/validation';
import {
  type AmazonOrder,
  type AmazonOrderItem,
  getOrderItemsResponseSchema,
  getOrderResponseSchema,
  getOrdersResponseSchema,
  restrictedDataTokenSchema,
} from '../../schemas/amazon-orders';
import type { AmazonConfirmationMessage } from '../../schemas/queue-messages';

/** The SP-API app's LWA credentials (secret `amazon-lwa`). */
export const lwaCredentialsSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  refreshToken: z.string().min(1),
});

/**
 * SP-API default usage plans (reference amazon-sp-api.md §3.2), per operation: requests per second and burst.
 * A 429's `x-amzn-RateLimit-Limit` lowers an operation's rate to what Amazon applies to this seller.
 */
export const SP_API_RATE_PLANS: Readonly<Record<string, RatePlan>> = {
  getOrders: { rate: 0.0167, burst: 20 },
  getOrder: { rate: 0.5, burst: 30 },
  getOrderItems: { rate: 0.5, burst: 30 },
  confirmShipment: { rate: 2, burst: 10 },
  // 5% under Amazon's 5/s: a request that leaves on time but arrives late must never tip Amazon's bucket into a 429.
  patchListingsItem: { rate: 4.75, burst: 5 },
  putListingsItem: { rate: 5, burst: 10 },
  getListingsItem: { rate: 5, burst: 10 },
  deleteListingsItem: { rate: 5, burst: 5 },
  getDefinitionsProductType: { rate: 5, burst: 10 },
  createFeedDocument: { rate: 0.5, burst: 15 },
  createFeed: { rate: 0.0083, burst: 15 },
  getFeed: { rate: 2, burst: 15 },
  getFeedDocument: { rate: 0.0222, burst: 10 },
  getReports: { rate: 0.0222, burst: 10 },
  getReport: { rate: 2, burst: 15 },
  getReportDocument: { rate: 0.0167, burst: 15 },
  createRestrictedDataToken: { rate: 1, burst: 10 },
};

/** The settlement report type the hub reads: Amazon generates it per settlement period; it cannot be requested. */
export const SETTLEMENT_REPORT_TYPE = 'GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2';

const reportSchema = z.looseObject({
  reportId: z.string(),
  reportType: z.string(),
  processingStatus: z.string(),
  createdTime: z.string(),
  reportDocumentId: z.string().optional(),
});
const reportsPageSchema = z.object({ reports: z.array(reportSchema), nextToken: z.string().optional() });
const reportDocumentSchema = z.object({
  reportDocumentId: z.string(),
  url: z.url(),
  compressionAlgorithm: z.literal('GZIP').optional(),
});
const lwaTokenSchema = z.looseObject({ access_token: z.string().min(1), expires_in: z.number().positive() });

const listingsSubmissionSchema = z.looseObject({
  sku: z.string(),
  status: z.enum(['ACCEPTED', 'INVALID', 'VALID']),
  submissionId: z.string().optional(),
  issues: z.array(z.looseObject({ code: z.string(), message: z.string(), severity: z.string() })).default([]),
});
const feedDocumentSchema = z.object({ feedDocumentId: z.string(), url: z.url() });
const feedResultSchema = feedDocumentSchema.extend({ compressionAlgorithm: z.literal('GZIP').optional() });
const feedSchema = z.looseObject({
  feedId: z.string(),
  processingStatus: z.enum(['IN_QUEUE', 'IN_PROGRESS', 'DONE', 'CANCELLED', 'FATAL']),
  resultFeedDocumentId: z.string().optional(),
});
const processingReportSchema = z.looseObject({
  issues: z
    .array(
      z.looseObject({
        messageId: z.number().int().optional(),
        code: z.string(),
        severity: z.string(),
        message: z.string(),
      }),
    )
    .default([]),
});

/** Amazon's answer to a listings submission. */
export type ListingsSubmission = z.output<typeof listingsSubmissionSchema>;

/** A feed's processing state. */
export type FeedState = z.output<typeof feedSchema>;

/** One issue of a feed processing report; `messageId` names the feed message it is about. */
export type FeedIssue = z.output<typeof processingReportSchema>['issues'][number];

const listingsItemSchema = z.looseObject({
  sku: z.string(),
  summaries: z.array(z.looseObject({ marketplaceId: z.string(), productType: z.string().optional() })).default([]),
  attributes: z.record(z.string(), z.array(z.unknown())).optional(),
  issues: z.array(z.looseObject({ code: z.string(), message: z.string(), severity: z.string() })).optional(),
});
const productTypeDefinitionSchema = z.looseObject({
  productType: z.string(),
  schema: z.looseObject({ link: z.looseObject({ resource: z.url(), verb: z.string() }), checksum: z.string() }),
});

/** A listing as getListingsItem returns it (the sections asked for). */
export type ListingsItem = z.output<typeof listingsItemSchema>;

/** What putListingsItem sends: a product type, what must be complete, and every attribute. */
export interface ListingsItemBody {
  readonly productType: string;
  readonly requirements: 'LISTING' | 'LISTING_PRODUCT_ONLY' | 'LISTING_OFFER_ONLY';
  readonly attributes: Readonly<Record<string, readonly unknown[]>>;
}

/** Whether a submission only validates (VALIDATION_PREVIEW: Amazon checks it and changes nothing). */
export interface SubmitOptions {
  readonly preview?: boolean;
}

/** One JSON Patch operation of a listings submission. */
export interface ListingPatch {
  readonly op: 'add' | 'replace' | 'delete';
  readonly path: string;
  readonly value?: readonly unknown[];
}

/** The product type Amazon takes for offer-only submissions (quantity and price), whatever the listing's type. */
export const OFFER_ONLY_PRODUCT_TYPE = 'PRODUCT';

const listingPath = (sellerId: string, sku: string) =>
  `listings/2021-08-01/items/${encodeURIComponent(sellerId)}/${encodeURIComponent(sku)}`;
const previewQuery = (options: SubmitOptions) => (options.preview ? { mode: ['VALIDATION_PREVIEW'] } : {});

/** The feed type for listings updates in bulk (up to 25,000 messages a feed). */
export const LISTINGS_FEED_TYPE = 'JSON_LISTINGS_FEED';

/** A getOrders search by last update; `nextToken` continues an earlier search with the same values. */
export interface GetOrdersQuery {
  readonly marketplaceIds: readonly string[];
  /** ISO-8601. */
  readonly lastUpdatedAfter: string;
  /** ISO-8601, at least two minutes before now; Amazon takes now minus two minutes when absent. */
  readonly lastUpdatedBefore?: string;
  readonly nextToken?: string;
}

/** One page of getOrders. */
export interface OrdersPage {
  readonly orders: AmazonOrder[];
  readonly nextToken?: string;
  /** The upper bound Amazon searched to, as it echoes it: the checkpoint to resume from once the last page is read. */
  readonly lastUpdatedBefore?: string;
}

/** A report as getReports lists it. */
export type SpApiReport = z.output<typeof reportSchema>;

/** Settings of the SP-API client. */
export interface SpApiClientOptions {
  /** Regional endpoint, e.g. `https://sellingpartnerapi-eu.amazon.com`. */
  readonly endpoint: string;
  /** LWA token endpoint, `https://api.amazon.com/auth/o2/token`. */
  readonly tokenUrl: string;
  readonly credentials: () => Promise<z.output<typeof lwaCredentialsSchema>>;
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  readonly clock?: Clock;
  /**
   * Multiplies every usage plan's rate; default 1. For a seller whose plans Amazon raised, and for the local hub,
   * whose simulator runs its time (and so its limits) faster.
   */
  readonly rateScale?: number;
  /**
   * The part of each usage plan (rate and burst) this client may use, when several containers of one function
   * call Amazon at once, e.g. 0.5 for a consumer that runs at most two at a time; default 1.
   */
  readonly share?: number;
}

/** LWA: the refresh token buys an access token for an hour; it is re-bought a minute early, or on a 401/403. */
class LwaAuth implements AuthProvider {
  #token: Promise<{ value: string; expiresAt: number }> | undefined;

  constructor(
    private readonly http: HttpClient,
    private readonly options: SpApiClientOptions,
    private readonly clock: Clock,
  ) {}

  async headers(): Promise<Record<string, string>> {
    const current = await this.#token?.catch(() => undefined);
    if (!current || current.expiresAt <= this.clock.now()) {
      this.#token = this.#mint();
      this.#token.catch(() => {
        this.#token = undefined;
      });
    }
    return { 'x-amz-access-token': (await (this.#token as Promise<{ value: string }>)).value };
  }

  invalidate(): void {
    this.#token = undefined;
  }

  async #mint(): Promise<{ value: string; expiresAt: number }> {
    const { clientId, clientSecret, refreshToken } = await this.options.credentials();
    const response = await this.http.send<unknown>({
      operation: 'lwaToken',
      method: 'POST',
      path: this.options.tokenUrl,
      form: {
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: clientId,
        client_secret: clientSecret,
      },
      anonymous: true,
      // Buying a token twice is harmless.
      idempotent: true,
    });
    const token = parseWith(lwaTokenSchema, response.body, 'LWA token');
    return { value: token.access_token, expiresAt: this.clock.now() + (token.expires_in - 60) * 1000 };
  }
}

/** Decodes a downloaded document with the charset its Content-Type names (UTF-8 when it names none). */
export const decodeDocument = (bytes: Uint8Array, contentType: string | null, gzip: boolean): string => {
  const charset =
    /charset=([^;]+)/i
      .exec(contentType ?? '')?.[1]
      ?.trim()
      .replace(/^"|"$/g, '') ?? 'utf-8';
  return new TextDecoder(charset).decode(gzip ? gunzipSync(bytes) : bytes);
};

/**
 * The Selling Partner API client: LWA access tokens in `x-amz-access-token` (no SigV4 since 2023), a token
 * bucket per operation at Amazon's usage plan, the Orders reads the Amazon order loop needs and the report calls the
 * settlement loop needs.
 */
export class SpApiClient {
  readonly #http: HttpClient;
  readonly #limiters: RateLimiters;

  constructor(options: SpApiClientOptions) {
    const clock = options.clock ?? systemClock;
    const scale = options.rateScale ?? 1;
    const share = options.share ?? 1;
    this.#limiters = new RateLimiters(
      Object.fromEntries(
        Object.entries(SP_API_RATE_PLANS).map(([operation, plan]) => [
          operation,
          { rate: plan.rate * scale * share, burst: Math.max(1, Math.floor(plan.burst * share)) },
        ]),
      ),
      clock,
    );
    const base = {
      peer: 'SP-API',
      baseUrl: options.endpoint,
      timeoutMs: options.timeoutMs ?? 10_000,
      retry: options.retry,
      clock,
    };
    this.#http = new HttpClient({
      ...base,
      auth: new LwaAuth(new HttpClient(base), options, clock),
      limiters: this.#limiters,
      rateLimitHeader: 'x-amzn-ratelimit-limit',
      // Amazon names the seller's whole rate; this client uses its share of it, 5% under, as the patch plan does:
      // a request that leaves on time but arrives late must never tip Amazon's bucket into a 429.
      rateLimitShare: share * 0.95,
    });
  }

  /** One page of getOrders: orders last updated in the window, up to 100 a page. */
  async getOrders(query: GetOrdersQuery): Promise<OrdersPage> {
    const response = await this.#http.send<unknown>({
      operation: 'getOrders',
      method: 'GET',
      path: 'orders/v0/orders',
      // A continuation repeats the first request's values: Amazon still needs MarketplaceIds with a NextToken.
      query: {
        MarketplaceIds: query.marketplaceIds,
        LastUpdatedAfter: query.lastUpdatedAfter,
        LastUpdatedBefore: query.lastUpdatedBefore,
        MaxResultsPerPage: 100,
        NextToken: query.nextToken,
      },
    });
    const { payload } = parseWith(getOrdersResponseSchema, response.body, 'getOrders answer');
    return { orders: payload.Orders, nextToken: payload.NextToken, lastUpdatedBefore: payload.LastUpdatedBefore };
  }

  /**
   * getOrder. With `pii` the call is made with a restricted data token for this one order, so the answer carries
   * ShippingAddress and BuyerInfo (Amazon shows the address only once an order is Unshipped or later).
   */
  async getOrder(amazonOrderId: string, options: { readonly pii: boolean }): Promise<AmazonOrder> {
    // Absolute: the RDT must name exactly the path it is used on.
    const path = `/orders/v0/orders/${encodeURIComponent(amazonOrderId)}`;
    const token = options.pii
      ? await this.#restrictedDataToken({ method: 'GET', path, dataElements: ['shippingAddress', 'buyerInfo'] })
      : undefined;
    const response = await this.#http.send<unknown>({
      operation: 'getOrder',
      method: 'GET',
      path,
      // The RDT stands in for the LWA token on this call only.
      headers: token ? { 'x-amz-access-token': token } : undefined,
    });
    return parseWith(getOrderResponseSchema, response.body, 'getOrder answer').payload;
  }

  /**
   * confirmShipment for one package (reference §3.4): 204 on success. Re-sending the same `packageReferenceId`
   * edits that package rather than adding one, so a repeat is harmless and the client may retry it.
   * @throws UpstreamRejectedError with Amazon's errors on a 400 (e.g. an unknown carrier code or order item).
   */
  async confirmShipment(
    amazonOrderId: string,
    confirmation: Omit<AmazonConfirmationMessage, 'despatchId' | 'amazonOrderId'>,
  ): Promise<void> {
    const { marketplaceId, ...packageDetail } = confirmation;
    await this.#http.send({
      operation: 'confirmShipment',
      method: 'POST',
      path: `orders/v0/orders/${encodeURIComponent(amazonOrderId)}/shipmentConfirmation`,
      json: { marketplaceId, packageDetail },
      idempotent: true,
    });
  }

  /** Every item of an order, following NextToken. */
  async getOrderItems(amazonOrderId: string): Promise<AmazonOrderItem[]> {
    const items: AmazonOrderItem[] = [];
    let nextToken: string | undefined;
    do {
      const response = await this.#http.send<unknown>({
        operation: 'getOrderItems',
        method: 'GET',
        path: `orders/v0/orders/${encodeURIComponent(amazonOrderId)}/orderItems`,
        query: { NextToken: nextToken },
      });
      const { payload } = parseWith(getOrderItemsResponseSchema, response.body, 'getOrderItems answer');
      items.push(...payload.OrderItems);
      nextToken = payload.NextToken;
    } while (nextToken);
    return items;
  }

  /** Every settlement report created since `createdSince` that Amazon has finished, following `nextToken`. */
  async listSettlementReports(createdSince: Date): Promise<SpApiReport[]> {
    const reports: SpApiReport[] = [];
    let nextToken: string | undefined;
    do {
      const response = await this.#http.send<unknown>({
        operation: 'getReports',
        method: 'GET',
        path: 'reports/2021-06-30/reports',
        // When paging, Amazon accepts nextToken and nothing else.
        query: nextToken
          ? { nextToken }
          : {
              reportTypes: [SETTLEMENT_REPORT_TYPE],
              processingStatuses: ['DONE'],
              createdSince: createdSince.toISOString(),
              pageSize: 100,
            },
      });
      const page = parseWith(reportsPageSchema, response.body, 'getReports answer');
      reports.push(...page.reports);
      nextToken = page.nextToken;
    } while (nextToken);
    return reports;
  }

  /** Downloads a report document: pre-signed URL, gunzipped when Amazon says GZIP, decoded by its charset. */
  async downloadReportDocument(reportDocumentId: string): Promise<string> {
    const response = await this.#http.send<unknown>({
      operation: 'getReportDocument',
      method: 'GET',
      path: `reports/2021-06-30/documents/${encodeURIComponent(reportDocumentId)}`,
    });
    return this.#download(parseWith(reportDocumentSchema, response.body, 'getReportDocument answer'));
  }

  /**
   * Treats an operation's quota as just used up: Amazon's usage plan is per seller, so a process that takes over
   * from another (a new round in another Lambda container) must not start with a full burst of its own.
   */
  assumeQuotaSpent(operation: string): void {
    this.#limiters.for(operation)?.assumeSpent();
  }

  /**
   * patchListingsItem for one marketplace. Offer-only patches (quantity and price) need no product type of their
   * own, so `productType` defaults to PRODUCT; product attributes go with the listing's product type.
   */
  async patchListingsItem(
    sellerId: string,
    sku: string,
    marketplaceId: string,
    patches: readonly ListingPatch[],
    options: SubmitOptions & { readonly productType?: string } = {},
  ): Promise<ListingsSubmission> {
    const response = await this.#http.send<unknown>({
      operation: 'patchListingsItem',
      method: 'PATCH',
      path: listingPath(sellerId, sku),
      query: { marketplaceIds: [marketplaceId], ...previewQuery(options) },
      json: { productType: options.productType ?? OFFER_ONLY_PRODUCT_TYPE, patches },
      // Absolute values: sending the same patch again changes nothing.
      idempotent: true,
    });
    return parseWith(listingsSubmissionSchema, response.body, 'patchListingsItem answer');
  }

  /** getListingsItem in one marketplace, or undefined when Amazon has no such SKU there (404). */
  async getListingsItem(
    sellerId: string,
    sku: string,
    marketplaceId: string,
    includedData: readonly string[] = ['summaries', 'issues'],
  ): Promise<ListingsItem | undefined> {
    const response = await this.#http.send<unknown>({
      operation: 'getListingsItem',
      method: 'GET',
      path: listingPath(sellerId, sku),
      query: { marketplaceIds: [marketplaceId], includedData: [includedData.join(',')] },
      accept: [404],
    });
    if (response.status === 404) return undefined;
    return parseWith(listingsItemSchema, response.body, 'getListingsItem answer');
  }

  /** putListingsItem: creates the listing or replaces it whole. The same body again changes nothing. */
  async putListingsItem(
    sellerId: string,
    sku: string,
    marketplaceId: string,
    body: ListingsItemBody,
    options: SubmitOptions = {},
  ): Promise<ListingsSubmission> {
    const response = await this.#http.send<unknown>({
      operation: 'putListingsItem',
      method: 'PUT',
      path: listingPath(sellerId, sku),
      query: { marketplaceIds: [marketplaceId], ...previewQuery(options) },
      json: body,
      idempotent: true,
    });
    return parseWith(listingsSubmissionSchema, response.body, 'putListingsItem answer');
  }

  /** deleteListingsItem in one marketplace; deleting a SKU Amazon no longer has (404) counts as done. */
  async deleteListingsItem(sellerId: string, sku: string, marketplaceId: string): Promise<void> {
    await this.#http.send<unknown>({
      operation: 'deleteListingsItem',
      method: 'DELETE',
      path: listingPath(sellerId, sku),
      query: { marketplaceIds: [marketplaceId] },
      accept: [404],
      idempotent: true,
    });
  }

  /**
   * The JSON Schema of a product type's listing attributes (getDefinitionsProductType, then the linked document),
   * keyed by product type, requirements and Amazon's checksum, so a cache holds each version once.
   */
  async productTypeSchema(
    sellerId: string,
    productType: string,
    marketplaceId: string,
    requirements: ListingsItemBody['requirements'],
  ): Promise<{ key: string; schema: Record<string, unknown> }> {
    const response = await this.#http.send<unknown>({
      operation: 'getDefinitionsProductType',
      method: 'GET',
      path: `definitions/2020-09-01/productTypes/${encodeURIComponent(productType)}`,
      query: {
        marketplaceIds: [marketplaceId],
        sellerId: [sellerId],
        productTypeVersion: ['LATEST'],
        requirements: [requirements],
        requirementsEnforced: ['ENFORCED'],
      },
    });
    const definition = parseWith(productTypeDefinitionSchema, response.body, 'getDefinitionsProductType answer');
    const text = await this.#download({ url: definition.schema.link.resource });
    const schema = parseWith(z.record(z.string(), z.unknown()), JSON.parse(text), `${productType} schema`);
    return { key: `${productType}|${requirements}|${definition.schema.checksum}`, schema };
  }

  /** Uploads a JSON_LISTINGS_FEED document and creates the feed: createFeedDocument, the upload, createFeed. */
  async submitListingsFeed(marketplaceId: string, document: unknown): Promise<string> {
    const contentType = 'application/json; charset=UTF-8';
    const created = await this.#http.send<unknown>({
      operation: 'createFeedDocument',
      method: 'POST',
      path: 'feeds/2021-06-30/documents',
      json: { contentType },
    });
    const target = parseWith(feedDocumentSchema, created.body, 'createFeedDocument answer');
    await this.#http.send({
      operation: 'uploadFeedDocument',
      method: 'PUT',
      path: target.url,
      text: JSON.stringify(document),
      headers: { 'content-type': contentType },
      anonymous: true,
      raw: true,
      idempotent: true,
    });
    const feed = await this.#http.send<unknown>({
      operation: 'createFeed',
      method: 'POST',
      path: 'feeds/2021-06-30/feeds',
      json: {
        feedType: LISTINGS_FEED_TYPE,
        marketplaceIds: [marketplaceId],
        inputFeedDocumentId: target.feedDocumentId,
      },
    });
    return parseWith(z.looseObject({ feedId: z.string() }), feed.body, 'createFeed answer').feedId;
  }

  /** getFeed. */
  async getFeed(feedId: string): Promise<FeedState> {
    const response = await this.#http.send<unknown>({
      operation: 'getFeed',
      method: 'GET',
      path: `feeds/2021-06-30/feeds/${encodeURIComponent(feedId)}`,
    });
    return parseWith(feedSchema, response.body, 'getFeed answer');
  }

  /** The issues of a finished feed's processing report (getFeedDocument, then the download). */
  async feedIssues(resultFeedDocumentId: string): Promise<FeedIssue[]> {
    const response = await this.#http.send<unknown>({
      operation: 'getFeedDocument',
      method: 'GET',
      path: `feeds/2021-06-30/documents/${encodeURIComponent(resultFeedDocumentId)}`,
    });
    const text = await this.#download(parseWith(feedResultSchema, response.body, 'getFeedDocument answer'));
    return parseWith(processingReportSchema, JSON.parse(text), 'feed processing report').issues;
  }

  /** createRestrictedDataToken for one resource: the token that releases its PII, valid for an hour. */
  async #restrictedDataToken(resource: {
    method: 'GET';
    path: string;
    dataElements: readonly string[];
  }): Promise<string> {
    const response = await this.#http.send<unknown>({
      operation: 'createRestrictedDataToken',
      method: 'POST',
      path: 'tokens/2021-03-01/restrictedDataToken',
      json: { restrictedResources: [resource] },
      // A second token for the same resource is harmless.
      idempotent: true,
    });
    return parseWith(restrictedDataTokenSchema, response.body, 'createRestrictedDataToken answer').restrictedDataToken;
  }

  /** Downloads a document: pre-signed URL, gunzipped when Amazon says GZIP, decoded by its charset. */
  async #download(document: { url: string; compressionAlgorithm?: 'GZIP' }): Promise<string> {
    const download = await this.#http.send<Uint8Array>({
      operation: 'downloadDocument',
      method: 'GET',
      path: document.url,
      raw: true,
      anonymous: true,
    });
    if (!(download.body instanceof Uint8Array))
      throw new UpstreamRejectedError('document download was not bytes', download.status);
    return decodeDocument(
      download.body,
      download.headers.get('content-type'),
      document.compressionAlgorithm === 'GZIP',
    );
  }
}
