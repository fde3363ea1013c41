import { z } from 'zod';
import { HttpClient } from '../../http/client';
import { parseWith } from '../../runtime/validation';
import type { lwaCredentialsSchema } from './client';

const tokenSchema = z.looseObject({ access_token: z.string().min(1) });
const participationsSchema = z.looseObject({
  payload: z.array(
    z.looseObject({
      marketplace: z.looseObject({ id: z.string(), countryCode: z.string().optional() }),
      participation: z.looseObject({ isParticipating: z.boolean(), hasSuspendedListings: z.boolean().optional() }),
    }),
  ),
});
const subscriptionSchema = z.looseObject({
  payload: z.looseObject({
    subscriptionId: z.string(),
    destinationId: z.string(),
    processingDirective: z
      .looseObject({
        eventFilter: z
          .looseObject({
            marketplaceIds: z.array(z.string()).nullish(),
            orderChangeTypes: z.array(z.string()).nullish(),
          })
          .nullish(),
      })
      .nullish(),
  }),
});

/** Where ORDER_CHANGE goes and what its event filter lets through (absent: everything). */
export interface OrderChangeSubscription {
  readonly subscriptionId: string;
  readonly sqsArn?: string;
  readonly marketplaceIds?: readonly string[];
  readonly orderChangeTypes?: readonly string[];
}
const destinationsSchema = z.looseObject({
  payload: z.array(
    z.looseObject({
      destinationId: z.string(),
      name: z.string().optional(),
      resource: z.looseObject({ sqs: z.looseObject({ arn: z.string() }).optional() }).optional(),
    }),
  ),
});

/** How the seller id answered a listings search: accepted, or refused with Amazon's status. */
export type SellerIdCheck = { readonly accepted: true } | { readonly accepted: false; readonly status: number };

/**
 * Reads a seller's SP-API setup for `hub doctor`: LWA, marketplace participations (Sellers API), whether the
 * configured seller id is the authorising seller (a one-item listings search), and where ORDER_CHANGE notifications
 * go (Notifications API: getSubscription with the seller's token, getDestinations grantless) [V sellers.json,
 * notifications.json, listingsItems_2021-08-01.json]. Read-only.
 */
export class AmazonSetupReader {
  readonly #http: HttpClient;

  constructor(
    private readonly options: {
      readonly endpoint: string;
      readonly tokenUrl: string;
      readonly credentials: () => Promise<z.output<typeof lwaCredentialsSchema>>;
    },
  ) {
    this.#http = new HttpClient({
      peer: 'SP-API',
      baseUrl: options.endpoint,
      timeoutMs: 10_000,
      retry: { maxAttempts: 2, baseDelayMs: 500, maxDelayMs: 2_000, maxRetryAfterMs: 10_000 },
    });
  }

  /** An access token: the seller's (refresh token) or the app's grantless one for the notifications scope. */
  async token(kind: 'seller' | 'grantless' = 'seller'): Promise<string> {
    const { clientId, clientSecret, refreshToken } = await this.options.credentials();
    const form: Record<string, string> =
      kind === 'seller'
        ? { grant_type: 'refresh_token', refresh_token: refreshToken }
        : { grant_type: 'client_credentials', scope: 'sellingpartnerapi::notifications' };
    const response = await this.#http.send<unknown>({
      operation: 'lwaToken',
      method: 'POST',
      path: this.options.tokenUrl,
      form: { ...form, client_id: clientId, client_secret: clientSecret },
      anonymous: true,
      idempotent: true,
    });
    return parseWith(tokenSchema, response.body, 'LWA token').access_token;
  }

  /** The marketplaces the seller participates in (`isParticipating`), by id. */
  async participations(): Promise<{ id: string; suspendedListings: boolean }[]> {
    const body = await this.#get('getMarketplaceParticipations', 'sellers/v1/marketplaceParticipations');
    return parseWith(participationsSchema, body, 'marketplace participations')
      .payload.filter((p) => p.participation.isParticipating)
      .map((p) => ({ id: p.marketplace.id, suspendedListings: p.participation.hasSuspendedListings ?? false }));
  }

  /** Whether Amazon takes `sellerId` as the seller the refresh token was granted by (a one-item listings search). */
  async checkSellerId(sellerId: string, marketplaceId: string): Promise<SellerIdCheck> {
    const response = await this.#http.send<unknown>({
      operation: 'searchListingsItems',
      method: 'GET',
      path: `listings/2021-08-01/items/${encodeURIComponent(sellerId)}`,
      query: { marketplaceIds: marketplaceId, pageSize: 1 },
      headers: { 'x-amz-access-token': await this.token() },
      anonymous: true,
      accept: [400, 403, 404],
    });
    return response.status < 300 ? { accepted: true } : { accepted: false, status: response.status };
  }

  /**
   * The ORDER_CHANGE subscription: the SQS queue it delivers to and its event filter; undefined when there is none
   * (404).
   */
  async orderChangeSubscription(): Promise<OrderChangeSubscription | undefined> {
    const response = await this.#http.send<unknown>({
      operation: 'getSubscription',
      method: 'GET',
      path: 'notifications/v1/subscriptions/ORDER_CHANGE',
      headers: { 'x-amz-access-token': await this.token() },
      anonymous: true,
      accept: [404],
    });
    if (response.status === 404) return undefined;
    const { subscriptionId, destinationId, processingDirective } = parseWith(
      subscriptionSchema,
      response.body,
      'ORDER_CHANGE subscription',
    ).payload;
    const filter = processingDirective?.eventFilter;
    const destinations = parseWith(
      destinationsSchema,
      await this.#get('getDestinations', 'notifications/v1/destinations', 'grantless'),
      'notification destinations',
    ).payload;
    const sqsArn = destinations.find((d) => d.destinationId === destinationId)?.resource?.sqs?.arn;
    return {
      subscriptionId,
      ...(sqsArn ? { sqsArn } : {}),
      ...(filter?.marketplaceIds ? { marketplaceIds: filter.marketplaceIds } : {}),
      ...(filter?.orderChangeTypes ? { orderChangeTypes: filter.orderChangeTypes } : {}),
    };
  }

  async #get(operation: string, path: string, kind: 'seller' | 'grantless' = 'seller'): Promise<unknown> {
    const response = await this.#http.send<unknown>({
      operation,
      method: 'GET',
      path,
      headers: { 'x-amz-access-token': await this.token(kind) },
      anonymous: true,
    });
    return response.body;
  }
}
