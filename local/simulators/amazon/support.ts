import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { seededRandom } from '../sim-server';
import { ERRORS, PROCESSING_STEP_MS } from './facts';

/** Identifiers drawn from the simulator's seed, so that a demo run can be replayed id for id. */
export class IdSource {
  #random: () => number;

  constructor(private readonly seed: number) {
    this.#random = seededRandom(seed);
  }

  /** Back to the first id of the seed. */
  restart(): void {
    this.#random = seededRandom(this.seed);
  }

  /** `n` decimal digits. */
  digits(n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += Math.floor(this.#random() * 10);
    return out;
  }

  /** `n` lowercase hex digits. */
  hex(n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += Math.floor(this.#random() * 16).toString(16);
    return out;
  }

  /** A version-4-shaped UUID. */
  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
  }

  /** One of `items` (never empty). */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.#random() * items.length)] as T;
  }
}

/** A decimal amount as SP-API writes it in requests and the control surface, e.g. "19.99". */
export const amountSchema = z.string().regex(/^\d+(\.\d{1,2})?$/, 'expected an amount such as "19.99"');

/** "19.9" -> 1990 minor units. */
export const toMinor = (amount: string): number => {
  const [whole = '0', fraction = ''] = amount.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
};

/** 1990 -> "19.90": SP-API money amounts are decimal strings. */
export const toAmount = (minor: number): string => {
  const abs = Math.abs(minor);
  return `${minor < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
};

/** Orders API v0 Money. */
export const money = (currency: string, minor: number) => ({ CurrencyCode: currency, Amount: toAmount(minor) });

/** The tax in `minor`: the VAT share of a gross amount, or tax on top of a net one. */
export const taxOf = (minor: number, rate: number, pricesIncludeTax: boolean): number =>
  Math.round(pricesIncludeTax ? (minor * rate) / (100 + rate) : (minor * rate) / 100);

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** An ISO-8601 date or date-time, the only date format SP-API accepts. */
export const isoDateSchema = z
  .string()
  .refine((value) => ISO_8601.test(value) && !Number.isNaN(Date.parse(value)), 'expected an ISO-8601 date-time');

/** Epoch milliseconds as the Orders API writes dates: whole seconds, UTC. */
export const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Epoch milliseconds as the 2021 APIs and notifications write dates. */
export const isoMillis = (ms: number): string => new Date(ms).toISOString();

/** The issues of a failed parse in one line, naming the fields. */
export const describeIssues = (error: z.ZodError): string =>
  error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ');

/** An SP-API error answer: `{errors:[{code, message, details?}]}`. */
export const spApiError = (c: Context, status: number, code: string, message: string, details?: string): Response =>
  c.json(
    { errors: [{ code, message, ...(details === undefined ? {} : { details }) }] },
    status as ContentfulStatusCode,
  );

/** 400 InvalidInput with what was wrong. */
export const invalidInput = (c: Context, message: string): Response => spApiError(c, 400, ERRORS.invalidInput, message);

/** The JSON body, or undefined when it is not JSON. */
export const readJson = (c: Context): Promise<unknown> => c.req.json().catch(() => undefined);

/**
 * A list-valued query parameter: SP-API sends them comma-separated (`MarketplaceIds=A,B`), some clients repeat the
 * key instead; both are read.
 */
export const queryList = (c: Context, key: string): string[] | undefined => {
  const values = c.req.queries(key);
  if (!values) return undefined;
  return values.flatMap((value) => value.split(',')).filter((value) => value !== '');
};

/** Where a feed or report is in Amazon's processing. */
export type ProcessingStatus = 'IN_QUEUE' | 'IN_PROGRESS' | 'DONE' | 'CANCELLED' | 'FATAL';

/** A feed or report while Amazon works on it. */
export interface QueuedJob {
  processingStatus: ProcessingStatus;
  readonly createdAt: number;
  processingStartTime?: number;
}

/**
 * Moves a queued feed or report along: a step per PROCESSING_STEP_MS, and one more when it is `polled`, so that a
 * poller sees IN_PROGRESS and then the end without waiting. True when the job has just reached its end: the
 * caller then finishes it (DONE, FATAL, CANCELLED).
 */
export const stepJob = (job: QueuedJob, now: number, polled: boolean): boolean => {
  if (job.processingStatus !== 'IN_QUEUE' && job.processingStatus !== 'IN_PROGRESS') return false;
  const current = job.processingStatus === 'IN_QUEUE' ? 0 : 1;
  const byTime = Math.floor((now - job.createdAt) / PROCESSING_STEP_MS);
  const target = Math.min(2, Math.max(byTime, current + (polled ? 1 : 0)));
  if (target >= 1 && job.processingStatus === 'IN_QUEUE') {
    job.processingStatus = 'IN_PROGRESS';
    job.processingStartTime = now;
  }
  return target === 2;
};
