import { z } from 'zod';
import { HttpClient } from '../../http/client';
import type { Clock } from '../../runtime/clock';
import { parseWith } from '../../runtime/validation';
import type { scayleCredentialsSchema } from './client';

const pageSchema = z.looseObject({
  entities: z.array(z.unknown()),
  cursor: z.looseObject({ next: z.union([z.string(), z.number()]).nullish() }).nullish(),
});

const shopCountrySchema = z.looseObject({ id: z.number().int(), countryCode: z.string() });
const subscriptionSchema = z.looseObject({
  id: z.union([z.number(), z.string()]),
  event: z.string(),
  url: z.string(),
  version: z.number().nullish(),
  /** [V SDK `WebhookSubscription`, fixture] `[{merchantReferenceKeys: {include | exclude}}]`. */
  filters: z
    .array(
      z.looseObject({
        merchantReferenceKeys: z
          .looseObject({ include: z.array(z.string()).nullish(), exclude: z.array(z.string()).nullish() })
          .nullish(),
      }),
    )
    .nullish(),
});
const carrierSchema = z.looseObject({ id: z.number().int(), key: z.string() });

/** A webhook subscription as SCAYLE lists it [V SDK `WebhookSubscription`]: the URL's credentials are masked. */
export type ScayleWebhookSubscription = z.output<typeof subscriptionSchema>;

/**
 * Reads a SCAYLE tenant's setup for `hub doctor`: shop countries, webhook subscriptions, carriers and recent
 * orders, each through the Admin API [V reference §1.3, §1.4, §1.7]. Read-only; a handful of calls, so no limiter.
 */
export class ScayleSetupReader {
  readonly #http: HttpClient;

  constructor(options: {
    readonly baseUrl: string;
    readonly credentials: () => Promise<z.output<typeof scayleCredentialsSchema>>;
    readonly clock?: Clock;
  }) {
    this.#http = new HttpClient({
      peer: 'SCAYLE',
      baseUrl: options.baseUrl,
      timeoutMs: 8_000,
      clock: options.clock,
      retry: { maxAttempts: 2, baseDelayMs: 200, maxDelayMs: 1_000, maxRetryAfterMs: 5_000 },
      auth: { headers: async () => ({ 'x-access-token': (await options.credentials()).accessToken }) },
    });
  }

  /** The countries of a shop, or undefined when SCAYLE knows no such shop (404). */
  async shopCountries(shopKey: string): Promise<z.output<typeof shopCountrySchema>[] | undefined> {
    const response = await this.#http.send<unknown>({
      operation: 'listShopCountries',
      method: 'GET',
      path: `shops/${encodeURIComponent(shopKey)}/countries`,
      accept: [404],
    });
    if (response.status === 404) return undefined;
    return parseWith(z.looseObject({ entities: z.array(shopCountrySchema) }), response.body, 'SCAYLE shop countries')
      .entities;
  }

  /** Every webhook subscription of the tenant, all pages. */
  async webhookSubscriptions(): Promise<ScayleWebhookSubscription[]> {
    return this.#all('listWebhookSubscriptions', 'webhooks/subscriptions', subscriptionSchema);
  }

  /** Every carrier of the tenant, all pages. */
  async carriers(): Promise<z.output<typeof carrierSchema>[]> {
    return this.#all('listCarriers', 'carriers', carrierSchema);
  }

  /**
   * The first page of a shop country's orders, as SCAYLE answers them (unparsed, for the doctor to parse), narrowed
   * by `filters` as the hub narrows them (`filters[publicKey]` before an external order create, the sweep's time
   * filter).
   */
  async recentOrders(
    shopKey: string,
    countryCode: string,
    limit = 5,
    filters: Readonly<Record<string, string>> = {},
  ): Promise<unknown[]> {
    const response = await this.#http.send<unknown>({
      operation: 'listOrders',
      method: 'GET',
      path: `shops/${encodeURIComponent(shopKey)}/countries/${encodeURIComponent(countryCode)}/orders`,
      query: { limit, ...filters },
    });
    return parseWith(pageSchema, response.body, 'SCAYLE order list').entities;
  }

  async #all<T extends z.ZodType>(operation: string, path: string, schema: T): Promise<z.output<T>[]> {
    const all: z.output<T>[] = [];
    for (let cursor: string | undefined, pages = 0; pages < 100; pages++) {
      const response = await this.#http.send<unknown>({
        operation,
        method: 'GET',
        path,
        query: { limit: 100, ...(cursor ? { cursor } : {}) },
      });
      const page = parseWith(pageSchema, response.body, `SCAYLE ${operation}`);
      all.push(...parseWith(z.array(schema), page.entities, `SCAYLE ${operation}`));
      const next = page.cursor?.next;
      if (next === null || next === undefined || next === '') break;
      cursor = String(next);
    }
    return all;
  }
}
