import { type Clock, systemClock } from '../runtime/clock';
import { ThrottledError, TimeoutError, UpstreamError, UpstreamRejectedError } from '../runtime/errors';
import type { RateLimiters } from './rate-limiter';

/** How often and how patiently a call is repeated. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** First back-off; doubled each attempt, then a random share of it is taken ("full jitter"). */
  readonly baseDelayMs: number;
  /** Upper bound of one back-off. */
  readonly maxDelayMs: number;
  /** A `Retry-After` longer than this is not waited out in-process: the error goes to the queue to retry later. */
  readonly maxRetryAfterMs: number;
}

/** Defaults suited to a Lambda with a 30 s timeout. */
export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 10_000,
};

/** Supplies authentication headers; `invalidate` is called once on a 401 so a fresh token is minted. */
export interface AuthProvider {
  headers(): Promise<Record<string, string>>;
  invalidate?(): void;
}

/** Settings of one peer's client. */
export interface HttpClientOptions {
  /** Peer name used in error messages and logs, e.g. `OrderWise`. */
  readonly peer: string;
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly retry?: RetryPolicy;
  readonly auth?: AuthProvider;
  readonly headers?: Record<string, string>;
  /** Usage plans per operation; a call waits for its operation's token before it is sent. */
  readonly limiters?: RateLimiters;
  /** Name of a response header that tells the rate applied to this operation (SP-API: `x-amzn-RateLimit-Limit`). */
  readonly rateLimitHeader?: string;
  /** The part of the rate that header names this client may use (its share of a plan split between callers). */
  readonly rateLimitShare?: number;
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly fetch?: typeof fetch;
}

/** One call. `operation` names the peer's operation (rate limits, logs); `path` is relative to the base URL. */
export interface HttpRequest {
  readonly operation: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly query?: Record<string, string | number | boolean | readonly string[] | undefined>;
  /** Sent as JSON. */
  readonly json?: unknown;
  /** Sent as `application/x-www-form-urlencoded`. */
  readonly form?: Record<string, string>;
  /** Sent as it is, with the `content-type` of `headers` (an upload to a pre-signed URL). */
  readonly text?: string;
  readonly headers?: Record<string, string>;
  /**
   * Whether the call may be repeated after the peer may have acted on it (timeout, 5xx). Defaults to true for
   * GET, PUT and DELETE and false for POST and PATCH: a create is never blindly resent; the queue retries it
   * and the use case looks the record up first. A 429 is always retried: the peer did nothing.
   */
  readonly idempotent?: boolean;
  /** Statuses that are answers, not failures (e.g. 404 on a look-up). 2xx always are. */
  readonly accept?: readonly number[];
  /** Returns the body as bytes (a download), not parsed. */
  readonly raw?: boolean;
  /** Sends no authentication (a pre-signed URL carries its own). */
  readonly anonymous?: boolean;
}

/** A peer's answer: parsed JSON when it sent JSON, else the text. */
export interface HttpResponse<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

const retryableStatus = (status: number): boolean => status === 429 || status >= 500;

/** Parses `Retry-After` (seconds or an HTTP date) into milliseconds from now. */
export const parseRetryAfter = (value: string | null, now: number): number | undefined => {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
};

/**
 * The base of the SCAYLE, OrderWise and SP-API clients: every call has a timeout, waits for its operation's
 * rate-limit token, and is retried a bounded number of times with jittered exponential back-off on 429, 5xx,
 * timeouts and connection errors, honouring `Retry-After`. Failures surface as the hub's named errors:
 * `ThrottledError`, `TimeoutError`, `UpstreamError` (retryable) or `UpstreamRejectedError` (permanent 4xx).
 */
export class HttpClient {
  readonly #retry: RetryPolicy;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #fetch: typeof fetch;

  constructor(private readonly options: HttpClientOptions) {
    this.#retry = options.retry ?? defaultRetryPolicy;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#fetch = options.fetch ?? globalThis.fetch;
  }

