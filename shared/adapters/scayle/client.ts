import { z } from 'zod';
import { HttpClient, type RetryPolicy } from '../../http/client';
import { RateLimiters, type RatePlan } from '../../http/rate-limiter';
import type { CommerceGateway } from '../../ports';
import type { Clock } from '../../runtime/clock';
import { parseWith } from '../../runtime/validation';
import { type ScayleOrder, scayleOrderSchema } from '../../schemas/scayle';

/** The Admin API key (secret `scayle-api`). */
export const scayleCredentialsSchema = z.object({ accessToken: z.string().min(1) });

/**
 * SCAYLE's published limits are per scope per minute (`x-rateLimit` of the Admin API OpenAPI document). The
 * client spreads them evenly (limit/60 per second) with a modest burst, staying well inside the window.
 */
export const SCAYLE_RATE_PLANS: Readonly<Record<string, RatePlan>> = {
  getOrder: { rate: 1000 / 60, burst: 50 },
  setOrderReference: { rate: 300 / 60, burst: 20 },
};

/** Settings of the SCAYLE client. */
export interface ScayleClientOptions {
  /** `https://{tenant}-{space}.admin.api.scayle.cloud/api/admin/v1` */
  readonly baseUrl: string;
  readonly credentials: () => Promise<z.output<typeof scayleCredentialsSchema>>;
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  readonly clock?: Clock;
}

const id = (value: string | number) => encodeURIComponent(String(value));

/** The SCAYLE Admin API client behind the `CommerceGateway` port (`X-Access-Token` auth). */
export class ScayleClient implements CommerceGateway {
  readonly #http: HttpClient;

  constructor(options: ScayleClientOptions) {
    this.#http = new HttpClient({
      peer: 'SCAYLE',
      baseUrl: options.baseUrl,
      timeoutMs: options.timeoutMs ?? 8_000,
      retry: options.retry,
      clock: options.clock,
      limiters: new RateLimiters(SCAYLE_RATE_PLANS, options.clock),
      auth: { headers: async () => ({ 'x-access-token': (await options.credentials()).accessToken }) },
    });
  }

  async getOrder(shopKey: string, countryCode: string, orderId: string): Promise<ScayleOrder> {
    const response = await this.#http.send<unknown>({
      operation: 'getOrder',
      method: 'GET',
      path: `shops/${id(shopKey)}/countries/${id(countryCode)}/orders/${id(orderId)}`,
    });
    return parseWith(scayleOrderSchema, response.body, 'SCAYLE order');
  }

  async setOrderReference(shopKey: string, countryCode: string, orderId: string, referenceKey: string): Promise<void> {
    await this.#http.send({
      operation: 'setOrderReference',
      method: 'PUT',
      path: `shops/${id(shopKey)}/countries/${id(countryCode)}/orders/${id(orderId)}/reference-key`,
      json: { referenceKey },
    });
  }
}
