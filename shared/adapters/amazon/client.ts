import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { type AuthProvider, HttpClient, type RetryPolicy } from '../../http/client';
import { RateLimiters, type RatePlan } from '../../http/rate-limiter';
import type { Clock } from '../../runtime/clock';
import { systemClock } from '../../runtime/clock';
import { UpstreamRejectedError } from '../../runtime/errors';
import { parseWith } from '../../runtime/validation';

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
  patchListingsItem: { rate: 5, burst: 5 },
  putListingsItem: { rate: 5, burst: 10 },
  createFeedDocument: { rate: 0.5, burst: 15 },
  createFeed: { rate: 0.0083, burst: 15 },
  getFeed: { rate: 2, burst: 15 },
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
 * bucket per operation at Amazon's usage plan, and the report calls the settlement loop needs.
 */
export class SpApiClient {
  readonly #http: HttpClient;

  constructor(options: SpApiClientOptions) {
    const clock = options.clock ?? systemClock;
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
      limiters: new RateLimiters(SP_API_RATE_PLANS, clock),
      rateLimitHeader: 'x-amzn-ratelimit-limit',
    });
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
    const document = parseWith(reportDocumentSchema, response.body, 'getReportDocument answer');
    const download = await this.#http.send<Uint8Array>({
      operation: 'downloadDocument',
      method: 'GET',
      path: document.url,
      raw: true,
      anonymous: true,
    });
    if (!(download.body instanceof Uint8Array))
      throw new UpstreamRejectedError('report document download was not bytes', download.status);
    return decodeDocument(
      download.body,
      download.headers.get('content-type'),
      document.compressionAlgorithm === 'GZIP',
    );
  }
}