  /** Sends the request, retrying as the policy allows; resolves with the first accepted answer. */
  async send<T = unknown>(request: HttpRequest): Promise<HttpResponse<T>> {
    const idempotent = request.idempotent ?? !['POST', 'PATCH'].includes(request.method);
    let reauthenticated = false;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.#attempt<T>(request);
      if ('response' in outcome) return outcome.response;
      const { error, status } = outcome;
      if (status === 401 && this.options.auth?.invalidate && !reauthenticated) {
        this.options.auth.invalidate();
        reauthenticated = true;
        attempt--;
        continue;
      }
      const mayRetry = error instanceof ThrottledError || (idempotent && !(error instanceof UpstreamRejectedError));
      if (!mayRetry || attempt >= this.#retry.maxAttempts) throw error;
      const backoff = this.#backoff(attempt);
      const hinted = error instanceof ThrottledError ? error.retryAfterMs : undefined;
      if (hinted !== undefined && hinted > this.#retry.maxRetryAfterMs) throw error;
      await this.#clock.sleep(Math.max(backoff, hinted ?? 0));
    }
  }

  #backoff(attempt: number): number {
    const ceiling = Math.min(this.#retry.maxDelayMs, this.#retry.baseDelayMs * 2 ** (attempt - 1));
    return Math.floor(this.#random() * ceiling);
  }

  async #attempt<T>(request: HttpRequest): Promise<{ response: HttpResponse<T> } | { error: Error; status?: number }> {
    const { peer } = this.options;
    const bucket = this.options.limiters?.for(request.operation);
    await bucket?.acquire();
    const url = this.#url(request);
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...this.options.headers,
      ...(request.anonymous ? {} : await this.options.auth?.headers()),
      ...request.headers,
    };
    let body: string | undefined;
    if (request.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.json);
    } else if (request.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
      body = new URLSearchParams(request.form).toString();
    } else if (request.text !== undefined) {
      body = request.text;
    }
    let res: Response;
    let payload: unknown;
    try {
      res = await this.#fetch(url, {
        method: request.method,
        headers,
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      if (request.raw) payload = new Uint8Array(await res.arrayBuffer());
      else {
        const text = await res.text();
        const isJson = (res.headers.get('content-type') ?? '').includes('json');
        payload = isJson && text.length > 0 ? JSON.parse(text) : text;
      }
    } catch (cause) {
      const name = (cause as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        return { error: new TimeoutError(`${peer} ${request.operation} timed out after ${this.options.timeoutMs} ms`) };
      }
      return {
        error: new UpstreamError(`${peer} ${request.operation} failed: ${(cause as Error).message}`, undefined, {
          cause,
        }),
      };
    }
    const applied = this.options.rateLimitHeader ? Number(res.headers.get(this.options.rateLimitHeader)) : Number.NaN;
    if (bucket && Number.isFinite(applied) && applied > 0) bucket.setRate(applied * (this.options.rateLimitShare ?? 1));
    if ((res.status >= 200 && res.status < 300) || request.accept?.includes(res.status)) {
      return { response: { status: res.status, headers: res.headers, body: payload as T } };
    }
    const what = `${peer} ${request.operation} answered ${res.status}`;
    if (res.status === 429) {
      return {
        error: new ThrottledError(what, parseRetryAfter(res.headers.get('retry-after'), this.#clock.now())),
        status: 429,
      };
    }
    if (retryableStatus(res.status)) return { error: new UpstreamError(what, res.status), status: res.status };
    return {
      // The body kept on the error is reduced too: loggers copy an error's fields into the line.
      error: new UpstreamRejectedError(`${what}: ${summarise(payload)}`, res.status, reduced(payload)),
      status: res.status,
    };
  }

  #url(request: HttpRequest): string {
    const url = new URL(
      request.path.replace(/^\//, ''),
      this.options.baseUrl.endsWith('/') ? this.options.baseUrl : `${this.options.baseUrl}/`,
    );
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value === undefined) continue;
      if (Array.isArray(value)) url.searchParams.set(key, value.join(','));
      else url.searchParams.set(key, String(value));
    }
    return url.toString();
  }
}

/** Keys of a peer's error body that say what went wrong, and nothing about whom (SP-API, SCAYLE, OrderWise). */
const ERROR_KEYS = new Set(['error', 'errors', 'code', 'errorKey', 'errorCode', 'message', 'field']);

/** Only the codes and messages of an error body, however deep: what is stored and logged of a peer's refusal. */
const codesAndMessages = (value: unknown, depth = 0): unknown => {
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.slice(0, 5).map((item) => codesAndMessages(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => ERROR_KEYS.has(key))
      .map(([key, item]) => [key, codesAndMessages(item, depth + 1)]),
  );
};

/** A refusal's body as an error keeps it: JSON reduced to its codes and messages, text as it came. */
const reduced = (payload: unknown): unknown => (typeof payload === 'string' ? payload : codesAndMessages(payload));

/**
 * A refusal's body as its error message carries it into logs and the failures table: a JSON body reduced to its
 * codes and messages (a peer may echo the order it refused, names and addresses included), text cut short.
 */
export const summarise = (payload: unknown): string => {
  const text = typeof payload === 'string' ? payload : JSON.stringify(codesAndMessages(payload));
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
};
